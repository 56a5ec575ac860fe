"""The engine for a notebook: scikit-learn estimators and the app's model file."""
