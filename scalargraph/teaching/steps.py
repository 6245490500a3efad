"""Stepping through the chain rule: one step per forward value and per backward edge.

A step describes one thing the engine does, with its equation in plain text
and LaTeX. Forward: one step per input and op node, in topological order.
Backward: the seed ``df = 1``, then one step per edge in the order of the
memoized reverse pass (reverse topological order, inputs in argument order),
each adding one contribution to an input's gradient and showing the running
total: a replay of the reverse schedule (:class:`scalargraph.Schedule`). The
numbers come from the op table's derivative functions evaluated on the graph's
values; the final totals are the engine's gradients. No node is written to.

Notation (``docs/notation.md``): ``dx`` is the gradient of the output f with
respect to x, accumulated over every use of x (the engine's ``x.grad``);
``∂q/∂x`` is only ever the local derivative of the op q with respect to its
input x. A step ``dx += dq · ∂q/∂x`` never writes one symbol for both.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> f = ((x + y).named("q") * z).named("f")
>>> for step in steps(f, mode="both"):
...     print(step)
x = -2
y = 5
q = x + y = -2 + 5 = 3
z = -4
f = q · z = 3 · (-4) = -12
df = 1
dq += df · ∂f/∂q = 1 · (-4) = -4  (total -4)  where ∂f/∂q = z
dz += df · ∂f/∂z = 1 · 3 = 3  (total 3)  where ∂f/∂z = q
dx += dq · ∂q/∂x = -4 · 1 = -4  (total -4)
dy += dq · ∂q/∂y = -4 · 1 = -4  (total -4)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.graph import Graph
from ..core.labels import DIGITS, as_graph, format_number, gradient_names, labels, local_templates
from ..core.node import Constant, Node, is_param
from ..core.schedule import Schedule
from ..errors import InputError, ScalargraphError

__all__ = ["MODES", "Step", "steps", "svg_element"]

#: What :func:`steps` can show.
MODES = ("forward", "backward", "both")

_MARK = re.compile("(‹out›|‹a›|‹b›)")
# After one of these a negative number needs parentheses: 3 · (-4), not 3 · -4.
_BINDS = ("+", "-", "−", "·", "*", "/", "^", "\\cdot")


def _fill(template: str, out: str, *inputs: str) -> str:
    """``ops.fill`` that puts a negative number in parentheses where it binds to an operator.

    >>> _fill("‹a› · ‹b›", "f", "-2", "-4"), _fill("{‹a›}^{‹b›}", "o", "-1", "2")
    ('-2 · (-4)', '{(-1)}^{2}')
    """
    parts = _MARK.split(template)
    by_mark = dict(zip(("‹out›", "‹a›", "‹b›"), (out, *inputs)))
    text = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            text.append(part)
            continue
        value = by_mark[part]
        before = "".join(parts[:i]).rstrip()
        after = "".join(parts[i + 1:]).lstrip("}")
        if value.startswith("-") and (after.startswith(("^", "**")) or before.endswith(_BINDS)):
            value = f"({value})"
        text.append(value)
    return "".join(text)


_NUMBER = re.compile(r"-?[0-9.e+-]+")
#: LaTeX's special characters in math mode, each as something that shows it.
_TEX_ESCAPES = {"\\": "\\backslash{}", "^": "\\hat{}", "~": "\\sim{}", " ": "\\ ",
                **{c: "\\" + c for c in "#$%&_{}"}}
_NUMBERED = re.compile(r"(.+)_([0-9]+)")


@lru_cache(maxsize=4096)
def _tex(name: str) -> str:
    """A label in LaTeX: one letter or a number as is, a longer name upright, every
    special character escaped; a number suffix (``c_2``, for nodes that share a name)
    as a subscript.

    >>> _tex("x"), _tex("-0.5"), _tex("add#3"), _tex("^"), _tex("b_{c}"), _tex("c_2")
    ('x', '-0.5', '\\\\mathrm{add\\\\#3}', '\\\\mathrm{\\\\hat{}}', '\\\\mathrm{b\\\\_\\\\{c\\\\}}', 'c_{2}')
    """
    if (len(name) == 1 and name not in _TEX_ESCAPES) or _NUMBER.fullmatch(name):
        return name
    numbered = _NUMBERED.fullmatch(name)
    if numbered:
        return f"{_tex(numbered[1])}_{{{numbered[2]}}}"
    return "\\mathrm{" + "".join(_TEX_ESCAPES.get(c, c) for c in name) + "}"


def _grad(symbol: str) -> str:
    """A gradient symbol from :func:`~scalargraph.core.labels.gradient_names` in LaTeX.

    >>> _grad("dx"), _grad("d(mul#2)"), _grad("dnum")
    ('\\\\mathrm{d}x', '\\\\mathrm{d}(\\\\mathrm{mul\\\\#2})', '\\\\mathrm{d}\\\\mathrm{num}')
    """
    name = symbol[1:]
    if name.startswith("(") and name.endswith(")"):
        return f"\\mathrm{{d}}({_tex(name[1:-1])})"
    return f"\\mathrm{{d}}{_tex(name)}"


def _partial(top: str, bottom: str) -> str:
    return f"∂{top}/∂{bottom}"


def _tex_partial(top: str, bottom: str) -> str:
    return f"\\frac{{\\partial {_tex(top)}}}{{\\partial {_tex(bottom)}}}"


def _factor(number: str) -> str:
    """A number that follows ``·``: in parentheses when negative."""
    return f"({number})" if number.startswith("-") else number


@dataclass
class _History:
    """When each value and gradient became known, shared by the steps of one call."""

    output: Node
    digits: int
    value: dict[Node, Any] = field(default_factory=dict)
    value_at: dict[Node, int] = field(default_factory=dict)
    grad_events: dict[Node, list[tuple[int, Any]]] = field(default_factory=dict)
    sent: list[tuple[int, tuple[Node, Node]]] = field(default_factory=list)  # (index, edge)

    def grad(self, node: Node, total: Any, index: int) -> None:
        self.grad_events.setdefault(node, []).append((index, total))


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the forward or backward pass, with its equation.

    ``kind`` is ``"forward"`` (a node's value), ``"seed"`` (df = 1) or
    ``"backward"`` (one edge's contribution to a gradient). ``node`` is the node
    whose value or gradient changes; ``edge`` is ``(input, consumer)`` for a
    backward step. ``local``, ``upstream``, ``contribution`` and ``total`` are
    the numbers of a backward step: ``contribution = upstream · local`` and
    ``total`` is the input's gradient so far. ``text`` and ``latex`` hold the equation.
    """

    index: int
    kind: str
    node: Node
    edge: tuple[Node, Node] | None
    text: str
    latex: str
    value: Any = None
    local: Any = None
    upstream: Any = None
    contribution: Any = None
    total: Any = None
    _history: _History | None = field(default=None, repr=False)

    @property
    def output(self) -> Node:
        """The graph's output (the f of ∂f/∂x)."""
        assert self._history is not None
        return self._history.output

    @property
    def values(self) -> dict[Node, Any]:
        """Every value known once this step is done."""
        h = self._history
        assert h is not None
        return {n: v for n, v in h.value.items() if h.value_at[n] <= self.index}

    @property
    def grads(self) -> dict[Node, Any]:
        """Every gradient known once this step is done (running totals)."""
        h = self._history
        assert h is not None
        known = {}
        for node, events in h.grad_events.items():
            totals = [total for i, total in events if i <= self.index]
            if totals:
                known[node] = totals[-1]
        return known

    @property
    def sent(self) -> list[tuple[Node, Node]]:
        """The ``(input, consumer)`` edges the backward pass has sent a gradient along so far."""
        h = self._history
        assert h is not None
        return [edge for i, edge in h.sent if i <= self.index]

    @property
    def highlight(self) -> tuple[Any, ...]:
        """The active node and edges: a backward step's edge, a forward step's input edges."""
        if self.edge is not None:
            return (self.node, self.edge)
        if self.kind == "forward":
            return (self.node, *((i, self.node) for i in self.node.inputs))
        return (self.node,)

    def diagram(self, **options: Any) -> Any:
        """The diagram at this step: known values and gradients, the active node and edge.

        Options go to :func:`scalargraph.draw`; ``digits`` is the steps' ``digits`` unless given.
        Each edge the backward pass has gone along so far (this step's too) writes the gradient
        it carried back, as the player does (``flow=step.edge``: this step's edge alone;
        ``flow=False``: none). Every step of one pass is drawn with the layout of the finished
        pass, so frames do not jump.
        """
        from ..drawing.diagram import draw

        h = self._history
        assert h is not None
        options.setdefault("digits", options.pop("precision", h.digits))
        options.setdefault("fold", False)  # every frame draws the same boxes
        every_flow = "flow" not in options
        options.setdefault("flow", self.sent)
        if "rankdir" not in options or "edge_labels" not in options:
            final = {n: events[-1][1] for n, events in h.grad_events.items()}
            finished = {**options, "flow": [edge for _, edge in h.sent]} if every_flow else options
            chosen = draw(self.output, values=h.value, grads=final, **finished).layout
            for key, value in chosen.items():
                options.setdefault(key, value)
        return draw(self.output, values=self.values, grads=self.grads,
                    highlight=self.highlight, **options)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Step({self.index}, {self.kind!r}, {self.text!r})"

    def _repr_latex_(self) -> str:
        return f"$${self.latex}$$"

    def _repr_html_(self) -> str | None:
        import html

        from ..drawing.display import picture_html

        try:
            svg = picture_html(self.diagram())  # a PNG <img>; diagram.html() where scripts run
        except ScalargraphError:  # no renderer installed: Jupyter shows the LaTeX alone
            return None
        return (f'<div class="sg-step">{svg}<div class="sg-equation" title="{html.escape(self.text)}">'
                f"$${html.escape(self.latex)}$$</div></div>")


