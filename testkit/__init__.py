"""Helpers for the tests and benchmarks (not part of the app): a local server and a browser."""
