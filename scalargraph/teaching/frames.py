"""The plan of a step player: one diagram laid out once, and what changes in it per step.

A player of ``n`` steps over a graph of ``m`` boxes used to keep ``n`` whole
diagrams (``n × m`` boxes). A :class:`Plan` keeps one: the graph is drawn once by
:func:`scalargraph.draw`, with every changing cell (a box's value, its gradient,
an attached parameter's row, an edge's local derivative) holding the widest text
it will ever show, so the boxes fit every frame. Each cell then gets a timeline
``[(frame, plain text, muted text), ...]``; each frame a list of highlighted
elements. A frame's picture is the one SVG with those texts and classes applied:
in Python (:meth:`Plan.svg`) for the page shown without JavaScript, the widget
and tests, and in the browser by the player's script. Size grows with
``m + n``, not ``m × n``.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> f = ((x + y).named("q") * z).named("f")
>>> plan = make_plan(sg.steps(f, "both"), {})
>>> len(plan.frames), len(plan.cells)  # 10 steps; value and gradient of 5 boxes, 4 derivatives
(10, 14)
>>> "grad -4" in plan.svg(9) and "grad not computed" in plan.svg(0)
True
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from ..core.graph import topological_order
from ..core.labels import format_number, label
from ..core.node import Constant, Node, Param
from ..core.ops import fill
from ..drawing.diagram import THEMES, draw
from .steps import Step, svg_element

__all__ = ["Cell", "Plan", "make_plan", "text_width"]

_SVG_NS = "http://www.w3.org/2000/svg"
_S = "{" + _SVG_NS + "}"
ET.register_namespace("", _SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

#: Where a cell's text or a highlight class goes in the SVG template.
_CELL = re.compile("\ue000([0-9]+)\ue001")
_HOT = re.compile("\ue002([0-9]+)\ue003")

#: Rough advance widths (in ems) of Helvetica, to tell which of a cell's texts is the widest.
_NARROW = {".": 0.28, ",": 0.28, " ": 0.28, "-": 0.33, "i": 0.22, "l": 0.22, "t": 0.28, "f": 0.28,
           "r": 0.33, "(": 0.33, ")": 0.33, "·": 0.28, "m": 0.83, "w": 0.72, "M": 0.83, "W": 0.94}


def text_width(text: str) -> float:
    """An estimate of ``text``'s width in ems (Helvetica-like advances).

    >>> text_width("grad not computed") > text_width("grad -0.035762")
    True
    """
    return sum(_NARROW.get(c, 0.56) for c in text)


#: One state of a cell: its plain text, then a muted ("not computed") part.
Content = tuple[str, str]


@dataclass
class Cell:
    """A text in the diagram that changes: ``states`` is ``[(frame, plain, muted), ...]``,
    each holding from its frame on (frame -1: before the first step)."""

    kind: str  # value, grad, param (an attached parameter's row), derivative (edge or row)
    node: Node
    states: list[tuple[int, str, str]] = field(default_factory=list)

    def at(self, frame: int) -> Content:
        """The text shown at ``frame``."""
        shown = self.states[0]
        for state in self.states:
            if state[0] > frame:
                break
            shown = state
        return shown[1], shown[2]

    def widest(self) -> str:
        return max((p + m for _, p, m in self.states), key=text_width)


@dataclass
class _Layout:
    """The same diagram as DOT, to render frames as images: the widened DOT text, each box's
    label with cell markers, the DOT id of each highlight, the cell of each edge label."""

    source: str
    labels: dict[str, str]
    dot_ids: dict[int, str]
    edge_cells: dict[str, int]


@dataclass
class Plan:
    """One laid-out SVG with markers, the cells that change, and each frame's highlights.

    ``frames``: the steps shown, one per frame. ``hot[i]``: indices of the elements
    highlighted at frame ``i``; ``focus[i]``: the element to keep in view (-1: none).
    """

    frames: list[Step]
    cells: list[Cell]
    template: str
    hot: list[list[int]]
    focus: list[int]
    muted: str
    text: str
    digits: int
    layout: _Layout
    skipped: int = 0

    def svg(self, frame: int | None = None, *, marked: bool = False) -> str:
        """The diagram at ``frame`` (None: the final diagram, nothing highlighted).

        ``marked`` keeps the ``data-c``/``data-h`` attributes the player's script uses."""
        hot = set() if frame is None else set(self.hot[frame])
        at = len(self.frames) - 1 if frame is None else frame
        svg = _CELL.sub(lambda m: self.content(*self.cells[int(m.group(1))].at(at)), self.template)
        svg = _HOT.sub(lambda m: " sg-hot" if int(m.group(1)) in hot else "", svg)
        if frame is None and not marked:  # nothing highlighted: no need for the highlight's style
            svg = _STYLE.sub("", svg, count=1)
        return svg if marked else _MARKS.sub("", svg)

    def content(self, plain: str, muted: str) -> str:
        """A cell's text as SVG: the muted part grey and italic (styled inline, so it reads
        without the page's CSS too)."""
        out = html.escape(plain, quote=False)
        if muted:
            out += (f'<tspan class="sg-nc" fill="{self.muted}" font-style="italic">'
                    f"{html.escape(muted, quote=False)}</tspan>")
        return out

    def dot_label(self, marked: str, frame: int) -> str:
        """A box's Graphviz HTML label at ``frame`` (its cell markers filled in)."""
        def content(m: re.Match[str]) -> str:
            plain, muted = self.cells[int(m.group(1))].at(frame)
            out = html.escape(plain, quote=False)
            if muted:
                out += f'<font color="{self.muted}"><i>{html.escape(muted, quote=False)}</i></font>'
            return out

        return _CELL.sub(content, marked)

    def data(self) -> dict[str, Any]:
        """What the player's script needs: every cell's timeline, each frame's highlights,
        focus and kind (``f`` forward, ``b`` backward)."""
        return {
            "cells": [[x for state in c.states for x in state] for c in self.cells],
            "hot": self.hot,
            "focus": self.focus,
            "kinds": "".join("f" if s.kind == "forward" else "b" for s in self.frames),
            "muted": self.muted,
        }


