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
from ..core.labels import format_number
from ..core.node import Constant, Node, is_param
from ..drawing.diagram import THEMES, draw
from ..drawing.escape import dot_string_text, html_text_plain
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

    kind: str  # value, grad, param (an attached parameter's row), derivative (edge or row), flow
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
    flow_cells: dict[str, int] = field(default_factory=dict)  # the second line of an edge's label


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
def make_plan(walk: list[Step], draw_options: dict[str, Any], *, flow: bool = False) -> Plan:
    """The plan of a player of ``walk`` (the steps of one graph), drawn with ``draw_options``.

    ``flow``: each edge writes the gradient it carries back (as ``draw(flow=...)`` does) from
    the step that sends it on, and an attached parameter used in several places then shows
    what that place adds (the last place also the total)."""
    return _Builder(walk, draw_options, flow).plan()


_NODE_LINE = re.compile(r"^\t+([A-Za-z_][A-Za-z_0-9]*) \[label=<(.*)> ")
_TD = re.compile(r'(<td colspan="2" align="left"[^>]*>)(.*?)(</td>)')
_TAGS = re.compile(r"<[^>]+>")


class _Builder:
    """Builds a :class:`Plan`: when each value and gradient becomes known, the cells, the
    widened diagram rendered once, and the markers in its SVG."""

    def __init__(self, walk: list[Step], draw_options: dict[str, Any], flow: bool = False) -> None:
        self.walk = walk
        self.flow = flow
        self.output = walk[-1].output
        self.order = topological_order(self.output)
        self.pos = {n: i for i, n in enumerate(self.order)}
        history = walk[0]._history
        self.digits = draw_options.get("digits", history.digits if history else 5)
        self.options = {**draw_options, "digits": self.digits}
        self.options.setdefault("fold", False)  # every step's node keeps its box
        self.value_at: dict[Node, int] = {}  # step index at which each value becomes known
        self.grad_events: dict[Node, list[tuple[int, Any]]] = {}  # (step index, running total)
        self.sent_at: dict[tuple[Node, Node], list[int]] = {}  # steps of each (input, consumer) edge
        for s in walk:
            if s.kind == "forward":
                self.value_at[s.node] = s.index
            else:
                self.grad_events.setdefault(s.node, []).append((s.index, s.total))
                if s.edge is not None:
                    self.sent_at.setdefault(s.edge, []).append(s.index)
        self.cells: list[Cell] = []
        self.by_key: dict[tuple[Any, ...], int] = {}
        self.hot_ids: dict[Any, int] = {}
        self.dot_ids: dict[int, str] = {}  # highlight -> the DOT node or edge it is on
        self.edge_cells: dict[str, int] = {}  # "n0->n2#0" -> the cell of its label
        self.flow_cells: dict[str, int] = {}  # "n0->n2#0" -> the cell of its flow line
        self.frame_of: dict[int, int] = {}
        self.theme_name = self.options.get("theme", "light")
        self.boxed: set[Node] = set()
        self.attached: set[tuple[Node, int]] = set()

    def plan(self) -> Plan:
        final_grads = {n: events[-1][1] for n, events in self.grad_events.items()}
        # The final diagram, drawn once; its DOT gets the widest text of each cell.
        diagram = draw(self.output, values={n: n.value for n in self.order}, grads=final_grads,
                       flow=self.flow, **self.options)
        self.theme = THEMES[self.theme_name]  # a valid name: draw() checked it
        # What a cell shows before its numbers are known, as draw() writes it: the diagram
        # with nothing computed (its DOT only; it is not laid out).
        blank = draw(self.output, values={}, grads={}, **{**diagram.layout, **self.options}).digraph.body
        self.rows = {"final": _label_rows(diagram.digraph.body), "blank": _label_rows(blank)}
        self.blank_edges = _edge_labels(blank)
        drawn = {m.group(1) for m in map(_NODE_LINE.match, diagram.digraph.body) if m}
        self.boxed = {n for n in self.order if f"n{self.pos[n]}" in drawn}
        self.attached = _attached(self.order, self.boxed, self.options.get("attach", True))
        shown = self.boxed | {n.inputs[k] for n, k in self.attached}
        # Only the steps whose node is drawn: collapsed groups and hidden nodes are skipped.
        kept = [s for s in self.walk if s.node in shown]
        self.frame_of = {s.index: i for i, s in enumerate(kept)}
        self._node_cells()
        template, layout = self._template(diagram)
        hot, focus = _highlights(kept, self.hot_ids, self.attached, self.boxed)
        return Plan(kept, self.cells, template, hot, focus, self.theme.muted, self.theme.text,
                    self.digits, layout, len(self.walk) - len(kept))

    # ---- when things become known
    def frame(self, step_index: int) -> int:
        """The frame that shows a step (-1: known before the first step)."""
        return self.frame_of.get(step_index, -1) if step_index >= 0 else -1

    def known_at(self, node: Node) -> int:
        return -1 if isinstance(node, Constant) else self.frame(self.value_at.get(node, -1))

    def number(self, value: Any) -> str:
        return format_number(value, self.digits)

    def value_states(self, node: Node) -> list[tuple[int, str, str]]:
        at = self.known_at(node)
        known = (at, f"value {self.number(node.value)}", "")
        return [known] if at < 0 else [(-1, "", "value not computed"), known]

    def grad_states(self, node: Node) -> list[tuple[int, str, str]]:
        return [(-1, "", "grad not computed")] + [
            (self.frame(i), f"grad {self.number(t)}", "") for i, t in self.grad_events.get(node, [])]

    def sent(self, inp: Node, consumer: Node, k: int) -> int | None:
        """The frame of the backward step along ``consumer``'s input ``k`` (None: no such step)."""
        nth = sum(1 for i in consumer.inputs[:k] if i is inp)
        found = self.sent_at.get((inp, consumer), [])
        return self.frame(found[nth]) if nth < len(found) else None

    def param_states(self, node: Node, j: int) -> list[tuple[int, str, str]]:
        """The ``j``-th attached parameter's row in ``node``'s box: ``param a = 1 · grad 9``;
        what comes before the gradient is taken from draw's final and blank diagrams. With
        ``flow``, a parameter attached in several places shows, once the backward pass has
        gone through this place, what it adds there (draw's final row)."""
        k = sorted(k for (n, k) in self.attached if n is node)[j]
        param = node.inputs[k]
        box = f"n{self.pos[node]}"
        final, blank = (self.rows[which][box]["param"][j] for which in ("final", "blank"))
        known, unknown = (text.split(" · ", 1)[0] + " · " for text in (final, blank))
        value_known = self.known_at(param)
        grads = self.grad_states(param)
        states = []
        for at in sorted({value_known} | {s[0] for s in grads}):
            g = next(s for s in reversed(grads) if s[0] <= at)
            states.append((at, (known if value_known <= at else unknown) + g[1], g[2]))
        sites = sum(1 for n, i in self.attached if n.inputs[i] is param)
        sent = self.sent(param, node, k) if self.flow and sites > 1 else None
        if sent is not None:
            states = [s for s in states if s[0] < sent] + [(sent, final, "")]
        return states

    def add(self, key: tuple[Any, ...], cell: Cell) -> None:
        self.by_key[key] = len(self.cells)
        self.cells.append(cell)

    def _node_cells(self) -> None:
        for n in self.order:
            if n in self.boxed:
                self.add(("value", n), Cell("value", n, self.value_states(n)))
                if not isinstance(n, Constant):
                    self.add(("grad", n), Cell("grad", n, self.grad_states(n)))
        for n, k in sorted(self.attached, key=lambda a: (self.pos[a[0]], a[1])):
            j = sorted(i for (m, i) in self.attached if m is n).index(k)
            self.add(("param", n, k), Cell("param", n, self.param_states(n, j)))

    def cell_of(self, node: Node, what: str | None, params: Any) -> int | None:
        """The cell a row of ``node``'s box shows (``params`` gives its attached inputs in order)."""
        if what in ("value", "grad"):
            return self.by_key.get((what, node))
        if what == "param":
            return self.by_key.get(("param", node, next(params, None)))
        return None

    # ---- the DOT, widened
    def _widest_labels(self, body: list[str]) -> tuple[list[str], dict[str, str]]:
        """The DOT body with each changing cell holding its widest text (so the box fits every
        frame), and each box's HTML label with cell markers instead (to fill in per frame)."""
        out = []
        marked: dict[str, str] = {}
        for line in body:
            m = _NODE_LINE.match(line)
            if not m or not m.group(1).startswith("n"):
                out.append(line)
                continue
            node = self.order[int(m.group(1)[1:])]
            params = iter(sorted(k for (n, k) in self.attached if n is node))
            tds = list(_TD.finditer(line))
            cells = [self.cell_of(node, _cell_kind(html_text_plain(_TAGS.sub("", td.group(2)))), params)
                     for td in tds]
            out.append(_replace(line, tds, cells, lambda c: html.escape(self.cells[c].widest())))
            label = m.group(2)
            marked[m.group(1)] = _replace(label, list(_TD.finditer(label)), cells,
                                          lambda c: f"\ue000{c}\ue001")
        return out, marked

    # ---- the SVG, marked
    def _template(self, diagram: Any) -> tuple[str, _Layout]:
        """Render the widened diagram once and turn it into a template: cell texts and highlight
        classes become markers; elements get ``data-c`` (cell) / ``data-h`` (highlight) indices."""
        digraph = diagram.digraph
        digraph.body[:], labels = self._widest_labels(digraph.body)
        root = ET.fromstring(svg_element(diagram.svg()))
        _style(root, self.theme_name, self.theme)
        edge_seen: dict[str, int] = {}
        edges = _edge_list(self.order, self.pos, self.attached)
        for g in root.iter(_S + "g"):
            title = g.findtext(_S + "title") or ""
            if g.get("class") == "node" and title.startswith("n") and title[1:].isdigit():
                node = self.order[int(title[1:])]
                self.hot(node, g, title)
                self._mark_rows(g, node, title)
            elif g.get("class") == "edge":
                k = edge_seen[title] = edge_seen.get(title, -1) + 1
                found = edges.get(title, [])
                if k >= len(found):
                    continue
                consumer, j = found[k]
                dot_id = f"{title}#{k}"
                self.hot((consumer.inputs[j], consumer), g, dot_id)
                texts = list(g.iter(_S + "text"))  # inside an <a> when the label has a tooltip
                if texts and dot_id in self.blank_edges:
                    self.edge_cells[dot_id] = self.derivative(texts[0], consumer, self.blank_edges[dot_id])
                sent = self.sent(consumer.inputs[j], consumer, j)
                if self.flow and len(texts) == 2 and sent is not None:
                    self.flow_cells[dot_id] = self.flow_cell(texts[1], consumer, sent)
                    _untold(g)
        layout = _Layout(digraph.source, labels, self.dot_ids, self.edge_cells, self.flow_cells)
        return ET.tostring(root, encoding="unicode"), layout

    def hot(self, key: Any, element: ET.Element, dot_id: str) -> None:
        """Mark an element that a frame can highlight (several elements may share a key)."""
        h = self.hot_ids.setdefault(key, len(self.hot_ids))
        self.dot_ids[h] = dot_id
        element.set("class", (element.get("class") or "") + f"\ue002{h}\ue003")
        element.set("data-h", str(h))

    def mark(self, element: ET.Element, c: int, fill: str | None = None) -> None:
        """Make a text element the place of cell ``c`` (its style comes with each state)."""
        for attr in ("font-style", "font-weight"):
            element.attrib.pop(attr, None)
        element.set("fill", fill or self.theme.text)
        element.text = f"\ue000{c}\ue001"
        element.set("data-c", str(c))

    def flow_cell(self, text: ET.Element, consumer: Node, sent: int) -> int:
        """The gradient an edge carries back (draw's ``flow 1 × -4 = -4``): blank until the step
        that sends it, then as in the final diagram (the consumer's gradient is complete by then)."""
        c = len(self.cells)
        self.cells.append(Cell("flow", consumer, [(-1, "", ""), (sent, "".join(text.itertext()), "")]))
        self.mark(text, c, self.theme.flow)
        return c

    def derivative(self, text: ET.Element, consumer: Node, unknown: str) -> int:
        """A local derivative's cell: as in the blank diagram (symbolic) until the consumer's
        value is known, then as in the final one (numeric too)."""
        known = "".join(text.itertext())
        at = self.known_at(consumer)
        states = [(at, known, "")] if at < 0 or unknown == known else [(-1, unknown, ""), (at, known, "")]
        c = len(self.cells)
        self.cells.append(Cell("derivative", consumer, states))
        self.mark(text, c)
        return c

    def _mark_rows(self, g: ET.Element, node: Node, dot_id: str) -> None:
        """Find the changing rows of a box's SVG (by their text) and mark them."""
        children = list(g)
        texts = [c for c in children if c.tag == _S + "text"]
        if not texts:
            return
        header = float(texts[0].get("y", "0"))
        rows: dict[str, list[ET.Element]] = {}  # by baseline: the runs of a row share one
        for t in texts:
            y = t.get("y", "")
            if abs(float(y or 0) - header) > 3:
                rows.setdefault(y, []).append(t)
        mine = sorted(k for (n, k) in self.attached if n is node)
        params, derivatives = iter(mine), iter(mine)
        blank = iter(self.rows["blank"].get(dot_id, {}).get("derivative", []))
        for row in rows.values():
            what = _cell_kind("".join("".join(t.itertext()) for t in row))
            c: int | None = None
            if what in ("param", "derivative"):
                k = next(params if what == "param" else derivatives, None)
                _mark_background(children, row[0], lambda e: self.hot(("row", node, k), e, dot_id))
                if what == "derivative":
                    unknown = next(blank, None)
                    if k is not None and unknown is not None and len(row) == 1:
                        self.derivative(row[0], node, unknown)
                    continue
                c = self.by_key.get(("param", node, k))
            elif what in ("value", "grad"):
                c = self.by_key.get((what, node))
            if c is None:
                continue
            for extra in row[1:]:  # a row of several runs becomes one text (with a tspan)
                g.remove(extra)
            self.mark(row[0], c)