def svg_element(svg: str) -> str:
    """An SVG document as an element to inline in HTML (no XML prolog or DOCTYPE).

    >>> svg_element('<?xml version="1.0"?>\\n<!DOCTYPE svg>\\n<svg width="1"></svg>\\n')
    '<svg width="1"></svg>'
    """
    start = svg.find("<svg")
    return svg[start:].strip() if start >= 0 else svg.strip()


def steps(f: Any, mode: str = "backward", *, digits: int = DIGITS) -> list[Step]:
    """The steps of the forward pass, the backward pass or both, with their equations.

    ``f`` is the output Node (or a Graph, or an example). Numbers are shown with
    ``digits`` significant digits; the step's fields hold the full floats. No node's
    value or gradient is written, so threads may step through graphs that share nodes.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> s = steps((x * x).named("f"))
    >>> [str(t) for t in s]
    ['df = 1', 'dx += df · ∂f/∂x = 1 · 3 = 3  (total 3)  where ∂f/∂x = x', \
'dx += df · ∂f/∂x = 1 · 3 = 3  (total 6)  where ∂f/∂x = x']
    >>> s[-1].total == 6.0, s[-1].edge == (x, s[0].node)
    (True, True)
    """
    if mode not in MODES:
        raise InputError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 17:
        raise InputError(f"digits must be a whole number from 1 to 17, got {digits!r}")
    graph = as_graph(f)
    names = labels(graph)
    history = _History(graph.output, digits)
    out: list[Step] = []
    forward = mode != "backward"
    for node in graph.nodes:
        history.value[node] = node.value
        known_from_start = not forward or isinstance(node, Constant)
        history.value_at[node] = -1 if known_from_start else len(out)
        if not known_from_start:
            out.append(_forward_step(len(out), node, names, digits, history))
    if mode != "forward":
        out.extend(_backward_steps(graph, names, digits, history, len(out)))
    return out


