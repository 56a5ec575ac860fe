"""The from-scratch numpy engine: networks, activations, losses, optimizers, gradient checks.

numpy only: this package never imports streamlit or plotly, so it can be used in a notebook.
"""
from playground.engine.activations import ACTIVATIONS, get_activation
from playground.engine.explain import StepExplanation, explain_step
from playground.engine.gradcheck import check_network
from playground.engine.losses import LOSSES, OUTPUTS, VALID_LOSSES
from playground.engine.network import INITIALISATIONS, Network
from playground.engine.optimizers import OPTIMIZERS, SGD, Adam, Momentum, RMSProp, make_optimizer
from playground.engine.recurrent import LSTM, RNN

__all__ = [
    "ACTIVATIONS", "INITIALISATIONS", "LOSSES", "OPTIMIZERS", "OUTPUTS", "VALID_LOSSES",
    "Adam", "LSTM", "Momentum", "Network", "RNN", "RMSProp", "SGD", "StepExplanation",
    "check_network", "explain_step", "get_activation", "make_optimizer",
]
