"""A scalar PyTorch graph as Nodes, and its gradients beside PyTorch's.

``sg.from_torch(y)`` walks ``y.grad_fn`` and its ``next_functions`` down to the
leaves (``AccumulateGrad``), mapping each backward function to the op table's op
(``MulBackward0`` is mul, ``ExpBackward0`` exp, ``SoftplusBackward0`` your own
``softplus`` if you defined one). Leaf values come from the leaf tensors and
constants from the saved tensors; PyTorch saves no record of a number *added*
(``x + 1``), so such a constant is worked out from the values saved around it
(a warning says when only the sum of several can be known). ``sg.compare(y)``
runs both backward passes and shows the gradients side by side. torch is imported
only by these functions; use ``dtype=torch.float64`` to compare to the last digits.

>>> import torch, scalargraph as sg                                # doctest: +SKIP
>>> x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)  # doctest: +SKIP
>>> print(sg.compare(x * torch.sigmoid(x), names={"x": x}))          # doctest: +SKIP
leaf   value     scalargraph         torch   |difference|
x      3.0       1.0976...
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.graph import Graph
from ..core.node import Constant, Node, apply, evaluate
from ..core.ops import OPS
from ..errors import ConversionError, InputError, MissingDependencyError
from .leaves import LeafNames

__all__ = ["Comparison", "compare", "from_torch"]

#: Backward functions that pass their input through unchanged (a copy, a dtype change).
_IDENTITY = {"CloneBackward0", "AliasBackward0", "ToCopyBackward0", "ViewBackward0",
             "ReshapeAliasBackward0", "UnsafeViewBackward0", "SqueezeBackward0", "SqueezeBackward1",
             "UnsqueezeBackward0", "ExpandBackward0", "PermuteBackward0", "TBackward0"}



def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise MissingDependencyError(
            "PyTorch is needed for this: pip install torch (on this project's machines "
            "pip install torch==2.13.0, the CPU build), or pip install 'scalargraph[torch]'") from None
    return torch


class _Unknown:
    """A constant PyTorch did not save (``x + 1``), until it is worked out."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.value: float | None = None


@dataclass
class _Item:
    """One backward function: the table op, its inputs (items, leaves, numbers or unknowns)."""

    fn: Any
    op: str
    inputs: list[Any]
    value: float | None = None
    name: str = ""


def from_torch(output: Any, names: Mapping[Any, Any] | None = None) -> Node:
    """The output Node of the scalar PyTorch graph that computed ``output`` (a 0-d tensor).

    Leaves (tensors with ``requires_grad``) become inputs named by ``names``, a mapping
    either way round (``{"x": x}`` or ``{x: "x"}``), else x0, x1, ... in the order met.
    """
    out, _ = _convert(output, names)
    return out


def _convert(output: Any, names: Mapping[Any, Any] | None) -> tuple[Node, list[tuple[Any, Node]]]:
    """The output Node and every leaf tensor with its Node, in the order met."""
    torch = _torch()
    if not isinstance(output, torch.Tensor):
        raise InputError(f"from_torch: expected a torch.Tensor, got {type(output).__name__}")
    _check_scalar(output, "the output")
    if output.grad_fn is None:
        raise ConversionError("from_torch: this tensor has no graph (grad_fn is None): compute it "
                              "from tensors made with requires_grad=True")
    given = _leaf_names(names, torch)
    items, leaves, order = _walk(output.grad_fn)
    leaves = {id(t): t for t in _reading_order(output.grad_fn)}
    _solve(items, order, leaves, float(output.detach().item()))
    names_left = LeafNames(given.values())
    nodes: dict[int, Node] = {}
    for key, tensor in leaves.items():
        nodes[key] = Node(float(tensor.detach().item()), name=names_left.take(given.get(key)))
    for item in order:
        nodes[id(item)] = _build(item, nodes, leaves)
    out = nodes[id(order[-1])]
    if not math.isclose(out.value, float(output.detach().item()), rel_tol=_rtol(output), abs_tol=1e-12):
        raise ConversionError(
            f"from_torch: the rebuilt graph gives {out.value!r}, PyTorch {output.item()!r}: a number "
            "added with + or - was not saved by PyTorch and could not be worked out from the values "
            "around it. Make it a product (x * 1.0 + ...) or build the graph with sg.Node")
    return out, [(tensor, nodes[key]) for key, tensor in leaves.items()]


def _rtol(tensor: Any) -> float:
    return 1e-9 if str(tensor.dtype) == "torch.float64" else 1e-5


