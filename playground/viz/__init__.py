"""Pure functions from trainer state to Plotly figures (no streamlit here)."""