def _forward_step(index: int, node: Node, names: dict[Node, str], digits: int,
                  history: _History) -> Step:
    me = names[node]
    value = format_number(node.value, digits)
    if node.op is None:
        note = "  (parameter)" if is_param(node) else ""
        return Step(index, "forward", node, None, f"{me} = {value}{note}",
                    f"{_tex(me)} = {value}", value=node.value, _history=history)
    op = node.op
    args = [names[i] for i in node.inputs]
    numbers = [format_number(i.value, digits) for i in node.inputs]
    text = f"{me} = {_fill(op.text, me, *args)} = {_fill(op.text, value, *numbers)} = {value}"
    latex = (f"{_tex(me)} = {_fill(op.latex, _tex(me), *map(_tex, args))} = "
             f"{_fill(op.latex, value, *numbers)} = {value}")
    return Step(index, "forward", node, None, text, latex, value=node.value, _history=history)


def _backward_steps(graph: Graph, names: dict[Node, str], digits: int, history: _History,
                    start: int) -> list[Step]:
    out_node = graph.output
    dnames = gradient_names(names)
    seed = Step(start, "seed", out_node, None, f"{dnames[out_node]} = 1",
                f"{_grad(dnames[out_node])} = 1", total=1.0, _history=history)
    history.grad(out_node, 1.0, start)
    result = [seed]
    for flow in Schedule(graph).flows():  # the reverse pass, edge by edge
        edge = flow.edge
        node, k, inp, local = edge.consumer, edge.index, edge.input, edge.local
        index = start + len(result)
        history.grad(inp, flow.total, index)
        history.sent.append((index, (inp, node)))
        numbers = (flow.upstream, local, flow.contribution, flow.total)
        text, latex = _backward_equation(node, k, names, dnames, numbers, digits)
        result.append(Step(index, "backward", inp, (inp, node), text, latex, local=local,
                           upstream=flow.upstream, contribution=flow.contribution, total=flow.total,
                           _history=history))
    return result


