"""Hypothesis strategies shared by the property and fuzz tests: random expression trees.

:func:`cases` draws leaf values first, then an expression tree over the whole op
table whose every intermediate value is known while it is drawn. Where an op's
input would fall outside the op's *safe box* (its domain with a margin, away from
its kink, bounded in size), the input is shifted into the box by an added
constant: ``log(v)`` with ``v = -0.3`` becomes ``log(v + 1.9)``. So every drawn
tree is valid by construction, with no rejection; :func:`robust` then checks that
small moves of the leaves cross no kink or domain edge (a rare ``assume``).

The boxes (every op's inputs, checked at every node):

- every value stays within ``|v| <= 30``; leaves in ``[-3, 3]``;
- ``log``, ``sqrt``: input in ``[0.2, 30]``; ``exp``: input ``<= 3``;
- ``div``: ``|denominator| >= 0.5``; ``mul``: both factors within ``[-5, 5]``;
- ``pow``: a constant exponent 2 or 3 with a base in ``[-3, 3]``, or a base in
  ``[0.2, 5]`` with an exponent (node or constant) in ``[-2, 2]``;
- ``relu``, ``abs``, ``sign``, ``heaviside`` (first input): ``|v| >= 0.1``;
  ``maximum``, ``minimum``: ``|a - b| >= 0.1``.

>>> from hypothesis import find
>>> case = find(cases(), lambda c: c.output.op == "log")
>>> case.output.args[0].value >= 0.2
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

import scalargraph as sg
from scalargraph.core.functions import NODES
from scalargraph.core.namespaces import MATH
from scalargraph.core.ops import OPS

__all__ = ["Case", "Expr", "cases", "examples", "robust", "safe_at"]

BOUND = 30.0  # every intermediate value stays within [-BOUND, BOUND]
LEAF = 3.0  # leaves are drawn from [-LEAF, LEAF]
GAP = 0.1  # distance kept from every kink (relu/abs/sign/heaviside at 0, max/min at a tie)
GRID = 1024  # leaves and constants are multiples of 1/GRID
NUDGE = 1e-4  # robust(): relative move of each leaf that must cross no kink or domain edge


def examples(n: int) -> int:
    """``n`` scaled by the active hypothesis profile (``ci``: x1, ``fuzz``: many more).

    Profiles set ``max_examples`` relative to hypothesis' default of 100.
    """
    return max(1, n * settings().max_examples // 100)


@dataclass(eq=False)
class Expr:
    """One node of a drawn tree: an op name from the table, ``"var"`` or ``"const"``.

    ``value`` is the float value at the drawn leaves (the table's forward on floats).
    Subtrees may be shared (the same ``Expr`` used twice): the graph becomes a DAG.
    """

    op: str
    args: tuple[Expr, ...] = ()
    index: int = 0  # var: which leaf
    const: float = 0.0  # const: the number
    value: float = 0.0

    def walk(self) -> Iterator[Expr]:
        """Every distinct subtree, each after its arguments."""
        seen: set[int] = set()
        stack: list[tuple[Expr, bool]] = [(self, False)]
        while stack:
            e, done = stack.pop()
            if id(e) in seen:
                continue
            if done:
                seen.add(id(e))
                yield e
                continue
            stack.append((e, True))
            stack.extend((a, False) for a in reversed(e.args))

    def __repr__(self) -> str:
        if self.op == "var":
            return f"x{self.index}"
        if self.op == "const":
            return repr(self.const)
        return f"{self.op}({', '.join(map(repr, self.args))})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # how hypothesis prints a failing case
        p.text(repr(self))


@dataclass(eq=False)
class Case:
    """A drawn expression with its leaves: ``values[i]`` is leaf ``x<i>``, a Param if ``params[i]``."""

    output: Expr
    values: tuple[float, ...]
    params: tuple[bool, ...]
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.names = tuple(f"x{i}" for i in range(len(self.values)))

    def evaluate(self, m: Any, leaves: tuple[Any, ...], const: Callable[[float], Any] = float) -> Any:
        """The tree on ``leaves`` with namespace ``m``: every op through the table's forward.

        Shared subtrees are evaluated once and reused (with ``sg.core.functions.NODES`` that
        makes a shared Node). ``const`` turns a number into the namespace's constant.
        """
        done: dict[int, Any] = {}
        for e in self.output.walk():
            if e.op == "var":
                done[id(e)] = leaves[e.index]
            elif e.op == "const":
                done[id(e)] = const(e.const)
            else:
                done[id(e)] = OPS[e.op].forward(m, *(done[id(a)] for a in e.args))
        return done[id(self.output)]

    def floats(self, *values: float) -> float:
        """The output as a plain float function of the leaf values (for central differences)."""
        return float(self.evaluate(MATH, values))

    def graph(self) -> tuple[sg.Node, list[sg.Node]]:
        """The tree as a scalargraph graph built with the public API; returns (output, leaves)."""
        leaves = [(sg.Param if p else sg.Node)(v, name=n)
                  for v, p, n in zip(self.values, self.params, self.names)]
        return self.evaluate(NODES, tuple(leaves)), leaves

    def __repr__(self) -> str:
        kinds = ", ".join(f"{n}={v!r}{' (Param)' if p else ''}"
                          for n, v, p in zip(self.names, self.values, self.params))
        return f"Case({self.output!r}; {kinds})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


# ----------------------------------------------------------------- the safe boxes
@dataclass(frozen=True)
class Box:
    """An interval ``[lo, hi]`` with ``|v| >= gap``: where an op input is safe."""

    lo: float = -BOUND
    hi: float = BOUND
    gap: float = 0.0

    def holds(self, v: float) -> bool:
        return self.lo <= v <= self.hi and abs(v) >= self.gap


ANY, SMALL, POSITIVE = Box(), Box(-5.0, 5.0), Box(0.2, BOUND)
AWAY = Box(gap=GAP)
BOXES: dict[str, tuple[Box, ...]] = {
    "add": (ANY, ANY), "sub": (ANY, ANY), "mul": (SMALL, SMALL), "div": (ANY, Box(gap=0.5)),
    "neg": (ANY,), "exp": (Box(hi=3.0),), "log": (POSITIVE,), "sqrt": (POSITIVE,),
    "sin": (ANY,), "cos": (ANY,), "tanh": (ANY,), "sigmoid": (ANY,),
    "relu": (AWAY,), "abs": (AWAY,), "sign": (AWAY,), "heaviside": (AWAY, ANY),
    "maximum": (ANY, ANY), "minimum": (ANY, ANY), "sum": (ANY,), "mean": (ANY,),
}
POW_BASE, POW_EXPONENT, POW_SQUARE_BASE = Box(0.2, 5.0), Box(-2.0, 2.0), Box(-LEAF, LEAF)
#: The ops trees are drawn from: every op of the table that has a box (a test checks that is all).
OP_NAMES = tuple(name for name in OPS if name in BOXES or name == "pow")


def _var(i: int, values: tuple[float, ...]) -> Expr:
    return Expr("var", index=i, value=values[i])


def _const(c: float) -> Expr:
    return Expr("const", const=c, value=c)


def _op(name: str, *args: Expr) -> Expr:
    return Expr(name, args, value=OPS[name].forward(MATH, *(a.value for a in args)))


def _number(draw: Any, lo: float, hi: float) -> float:
    """A number in ``[lo, hi]`` on a grid of 1/1024: exact in binary, short as a fraction
    (sympy's exact arithmetic stays fast), never a pathological 1e-300."""
    return draw(st.integers(math.ceil(lo * GRID), math.floor(hi * GRID))) / GRID


def _inside(draw: Any, box: Box, limit: float) -> float:
    """A number well inside ``box`` (a margin from its edges), within ``[-limit, limit]``."""
    if box.gap:  # the boxes with a gap are symmetric: draw a magnitude and a sign
        size = _number(draw, 1.5 * box.gap, limit)
        return size if draw(st.booleans()) else -size
    return _number(draw, max(box.lo, -limit) + 0.05, min(box.hi, limit) - 0.05)


def _fit(draw: Any, e: Expr, box: Box) -> Expr:
    """``e`` itself if its value is in ``box``, else ``e + c`` with ``c`` moving it into the box."""
    if box.holds(e.value):
        return e
    shifted = _op("add", e, _const(_inside(draw, box, BOUND / 2) - e.value))
    assert box.holds(shifted.value), (e, box)
    return shifted


def _constant(draw: Any, box: Box) -> Expr:
    return _const(_inside(draw, box, LEAF))


@dataclass
class _Builder:
    """Draws one tree: the leaf values, the ops to use, and the subtrees drawn so far."""

    draw: Any
    values: tuple[float, ...]
    names: tuple[str, ...]
    pool: list[Expr] = field(default_factory=list)

    def operand(self, depth: int, box: Box, spine: bool = False) -> Expr:
        """A subexpression fitted into ``box``: a leaf, a shared subtree, or a new subtree.

        Each op's first non-constant operand is a new subtree (the *spine*) while depth
        remains, so a tree of depth ``d`` has at least ``d + 1`` ops.
        """
        draw = self.draw
        kind = "new" if spine and depth > 0 else draw(st.sampled_from(
            ("new", "leaf", "shared") if depth > 0 else ("leaf", "leaf", "shared")))
        if kind == "new":
            e = self.tree(depth - 1)
        elif kind == "shared" and self.pool:
            e = draw(st.sampled_from(self.pool))
        else:
            e = _var(draw(st.integers(0, len(self.values) - 1)), self.values)
        return _fit(draw, e, box)

    def tree(self, depth: int) -> Expr:
        name = self.draw(st.sampled_from(self.names))
        if name == "pow":
            made = self.pow(depth)
        elif OPS[name].arity == 1:
            made = _op(name, self.operand(depth, BOXES[name][0], spine=True))
        else:
            made = self.binary(name, depth)
        self.pool.append(made)
        return made

    def binary(self, name: str, depth: int) -> Expr:
        box_a, box_b = BOXES[name]
        constant = self.draw(st.sampled_from((None, None, 0, 1)))  # which side, if any, is a constant
        a = _constant(self.draw, box_a) if constant == 0 else self.operand(depth, box_a, spine=True)
        b = _constant(self.draw, box_b) if constant == 1 else self.operand(depth, box_b, constant == 0)
        if name in ("maximum", "minimum") and abs(a.value - b.value) < GAP:
            step = self.draw(st.sampled_from((-1.0, 1.0)))  # break the (near) tie
            b = _op("add", b, _const(step)) if constant != 1 else _const(b.value + step)
        return _op(name, a, b)

    def pow(self, depth: int) -> Expr:
        kind = self.draw(st.sampled_from(("square", "node", "constant base", "constant exponent")))
        if kind == "square":  # x ** 2, x ** 3: any sign of base, the exponent gets no gradient
            base = self.operand(depth, POW_SQUARE_BASE, spine=True)
            return _op("pow", base, _const(self.draw(st.sampled_from((2.0, 3.0)))))
        base = (_constant(self.draw, POW_BASE) if kind == "constant base"
                else self.operand(depth, POW_BASE, spine=True))
        exponent = (_constant(self.draw, POW_EXPONENT) if kind == "constant exponent"
                    else self.operand(depth, POW_EXPONENT, spine=kind == "constant base"))
        return _op("pow", base, exponent)


@st.composite
def cases(draw: Any, max_leaves: int = 3, max_depth: int = 5, ops: tuple[str, ...] = OP_NAMES) -> Case:
    """A random expression over the op table (or the ``ops`` named), with leaf values where
    every op is smooth; depth 2 to ``max_depth`` along its spine, 1 to ``max_leaves`` leaves."""
    count = draw(st.integers(1, max_leaves))
    values = tuple(_number(draw, -LEAF, LEAF) for _ in range(count))
    params = tuple(draw(st.booleans()) for _ in range(count))
    output = _Builder(draw, values, ops).tree(draw(st.integers(min(2, max_depth), max_depth)))
    return Case(output, values, params)


# ------------------------------------------------------------------ robustness
def _inputs_safe(e: Expr, args: tuple[float, ...], out: float) -> bool:
    """Op ``e`` on ``args`` stays where the drawn tree had it: same side of every kink/edge."""
    drawn = tuple(a.value for a in e.args)
    if not math.isfinite(out):
        return False
    if e.op in ("relu", "abs", "sign", "heaviside"):
        return args[0] * drawn[0] > 0
    if e.op in ("maximum", "minimum"):
        return (args[0] - args[1]) * (drawn[0] - drawn[1]) > 0
    if e.op in ("log", "sqrt") or (e.op == "pow" and e.args[1].op != "const"):
        return args[0] > 0
    if e.op == "div":
        return args[1] * drawn[1] > 0
    return True


def robust(case: Case, nudge: float = NUDGE) -> bool:
    """True if moving any one leaf by ``±nudge·max(1, |v|)`` crosses no kink or domain edge.

    Central differences move leaves by 1e-6 relative, a hundred times less.
    """
    for i, v in enumerate(case.values):
        for sign in (-1.0, 1.0):
            leaves = list(case.values)
            leaves[i] = v + sign * nudge * max(1.0, abs(v))
            if not safe_at(case, tuple(leaves)):
                return False
    return True


def safe_at(case: Case, leaves: tuple[float, ...]) -> bool:
    """True if every op input at these leaf values is on the same side of every kink and
    domain edge as at the drawn values."""
    done: dict[int, float] = {}
    try:
        for e in case.output.walk():
            if e.op == "var":
                done[id(e)] = leaves[e.index]
            elif e.op == "const":
                done[id(e)] = e.const
            else:
                args = tuple(done[id(a)] for a in e.args)
                done[id(e)] = out = OPS[e.op].forward(MATH, *args)
                if not _inputs_safe(e, args, out):
                    return False
    except (ArithmeticError, ValueError):
        return False
    return True
