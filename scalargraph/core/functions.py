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

from ..errors import ArityError, OperandTypeError
from .node import Node, apply, operand
from .ops import FUNCTIONS, OPS, UFUNCS, Op, fill

__all__ = [
    "NODES",
    "abs",
    "array_ufunc",
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
    power=lambda a, b: a ** b,
    step=lambda a, b, at_tie: heaviside(a - b, at_tie),
    ones_like=lambda a: 1.0,
    size=lambda a: 1,
)


#: Every function by name: the built-in ones above, and own ops (``sg.define_op``) added.
CALLABLES: dict[str, Callable[..., Node]] = {name: globals()[name] for name in FUNCTIONS}


def by_name() -> dict[str, Callable[..., Node]]:
    """Every function callable in expressions, by name, for the parser and the CLI."""
    return {name: CALLABLES[name] for name in FUNCTIONS}


def array_ufunc(ufunc: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """numpy's ``__array_ufunc__`` protocol for Nodes: the ufunc as the table's op.

    ``np.exp(x)`` is ``sg.exp(x)``; an array on either side of an operator with a Node
    makes a Node batch, as the operator does (``array * x`` is ``Node(array) * x``).

    >>> import numpy as np, scalargraph as sg
    >>> x = sg.Node(0.0, name="x")
    >>> np.exp(x).value, np.maximum(x, 2).op.name, (np.array([1.0, 2.0]) * x).value.tolist()
    (1.0, 'maximum', [0.0, 0.0])
    >>> np.arctan(x)
    Traceback (most recent call last):
    ...
    scalargraph.errors.OperandTypeError: np.arctan does not work on Nodes: ...
    """
    name = getattr(ufunc, "__name__", str(ufunc))
    if name in ("equal", "not_equal") and method == "__call__":  # array == node: as Python's
        return (name == "not_equal") ^ (args[0] is args[1])  # fallback, Node identity
    if name in ("less", "less_equal", "greater", "greater_equal"):
        return next(a for a in args if isinstance(a, Node))._compare(None)  # "not ordered"
    op = OPS.get(UFUNCS.get(name, ""))
    supported = ", ".join(f"np.{u}" for u in sorted(UFUNCS))
    if op is None and name != "positive":
        raise OperandTypeError(
            f"np.{name} does not work on Nodes: the op table has no {name}. The numpy functions "
            f"that build graph nodes are {supported}, np.positive, np.sum and np.mean; for another "
            f"function define your own op with sg.define_op({name!r}, forward, derivatives)")
    out = kwargs.pop("out", None)
    if method != "__call__" or kwargs or (out is not None and (len(out) != 1 or out[0] is not args[0])):
        what = (f"np.{name}.{method}" if method != "__call__"
                else f"np.{name} with {', '.join(kwargs) or 'out'}=")
        raise OperandTypeError(f"{what} does not work on Nodes: call np.{name}(...) on Nodes and numbers "
                               "only (a Node batch is reduced with sg.sum or sg.mean)")
    # ``array += node`` passes out=(array,): like Python's own fallback, the name is rebound
    # to the new Node batch (the array itself cannot hold a Node).
    if op is None:  # np.positive
        return operand(args[0], "np.positive")
    where = f"np.{name}()"
    return apply(op, *(operand(a, where) for a in args))

