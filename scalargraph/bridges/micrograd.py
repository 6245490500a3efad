"""A micrograd ``Value`` graph as Nodes: the package's, or the lecture's own class.

Anything with ``data``, ``_prev`` (its inputs, a set) and ``_op`` (``'+'``,
``'*'``, ``'**3'``, ``'ReLU'``, ``'tanh'``, ``'exp'`` ...) and optionally ``label``
is read. micrograd keeps a node's inputs in a set, whose order changes from run
to run; the order is recovered from the ``_backward`` closure (its ``self`` and
``other``), else by label and value, so the result is the same on every run.

>>> import scalargraph as sg
>>> from micrograd.engine import Value
>>> a, b = Value(-4.0), Value(2.0)
>>> f = sg.from_micrograd((a * b + b ** 3).relu(), names={a: "a", b: "b"})
>>> f.value, f.op.name, [n.name or n.op.name for n in sg.Graph(f).nodes if n.op or n.name]
(0.0, 'relu', ['a', 'b', 'mul', 'pow', 'add', 'relu'])
>>> sg.Graph(f).backward()       # d relu(ab + b³) at ab + b³ = 0: relu'(0) = 0, as in micrograd
{'a': 0.0, 'b': 0.0}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ..core.node import Constant, Node, apply
from ..core.ops import OPS
from ..errors import ConversionError, InputError
from .leaves import LeafNames

__all__ = ["from_micrograd"]

# micrograd's op strings (and common ones of lecture-style classes) -> the table's ops.
_SYMBOLS = {"+": "add", "*": "mul", "/": "div", "ReLU": "relu"}
_UNNAMED = ("auto", "input", "constant")


def from_micrograd(value: Any, names: Mapping[Any, str] | None = None, unnamed: str = "auto") -> Node:
    """The output Node of ``value``'s graph, rebuilt with the op table's ops.

    Leaves become inputs named by their ``label`` or by ``names`` (``{value: "a"}``).
    Unnamed leaves (micrograd turns every number in ``a * 2`` into one) become
    ``unnamed="constant"`` constants or ``"input"`` inputs named x0, x1, ...;
    ``"auto"`` (the default) makes them constants when some leaf has a name and
    inputs when none has. Values are recomputed and checked against ``data``.
    """
    if unnamed not in _UNNAMED:
        raise InputError(f"from_micrograd: unnamed must be one of {', '.join(_UNNAMED)}, got {unnamed!r}")
    _check_value(value, "from_micrograd")
    order = _topological(value)
    given = {id(v): n for v, n in (names or {}).items()}
    named = {id(v): given.get(id(v)) or _label(v) for v in order if not v._prev}
    if unnamed == "auto":
        unnamed = "constant" if any(named.values()) else "input"
    leaf_names = LeafNames(n for n in named.values() if n)
    nodes: dict[int, Node] = {}
    for v in order:
        if not v._prev and not _op_string(v):
            name = named[id(v)]
            if name is None and unnamed == "constant":
                nodes[id(v)] = Constant(_number(v))
            else:
                nodes[id(v)] = Node(_number(v), name=leaf_names.take(name))
            continue
        node = _rebuild(v, nodes)
        if _label(v):
            node.name = _label(v)
        nodes[id(v)] = node
    return nodes[id(value)]


def _check_value(value: Any, where: str) -> None:
    if not all(hasattr(value, field) for field in ("data", "_prev", "_op")):
        raise InputError(f"{where}: expected a micrograd Value (an object with data, _prev and _op), "
                         f"got {type(value).__name__} {value!r}")


def _label(v: Any) -> str | None:
    label = getattr(v, "label", None)
    return label if isinstance(label, str) and label else None


def _op_string(v: Any) -> str:
    op = v._op
    return op if isinstance(op, str) else str(op or "")


def _number(v: Any) -> float:
    try:
        return float(v.data)
    except (TypeError, ValueError):
        raise ConversionError(f"from_micrograd: data {v.data!r} is not a number") from None


def _topological(output: Any) -> list[Any]:
    """Every Value ``output`` depends on, inputs first (iterative; inputs in argument order)."""
    order: list[Any] = []
    seen = {id(output)}
    stack = [(output, iter(_children(output)))]
    while stack:
        v, children = stack[-1]
        for child in children:
            if id(child) not in seen:
                _check_value(child, "from_micrograd")
                seen.add(id(child))
                stack.append((child, iter(_children(child))))
                break
        else:
            order.append(v)
            stack.pop()
    return order


def _children(v: Any) -> list[Any]:
    """The inputs of ``v`` in argument order: ``self`` then ``other`` from the ``_backward``
    closure where there is one, else sorted by label and value (deterministic)."""
    prev = list(v._prev)
    if len(prev) <= 1:
        return prev
    closure = _closure(v)
    first, second = closure.get("self"), closure.get("other")
    if first is not None and second is not None and {id(first), id(second)} == {id(p) for p in prev}:
        return [first, second]
    return sorted(prev, key=lambda p: (_label(p) is None, _label(p) or "", _number(p)))


def _closure(v: Any) -> dict[str, Any]:
    backward = getattr(v, "_backward", None)
    code, cells = getattr(backward, "__code__", None), getattr(backward, "__closure__", None)
    if code is None or not cells:
        return {}
    values = {}
    for name, cell in zip(code.co_freevars, cells):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    return values


def _rebuild(v: Any, nodes: dict[int, Node]) -> Node:
    """The Node for op node ``v``, its inputs already rebuilt; checked against ``v.data``."""
    text = _op_string(v)
    inputs = [nodes[id(c)] for c in _children(v)]
    power = re.fullmatch(r"\*\*\s*(.+)", text)
    if power:
        exponent = _closure(v).get("other")
        try:
            exponent = float(exponent if isinstance(exponent, (int, float)) else power.group(1))
        except ValueError:
            raise ConversionError(f"from_micrograd: cannot read the exponent of {text!r}") from None
        node = inputs[0] ** exponent
    else:
        name = _SYMBOLS.get(text) or text.lower()
        if name == "-":
            name = "neg" if len(inputs) == 1 else "sub"
        op = OPS.get(name)
        if op is None or op.name == "pow":
            known = ", ".join(["+", "*", "/", "-", "**k", "ReLU", *sorted(n for n, o in OPS.items()
                                                                       if o.function)])
            raise ConversionError(
                f"from_micrograd: the op {text!r} (a Value with data {v.data!r}) has no counterpart in "
                f"the op table; the ops understood are {known}. Define yours first with "
                f"sg.define_op({text.lower()!r}, forward, derivatives)")
        if len(inputs) == 1 and op.arity == 2:  # the same Value twice: a * a, a + a
            inputs = inputs * 2
        if len(inputs) != op.arity:
            raise ConversionError(f"from_micrograd: the op {text!r} takes {op.arity} input(s), "
                                  f"this Value has {len(inputs)}")
        node = _apply_checked(op.name, inputs, v)
    _check_close(node, v, text)
    return node


def _apply_checked(name: str, inputs: list[Node], v: Any) -> Node:
    node = apply(OPS[name], *inputs)
    if len(inputs) == 2 and name in ("sub", "div") and not _close(node.value, _number(v)):
        node = apply(OPS[name], inputs[1], inputs[0])  # the order a set lost, told by the value
    return node


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _check_close(node: Node, v: Any, text: str) -> None:
    if not _close(node.value, _number(v)):
        raise ConversionError(f"from_micrograd: the op {text!r} gives {node.value!r} here, but the Value "
                              f"holds {v.data!r}; its op string does not say what it computes")