_MARKS = re.compile(r' data-[ch]="[0-9]+"')
_STYLE = re.compile(r"<style>[^<]*</style>")


# ------------------------------------------------------------------ building
def make_plan(walk: list[Step], draw_options: dict[str, Any]) -> Plan:
    """The plan of a player of ``walk`` (the steps of one graph), drawn with ``draw_options``."""
    output = walk[-1].output
    order = topological_order(output)
    pos = {n: i for i, n in enumerate(order)}
    names = {n: label(n, i) for i, n in enumerate(order)}
    digits = draw_options.get("precision", walk[0]._history.digits if walk[0]._history else 5)
    options = {**draw_options, "precision": digits}
    value_at, grad_events = _events(walk, order)
    final_values = {n: n.value for n in order}
    final_grads = {n: events[-1][1] for n, events in grad_events.items()}

    # The final diagram, drawn once; its DOT gets the widest text of each cell.
    diagram = draw(output, values=final_values, grads=final_grads, **options)
    theme = THEMES[options.get("theme", "light")]  # a valid name: draw() checked it
    body = diagram.digraph.body
    drawn: set[str] = set()
    for line in body:
        m = _NODE_LINE.match(line)
        if m and m.group(1).startswith("n"):
            drawn.add(m.group(1))
    boxed = {n for n in order if f"n{pos[n]}" in drawn}
    attached = _attached(order, boxed, options.get("attach", True))
    shown = boxed | {n.inputs[k] for n, k in attached}

    # Only the steps whose node is drawn: collapsed groups and hidden nodes are skipped.
    kept = [s for s in walk if s.node in shown]
    frame_of = {s.index: i for i, s in enumerate(kept)}

    def frame(step_index: int) -> int:
        return frame_of.get(step_index, -1) if step_index >= 0 else -1

    cells: list[Cell] = []
    by_key: dict[tuple[Any, ...], int] = {}

    def number(v: Any) -> str:
        return format_number(v, digits)

    def add(key: tuple[Any, ...], cell: Cell) -> None:
        by_key[key] = len(cells)
        cells.append(cell)

    def known_at(node: Node) -> int:
        return -1 if isinstance(node, Constant) else frame(value_at.get(node, -1))

    def timeline(node: Node, what: str, value_state: bool) -> list[tuple[int, str, str]]:
        if value_state:
            at = known_at(node)
            known = (at, f"{what} {number(node.value)}", "")
            return [known] if at < 0 else [(-1, "", f"{what} not computed"), known]
        states = [(-1, "", f"{what} not computed")]
        states += [(frame(i), f"{what} {number(t)}", "") for i, t in grad_events.get(node, [])]
        return states

    for n in order:
        if n not in boxed:
            continue
        add(("value", n), Cell("value", n, timeline(n, "value", True)))
        if not isinstance(n, Constant):
            add(("grad", n), Cell("grad", n, timeline(n, "grad", False)))
    for n, k in sorted(attached, key=lambda a: (pos[a[0]], a[1])):
        p = n.inputs[k]
        value_known = known_at(p)
        grads = timeline(p, "grad", False)
        states = []
        for at in sorted({value_known} | {s[0] for s in grads}):
            value = number(p.value) if value_known <= at else "not computed"
            g = next(s for s in reversed(grads) if s[0] <= at)
            states.append((at, f"param {names[p]} = {value} · {g[1]}", g[2]))
        add(("param", n, k), Cell("param", n, states))

    template, hot_ids, layout = _template(diagram, cells, by_key, order, pos, names, attached, theme,
                                  known_at, options.get("edge_labels", True), options.get("theme", "light"))
    hot, focus = _highlights(kept, hot_ids, attached, boxed)
    return Plan(kept, cells, template, hot, focus, theme.muted, theme.text, digits, layout,
                len(walk) - len(kept))


