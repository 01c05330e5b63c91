"""Tests of the fake Renault cloud, driven by the real renault-api."""
