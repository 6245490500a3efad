"""Diagrams of a graph: every node's value and gradient, every edge's local derivative.

``sg.draw(f)`` returns a :class:`Diagram`: ``.source`` (DOT text), ``.digraph``
(a ``graphviz.Digraph`` to restyle), ``.svg()``, ``.png()``, ``.pdf()``,
``.save(path)``; in Jupyter it shows itself as SVG. Labels and derivatives come
from :mod:`scalargraph.core.labels` and the op table; ids come from the topological
order, so the same graph always gives the same DOT text.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> q = (x + y).named("q")
>>> f = (q * z).named("f")
>>> "grad not computed" in draw(f).source
True
>>> f.backward()
>>> d = draw(f)
>>> "∂f/∂q = z = -4" in d.source, "grad -4" in d.source
(True, True)
>>> d.svg().startswith("<?xml")
True
"""

from __future__ import annotations

import html
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.graph import local_derivative, topological_order
from ..core.labels import format_number, kind, label
from ..core.node import Constant, Group, Node, Param
from ..core.ops import fill
from ..errors import DomainError, InputError, MissingDependencyError, OperandTypeError
from .render import check_target, render, suffix_format, write_file

__all__ = ["RANKDIRS", "THEMES", "Diagram", "Theme", "draw"]

#: Directions the graph can flow in: left to right, top to bottom, and back.
RANKDIRS = ("LR", "TB", "RL", "BT")
#: Above this many drawn nodes, edge labels become ``xlabel``s (placed after the
#: layout) rather than ``label``s (laid out as part of it): 3x faster on big graphs.
XLABEL_ABOVE = 150


@dataclass(frozen=True)
class Theme:
    """Colours and font of a diagram, one fill per kind of node."""

    background: str
    text: str
    line: str
    muted: str  # "not computed", constants, collapsed groups
    input: str
    param: str
    const: str
    op: str
    output: str
    cluster: str
    highlight: str
    ok: str
    bad: str
    font: str = "Helvetica"


#: The built-in themes; pass one's name as ``theme=``.
THEMES: dict[str, Theme] = {
    "light": Theme(background="white", text="#1f2937", line="#4b5563", muted="#9ca3af",
                   input="#dbeafe", param="#fde68a", const="#f3f4f6", op="#ffffff",
                   output="#bbf7d0", cluster="#f9fafb", highlight="#dc2626", ok="#16a34a",
                   bad="#dc2626"),
    "dark": Theme(background="#111827", text="#e5e7eb", line="#9ca3af", muted="#6b7280",
                  input="#1e3a8a", param="#78350f", const="#374151", op="#1f2937",
                  output="#14532d", cluster="#1f2937", highlight="#f87171", ok="#4ade80",
                  bad="#f87171"),
    "mono": Theme(background="white", text="black", line="black", muted="#777777",
                  input="#e5e5e5", param="#cccccc", const="white", op="white",
                  output="#bbbbbb", cluster="#f5f5f5", highlight="black", ok="black",
                  bad="black"),
}

_SHAPES = {"input": "box", "param": "component", "const": "box", "op": "box", "output": "box"}
_STYLES = {"input": "rounded,filled", "param": "filled", "const": "filled,dashed",
           "op": "rounded,filled", "output": "rounded,filled"}


