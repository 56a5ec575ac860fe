"""Pure functions from a trained model (``viz.model.TrainedModel``) or a history to Plotly
figures (no streamlit here)."""
