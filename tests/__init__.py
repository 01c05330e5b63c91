"""Tests of the Renault Connect integration and its fake cloud."""