class Diagram:
    """A drawn graph. ``source`` is the DOT text; ``digraph`` the same graph as a
    ``graphviz.Digraph``: restyle it (``d.digraph.attr(bgcolor="pink")``) and
    ``source``, ``svg()`` and ``save()`` use the change."""

    def __init__(self, body: list[str]) -> None:
        self._body = body
        self._digraph: Any = None
        self._images: dict[str, tuple[str, bytes]] = {}  # format -> (DOT it was made from, image)

    @property
    def digraph(self) -> Any:
        """A ``graphviz.Digraph`` holding this diagram (made on first use)."""
        if self._digraph is None:
            self._digraph = _graphviz().Digraph(_NAME, body=list(self._body))
        return self._digraph

    @property
    def source(self) -> str:
        """The DOT text."""
        if self._digraph is not None:
            return str(self._digraph.source)
        return f"digraph {_NAME} {{\n{''.join(self._body)}}}\n"

    def svg(self) -> str:
        """The SVG image as text."""
        return self._image("svg").decode("utf-8")

    def png(self) -> bytes:
        """The PNG image."""
        return self._image("png")

    def pdf(self) -> bytes:
        """The PDF document."""
        return self._image("pdf")

    def _image(self, fmt: str) -> bytes:
        """Rendered once per format and DOT text (a restyled digraph renders again)."""
        source = self.source
        cached = self._images.get(fmt)
        if cached is None or cached[0] != source:
            cached = self._images[fmt] = (source, render(source, fmt))
        return cached[1]

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the diagram; the format comes from the suffix: .svg .png .pdf .dot (.gv).

        Nothing is written unless the whole file can be; returns the path."""
        fmt = suffix_format(path)
        check_target(path)  # before the render: a mistyped folder is reported at once
        data = self.source.encode("utf-8") if fmt == "dot" else self._image(fmt)
        return write_file(path, data)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
        """Jupyter display: the SVG image."""
        return {"image/svg+xml": self.svg(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        return "<scalargraph Diagram: .svg() .png() .pdf() .save(path); .source is the DOT text>"


def draw(output: Node, *, values: Mapping[Node, Any] | None = None,
         grads: Mapping[Node, Any] | None = None, highlight: Iterable[Any] = (),
         edge_labels: bool = True, attach: bool = True, legend: bool = False, precision: int = 4,
         rankdir: str = "LR", theme: str = "light", collapse: Iterable[str] = (), check: bool = False,
         sample: int | None = None, max_nodes: int | None = 300,
         tangents: Mapping[Node, Any] | None = None) -> Diagram:
    """Draw the graph ``output`` depends on: values, gradients and local derivatives.

    - ``values`` / ``grads``: show these instead of ``node.value`` / ``node.grad``;
      nodes missing from a mapping are shown as not yet computed.
    - ``tangents``: forward-mode tangents to show in each box, one more row under the
      gradient (``sg.jvp(f, {x: 1.0}, per_node=True)`` gives them).
    - ``highlight``: Nodes and ``(input, consumer)`` edges to emphasise.
    - ``edge_labels``: the local derivative on each edge, symbolic and numeric.
    - ``attach``: draw a parameter or constant operand of a binary op inside its
      node ("multiply by a"); False draws them as ordinary leaves.
    - ``legend``, ``precision`` (significant digits), ``rankdir`` (LR, TB, RL, BT),
      ``theme`` (light, dark, mono).
    - ``collapse``: names (or "outer/inner" paths) of groups drawn as one box each.
    - ``check``: badge each node with its backward gradient's relative error
      against central differences (green within tolerance, red beyond).
    - ``sample``: for batch values, show sample ``sample``; else a summary.
    - ``max_nodes``: draw at most this many boxes (those nearest the output) and
      warn; None for no limit.
    """
    if not isinstance(output, Node):
        raise OperandTypeError(f"draw() needs a Node (the graph's output), got {type(output).__name__}")
    style = _theme(theme)
    _check_options(rankdir, precision, sample, max_nodes, values, grads, tangents)
    order = topological_order(output)
    view = _View(order, values, grads, precision, sample, tangents)
    plan = _plan(order, attach)
    plan.units = _units(order, plan, _collapsed_groups(order, plan, collapse))
    _limit(plan, max_nodes)
    checks = {}
    if check:
        from ..checks.per_node import check_nodes

        checks = check_nodes(output, grads=_shown_grads(order, view), nodes=_drawn(plan))
    marks = _highlights(highlight, order)
    builder = _Builder(order, plan, view, style, marks, checks, edge_labels)
    return Diagram(builder.build(rankdir, legend).body)


# ---------------------------------------------------------------------- options
def _theme(theme: str) -> Theme:
    try:
        return THEMES[theme]
    except (KeyError, TypeError):
        raise InputError(f"unknown theme {theme!r}; valid themes: {', '.join(THEMES)}") from None


def _check_options(rankdir: str, precision: int, sample: int | None, max_nodes: int | None,
                   values: Any, grads: Any, tangents: Any) -> None:
    if rankdir not in RANKDIRS:
        raise InputError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not isinstance(precision, int) or isinstance(precision, bool) or not 1 <= precision <= 17:
        raise InputError(f"precision is a number of significant digits from 1 to 17, got {precision!r}")
    if sample is not None and (not isinstance(sample, int) or isinstance(sample, bool) or sample < 0):
        raise InputError(f"sample must be a sample index (an int >= 0) or None, got {sample!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise InputError(f"max_nodes must be a positive int or None (no limit), got {max_nodes!r}")
    for name, mapping in (("values", values), ("grads", grads), ("tangents", tangents)):
        if mapping is not None and not isinstance(mapping, Mapping):
            raise InputError(f"{name} must be a mapping from Node to value (e.g. a dict) or None, "
                             f"got {type(mapping).__name__}")


def _highlights(items: Iterable[Any], order: list[Node]) -> set[Any]:
    """The highlighted nodes and (input, consumer) edges, checked against the graph."""
    members = set(order)
    marks: set[Any] = set()
    if isinstance(items, Node):
        items = [items]
    elif not isinstance(items, Iterable):
        raise InputError(f"highlight takes a list of Nodes and (input, consumer) pairs, got {items!r}")
    for item in items:
        if isinstance(item, Node):
            if item not in members:
                raise InputError(f"highlight: {item!r} is not part of the graph being drawn")
        elif (isinstance(item, tuple) and len(item) == 2 and all(isinstance(n, Node) for n in item)):
            if item[1] not in members or item[0] not in item[1].inputs:
                raise InputError(f"highlight: {item[0]!r} is not an input of {item[1]!r} in this graph; "
                                 "an edge is given as (input, consumer)")
        else:
            raise InputError(f"highlight takes Nodes and (input, consumer) pairs of Nodes, got {item!r}")
        marks.add(item)
    return marks


# ------------------------------------------------------------- what is shown
class _View:
    """The numbers shown: from the mappings when given, else from the nodes."""

    def __init__(self, order: list[Node], values: Mapping[Node, Any] | None,
                 grads: Mapping[Node, Any] | None, precision: int, sample: int | None,
                 tangents: Mapping[Node, Any] | None) -> None:
        self.pos = {n: i for i, n in enumerate(order)}
        self.values = values
        self.grads = grads
        self.tangents = tangents
        self.precision = precision
        self.sample = sample

    def value(self, node: Node) -> Any:
        if self.values is None or isinstance(node, Constant):
            return node.value
        return self.values.get(node)

    def grad(self, node: Node) -> Any:
        return node.grad if self.grads is None else self.grads.get(node)

    def label(self, node: Node) -> str:
        return label(node, self.pos[node])

    def number(self, value: Any) -> str:
        """A shown number: ``precision`` digits; one sample or a summary of a batch."""
        if value is not None and value.__class__ is not float:
            import numpy as np

            arr = np.asarray(value)
            if arr.ndim == 0:  # a numpy scalar or an int
                return format_number(float(arr), self.precision)
            if self.sample is None:
                return format_number(arr, self.precision)
            if self.sample >= arr.shape[0]:
                raise InputError(f"sample {self.sample} is out of range: "
                                 f"the batch has {arr.shape[0]} samples")
            return f"{format_number(_as_float(arr[self.sample]), self.precision)} [sample {self.sample}]"
        return format_number(value, self.precision)

    def derivative(self, node: Node, k: int) -> Any:
        """d node / d input k at the shown values; None where a value is not known."""
        values = tuple(self.value(i) for i in node.inputs)
        out = self.value(node)
        if out is None or any(v is None for v in values) or node.op is None:
            return None
        try:
            return local_derivative(node.op, k, out, values)
        except DomainError:
            return None


def _as_float(value: Any) -> Any:
    return float(value) if getattr(value, "ndim", 0) == 0 else value


def _drawn(plan: _Plan) -> set[Node]:
    """The nodes whose numbers appear: boxes drawn on their own and the parameters inside them."""
    shown = {n for n in plan.boxes if plan.units[n].startswith("n")}
    return shown | {n.inputs[k] for n, k in plan.attached if n in shown}


def _shown_grads(order: list[Node], view: _View) -> dict[Node, Any]:
    return {n: view.grad(n) for n in order}


# ------------------------------------------------------------------ the plan
@dataclass
class _Plan:
    """Which nodes get a box, which operands are drawn inside their consumer, and
    which box (``unit``) each node belongs to after collapsing and the size limit."""

    attached: set[tuple[Node, int]]
    boxes: list[Node]
    units: dict[Node, str] = field(default_factory=dict)
    unit_labels: dict[str, str] = field(default_factory=dict)
    unit_groups: dict[str, Group | None] = field(default_factory=dict)


def _plan(order: list[Node], attach: bool) -> _Plan:
    attached: set[tuple[Node, int]] = set()
    loose: set[Node] = {order[-1]}  # leaves that need a box of their own
    for node in order:
        inputs = node.inputs
        for k, inp in enumerate(inputs):
            if attach and len(inputs) == 2 and isinstance(inp, (Param, Constant)):
                attached.add((node, k))
            else:
                loose.add(inp)
    boxes = [n for n in order if n.op is not None or n in loose]
    return _Plan(attached, boxes)


def _collapsed_groups(order: list[Node], plan: _Plan, collapse: Iterable[str]) -> dict[Node, Group]:
    """The outermost collapsed group of every boxed node inside one."""
    if isinstance(collapse, str):
        collapse = [collapse]
    if not isinstance(collapse, Iterable) or not all(isinstance(w, str) for w in collapse):
        raise InputError(f"collapse takes a list of group names (or 'outer/inner' paths), got {collapse!r}")
    wanted = list(collapse)
    if not wanted:
        return {}
    matched: set[str] = set()
    found: dict[Node, Group] = {}
    for node in plan.boxes:
        for g in _chain(node.group):
            names = {g.name, "/".join(g.path())} & set(wanted)
            if names:
                matched |= names
                found[node] = g
                break
    missing = [w for w in wanted if w not in matched]
    if missing:
        known = sorted({"/".join(g.path()) for n in order for g in _chain(n.group)})
        raise InputError(f"collapse: no group named {', '.join(map(repr, missing))} in this graph; "
                         f"groups: {', '.join(known) or '(none: make one with `with sg.group(name):`)'}")
    return found


def _chain(group: Group | None) -> list[Group]:
    """A group and its ancestors, outermost first."""
    chain = []
    while group is not None:
        chain.append(group)
        group = group.parent
    return chain[::-1]


def _units(order: list[Node], plan: _Plan, collapsed: dict[Node, Group]) -> dict[Node, str]:
    pos = {n: i for i, n in enumerate(order)}
    group_ids: dict[Group, str] = {}
    units = {}
    for node in plan.boxes:
        g = collapsed.get(node)
        if g is None:
            units[node] = f"n{pos[node]}"
            plan.unit_groups[units[node]] = node.group
            continue
        if g not in group_ids:
            group_ids[g] = f"g{len(group_ids)}"
            plan.unit_groups[group_ids[g]] = g.parent
        units[node] = group_ids[g]
    counts = Counter(units.values())
    for g, uid in group_ids.items():
        count = counts[uid]
        plan.unit_labels[uid] = f"<b>{_esc(g.name)}</b><br/>({_nodes(count)}, collapsed)"
    return units


def _limit(plan: _Plan, max_nodes: int | None) -> None:
    """Keep the ``max_nodes`` boxes nearest the output; the rest become one box, with a warning."""
    last: dict[str, int] = {}
    for i, node in enumerate(plan.boxes):
        last[plan.units[node]] = i
    if max_nodes is None or len(last) <= max_nodes:
        return
    keep = set(sorted(last, key=last.__getitem__)[-max_nodes:])
    hidden = [n for n in plan.boxes if plan.units[n] not in keep]
    warnings.warn(_too_big(plan, len(last), max_nodes), UserWarning, stacklevel=3)
    for node in hidden:
        plan.units[node] = "more"
    plan.unit_labels["more"] = f"… {_nodes(len(hidden))} before these<br/>not drawn (max_nodes={max_nodes})"
    plan.unit_groups["more"] = None


def _too_big(plan: _Plan, count: int, max_nodes: int) -> str:
    sizes: dict[str, int] = {}
    for node in plan.boxes:
        for g in _chain(node.group)[:1]:
            sizes[g.name] = sizes.get(g.name, 0) + 1
    biggest = sorted(sizes, key=lambda name: -sizes[name])[:3]
    how = (f"collapse groups, e.g. sg.draw(out, collapse={biggest!r})" if biggest else
           "build parts of the graph inside `with sg.group('layer 1'):` and draw with "
           "sg.draw(out, collapse=['layer 1'])")
    return (f"draw: this graph has {count} boxes to draw, more than max_nodes={max_nodes}; drawing "
            f"the {max_nodes} nearest the output. To see all of it, {how}, or pass "
            f"max_nodes={count} (Graphviz layout slows down above about 1000 nodes).")


# ------------------------------------------------------------------ the DOT
class _Dot:
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

    def subgraph(self, graph: _Dot) -> None:
        self.body.append(f"\tsubgraph {graph.name} {{\n")
        self.body.extend("\t" + line for line in graph.body)
        self.body.append("\t}\n")


class _Html(str):
    """An HTML-like Graphviz label: written as ``<...>``, not quoted."""


def _attrs(attrs: Mapping[str, str]) -> str:
    return "[" + " ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "]"


def _quote(value: str) -> str:
    if isinstance(value, _Html):
        return f"<{value}>"
    if _PLAIN.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
_NAME = "scalargraph"
_TABLE = 'border="0" cellborder="0" cellspacing="0" cellpadding="1"'


class _Builder:
    """Writes the plan as DOT: clusters, boxes, edges, legend."""

    def __init__(self, order: list[Node], plan: _Plan, view: _View, theme: Theme, marks: set[Any],
                 checks: Mapping[Node, Any], edge_labels: bool) -> None:
        self.order = order
        self.plan = plan
        self.view = view
        self.theme = theme
        self.marks = marks
        self.checks = checks
        self.edge_labels = edge_labels
        self.label_attr = "label" if len(set(plan.units.values())) <= XLABEL_ABOVE else "xlabel"

    def build(self, rankdir: str, legend: bool) -> _Dot:
        t = self.theme
        root = _Dot(_NAME)
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
            for g in _chain(where):
                bodies.setdefault(g, [])
            bodies[where].append((uid, node))
        return bodies

    def _clusters(self, root: _Dot, bodies: dict[Group | None, Any]) -> None:
        groups = [g for g in bodies if g is not None]
        index = {g: i for i, g in enumerate(groups)}
        graphs = {g: _Dot(f"cluster_{index[g]}") for g in groups}
        for g, sub in graphs.items():
            sub.attr(label=g.name, style="rounded,filled", fillcolor=self.theme.cluster,
                     color=self.theme.muted, fontcolor=self.theme.text)
        for where, entries in bodies.items():
            target = root if where is None else graphs[where]
            for uid, node in entries:
                self._box(target, uid, node)
        for g in sorted(groups, key=lambda g: (-len(g.path()), index[g])):  # innermost first
            (root if g.parent is None else graphs[g.parent]).subgraph(graphs[g])

    def _box(self, target: _Dot, uid: str, node: Node) -> None:
        t = self.theme
        if not uid.startswith("n"):  # a collapsed group or the nodes beyond max_nodes
            hot = any(self.plan.units.get(n) == uid for n in self.marks if isinstance(n, Node))
            target.node(uid, _Html(self.plan.unit_labels[uid]), shape="box3d", style="filled",
                        fillcolor=t.cluster, fontcolor=t.text, **self._hot(hot))
            return
        role = self._role(node)
        target.node(uid, self._html(node), shape=_SHAPES[role], style=_STYLES[role],
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

    def _html(self, node: Node) -> _Html:
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
        return _Html(f'<table {_TABLE}>{"".join(rows)}</table>')

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
    def _edges(self, root: _Dot) -> None:
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
    def _legend(self, root: _Dot) -> None:
        t = self.theme
        box = _Dot("cluster_legend")
        box.attr(label="legend", style="rounded", color=t.muted, fontcolor=t.text)
        box.attr("node", fontsize="10")
        for role, text in (("input", "input"), ("param", "parameter"), ("const", "constant"),
                           ("op", "op"), ("output", "output")):
            box.node(f"legend_{role}", text, shape=_SHAPES[role], style=_STYLES[role],
                     fillcolor=getattr(t, role), peripheries="2" if role == "output" else "1")
        note = _Html("edge label: ∂consumer/∂input = symbolic = number<br/>"
                     "<i>grad not computed</i>: no backward pass has reached the node yet (not 0)")
        box.node("legend_note", note, shape="plaintext", fontcolor=t.text)
        root.subgraph(box)


def _nodes(count: int) -> str:
    return f"{count} node" if count == 1 else f"{count} nodes"


def _row(content: str, extra: str = "") -> str:
    return f'<tr><td colspan="2" align="left"{extra}>{content}</td></tr>'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise MissingDependencyError(
            "sg.draw builds diagrams with the graphviz package: pip install 'graphviz>=0.20'"
        ) from None
    return graphviz