_EDGE_LINE = re.compile(r"^\t+(n[0-9]+) -> (n[0-9]+)\b")
_EDGE_LABEL = re.compile(r'[ \[]x?label=("(?:[^"\\]|\\.)*"|[^ \]]+)')


def _label_rows(body: list[str]) -> dict[str, dict[str, list[str]]]:
    """The changing rows of every box in a DOT body, as text, by box and kind, in order."""
    rows: dict[str, dict[str, list[str]]] = {}
    for line in body:
        m = _NODE_LINE.match(line)
        if m:
            mine = rows.setdefault(m.group(1), {})
            for td in _TD.finditer(m.group(2)):
                text = html_text_plain(_TAGS.sub("", td.group(2)))
                what = _cell_kind(text)
                if what is not None:
                    mine.setdefault(what, []).append(text)
    return rows


def _edge_labels(body: list[str]) -> dict[str, str]:
    """Each labelled edge's text in a DOT body, by ``n0->n2#k`` (the k-th such edge).

    >>> _edge_labels(['\\tn0 -> n2 [style=dashed]\\n', '\\tn0 -> n2 [label="∂f/∂x = \\\\"y\\\\""]\\n'])
    {'n0->n2#1': '∂f/∂x = "y"'}
    """
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for line in body:
        m = _EDGE_LINE.match(line)
        if not m:
            continue
        title = f"{m.group(1)}->{m.group(2)}"
        k = seen[title] = seen.get(title, -1) + 1
        found = _EDGE_LABEL.search(line, m.end())
        if not found:
            continue
        text = found.group(1)
        if text.startswith('"'):
            text = dot_string_text(text)
        labels[f"{title}#{k}"] = text
    return labels


