"""The middle floor: settings, trainers and their bounded records.

``config`` (the playground's knobs), ``recurrent_trainer`` (the lab's settings and trainer),
``trainer`` (the playground's trainer) and ``history`` sit between the engine and data below
and the pictures and pages above. Nothing here imports streamlit or plotly.
"""