def _events(walk: list[Step], order: list[Node]) -> tuple[dict[Node, int], dict[Node, list[tuple[int, Any]]]]:
    """When each value became known (step index; -1 from the start) and each gradient's totals."""
    value_at: dict[Node, int] = {}
    grads: dict[Node, list[tuple[int, Any]]] = {}
    for s in walk:
        if s.kind == "forward":
            value_at[s.node] = s.index
        else:
            grads.setdefault(s.node, []).append((s.index, s.total))
    return value_at, grads


def _attached(order: list[Node], boxed: set[Node], attach: bool) -> set[tuple[Node, int]]:
    """The parameters drawn inside their consumer's box (as :func:`scalargraph.draw` does)."""
    if not attach:
        return set()
    return {(n, k) for n in order if n in boxed and len(n.inputs) == 2
            for k, i in enumerate(n.inputs) if isinstance(i, Param) and not isinstance(i, Constant)}


_NODE_LINE = re.compile(r"^\t+([A-Za-z_][A-Za-z_0-9]*) \[label=<(.*)> ")
_TD = re.compile(r'(<td colspan="2" align="left"[^>]*>)(.*?)(</td>)')
_TAGS = re.compile(r"<[^>]+>")


def _cell_kind(text: str) -> str | None:
    """Which changing cell a row's text is, from how it starts (None: a fixed row)."""
    for prefix, what in (("value ", "value"), ("grad ", "grad"), ("param ", "param"), ("∂", "derivative")):
        if text.startswith(prefix):
            return what
    return None


def _widest_labels(body: list[str], cells: list[Cell], by_key: dict[tuple[Any, ...], int],
                   order: list[Node], attached: set[tuple[Node, int]]) -> tuple[list[str], dict[str, str]]:
    """The DOT body with each changing cell holding its widest text (so the box fits every
    frame), and each box's HTML label with cell markers instead (to fill in per frame)."""
    out = []
    marked: dict[str, str] = {}
    for line in body:
        m = _NODE_LINE.match(line)
        if not m or not m.group(1).startswith("n"):
            out.append(line)
            continue
        node = order[int(m.group(1)[1:])]
        params = iter(sorted(k for (n, k) in attached if n is node))
        keys: list[int | None] = []

        def widen(td: re.Match[str]) -> str:
            what = _cell_kind(html.unescape(_TAGS.sub("", td.group(2))))
            key: tuple[Any, ...] | None = None
            if what in ("value", "grad"):
                key = (what, node)
            elif what == "param":
                key = ("param", node, next(params, None))
            c = by_key.get(key) if key is not None else None
            keys.append(c)
            if c is None:
                return td.group(0)
            return td.group(1) + html.escape(cells[c].widest()) + td.group(3)

        out.append(_TD.sub(widen, line))
        found = iter(keys)

        def mark(td: re.Match[str]) -> str:
            c = next(found)
            return td.group(0) if c is None else f"{td.group(1)}\ue000{c}\ue001{td.group(3)}"

        marked[m.group(1)] = _TD.sub(mark, m.group(2))
    return out, marked