def _backward_equation(node: Node, k: int, names: dict[Node, str], dnames: dict[Node, str],
                       numbers: tuple[Any, ...], digits: int) -> tuple[str, str]:
    """``dx += dq · ∂q/∂x = -4 · 1 = -4  (total -4)`` and its LaTeX.

    ``dx`` is the gradient of the output being accumulated, ``dq`` the consumer's
    (final) gradient, ``∂q/∂x`` the op's local derivative: three symbols, never one
    for two things (``docs/notation.md``).
    """
    assert node.op is not None
    inp_node = node.inputs[k]
    me, inp = names[node], names[inp_node]
    d_inp, d_me = dnames[inp_node], dnames[node]
    up, local, contribution, total = (format_number(v, digits) for v in numbers)
    args = [names[i] for i in node.inputs]
    dtext, dlatex, _ = local_templates(node, k)
    formula = _fill(dtext, me, *args)
    tex_formula = _fill(dlatex, _tex(me), *map(_tex, args))
    where = "" if formula == local else f"  where {_partial(me, inp)} = {formula}"
    tex_where = "" if formula == local else f", \\quad {_tex_partial(me, inp)} = {tex_formula}"
    text = (f"{d_inp} += {d_me} · {_partial(me, inp)} = "
            f"{up} · {_factor(local)} = {contribution}  (total {total}){where}")
    latex = (f"{_grad(d_inp)} \\mathrel{{+}}= {_grad(d_me)} \\cdot "
             f"{_tex_partial(me, inp)} = {up} \\cdot {_factor(local)} = {contribution} "
             f"\\quad (\\text{{total }} {total}){tex_where}")
    return text, latex
