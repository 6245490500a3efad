"""The worked examples, built exactly as in the notes they come from.

- ``cs231n``: the staged function of the cs231n backprop notes,
  f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²) at x = 3, y = -4.
- ``circuit``: the notes' first circuit, f = (x + y)·z at x = -2, y = 5, z = -4.
- ``neuron``: the notes' 2-D sigmoid neuron, f = σ(w0·x0 + w1·x1 + w2) at
  w = [2, -3, -3], x = [-1, -2].
- ``param``: F[a] = x·a² + a with the parameter a attached to its nodes, x = 4.

>>> ex = cs231n_staged()
>>> ex.output.value, [n.name for n in ex.leaves]
(1.5456448841066441, ['x', 'y'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...core.functions import sigmoid
from ...core.node import Node, Param

__all__ = ["EXAMPLES", "Example", "circuit", "cs231n_staged", "param_attached", "sigmoid_neuron"]


@dataclass
class Example:
    """A named example: its output node and its leaves (inputs and parameters)."""

    name: str
    title: str
    output: Node
    leaves: list[Node] = field(default_factory=list)


def cs231n_staged(x: float = 3.0, y: float = -4.0) -> Example:
    """f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), staged as in the cs231n notes."""
    xn, yn = Node(x, name="x"), Node(y, name="y")
    sigy = sigmoid(yn).named("sigy")            # sigmoid in numerator
    num = (xn + sigy).named("num")              # numerator
    sigx = sigmoid(xn).named("sigx")            # sigmoid in denominator
    xpy = (xn + yn).named("xpy")
    xpysqr = (xpy ** 2).named("xpysqr")
    den = (sigx + xpysqr).named("den")          # denominator
    invden = (1.0 / den).named("invden")
    f = (num * invden).named("f")
    return Example("cs231n", "cs231n staged: f(x,y) = (x + σ(y)) / (σ(x) + (x+y)²)", f, [xn, yn])


def circuit(x: float = -2.0, y: float = 5.0, z: float = -4.0) -> Example:
    """f(x, y, z) = (x + y)·z, the first circuit of the cs231n notes."""
    xn, yn, zn = Node(x, name="x"), Node(y, name="y"), Node(z, name="z")
    q = (xn + yn).named("q")
    f = (q * zn).named("f")
    return Example("circuit", "cs231n circuit: f(x,y,z) = (x + y)·z", f, [xn, yn, zn])


def sigmoid_neuron(w: tuple[float, float, float] = (2.0, -3.0, -3.0),
                   x: tuple[float, float] = (-1.0, -2.0)) -> Example:
    """f(w, x) = σ(w0·x0 + w1·x1 + w2), the 2-D neuron of the cs231n notes."""
    w0, w1, w2 = (Param(v, name=f"w{i}") for i, v in enumerate(w))
    x0, x1 = (Node(v, name=f"x{i}") for i, v in enumerate(x))
    dot = (w0 * x0 + w1 * x1 + w2).named("dot")
    f = sigmoid(dot).named("f")
    return Example("neuron", "cs231n sigmoid neuron: f = σ(w0·x0 + w1·x1 + w2)", f, [x0, x1, w0, w1, w2])


def param_attached(x: float = 4.0, a: float = 1.0) -> Example:
    """F[a] = x·a² + a: a parameter attached to three nodes (mult_a, mult_a, add_a)."""
    xn, an = Node(x, name="x"), Param(a, name="a")
    F = (xn * an * an + an).named("F")
    return Example("param", "F[a] = x·a² + a with the parameter a attached", F, [xn, an])


#: Every example by name, with its default arguments.
EXAMPLES: dict[str, Callable[[], Example]] = {
    "cs231n": cs231n_staged,
    "circuit": circuit,
    "neuron": sigmoid_neuron,
    "param": param_attached,
}