def _template(diagram: Any, cells: list[Cell], by_key: dict[tuple[Any, ...], int], order: list[Node],
              pos: dict[Node, int], names: dict[Node, str], attached: set[tuple[Node, int]], theme: Any,
              known_at: Any, edge_labels: bool, theme_name: str) -> tuple[str, dict[Any, int], _Layout]:
    """Render the widened diagram once and turn it into a template: cell texts and highlight
    classes become markers, and elements get ``data-c`` (cell) / ``data-h`` (highlight) indices."""
    digraph = diagram.digraph
    digraph.body[:], labels = _widest_labels(digraph.body, cells, by_key, order, attached)
    root = ET.fromstring(svg_element(diagram.svg()))
    _style(root, theme_name, theme)
    hot_ids: dict[Any, int] = {}
    dot_ids: dict[int, str] = {}  # highlight -> the DOT node or edge it is on
    edge_cells: dict[str, int] = {}  # "n0->n2#0" -> the cell of its label

    def hot_id(key: Any, element: ET.Element) -> None:
        h = hot_ids.setdefault(key, len(hot_ids))
        dot_ids[h] = dot_id
        element.set("class", (element.get("class") or "") + f"\ue002{h}\ue003")
        element.set("data-h", str(h))

    def mark(element: ET.Element, c: int) -> None:
        for attr in ("font-style", "font-weight"):
            element.attrib.pop(attr, None)
        element.set("fill", theme.text)
        element.text = f"\ue000{c}\ue001"
        element.set("data-c", str(c))

    def derivative(text: ET.Element, consumer: Node, j: int) -> None:
        """A local derivative's text: symbolic until the consumer's value is known, then numeric too."""
        known = "".join(text.itertext())
        if consumer.op is None:
            return
        args = [names[i] for i in consumer.inputs]
        symbolic = fill(consumer.op.dtext[j], names[consumer], *args)
        unknown = f"∂{names[consumer]}/∂{args[j]} = {symbolic}"
        at = known_at(consumer)
        states = [(at, known, "")] if at < 0 or unknown == known else [(-1, unknown, ""), (at, known, "")]
        cells.append(Cell("derivative", consumer, states))
        mark(text, len(cells) - 1)

    edge_seen: dict[str, int] = {}
    edges = _edge_list(order, pos, attached)
    dot_id = ""
    for g in root.iter(_S + "g"):
        title = g.findtext(_S + "title") or ""
        if g.get("class") == "node" and title.startswith("n") and title[1:].isdigit():
            node = order[int(title[1:])]
            dot_id = title
            hot_id(node, g)
            _mark_rows(g, node, by_key, attached, mark, hot_id, derivative)
        elif g.get("class") == "edge":
            k = edge_seen[title] = edge_seen.get(title, -1) + 1
            found = edges.get(title, [])
            if k >= len(found):
                continue
            consumer, j = found[k]
            dot_id = f"{title}#{k}"
            hot_id((consumer.inputs[j], consumer), g)
            text = g.find(_S + "text")
            if text is not None and edge_labels:
                derivative(text, consumer, j)
                edge_cells[dot_id] = len(cells) - 1
    layout = _Layout(digraph.source, labels, dot_ids, edge_cells)
    return ET.tostring(root, encoding="unicode"), hot_ids, layout


