"""Benchmarks: they measure and print tables; tests never assert on their timings."""
