"""Test-wide settings."""
import os

# scikit-learn's estimator checks include array-API checks that only run when SciPy's
# array-API support is switched on, which must happen before SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
