"""``sg.exp(x)``, ``sg.maximum(a, b)`` ...: one function per op in the table.

Each function is made from its table entry; its docstring quotes the entry.

>>> import scalargraph as sg
>>> sg.sigmoid(sg.Node(0.0)).value
0.5
>>> sg.maximum(sg.Node(2.0), 3).value
3.0
>>> sg.exp(1, 2)
Traceback (most recent call last):
...
scalargraph.errors.ArityError: exp() takes 1 argument (x), got 2
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from ..errors import ArityError
from .node import Node, apply, operand
from .ops import FUNCTIONS, Op, fill

__all__ = [
    "NODES",
    "abs",
    "cos",
    "exp",
    "heaviside",
    "log",
    "maximum",
    "mean",
    "minimum",
    "relu",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "sum",
    "tanh",
]

_ARG_NAMES = ("x", "y")


def signature(op: Op) -> str:
    """``exp(x)``, ``maximum(x, y)``: how the function is called."""
    return f"{op.name}({', '.join(_ARG_NAMES[: op.arity])})"


def _function(op: Op) -> Callable[..., Node]:
    where = op.name + "()"

    def function(*args: Any) -> Node:
        if len(args) != op.arity:
            plural = "" if op.arity == 1 else "s"
            raise ArityError(
                f"{op.name}() takes {op.arity} argument{plural} "
                f"({', '.join(_ARG_NAMES[:op.arity])}), got {len(args)}"
            )
        if op.arity == 1:  # the hot path of graph building (relu in an MLP): no generator
            a = args[0]
            return apply(op, a if isinstance(a, Node) else operand(a, where))
        return apply(op, *(operand(a, where) for a in args))

    function.__name__ = function.__qualname__ = op.name
    derivatives = "; ".join(
        f"d/d{arg} = {fill(t, 'out', *_ARG_NAMES)}" for arg, t in zip(_ARG_NAMES, op.dtext)
    )
    kink = f"\n\nAt a kink: {op.kink}" if op.kink else ""
    function.__doc__ = (
        f"{signature(op)} = {fill(op.text, 'out', *_ARG_NAMES)} as a graph node.\n\n"
        f"Local derivatives (out = the result): {derivatives}.{kink}"
    )
    return function


exp = _function(FUNCTIONS["exp"])
log = _function(FUNCTIONS["log"])
sqrt = _function(FUNCTIONS["sqrt"])
sin = _function(FUNCTIONS["sin"])
cos = _function(FUNCTIONS["cos"])
tanh = _function(FUNCTIONS["tanh"])
sigmoid = _function(FUNCTIONS["sigmoid"])
relu = _function(FUNCTIONS["relu"])
abs = _function(FUNCTIONS["abs"])
maximum = _function(FUNCTIONS["maximum"])
minimum = _function(FUNCTIONS["minimum"])
heaviside = _function(FUNCTIONS["heaviside"])
sign = _function(FUNCTIONS["sign"])
sum = _function(FUNCTIONS["sum"])
mean = _function(FUNCTIONS["mean"])

#: The namespace that evaluates the table's formulas on Nodes: derivatives become graphs.
NODES = SimpleNamespace(
    **{name: globals()[name] for name in FUNCTIONS},
    pow=lambda a, b: a ** b,
    ones_like=lambda a: 1.0,
    size=lambda a: 1,
)


def by_name() -> dict[str, Callable[..., Node]]:
    """Every function by name, for the parser and the CLI."""
    return {name: globals()[name] for name in FUNCTIONS}