def _replace(text: str, matches: list[re.Match[str]], cells: list[int | None], content: Any) -> str:
    """``text`` with the content of each matched table cell that shows a cell replaced."""
    out, last = [], 0
    for m, c in zip(matches, cells):
        if c is None:
            continue
        out += [text[last:m.start(2)], content(c)]
        last = m.end(2)
    return "".join(out) + text[last:]


def _attached(order: list[Node], boxed: set[Node], attach: bool) -> set[tuple[Node, int]]:
    """The parameters drawn inside their consumer's box (as :func:`scalargraph.draw` does)."""
    if not attach:
        return set()
    return {(n, k) for n in order if n in boxed and len(n.inputs) == 2
            for k, i in enumerate(n.inputs) if is_param(i) and not isinstance(i, Constant)}


def _cell_kind(text: str) -> str | None:
    """Which changing cell a row's text is, from how it starts (None: a fixed row)."""
    for prefix, what in (("value ", "value"), ("grad ", "grad"), ("param ", "param"), ("∂", "derivative")):
        if text.startswith(prefix):
            return what
    return None


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
        f"{scope} g.edge.sg-hot text{{fill:{hl};font-weight:bold}}"
        f"{scope} polygon.sg-hot{{fill:{theme.highlight_fill};stroke:{hl};stroke-width:2px}}")
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


_XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


def _untold(g: ET.Element) -> None:
    """An edge's tooltip without its flow, which the frames show only once it is sent."""
    for a in g.iter(_S + "a"):
        title = a.get(_XLINK_TITLE)
        if title and "; flow " in title:
            a.set(_XLINK_TITLE, title.split("; flow ", 1)[0])


def _mark_background(children: list[ET.Element], text: ET.Element, hot: Any) -> None:
    """The cell background drawn just before an attached parameter's row: highlighted with it."""
    i = children.index(text)
    if i > 0 and children[i - 1].tag == _S + "polygon":
        hot(children[i - 1])


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
