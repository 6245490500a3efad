"""The classic layer table as groups of scalar nodes: Linear, Sigmoid, Softmax, CrossEntropy, Mean.

Each block maps a vector (a list of nodes, each a float or a batch of samples)
to a vector or, for the losses, to one node; each call is one ``sg.group``
named after the block, so a diagram shows the table's layers as boxes.

| block        | forward                          | local derivative                      |
|--------------|----------------------------------|---------------------------------------|
| Linear       | y_j = Σ_i W_ji x_i + b_j         | ∂y_j/∂x_i = W_ji, ∂y_j/∂W_ji = x_i    |
| Sigmoid      | y_i = σ(x_i)                     | ∂y_i/∂x_i = y_i (1 − y_i)             |
| Softmax      | y_i = e^{x_i} / Σ_j e^{x_j}      | ∂y_i/∂x_j = y_i ([i = j] − y_j)       |
| CrossEntropy | L = −Σ_i t_i log p_i             | ∂L/∂p_i = −t_i / p_i                  |
| Mean         | L = (1/N) Σ_n L_n                | ∂L/∂L_n = 1/N                         |

The derivatives are not written here: they follow from the op table through the
graph (the tests check them against central differences and these formulas).

>>> import scalargraph as sg
>>> p = Softmax()([sg.Node(0.0), sg.Node(0.0)])
>>> [q.value for q in p], p[0].group.name
([0.5, 0.5], 'Softmax')
>>> round(CrossEntropy()(p, 1).value, 6)
0.693147
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...checks.gradcheck import GradcheckResult, gradcheck
from ...core import functions
from ...core.node import Node, Param, group
from ...errors import InputError
from .losses import _pick, average
from .modules import Module, as_inputs, make_rng

__all__ = ["CrossEntropy", "Linear", "Mean", "Sigmoid", "Softmax", "sanity_checks"]


class Linear(Module):
    """y = W x + b with ``W`` (nout × nin) and ``b`` as Params ``<name>.W1_1 ...``, ``<name>.b1 ...``."""

    def __init__(self, nin: int, nout: int, name: str = "Linear",
                 rng: np.random.Generator | int | None = None) -> None:
        if nin < 1 or nout < 1:
            raise InputError(f"Linear needs nin >= 1 and nout >= 1, got {nin} and {nout}")
        generator = make_rng(rng)
        scale = (3.0 / nin) ** 0.5
        self.name = name
        self.W = [[Param(float(generator.uniform(-scale, scale)), name=f"{name}.W{j + 1}_{i + 1}")
                   for i in range(nin)] for j in range(nout)]
        self.b = [Param(0.0, name=f"{name}.b{j + 1}") for j in range(nout)]

    def __call__(self, x: Any) -> list[Node]:
        xs = as_inputs(x, len(self.W[0]))
        with group(self.name):
            out = []
            for row, bj in zip(self.W, self.b):
                total = row[0] * xs[0]
                for w, xi in zip(row[1:], xs[1:]):
                    total = total + w * xi
                out.append(total + bj)
            return out

    def parameters(self) -> list[Node]:
        return [p for row in self.W for p in row] + self.b


class Sigmoid(Module):
    """y_i = σ(x_i), elementwise."""

    def __init__(self, name: str = "Sigmoid") -> None:
        self.name = name

    def __call__(self, x: Sequence[Any]) -> list[Node]:
        xs = as_inputs(x, len(x))
        with group(self.name):
            return [functions.sigmoid(v) for v in xs]


class Softmax(Module):
    """y_i = exp(x_i − m) / Σ_j exp(x_j − m) with m = max_j x_j (so no exp overflows)."""

    def __init__(self, name: str = "Softmax") -> None:
        self.name = name

    def __call__(self, x: Sequence[Any]) -> list[Node]:
        xs = as_inputs(x, len(x))
        with group(self.name):
            top = xs[0]
            for v in xs[1:]:
                top = functions.maximum(top, v)
            exps = [functions.exp(v - top) for v in xs]
            total = exps[0]
            for e in exps[1:]:
                total = total + e
            return [e / total for e in exps]


class CrossEntropy(Module):
    """L = −Σ_i t_i log p_i for probabilities ``p`` and a target: a class index (an int, or
    an int array of labels when ``p`` holds batches), or a sequence of target probabilities
    t_i (floats, batches, or Nodes: leaves such as ``sg.Node(onehot[:, i], name="t1")`` that
    ``Graph.forward`` feeds a new minibatch each step). A class index y means
    t = one-hot(y): L = −log p_y."""

    def __init__(self, name: str = "CrossEntropy") -> None:
        self.name = name

    def __call__(self, p: Sequence[Node], target: Any) -> Node:
        if isinstance(target, Node):
            raise InputError(
                "CrossEntropy: a single Node cannot be the class labels (they pick one p_i per "
                "sample when the loss is built); for minibatches fed as leaves, give the one-hot "
                "targets as one Node per class: [sg.Node(onehot[:, i], name=f't{i}') for i in ...]")
        with group(self.name):
            if _is_labels(p, target):
                return -functions.log(_pick(p, target))
            if len(target) != len(p):
                raise InputError(f"CrossEntropy: {len(p)} probabilities but {len(target)} target values")
            terms = [functions.log(pi) * t for pi, t in zip(p, target) if not _is_zero(t)]
            if not terms:
                raise InputError("CrossEntropy: the target probabilities are all 0")
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            return -total


def _is_labels(p: Sequence[Node], target: Any) -> bool:
    """A class index, or (when ``p`` holds batches) a 1-D int array of labels, one per sample."""
    arr = np.asarray(target)
    if arr.ndim == 0:
        return True
    return p[0].value.__class__ is not float and arr.ndim == 1 and arr.dtype.kind in "iu"


def _is_zero(t: Any) -> bool:
    """A target probability known to be 0 (its term is left out). A Node target (a one-hot
    minibatch fed as a leaf) is never dropped: its value changes with every batch."""
    return not isinstance(t, Node) and np.ndim(t) == 0 and float(t) == 0.0


class Mean(Module):
    """L = (1/N) Σ_n L_n: the mean of a batch node (``sg.mean``) or of a list of per-sample nodes."""

    def __init__(self, name: str = "Mean") -> None:
        self.name = name

    def __call__(self, terms: Node | Sequence[Node]) -> Node:
        with group(self.name):
            return average(terms)


def sanity_checks(seed: int = 0) -> dict[str, GradcheckResult]:
    """``sg.gradcheck`` of each block of the layer table on small random inputs.

    Each block's outputs are combined with random weights into one number, so every
    output's gradient is checked. Returns ``{block name: GradcheckResult}``.

    >>> results = sanity_checks()
    >>> [(name, result.ok) for name, result in results.items()]
    [('Linear', True), ('Sigmoid', True), ('Softmax', True), ('CrossEntropy', True), ('Mean', True)]
    """
    rng = np.random.default_rng(seed)

    def inputs(prefix: str, values: Any) -> list[Node]:
        return [Node(float(v), name=f"{prefix}{i + 1}") for i, v in enumerate(values)]

    def combine(outputs: Sequence[Node]) -> Node:
        total = outputs[0] * float(rng.normal())
        for out in outputs[1:]:
            total = total + out * float(rng.normal())
        return total

    probabilities = rng.uniform(0.1, 1.0, 3)
    return {
        "Linear": gradcheck(combine(Linear(3, 2, rng=rng)(inputs("x", rng.normal(size=3))))),
        "Sigmoid": gradcheck(combine(Sigmoid()(inputs("x", rng.normal(size=3))))),
        "Softmax": gradcheck(combine(Softmax()(inputs("x", rng.normal(size=3))))),
        "CrossEntropy": gradcheck(CrossEntropy()(inputs("p", probabilities / probabilities.sum()),
                                                 [0.2, 0.5, 0.3])),
        "Mean": gradcheck(Mean()(inputs("L", rng.normal(size=4)))),
    }