def _check_scalar(tensor: Any, what: str) -> None:
    if tensor.numel() != 1:
        raise ConversionError(f"from_torch walks scalar graphs; {what} is a tensor of shape "
                              f"{tuple(tensor.shape)}. Build the graph from 0-d tensors "
                              "(torch.tensor(3.0, requires_grad=True))")


def _leaf_names(names: Mapping[Any, Any] | None, torch: Any) -> dict[int, str]:
    result: dict[int, str] = {}
    for key, value in (names or {}).items():
        tensor, name = (value, key) if isinstance(key, str) else (key, value)
        if not isinstance(tensor, torch.Tensor) or not isinstance(name, str):
            raise InputError("from_torch: names maps names to leaf tensors ({'x': x}) or tensors to "
                             f"names ({{x: 'x'}}); got {key!r}: {value!r}")
        result[id(tensor)] = name
    return result


def _walk(root: Any) -> tuple[dict[int, _Item], dict[int, Any], list[_Item]]:
    """Items for every backward function under ``root``, inputs before users (iterative)."""
    items: dict[int, _Item] = {}
    leaves: dict[int, Any] = {}
    order: list[_Item] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        fn, ready = stack.pop()
        if id(fn) in items and not ready:
            continue
        nexts = [f for f, _ in fn.next_functions]
        if not ready:
            stack.append((fn, True))
            for f in reversed(nexts):
                if f is not None and type(f).__name__ != "AccumulateGrad" and id(f) not in items:
                    stack.append((f, False))
            continue
        if id(fn) in items:
            continue
        inputs: list[Any] = []
        for f in nexts:
            if f is None:
                inputs.append(None)
            elif type(f).__name__ == "AccumulateGrad":
                _check_scalar(f.variable, "a leaf")
                leaves.setdefault(id(f.variable), f.variable)
                inputs.append(("leaf", id(f.variable)))
            else:
                inputs.append(items[id(f)])
        item = _item(fn, inputs, order)
        items[id(fn)] = item
        order.append(item)
    return items, leaves, order


def _reading_order(root: Any) -> list[Any]:
    """The leaf tensors in the order the expression reads (first inputs first, depth first)."""
    found: list[Any] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        if type(fn).__name__ == "AccumulateGrad":
            found.append(fn.variable)
        else:
            stack.extend(f for f, _ in reversed(fn.next_functions))
    return found


def _saved(fn: Any, name: str) -> Any:
    try:
        value = getattr(fn, name, None)
    except RuntimeError:  # freed by backward()
        raise ConversionError(
            "from_torch: PyTorch freed the values this graph saved when backward() ran; call "
            "from_torch (or compare) before backward(), or use backward(retain_graph=True)") from None
    if value is None:
        return None
    if hasattr(value, "numel"):
        _check_scalar(value, f"{type(fn).__name__}.{name}")
        return float(value.detach().item())
    return float(value)


def _item(fn: Any, inputs: list[Any], order: list[_Item]) -> _Item:
    """The table op for one backward function, with its constants filled in (a product by
    ``alpha``, as in ``torch.add(x, y, alpha=2)``, goes into ``order`` as an item of its own)."""

    def times(x: Any, alpha: float) -> Any:
        if alpha == 1.0:
            return x
        order.append(_Item(fn, "mul", [x, alpha]))
        return order[-1]

    kind = type(fn).__name__
    base = re.sub(r"Backward\d*$", "", kind)
    if kind in _IDENTITY:
        return _Item(fn, "identity", inputs[:1])
    if kind in ("AddBackward0", "AddBackward1", "SubBackward0", "SubBackward1"):
        op = "add" if base == "Add" else "sub"
        a, b = ([*inputs, None])[:2]
        alpha = _saved(fn, "_saved_alpha") or 1.0
        b = times(b, alpha) if b is not None else _Unknown(f"the number in {kind}")
        return _Item(fn, op, [a, b])
    if kind in ("RsubBackward0", "RsubBackward1"):  # other - alpha * self
        a = times(inputs[0], _saved(fn, "_saved_alpha") or 1.0)
        other = inputs[1] if len(inputs) > 1 and inputs[1] is not None else _Unknown(f"the number in {kind}")
        return _Item(fn, "sub", [other, a])
    if kind in ("MulBackward0", "MulBackward1", "DivBackward0", "DivBackward1",
                "MaximumBackward0", "MinimumBackward0"):
        a, b = ([*inputs, None])[:2]
        a = a if a is not None else _saved(fn, "_saved_self")
        b = b if b is not None else _saved(fn, "_saved_other")
        return _Item(fn, {"Mul": "mul", "Div": "div"}.get(base, base.lower()), [a, b])
    if kind == "ReciprocalBackward0":
        return _Item(fn, "div", [1.0, inputs[0]])
    if kind == "PowBackward0":
        return _Item(fn, "pow", [inputs[0], _saved(fn, "_saved_exponent")])
    if kind == "PowBackward1":
        a, b = inputs
        return _Item(fn, "pow", [a if a is not None else _saved(fn, "_saved_self"),
                                 b if b is not None else _saved(fn, "_saved_exponent")])
    if kind == "PowBackward2":
        return _Item(fn, "pow", [_saved(fn, "_saved_self"), inputs[0]])
    name = base.lower()
    entry = OPS.get(name)
    if entry is None or len(inputs) != entry.arity or None in inputs:
        known = ", ".join(sorted({*OPS} - {"heaviside"}))
        raise ConversionError(
            f"from_torch: {kind} has no counterpart in the op table (the ops are {known}). "
            f"Define it first with sg.define_op({name!r}, forward, derivatives), or write it "
            "with the table's ops")
    return _Item(fn, name, list(inputs))


