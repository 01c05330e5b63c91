"""Benchmarks of accuracy: estimates and stops, against the fake car."""
