"""Neural networks made of scalar nodes: neurons, layers, MLPs, the layer table, losses, SGD, fit.

Every weight is an ``sg.Param`` with a unique name, every layer a ``sg.group``,
so a diagram of a small network clusters by layer and names each weight.

>>> import scalargraph as sg
>>> model = sg.nn.MLP(2, [3, 1], rng=0)
>>> [p.name for p in model.parameters()][:4]
['L1.n1.w1', 'L1.n1.w2', 'L1.n1.b', 'L1.n2.w1']
>>> out = model([0.5, -1.0])
>>> out.group.name, len(model.parameters())
('L2', 13)
"""

from .blocks import CrossEntropy, Linear, Mean, Sigmoid, Softmax, sanity_checks
from .losses import hinge, mse, softmax_cross_entropy
from .modules import MLP, Layer, Module, Neuron, as_inputs
from .train import SGD, ProgressBar, fit

__all__ = [
    "MLP",
    "SGD",
    "CrossEntropy",
    "Layer",
    "Linear",
    "Mean",
    "Module",
    "Neuron",
    "ProgressBar",
    "Sigmoid",
    "Softmax",
    "as_inputs",
    "fit",
    "hinge",
    "mse",
    "sanity_checks",
    "softmax_cross_entropy",
]
