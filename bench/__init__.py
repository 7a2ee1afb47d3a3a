"""Benchmarks anyone can run (`make bench`); see docs/benchmarks.md."""
