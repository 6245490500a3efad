"""The DOT writer: a :class:`Plan` and the numbers of a :class:`View`, written as Graphviz DOT text.

Boxes are HTML-like tables (name, op symbol, formula, value, gradient), groups are
clusters, edges carry the local derivative. The text is written directly rather than
through ``graphviz.Digraph`` (whose quoting is half the time of drawing a large graph);
the two produce the same DOT.

>>> Dot("g").body, quote("a b"), quote("x1"), quote(Html("<b>x</b>"))
([], '"a b"', 'x1', '<<b>x</b>>')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.labels import kind, local_templates
from ..core.node import Constant, Group, Node, is_param
from ..core.ops import fill
from .escape import dot_string, html_text, html_text_plain
from .plan import Plan, View, chain
from .themes import SHAPES, STYLES, Theme

__all__ = ["FONT", "LABEL_MODES", "NAME", "SMALL", "XLABEL_ABOVE", "Builder", "Dot", "Html", "Options",
           "quote"]

#: Above this many drawn nodes, edge labels become ``xlabel``s (placed after the
#: layout) rather than ``label``s (laid out as part of it): 3x faster on big graphs.
XLABEL_ABOVE = 150


class Dot:
    """The few ``graphviz.Digraph`` methods the builder uses, writing the same DOT text
    (the graphviz package's quoting is half the time of drawing a large graph)."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.body: list[str] = []

    def attr(self, kw: str = "graph", **attrs: str) -> None:
        self.body.append(f"\t{kw} {_attrs(attrs)}\n")

    def node(self, name: str, label: str, **attrs: str) -> None:
        self.body.append(f"\t{name} {_attrs({'label': label, **attrs})}\n")

    def edge(self, tail: str, head: str, **attrs: str) -> None:
        self.body.append(f"\t{tail} -> {head}{' ' + _attrs(attrs) if attrs else ''}\n")

    def subgraph(self, graph: Dot) -> None:
        self.body.append(f"\tsubgraph {graph.name} {{\n")
        self.body.extend("\t" + line for line in graph.body)
        self.body.append("\t}\n")


class Html(str):
    """An HTML-like Graphviz label: written as ``<...>``, not quoted."""


def _attrs(attrs: Mapping[str, str]) -> str:
    return "[" + " ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]"


def quote(value: str) -> str:
    if isinstance(value, Html):
        return f"<{value}>"
    if _PLAIN.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    return dot_string(value)


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
NAME = "scalargraph"
_TABLE = 'border="0" cellborder="0" cellspacing="0" cellpadding="1"'


#: Edge label styles: the local derivative ``∂f/∂q = z = -4`` in full, its number alone
#: (the rest in the hover text), its symbolic form alone (no number: a quiz question is
#: open), or no label.
LABEL_MODES = ("full", "short", "symbolic", "none")


@dataclass
class Options:
    """How the builder writes labels: see :func:`scalargraph.draw`."""

    labels: str = "full"  # one of LABEL_MODES
    flow: bool | frozenset[tuple[Node, Node]] = False  # True: every edge; or these (input, consumer)
    unknown: str | None = None  # the text of a gradient not known yet; None: "not computed"
    legend: bool = False
    compact: bool = True  # an attached parameter in short rows, not one long one


class Builder:
    """Writes the plan as DOT: clusters, boxes, edges, legend. While writing it records each
    box's estimated size and each edge's label width, for :mod:`.fit` to choose a layout."""

    def __init__(self, plan: Plan, view: View, theme: Theme, marks: set[Any],
                 checks: Mapping[Node, Any], options: Options) -> None:
        self.order = plan.order
        self.plan = plan
        self.view = view
        self.theme = theme
        self.marks = marks
        self.checks = checks
        self.options = options
        self.label_attr = "label" if len(set(plan.units.values())) <= XLABEL_ABOVE else "xlabel"
        self.sizes: dict[str, tuple[float, float]] = {}
        self.edge_widths: list[tuple[str, str, float]] = []
        self.param_sites: dict[Node, list[tuple[Node, int]]] = {}
        for node in plan.boxes:
            for k, inp in enumerate(node.inputs):
                if (node, k) in plan.attached and not isinstance(inp, Constant):
                    self.param_sites.setdefault(inp, []).append((node, k))

    def build(self, rankdir: str) -> Dot:
        t = self.theme
        root = Dot(NAME)
        root.attr(rankdir=rankdir, bgcolor=t.background, fontname=t.font, fontcolor=t.text,
                  nodesep="0.25", ranksep="0.35")
        root.attr("node", fontname=t.font, fontsize=str(FONT), color=t.line, fontcolor=t.text,
                  margin="0.06,0.03")
        root.attr("edge", fontname=t.font, fontsize=str(SMALL), color=t.line, fontcolor=t.text,
                  arrowsize="0.7")
        self.sizes.clear()
        self.edge_widths.clear()
        self._clusters(root, self._boxes())
        self._edges(root)
        if self.options.legend:
            self._legend(root)
        return root

    # ---- boxes and clusters
    def _boxes(self) -> dict[Group | None, Any]:
        """One body per group holding its boxes (None: the top level)."""
        bodies: dict[Group | None, Any] = {None: []}
        done = set()
        for node in self.plan.boxes:
            uid = self.plan.units[node]
            if uid in done:
                continue
            done.add(uid)
            where = self.plan.unit_groups[uid]
            for g in chain(where):
                bodies.setdefault(g, [])
            bodies[where].append((uid, self.plan.folded.get(node, node)))
        for (node, k), cid in self.plan.copies.items():  # a copy sits in its consumer's cluster
            bodies[self.plan.unit_groups[self.plan.units[node]]].append((cid, node.inputs[k]))
        return bodies

    def _clusters(self, root: Dot, bodies: dict[Group | None, Any]) -> None:
        groups = [g for g in bodies if g is not None]
        index = {g: i for i, g in enumerate(groups)}
        graphs = {g: Dot(f"cluster_{index[g]}") for g in groups}
        for g, sub in graphs.items():
            sub.attr(label=g.name, style="rounded,filled", fillcolor=self.theme.cluster,
                     color=self.theme.line, fontcolor=self.theme.text)
        for where, entries in bodies.items():
            target = root if where is None else graphs[where]
            for uid, node in entries:
                self._box(target, uid, node)
        for g in sorted(groups, key=lambda g: (-len(g.path()), index[g])):  # innermost first
            (root if g.parent is None else graphs[g.parent]).subgraph(graphs[g])

    def _box(self, target: Dot, uid: str, node: Node) -> None:
        t = self.theme
        if uid.startswith("c"):  # a small copy of a leaf beside a far consumer
            role = self._role(node)
            name = self.view.label(node)
            target.node(uid, name, shape="box", style="rounded,filled,dashed", fillcolor=getattr(t, role),
                        fontsize=str(SMALL), margin="0.04,0.02", height="0.25",
                        tooltip=f"{name} again (its box is drawn once; this copy keeps the edges short)")
            self.sizes[uid] = (_width(name, SMALL) + 8, 18)
            return
        if not uid.startswith("n"):  # a collapsed group or the nodes beyond max_nodes
            hot = any(self.plan.units.get(n) == uid for n in self.marks if isinstance(n, Node))
            label = self.plan.unit_labels[uid]
            target.node(uid, Html(label), shape="box3d", style="filled",
                        fillcolor=t.cluster, fontcolor=t.text, **self._hot(hot))
            self.sizes[uid] = _html_size(label)
            return
        role = self._role(node)
        label = self._html(node)
        target.node(uid, label, shape=SHAPES[role], style=STYLES[role],
                    fillcolor=getattr(t, role), peripheries="2" if role == "output" else "1",
                    **self._hot(node in self.marks))
        self.sizes[uid] = _html_size(label)

    def _hot(self, on: bool, edge: bool = False) -> dict[str, str]:
        """Emphasis for a highlighted box (``on``) or edge (``edge``)."""
        if edge:
            return {"color": self.theme.highlight, "penwidth": "3", "fontcolor": self.theme.highlight_text}
        return {"color": self.theme.highlight, "penwidth": "3"} if on else {}

    def _role(self, node: Node) -> str:
        if node is self.order[-1]:
            return "output"
        k = kind(node)
        return k if k in ("input", "param", "const") else "op"

    def _html(self, node: Node) -> Html:
        v = self.view
        name = _esc(v.label(node))
        tag = _esc(self._tag(node))
        rows = [f'<tr><td align="left"><b>{name}</b></td>'
                f'<td align="right">&#160;&#160;<font color="{self.theme.muted}">{tag}</font></td></tr>']
        if node.op is not None:
            rows.append(_row(f'<font point-size="{SMALL}">= {_esc(self._formula(node))}</font>'))
        rows.append(_row(self._known("value", v.value(node))))
        if not isinstance(node, Constant):
            rows.append(_row(self._known("grad", v.grad(node), gradient=True)))
            if v.tangents is not None:
                rows.append(_row(self._known("tangent", v.tangents.get(node))))
        if node in self.checks:
            rows.append(self._badge(node))
        for member in [node, *self._members(node)]:
            for k, inp in enumerate(member.inputs):
                if (member, k) in self.plan.attached and not isinstance(inp, Constant):
                    rows.extend(self._attached_rows(member, k, inp))
        return Html(f'<table {_TABLE}>{"".join(rows)}</table>')

    def _members(self, node: Node) -> list[Node]:
        """The ``+`` nodes folded into ``node``'s Σ box (none for an ordinary box)."""
        if node not in self.plan.terms:
            return []
        return [m for m, root in self.plan.folded.items() if root is node]

    def _formula(self, node: Node) -> str:
        """``x + sigy``; a Σ box's terms (the first three and the last); ``**`` for a power,
        as Python and :func:`scalargraph.parse` write it."""
        v = self.view
        assert node.op is not None
        terms = self.plan.terms.get(node)
        if terms is not None:
            shown = [v.label(t) for t in terms]
            params = [v.label(m.inputs[k]) for m in [node, *self._members(node)] for k in (0, 1)
                      if (m, k) in self.plan.attached]
            shown += params
            count = len(shown)
            if count > 5:
                shown = [*shown[:3], "…", shown[-1]]
            return f"{' + '.join(shown)}  ({count} terms)"
        labels = [v.label(i) for i in node.inputs]
        return fill(node.op.text, v.label(node), *labels)

    def _tag(self, node: Node) -> str:
        """The op symbol, with an attached parameter: ``× a`` is "multiply by a"; Σ for a folded sum."""
        if node.op is None:
            return kind(node)
        if node in self.plan.terms:
            return "Σ"
        params = [k for k, i in enumerate(node.inputs)
                  if (node, k) in self.plan.attached and is_param(i)]
        symbol = node.op.symbol
        if len(params) != 1:
            return symbol
        name = self.view.label(node.inputs[params[0]])
        return f"{symbol} {name}" if params[0] == 1 else f"{name} {symbol}"

    def _known(self, what: str, value: Any, gradient: bool = False) -> str:
        if value is None:
            missing = "not computed"
            if gradient and self.options.unknown is not None:
                missing = self.options.unknown
            return f'<font color="{self.theme.muted}"><i>{what} {_esc(missing)}</i></font>'
        return f"{what} {_esc(self.view.number(value))}"

    def _attached_rows(self, node: Node, k: int, param: Node) -> list[str]:
        """A parameter drawn inside its consumer: its value, its gradient and the local
        derivative, in short rows (``compact``) or in one (``param a = 1 · grad 9``). A
        parameter used in several places shows, compact or with ``flow``, what this place adds
        to its gradient (upstream × local) and, on one of its rows, the total."""
        v, t = self.view, self.theme
        hot = param in self.marks or (param, node) in self.marks
        colour = f' bgcolor="{t.highlight_fill if hot else t.param}"'
        value = f"{_esc(v.label(param))} = {_esc(v.number(v.value(param)))}"
        sites = self.param_sites[param]
        compact = self.options.compact
        parts = []
        if len(sites) == 1 or not (compact or self._flows(param, node)):
            parts.append(self._known("grad", v.grad(param), gradient=True))
        else:
            if self.options.labels != "symbolic":
                here = v.contribution(node, k)
                parts.append("adds " + (_esc(v.number(here)) if here is not None else self._missing()))
            if (node, k) == sites[0]:  # the last place the backward pass reaches: the total
                parts.append(self._known("total grad", v.grad(param), gradient=True))
        if v.tangents is not None:
            parts.append(self._known("tangent", v.tangents.get(param)))
        if compact:
            rows = [_row(value, colour)] + ([_row(" · ".join(parts), colour)] if parts else [])
        else:
            rows = [_row(" · ".join([f"param {value}", *parts]), colour)]
        if self.options.labels != "none":
            derivative = self._derivative_text(node, k, "row" if self.options.labels == "short" else None)
            rows.append(_row(f'<font point-size="{SMALL}">{_esc(derivative)}</font>', colour))
        if param in self.checks and (node, k) == sites[0]:
            rows.append(self._badge(param, f"{v.label(param)}: "))
        return rows

    def _missing(self) -> str:
        missing = self.options.unknown if self.options.unknown is not None else "not computed"
        return f'<font color="{self.theme.muted}"><i>{_esc(missing)}</i></font>'

    def _badge(self, node: Node, whose: str = "") -> str:
        c = self.checks[node]
        if c.numeric is None:
            text = f"{whose}check ✗ numeric gradient undefined here (outside an op's domain)"
        else:
            mark = "✓" if c.ok else "✗"
            text = (f"{whose}check {mark} numeric {self.view.number(c.numeric)}, "
                    f"rel. error {c.rel_error:.1e}")
        text = _esc(text)
        colour = self.theme.ok if c.ok else self.theme.bad
        return _row(f'<font color="{colour}"><b>{text}</b></font>')

    # ---- edges
    def _edges(self, root: Dot) -> None:
        merged: dict[tuple[str, str], dict[str, str]] = {}  # edges into or out of a collapsed box
        units = self.plan.units
        for node, k, inp in self.plan.edges():
            tail, head = self.plan.copies.get((node, k), units[inp]), units[node]
            if tail == head:
                continue
            if tail[0] in "nc" and head.startswith("n"):
                attrs = self._edge_attrs(node, k, inp)
                root.edge(tail, head, **attrs)
                self.edge_widths.append((tail, head, _label_width(attrs.get(self.label_attr, ""))))
            elif (tail, head) not in merged or (inp, node) in self.marks:
                merged[(tail, head)] = self._hot(False, edge=(inp, node) in self.marks)
        for (tail, head), attrs in merged.items():
            root.edge(tail, head, **attrs)
            self.edge_widths.append((tail, head, 0.0))

    def _edge_attrs(self, node: Node, k: int, inp: Node) -> dict[str, str]:
        attrs: dict[str, str] = {}
        mode = self.options.labels
        if isinstance(inp, Constant):
            attrs["style"] = "dashed"  # no gradient flows into a constant
        elif mode != "none":
            full = self._derivative_text(node, k, "symbolic" if mode == "symbolic" else "full")
            text = self._derivative_text(node, k) if mode != "full" else full
            lines = [_esc(text)]
            flow = self._flow_text(node, k, inp)
            if flow:
                lines.append(f'<font color="{self.theme.flow}">{_esc(flow)}</font>')
                full += f"; {self._flow_text(node, k, inp, 'full')}"
            attrs[self.label_attr] = Html("<br/>".join(lines)) if flow else text
            if text != full:
                attrs["labeltooltip"] = attrs["tooltip"] = full
        attrs.update(self._hot(False, edge=(inp, node) in self.marks))
        return attrs

    def _flows(self, inp: Node, node: Node) -> bool:
        """Whether the gradient flowing from ``node`` back to ``inp`` is written (``flow=``)."""
        flow = self.options.flow
        return flow is True or (flow is not False and (inp, node) in flow)

    def _flow_text(self, node: Node, k: int, inp: Node, mode: str | None = None) -> str:
        """``flow 1 × -4 = -4``: the gradient this edge carries back to ``inp`` (upstream × local)."""
        if not self._flows(inp, node) or self.options.labels == "symbolic":
            return ""
        v = self.view
        root = self.plan.folded.get(node, node)
        up = v.grad(root)
        local = 1.0 if root is not node else v.derivative(node, k)
        if up is None or local is None:
            return "flow " + (self.options.unknown or "not computed yet")
        if (mode or self.options.labels) == "full":
            return f"flow {v.number(up)} × {v.number(local)} = {v.number(up * local)}"
        return f"flow {v.number(up * local)}"

    def _derivative_text(self, node: Node, k: int, mode: str | None = None) -> str:
        """``∂f/∂q = z = -4``: the local derivative, symbolic (from the op table) and numeric;
        ``-4`` alone in the short style, ``∂f/∂q = z`` in the symbolic one."""
        mode = mode or self.options.labels
        v = self.view
        root = self.plan.folded.get(node, node)
        labels = [v.label(i) for i in node.inputs]
        out = v.label(root)
        if root is not node:  # an edge into a Σ box: d(sum)/d(term) = 1
            symbolic, number = "1", None
        else:
            assert node.op is not None
            symbolic = fill(local_templates(node, k)[0], out, *labels)
            number = v.derivative(node, k)
        head = f"∂{out}/∂{labels[k]}"
        shown = None if number is None or mode == "symbolic" else v.number(number)
        if mode == "short":
            return shown if shown is not None else f"{head} = {symbolic}"
        if mode == "row":  # an attached parameter's row in the short style: ∂mul#2/∂a = 4
            return f"{head} = {shown if shown is not None else symbolic}"
        parts = [head, symbolic]
        if shown is not None and shown != symbolic.replace("−", "-"):
            parts.append(shown)
        return " = ".join(parts)

    # ---- legend
    def _legend(self, root: Dot) -> None:
        """One box: a swatch per kind of node and what the labels mean, in short lines."""
        t = self.theme
        rows = []
        for role, text in (("input", "input"), ("param", "parameter"), ("const", "constant"),
                           ("op", "op"), ("output", "output")):
            rows.append(f'<tr><td bgcolor="{getattr(t, role)}" border="1" color="{t.line}" width="24">'
                        f'</td><td align="left">{text}</td></tr>')
        missing = _esc(self.options.unknown or "not computed")
        notes = ["edge: ∂consumer/∂input", "= symbolic = number"]
        if self.options.labels == "short":
            notes = ["edge: ∂consumer/∂input", "(hover for its formula)"]
        if self.options.flow:
            notes += [f'<font color="{t.flow}">flow: gradient carried back</font>',
                      f'<font color="{t.flow}">= upstream × local</font>']
        notes += [f"<i>grad {missing}</i>: not reached", "by a backward pass (not 0)"]
        rows += [f'<tr><td colspan="2" align="left">{line}</td></tr>' for line in notes]
        label = Html(f'<table border="0" cellborder="0" cellspacing="2" cellpadding="1">'
                     f'<tr><td colspan="2"><b>legend</b></td></tr>{"".join(rows)}</table>')
        root.node("legend", label, shape="box", style="rounded", color=t.line, fontsize=str(SMALL))
        self.sizes["legend"] = _html_size(label)


#: Font sizes in points: box text, and the smallest text (formulas, edge labels). At 880 px
#: the smallest must still read at 9 px, which :mod:`.fit` keeps in view when choosing a layout.
FONT = 11
SMALL = 10
_CHAR = 0.56  # average width of a Helvetica character, in font sizes
_TAG = re.compile(r"<[^>]*>")


def _width(text: str, size: float = FONT) -> float:
    return len(text) * size * _CHAR


def _html_size(label: str) -> tuple[float, float]:
    """The estimated size in points of an HTML-like label (one line per row or break)."""
    lines = [html_text_plain(_TAG.sub("", line)) for line in re.split(r"</tr>|<br/>", label)]
    lines = [line for line in lines if line.strip()] or [""]
    return max(_width(line) for line in lines) + 12, len(lines) * (FONT * 1.25 + 2) + 6


def _label_width(label: str) -> float:
    if not label:
        return 0.0
    return _html_size(label)[0] - 12 if isinstance(label, Html) else _width(label, SMALL)



def _row(content: str, extra: str = "") -> str:
    return f'<tr><td colspan="2" align="left"{extra}>{content}</td></tr>'


def _esc(text: str) -> str:
    return html_text(text)
