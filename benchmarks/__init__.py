"""Benchmarks of renault_connect (run ``benchmarks/run``; see compare.py)."""
