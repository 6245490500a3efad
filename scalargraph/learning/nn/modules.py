"""Neuron, Layer and MLP in the style of micrograd, with named parameters and one group per layer.

A neuron computes ``act(w1·x1 + w2·x2 + ... + b)``; each ``wi·xi`` is a node
"multiply by wi" (the weight is attached) and ``+ b`` is "add b".

>>> import scalargraph as sg
>>> n = sg.nn.Neuron(2, activation=None, name="n1", rng=0)
>>> n.w[0].value = 2.0; n.w[1].value = -3.0; n.b.value = -3.0
>>> n([-1.0, -2.0]).value           # the cs231n neuron's dot product
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...core import functions
from ...core.node import Node, Param, group
from ...errors import InputError

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron", "activation_function", "as_inputs", "make_rng"]

#: The activations a neuron can use, by name (None: a linear neuron).
ACTIVATIONS: dict[str, Callable[[Any], Node]] = {
    "relu": functions.relu,
    "tanh": functions.tanh,
    "sigmoid": functions.sigmoid,
}


def make_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A numpy generator from a seed (or the generator itself); None means seed 0 (reproducible)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


def activation_function(name: str | None) -> Callable[[Any], Node] | None:
    """The activation function for ``name`` ("relu", "tanh", "sigmoid", or None for linear).

    >>> activation_function("tanh").__name__
    'tanh'
    >>> activation_function("gelu")
    Traceback (most recent call last):
    ...
    scalargraph.errors.InputError: unknown activation 'gelu'; choose one of: relu, tanh, sigmoid, None
    """
    if name is None:
        return None
    if name not in ACTIVATIONS:
        raise InputError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}, None")
    return ACTIVATIONS[name]


def as_inputs(x: Any, nin: int) -> list[Node]:
    """The ``nin`` input nodes of a model call.

    ``x`` is a sequence with one entry per input (floats, Nodes or numpy batches of
    samples), a 1-D numpy array of ``nin`` numbers (one sample), or a 2-D array of
    shape (samples, nin) whose columns become batches. Nodes are used as they are.

    >>> [n.value for n in as_inputs([1, 2.5], 2)]
    [1.0, 2.5]
    >>> [n.value.tolist() for n in as_inputs(np.array([[1.0, 2.0], [3.0, 4.0]]), 2)]
    [[1.0, 3.0], [2.0, 4.0]]
    """
    if isinstance(x, np.ndarray) and x.ndim == 2:
        columns: Sequence[Any] = [x[:, j] for j in range(x.shape[1])]
    elif isinstance(x, (Sequence, np.ndarray)) and not isinstance(x, str):
        columns = list(x)
    else:
        raise InputError(
            f"a model takes a list with one entry per input (floats, Nodes or numpy batches) "
            f"or a 2-D array (samples, inputs), got {type(x).__name__}"
        )
    if len(columns) != nin:
        hint = " (for a batch of samples pass [xs] or xs.reshape(-1, 1))" if nin == 1 else ""
        raise InputError(f"this model takes {nin} inputs, got {len(columns)}{hint}")
    return [c if isinstance(c, Node) else Node(c) for c in columns]


class Module:
    """Something with parameters: ``parameters()`` and ``zero_grad()``."""

    def parameters(self) -> list[Node]:
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to None ("not computed"). ``backward()``
        recomputes gradients from scratch anyway, so this only clears old numbers."""
        for p in self.parameters():
            p.grad = None


class Neuron(Module):
    """``act(Σ wi·xi + b)``: weights drawn uniformly from ±sqrt(3/nin) (unit variance
    of the sum for unit inputs), bias 0. Parameters are named ``<name>.w1 ...``, ``<name>.b``."""

    def __init__(self, nin: int, activation: str | None = "relu", name: str = "n1",
                 rng: np.random.Generator | int | None = None) -> None:
        if not isinstance(nin, int) or nin < 1:
            raise InputError(f"a neuron needs at least one input, got nin={nin!r}")
        generator = make_rng(rng)
        scale = (3.0 / nin) ** 0.5
        self.name = name
        self.w = [Param(float(generator.uniform(-scale, scale)), name=f"{name}.w{i + 1}") for i in range(nin)]
        self.b = Param(0.0, name=f"{name}.b")
        self.activation = activation
        self._act = activation_function(activation)

    def __call__(self, x: Any) -> Node:
        return self.forward(as_inputs(x, len(self.w)))

    def forward(self, xs: Sequence[Node]) -> Node:
        """The neuron on input nodes that are already checked (what Layer calls)."""
        total = self.w[0] * xs[0]
        for wi, xi in zip(self.w[1:], xs[1:]):
            total = total + wi * xi
        total = total + self.b
        return total if self._act is None else self._act(total)

    def parameters(self) -> list[Node]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({self.name!r}, {len(self.w)} inputs, {self.activation or 'linear'})"


class Layer(Module):
    """``nout`` neurons on the same inputs, drawn as one group ``name``; neurons ``<name>.n1 ...``."""

    def __init__(self, nin: int, nout: int, activation: str | None = "relu", name: str = "L1",
                 rng: np.random.Generator | int | None = None) -> None:
        if not isinstance(nout, int) or nout < 1:
            raise InputError(f"a layer needs at least one neuron, got nout={nout!r}")
        generator = make_rng(rng)
        self.name = name
        self.neurons = [Neuron(nin, activation, f"{name}.n{j + 1}", generator) for j in range(nout)]

    def __call__(self, x: Any) -> list[Node]:
        xs = as_inputs(x, len(self.neurons[0].w))
        with group(self.name):
            return [n.forward(xs) for n in self.neurons]

    def parameters(self) -> list[Node]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return f"Layer({self.name!r}, {len(first.w)} -> {len(self.neurons)}, {first.activation or 'linear'})"


class MLP(Module):
    """Layers ``L1, L2, ...`` of sizes ``nouts``; hidden layers use ``activation``, the last is linear.

    Called on inputs it returns one Node when the last layer has one neuron, else a list.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | None = "relu",
                 rng: np.random.Generator | int | None = None) -> None:
        if not nouts:
            raise InputError("an MLP needs at least one layer: MLP(nin, [sizes...])")
        generator = make_rng(rng)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else None, f"L{i + 1}", generator)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Any) -> Any:
        out: list[Node] = as_inputs(x, len(self.layers[0].neurons[0].w))
        for layer in self.layers:
            out = layer(out)
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Node]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        sizes = [len(self.layers[0].neurons[0].w), *(len(layer.neurons) for layer in self.layers)]
        return f"MLP({' -> '.join(map(str, sizes))}, {len(self.parameters())} parameters)"