def _value(x: Any, leaves: dict[int, Any]) -> float | None:
    if isinstance(x, _Item):
        return x.value
    if isinstance(x, _Unknown):
        return x.value
    if isinstance(x, tuple):
        return float(leaves[x[1]].detach().item())
    return x  # a number


def _solve(items: dict[int, _Item], order: list[_Item], leaves: dict[int, Any], root: float) -> None:
    """Every value, the constants PyTorch did not save among them, from what it saved."""
    unknowns = [x for item in order for x in item.inputs if isinstance(x, _Unknown)]
    known: dict[int, float] = {id(order[-1]): root}
    for item in order:  # saved inputs and results tell values of the items around them
        if item.op in ("add", "sub", "identity"):
            continue  # these save nothing but alpha (and reorder their inputs)
        for field, k in (("_saved_self", 0), ("_saved_other", 1), ("_saved_exponent", 1)):
            saved = _saved(item.fn, field)
            if saved is not None and k < len(item.inputs) and isinstance(item.inputs[k], _Item):
                known.setdefault(id(item.inputs[k]), saved)
        result = _saved(item.fn, "_saved_result")
        if result is not None and item.fn is not None:
            known[id(item)] = result
            inverse = _INVERSES.get(item.op)
            if inverse is not None and isinstance(item.inputs[0], _Item):
                try:
                    known.setdefault(id(item.inputs[0]), inverse(result))
                except (ArithmeticError, ValueError):  # e.g. relu's 0, tanh's ±1: not invertible
                    pass
    guessed: list[_Unknown] = []
    while True:
        _forward(order, leaves)
        progress = False
        for item in reversed(order):  # from the output down: out = a + c gives c = out - a
            out = item.value if item.value is not None else known.get(id(item))
            if out is None:
                continue
            progress |= _backsolve(item, out, leaves, known)
        if all(u.value is not None for u in unknowns):
            break
        if not progress:
            first = next(u for u in unknowns if u.value is None)
            first.value = 0.0  # only the sum of several added numbers is known
            guessed.append(first)
    _forward(order, leaves)
    if guessed:
        warnings.warn(f"from_torch: PyTorch keeps no record of numbers added or subtracted (x + 1); "
                      f"{len(guessed)} of {len(unknowns)} could not be told apart and were set to 0, "
                      "with the others making up their sum: the output and every gradient are right, "
                      "some intermediate values are not. Multiply instead, or use sg.Node directly",
                      UserWarning, stacklevel=3)
    for u in unknowns:
        u.value = _tidy(u.value or 0.0)


#: The input of a one-input op from its output (PyTorch saves only the output of these).
_INVERSES = {
    "exp": math.log, "sqrt": lambda r: r * r, "tanh": math.atanh,
    "sigmoid": lambda r: math.log(r / (1 - r)),
    "relu": lambda r: r if r > 0 else math.log(-1.0),  # at 0 the input is not known
}


def _tidy(value: float) -> float:
    """A worked-out constant to 12 significant digits: 0.1 rather than 0.09999999999999998."""
    return float(f"{value:.12g}")


def _forward(order: list[_Item], leaves: dict[int, Any]) -> None:
    for item in order:
        values = [_value(x, leaves) for x in item.inputs]
        if any(v is None for v in values):
            item.value = None
        elif item.op == "identity":
            item.value = values[0]
        else:
            item.value = evaluate(OPS[item.op], tuple(float(v) for v in values))  # type: ignore[arg-type]


