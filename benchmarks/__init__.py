"""Scripts that print what the app and its engine cost (run by hand; not part of the tests)."""