def _style(root: ET.Element, name: str, theme: Any) -> None:
    """The highlight's look, inside the SVG (so that it needs no page stylesheet), scoped to
    the theme: ``sg-hot`` on a box, an edge, or an attached parameter's row."""
    scope = f"svg.sg-theme-{name}"
    root.set("class", f"sg-diagram sg-theme-{name}")
    hl = theme.highlight
    style = ET.Element(_S + "style")
    style.text = (
        f'{scope} g.node.sg-hot > :is(path,polygon,polyline,ellipse):not([stroke="none"])'
        f"{{stroke:{hl};stroke-width:3px}}"
        f"{scope} g.edge.sg-hot > path{{stroke:{hl};stroke-width:3px}}"
        f"{scope} g.edge.sg-hot > polygon{{stroke:{hl};fill:{hl}}}"
        f"{scope} g.edge.sg-hot > text{{fill:{hl};font-weight:bold}}"
        f"{scope} polygon.sg-hot{{stroke:{hl};stroke-width:2px}}")
    root.insert(0, style)


def _edge_list(order: list[Node], pos: dict[Node, int],
               attached: set[tuple[Node, int]]) -> dict[str, list[tuple[Node, int]]]:
    """Edges drawn between two boxes, by their SVG title ``n0->n2``, in DOT order."""
    edges: dict[str, list[tuple[Node, int]]] = {}
    for n in order:
        for k, i in enumerate(n.inputs):
            if (n, k) not in attached:
                edges.setdefault(f"n{pos[i]}->n{pos[n]}", []).append((n, k))
    return edges


def _mark_rows(g: ET.Element, node: Node, by_key: dict[tuple[Any, ...], int],
               attached: set[tuple[Node, int]], mark: Any, hot_id: Any, derivative: Any) -> None:
    """Find the changing rows of a box's SVG (by their text) and mark them."""
    children = list(g)
    texts = [c for c in children if c.tag == _S + "text"]
    if not texts:
        return
    header = float(texts[0].get("y", "0"))
    rows: dict[str, list[ET.Element]] = {}
    for t in texts:
        y = t.get("y", "")
        if abs(float(y or 0) - header) > 3:
            rows.setdefault(y, []).append(t)
    params = iter(sorted(k for (n, k) in attached if n is node))
    derivatives = iter(sorted(k for (n, k) in attached if n is node))
    for row in rows.values():
        text = "".join("".join(t.itertext()) for t in row)
        what = _cell_kind(text)
        key: tuple[Any, ...] | None = None
        if what in ("value", "grad"):
            key = (what, node)
        elif what == "param":
            k = next(params, None)
            key = ("param", node, k)
            _mark_background(children, row[0], ("row", node, k), hot_id)
        elif what == "derivative":
            k = next(derivatives, None)
            _mark_background(children, row[0], ("row", node, k), hot_id)
            if k is not None and len(row) == 1:
                derivative(row[0], node, k)
        if key is None or key not in by_key:
            continue
        for extra in row[1:]:
            g.remove(extra)
        mark(row[0], by_key[key])


def _mark_background(children: list[ET.Element], text: ET.Element, key: Any, hot_id: Any) -> None:
    """The cell background drawn just before an attached parameter's row: highlighted with it."""
    i = children.index(text)
    if i > 0 and children[i - 1].tag == _S + "polygon":
        hot_id(key, children[i - 1])


def _highlights(kept: list[Step], hot_ids: dict[Any, int], attached: set[tuple[Node, int]],
                boxed: set[Node]) -> tuple[list[list[int]], list[int]]:
    """Each frame's highlighted elements and the element to keep in view."""
    rows: dict[Node, list[tuple[Node, int]]] = {}
    for n, k in sorted(attached, key=lambda a: id(a[0])):
        rows.setdefault(n.inputs[k], []).append((n, k))
    hot: list[list[int]] = []
    focus: list[int] = []
    for s in kept:
        ids: list[int] = []
        for item in s.highlight:
            if isinstance(item, Node):
                keys = [item] if item in boxed else [("row", n, k) for n, k in rows.get(item, [])]
            else:
                inp, consumer = item
                keys = [item] + [("row", consumer, k) for k, i in enumerate(consumer.inputs)
                                 if i is inp and (consumer, k) in attached]
            ids += [hot_ids[key] for key in keys if key in hot_ids]
        hot.append(sorted(set(ids)))
        box = s.node if s.node in boxed else (s.edge[1] if s.edge else
                                              next((n for n, _ in rows.get(s.node, [])), None))
        focus.append(hot_ids.get(box, -1) if box is not None else -1)
    return hot, focus
