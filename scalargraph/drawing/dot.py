"""The DOT writer: a :class:`Plan` and the numbers of a :class:`View`, written as Graphviz DOT text.

Boxes are HTML-like tables (name, op symbol, formula, value, gradient), groups are
clusters, edges carry the local derivative. The text is written directly rather than
through ``graphviz.Digraph`` (whose quoting is half the time of drawing a large graph);
the two produce the same DOT.

>>> Dot("g").body, quote("a b"), quote("x1"), quote(Html("<b>x</b>"))
([], '"a b"', 'x1', '<<b>x</b>>')
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from ..core.labels import kind
from ..core.node import Constant, Group, Node, Param
from ..core.ops import fill
from .plan import Plan, View, chain
from .themes import SHAPES, STYLES, Theme

__all__ = ["NAME", "XLABEL_ABOVE", "Builder", "Dot", "Html", "quote"]

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
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
NAME = "scalargraph"
_TABLE = 'border="0" cellborder="0" cellspacing="0" cellpadding="1"'


class Builder:
    """Writes the plan as DOT: clusters, boxes, edges, legend."""

    def __init__(self, order: list[Node], plan: Plan, view: View, theme: Theme, marks: set[Any],
                 checks: Mapping[Node, Any], edge_labels: bool) -> None:
        self.order = order
        self.plan = plan
        self.view = view
        self.theme = theme
        self.marks = marks
        self.checks = checks
        self.edge_labels = edge_labels
        self.label_attr = "label" if len(set(plan.units.values())) <= XLABEL_ABOVE else "xlabel"

    def build(self, rankdir: str, legend: bool) -> Dot:
        t = self.theme
        root = Dot(NAME)
        root.attr(rankdir=rankdir, bgcolor=t.background, fontname=t.font, fontcolor=t.text,
                  nodesep="0.3", ranksep="0.45")
        root.attr("node", fontname=t.font, fontsize="11", color=t.line, fontcolor=t.text, margin="0.08,0.04")
        root.attr("edge", fontname=t.font, fontsize="10", color=t.line, fontcolor=t.text, arrowsize="0.7")
        self._clusters(root, self._boxes())
        self._edges(root)
        if legend:
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
            bodies[where].append((uid, node))
        return bodies

    def _clusters(self, root: Dot, bodies: dict[Group | None, Any]) -> None:
        groups = [g for g in bodies if g is not None]
        index = {g: i for i, g in enumerate(groups)}
        graphs = {g: Dot(f"cluster_{index[g]}") for g in groups}
        for g, sub in graphs.items():
            sub.attr(label=g.name, style="rounded,filled", fillcolor=self.theme.cluster,
                     color=self.theme.muted, fontcolor=self.theme.text)
        for where, entries in bodies.items():
            target = root if where is None else graphs[where]
            for uid, node in entries:
                self._box(target, uid, node)
        for g in sorted(groups, key=lambda g: (-len(g.path()), index[g])):  # innermost first
            (root if g.parent is None else graphs[g.parent]).subgraph(graphs[g])

    def _box(self, target: Dot, uid: str, node: Node) -> None:
        t = self.theme
        if not uid.startswith("n"):  # a collapsed group or the nodes beyond max_nodes
            hot = any(self.plan.units.get(n) == uid for n in self.marks if isinstance(n, Node))
            target.node(uid, Html(self.plan.unit_labels[uid]), shape="box3d", style="filled",
                        fillcolor=t.cluster, fontcolor=t.text, **self._hot(hot))
            return
        role = self._role(node)
        target.node(uid, self._html(node), shape=SHAPES[role], style=STYLES[role],
                    fillcolor=getattr(t, role), peripheries="2" if role == "output" else "1",
                    **self._hot(node in self.marks))

    def _hot(self, on: bool, edge: bool = False) -> dict[str, str]:
        """Emphasis for a highlighted box (``on``) or edge (``edge``)."""
        if edge:
            return {"color": self.theme.highlight, "penwidth": "3", "fontcolor": self.theme.highlight}
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
        rows = [f'<tr><td align="left"><b>{name}</b></td><td align="right">{tag}</td></tr>']
        if node.op is not None:
            labels = [v.label(i) for i in node.inputs]
            formula = fill(node.op.text, v.label(node), *labels)
            rows.append(_row(f'<font point-size="9">= {_esc(formula)}</font>'))
        rows.append(_row(self._known("value", v.value(node))))
        if not isinstance(node, Constant):
            rows.append(_row(self._known("grad", v.grad(node))))
            if v.tangents is not None:
                rows.append(_row(self._known("tangent", v.tangents.get(node))))
        if node in self.checks:
            rows.append(self._badge(node))
        for k, inp in enumerate(node.inputs):
            if (node, k) in self.plan.attached and not isinstance(inp, Constant):
                rows.extend(self._attached_rows(node, k, inp))
        return Html(f'<table {_TABLE}>{"".join(rows)}</table>')

    def _tag(self, node: Node) -> str:
        """The op symbol, with an attached parameter: ``× a`` is "multiply by a"."""
        if node.op is None:
            return kind(node)
        params = [k for k, i in enumerate(node.inputs)
                  if (node, k) in self.plan.attached and isinstance(i, Param)]
        if len(params) != 1:
            return node.op.symbol
        name = self.view.label(node.inputs[params[0]])
        return f"{node.op.symbol} {name}" if params[0] == 1 else f"{name} {node.op.symbol}"

    def _known(self, what: str, value: Any) -> str:
        if value is None:
            return f'<font color="{self.theme.muted}"><i>{what} not computed</i></font>'
        return f"{what} {_esc(self.view.number(value))}"

    def _attached_rows(self, node: Node, k: int, param: Node) -> list[str]:
        """A parameter drawn inside its consumer: value, gradient, local derivative."""
        v, t = self.view, self.theme
        hot = param in self.marks or (param, node) in self.marks
        colour = f' bgcolor="{t.highlight if hot else t.param}"'
        text = (f"param {_esc(v.label(param))} = {_esc(v.number(v.value(param)))} · "
                f"{self._known('grad', v.grad(param))}")
        if v.tangents is not None:
            text += f" · {self._known('tangent', v.tangents.get(param))}"
        rows = [_row(text, colour)]
        if self.edge_labels:
            rows.append(_row(f'<font point-size="9">{_esc(self._derivative_text(node, k))}</font>', colour))
        if param in self.checks:
            rows.append(self._badge(param, f"{v.label(param)}: "))
        return rows

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
        for node in self.plan.boxes:
            if node.op is None:
                continue
            for k, inp in enumerate(node.inputs):
                if (node, k) in self.plan.attached:
                    continue
                tail, head = self.plan.units[inp], self.plan.units[node]
                if tail == head:
                    continue
                if tail.startswith("n") and head.startswith("n"):
                    root.edge(tail, head, **self._edge_attrs(node, k, inp))
                elif (tail, head) not in merged or (inp, node) in self.marks:
                    merged[(tail, head)] = self._hot(False, edge=(inp, node) in self.marks)
        for (tail, head), attrs in merged.items():
            root.edge(tail, head, **attrs)

    def _edge_attrs(self, node: Node, k: int, inp: Node) -> dict[str, str]:
        attrs: dict[str, str] = {}
        if isinstance(inp, Constant):
            attrs["style"] = "dashed"  # no gradient flows into a constant
        elif self.edge_labels:
            attrs[self.label_attr] = self._derivative_text(node, k)
        attrs.update(self._hot(False, edge=(inp, node) in self.marks))
        return attrs

    def _derivative_text(self, node: Node, k: int) -> str:
        """``∂f/∂q = z = -4``: the local derivative, symbolic (from the op table) and numeric."""
        v = self.view
        assert node.op is not None
        labels = [v.label(i) for i in node.inputs]
        out = v.label(node)
        symbolic = fill(node.op.dtext[k], out, *labels)
        parts = [f"∂{out}/∂{labels[k]}", symbolic]
        number = v.derivative(node, k)
        if number is not None:
            shown = v.number(number)
            if shown != symbolic.replace("−", "-"):
                parts.append(shown)
        return " = ".join(parts)

    # ---- legend
    def _legend(self, root: Dot) -> None:
        t = self.theme
        box = Dot("cluster_legend")
        box.attr(label="legend", style="rounded", color=t.muted, fontcolor=t.text)
        box.attr("node", fontsize="10")
        for role, text in (("input", "input"), ("param", "parameter"), ("const", "constant"),
                           ("op", "op"), ("output", "output")):
            box.node(f"legend_{role}", text, shape=SHAPES[role], style=STYLES[role],
                     fillcolor=getattr(t, role), peripheries="2" if role == "output" else "1")
        note = Html("edge label: ∂consumer/∂input = symbolic = number<br/>"
                     "<i>grad not computed</i>: no backward pass has reached the node yet (not 0)")
        box.node("legend_note", note, shape="plaintext", fontcolor=t.text)
        root.subgraph(box)


def _row(content: str, extra: str = "") -> str:
    return f'<tr><td colspan="2" align="left"{extra}>{content}</td></tr>'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)