def _backsolve(item: _Item, out: float, leaves: dict[int, Any], known: dict[int, float]) -> bool:
    """One unknown input of add/sub/identity from the output and the other input."""
    values = [_value(x, leaves) if not isinstance(x, _Item) or x.value is not None
              else known.get(id(x)) for x in item.inputs]
    missing = [k for k, v in enumerate(values) if v is None]
    if len(missing) != 1 or item.op not in ("add", "sub", "identity"):
        return False
    k = missing[0]
    if item.op == "identity":
        solved = out
    elif item.op == "add":
        solved = out - values[1 - k]  # type: ignore[operator]
    else:
        solved = values[0] - out if k == 1 else out + values[1]  # type: ignore[operator]
    target = item.inputs[k]
    if isinstance(target, _Unknown):
        target.value = solved
        return True
    if isinstance(target, _Item) and id(target) not in known:
        known[id(target)] = solved
        return True
    return False


def _build(item: _Item, nodes: dict[int, Node], leaves: dict[int, Any]) -> Node:
    args: list[Node] = []
    for x in item.inputs:
        if isinstance(x, _Item):
            args.append(nodes[id(x)] if id(x) in nodes else _build(x, nodes, leaves))
        elif isinstance(x, tuple):
            args.append(nodes[x[1]])
        else:
            args.append(Constant(_value(x, leaves)))
    if item.op == "identity":
        return args[0]
    return apply(OPS[item.op], *args)


@dataclass(frozen=True)
class _Row:
    name: str
    value: float
    scalargraph: float
    torch: float

    @property
    def difference(self) -> float:
        return abs(self.scalargraph - self.torch)


class Comparison:
    """scalargraph's gradients beside PyTorch's, one row per leaf (``str()`` is a table)."""

    def __init__(self, rows: list[_Row], node: Node, rtol: float) -> None:
        self.rows = rows
        self.node = node  # the rebuilt graph's output, to draw or step through
        self.rtol = rtol

    @property
    def ok(self) -> bool:
        """Every gradient the same to ``rtol`` (1e-9 for float64 tensors, 1e-5 for float32)."""
        return all(math.isclose(r.scalargraph, r.torch, rel_tol=self.rtol, abs_tol=1e-12)
                   for r in self.rows)

    @property
    def max_difference(self) -> float:
        return max((r.difference for r in self.rows), default=0.0)

    def __getitem__(self, name: str) -> _Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no leaf named {name!r}; leaves: {', '.join(r.name for r in self.rows)}")

    def __str__(self) -> str:
        lines = [f"{'leaf':<8} {'value':>12} {'scalargraph':>22} {'torch':>22} {'|difference|':>12}"]
        for r in self.rows:
            lines.append(f"{r.name:<8} {r.value:>12.6g} {r.scalargraph!r:>22} {r.torch!r:>22} "
                         f"{r.difference:>12.2e}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Comparison(ok={self.ok}, max_difference={self.max_difference:.2e}, leaves={len(self.rows)})"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("leaf", "value", "scalargraph", "torch", "|difference|"))
        body = "".join(f"<tr><td>{r.name}</td><td>{r.value:.6g}</td><td>{r.scalargraph!r}</td>"
                       f"<td>{r.torch!r}</td><td>{r.difference:.2e}</td></tr>" for r in self.rows)
        return f"<table><tr>{head}</tr>{body}</table>"


def compare(output: Any, names: Mapping[Any, Any] | None = None) -> Comparison:
    """``output``'s gradients by scalargraph (from :func:`from_torch`) and by PyTorch.

    PyTorch's come from ``torch.autograd.grad``, so the tensors' own ``.grad`` stay as
    they were and ``output.backward()`` can still be called afterwards.
    """
    torch = _torch()
    node, pairs = _convert(output, names)
    theirs = torch.autograd.grad(output, [t for t, _ in pairs], retain_graph=True, allow_unused=True)
    graph = Graph(node)
    graph.backward()
    by_id = {id(n): n for n in graph.inputs}
    rows = []
    for (_tensor, leaf), grad in zip(pairs, theirs):
        ours = by_id.get(id(leaf))
        ours = leaf if ours is None else ours
        rows.append(_Row(leaf.name or "?", leaf.value, ours.grad if ours.grad is not None else 0.0,
                         float(grad.item()) if grad is not None else 0.0))
    return Comparison(rows, node, _rtol(output))
