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

With ``flow=True`` each edge also carries the gradient flowing back along it, the
upstream gradient times the local derivative (cs231n draws it in red under the wire):

>>> "flow 1 × -4 = -4" in draw(f, flow=True).source     # ∂f/∂f · ∂f/∂q, back into q
True
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..core.graph import output_of, refresh, topological_order
from ..core.labels import DIGITS
from ..core.node import Node
from ..errors import InputError, MissingDependencyError
from . import fit
from .dot import LABEL_MODES, NAME, SMALL, XLABEL_ABOVE, Builder, Options
from .plan import (
    View,
    add_copies,
    assign_units,
    collapsed_groups,
    drawn,
    fold_sums,
    highlights,
    limit,
    make_plan,
    shown_grads,
)
from .render import check_target, render, suffix_format, write_file
from .themes import THEMES, Theme
from .themes import theme as find_theme

__all__ = ["PNG_DPI", "RANKDIRS", "THEMES", "XLABEL_ABOVE", "Diagram", "Theme", "draw"]

#: Directions the graph can flow in: ``auto`` picks one from the graph's shape.
RANKDIRS = ("auto", "LR", "TB", "RL", "BT")
#: PNG resolution by default: 2x the 72 points per inch of the layout, crisp on slides.
PNG_DPI = 144
#: Text is legible down to this many pixels (the SVG may shrink to fit a cell, not below this).
LEGIBLE_PX = 9


class Diagram:
    """A drawn graph. ``source`` is the DOT text; ``digraph`` the same graph as a
    ``graphviz.Digraph``: restyle it (``d.digraph.attr(bgcolor="pink")``) and
    ``source``, ``svg()`` and ``save()`` use the change."""

    def __init__(self, body: list[str], layout: dict[str, str] | None = None) -> None:
        self._body = body
        #: The layout ``draw`` chose (``rankdir``, ``edge_labels``): pass it back to ``draw`` to
        #: draw other states of the same graph alike (the frames of a stepper).
        self.layout = dict(layout or {})
        self._digraph: Any = None
        self._images: dict[tuple[str, int], tuple[str, bytes]] = {}  # (format, dpi) -> (DOT, image)

    @property
    def digraph(self) -> Any:
        """A ``graphviz.Digraph`` holding this diagram (made on first use)."""
        if self._digraph is None:
            self._digraph = _graphviz().Digraph(NAME, body=list(self._body))
        return self._digraph

    @property
    def source(self) -> str:
        """The DOT text."""
        if self._digraph is not None:
            return str(self._digraph.source)
        return f"digraph {NAME} {{\n{''.join(self._body)}}}\n"

    def svg(self) -> str:
        """The SVG image as text (sized in points, with a viewBox: it scales without distortion)."""
        return self._image("svg").decode("utf-8")

    def png(self, dpi: int = PNG_DPI) -> bytes:
        """The PNG image at ``dpi`` dots per inch: 96 (Graphviz's own, and its least) draws
        4 pixels per 3 points; 144, the default, 2 per point, sharp on slides and high-density
        screens."""
        return self._image("png", _check_dpi(dpi))

    def pdf(self) -> bytes:
        """The PDF document."""
        return self._image("pdf")

    def html(self) -> str:
        """The SVG as an element to put in HTML: it shrinks to fit its container, but not below
        the width at which its smallest text is 9 px; a wider diagram scrolls sideways.

        >>> import scalargraph as sg
        >>> draw(sg.Node(1.0, name="x") * 2).html().startswith('<div style="overflow-x:auto">')
        True
        """
        return fit_svg(self.svg())

    def _image(self, fmt: str, dpi: int = PNG_DPI) -> bytes:
        """Rendered once per format and DOT text (a restyled digraph renders again)."""
        source = self.source
        dpi = dpi if fmt == "png" else PNG_DPI  # only a PNG has a resolution
        cached = self._images.get((fmt, dpi))
        if cached is None or cached[0] != source:
            dotted = source if fmt != "png" else source.replace("{\n", f"{{\n\tgraph [dpi={dpi}]\n", 1)
            cached = self._images[(fmt, dpi)] = (source, render(dotted, fmt))
        return cached[1]

    def save(self, path: str | os.PathLike[str], *, dpi: int = PNG_DPI, force: bool = False) -> Path:
        """Write the diagram; the format comes from the suffix: .svg .png .pdf .dot (.gv).
        ``dpi`` is the resolution of a PNG.
        Nothing is written unless the whole file can be; a file that is there keeps its
        permissions, and a read-only one is replaced only with ``force=True``. Returns the path."""
        fmt = suffix_format(path)
        dpi = _check_dpi(dpi)
        check_target(path, force)  # before the render: a mistyped folder is reported at once
        data = self.source.encode("utf-8") if fmt == "dot" else self._image(fmt, dpi)
        return write_file(path, data, force)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                          **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """Jupyter display: the SVG, and a PNG for frontends that do not trust the notebook."""
        from .display import mimebundle

        return mimebundle(self)

    def __repr__(self) -> str:
        return "<scalargraph Diagram: .svg() .png() .pdf() .save(path); .source is the DOT text>"


def fit_svg(svg: str, smallest: float = SMALL) -> str:
    """An SVG document as an HTML element that shrinks to its container's width, down to the
    width at which text of ``smallest`` points is still 9 px, and scrolls beyond.

    >>> print(fit_svg('<?xml version="1.0"?><svg width="900pt" viewBox="0 0 900 90">x</svg>'))
    <div style="overflow-x:auto"><svg style="max-width:100%;height:auto;min-width:810px" width="900pt" ...
    """
    start = svg.find("<svg")
    element = svg[start:].strip() if start >= 0 else svg.strip()
    m = _VIEWBOX.search(element)
    least = ""
    if m:  # shown d px wide, text of s points is s * d / (viewBox width) px tall
        least = f";min-width:{LEGIBLE_PX * float(m.group(1)) / smallest:.0f}px"
    element = element.replace("<svg", f'<svg style="max-width:100%;height:auto{least}"', 1)
    return f'<div style="overflow-x:auto">{element}</div>'


_VIEWBOX = re.compile(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) [0-9.]+"')


def _check_dpi(dpi: Any) -> int:
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 96 <= dpi <= 1200:
        raise InputError(f"dpi is the PNG resolution in dots per inch, an int from 96 (Graphviz's "
                         f"least) to 1200; default {PNG_DPI}, got {dpi!r}")
    return dpi


def draw(output: Node, *, values: Mapping[Node, Any] | None = None,
         grads: Mapping[Node, Any] | None = None, highlight: Iterable[Any] = (),
         edge_labels: bool | str = True, flow: bool | Iterable[Any] = False, attach: bool = True,
         legend: bool = False, digits: int | None = None, rankdir: str = "auto", theme: str = "light",
         collapse: Iterable[str] = (), fold: bool | None = None, check: bool = False,
         sample: int | None = None, max_nodes: int | None = 300,
         tangents: Mapping[Node, Any] | None = None, unknown: str | None = None,
         compact: bool = True, precision: int | None = None) -> Diagram:
    """Draw the graph ``output`` depends on: values, gradients and local derivatives.

    - ``values`` / ``grads``: show these instead of ``node.value`` / ``node.grad``;
      nodes missing from a mapping are shown as not yet computed.
    - ``unknown``: the text of a gradient not known yet (default "not computed"; a quiz
      shows "?").
    - ``tangents``: forward-mode tangents to show in each box, one more row under the
      gradient (``sg.jvp(f, {x: 1.0}, per_node=True)`` gives them).
    - ``highlight``: Nodes and ``(input, consumer)`` edges to emphasise.
    - ``edge_labels``: the local derivative on each edge. True: ``∂f/∂q = z = -4`` where
      that fits the width the diagram is shown at, else the number alone (the whole formula
      on hover); ``"full"`` or ``"short"`` to choose; ``"symbolic"``: ``∂f/∂q = z`` with no
      number (while a question about a gradient is open); False: none.
    - ``flow``: True writes on each edge the gradient it carries back (upstream gradient ×
      local derivative), and ``(input, consumer)`` edges (one, or a list) on those only.
    - ``attach``: draw a parameter or constant operand of a binary op inside its
      node ("multiply by a"); False draws them as ordinary leaves. A parameter used in
      several places shows what each place adds to its gradient, and the total once.
    - ``compact``: an attached parameter's value and gradient in short rows (narrow boxes);
      False writes them in one row, ``param a = 1 · grad 9`` (the gradient so far).
    - ``digits`` (significant digits, default :data:`scalargraph.core.labels.DIGITS`;
      ``precision`` is its old name), ``legend``, ``theme`` (light, dark, mono).
    - ``rankdir``: ``auto`` (default) chooses left to right or top to bottom so that the
      text reads at 880 px; or LR, TB, RL, BT.
    - ``collapse``: names (or "outer/inner" paths) of groups drawn as one box each (the
      output keeps its own box).
    - ``fold``: draw a sum of many terms (a chain of ``+``) as one Σ box; None (default)
      folds sums of 6 or more terms, True those of 3 or more, False none.
    - ``check``: badge each node with its backward gradient's relative error
      against central differences (green within tolerance, red beyond).
    - ``sample``: for batch values, show sample ``sample``; else a summary.
    - ``max_nodes``: draw at most this many boxes (those nearest the output) and
      warn; None for no limit.
    """
    output = output_of(output, "draw")
    if precision is not None:
        warnings.warn("draw(precision=...) is now draw(digits=...)", DeprecationWarning, stacklevel=2)
        digits = precision if digits is None else digits
    digits = DIGITS if digits is None else digits
    style = find_theme(theme)
    labels = _label_mode(edge_labels)
    _check_options(rankdir, digits, sample, max_nodes, values, grads, tangents, fold, unknown)
    order = topological_order(output)
    refresh(order)  # values assigned since the graph was computed: re-evaluate first
    view = View(order, values, grads, digits, sample, tangents)
    marks = highlights(highlight, order)
    plan = make_plan(order, attach)
    fold_sums(plan, fold, {m for m in marks if isinstance(m, Node)})
    plan.units = assign_units(order, plan, collapsed_groups(order, plan, collapse))
    limit(plan, max_nodes)
    add_copies(plan)
    checks = {}
    if check:
        from ..checks.per_node import check_nodes

        checks = check_nodes(output, grads=shown_grads(order, view), nodes=drawn(plan))
    options = Options(labels="full" if labels == "auto" else labels, flow=_flow(flow, order),
                      unknown=unknown, legend=legend, compact=bool(compact))
    builder = Builder(plan, view, style, marks, checks, options)
    dot, direction = _layout(builder, rankdir, labels == "auto")
    return Diagram(dot.body, {"rankdir": direction, "edge_labels": builder.options.labels})


def _layout(builder: Builder, rankdir: str, short_if_wide: bool) -> tuple[Any, str]:
    """Build the DOT in the first layout that reads at 880 px (see :mod:`.fit`): full labels
    before short ones; a layout shown at its natural size before one shrunk to fit."""
    directions = ["LR", "TB"] if rankdir == "auto" else [rankdir]
    modes = ["full", "short"] if short_if_wide else [builder.options.labels]
    widths = {}
    for mode in modes:
        builder.options.labels = mode
        builder.build(directions[0])
        for direction in directions:
            widths[(mode, direction)] = fit.estimate(builder.sizes, builder.edge_widths, direction)
    for mode in modes:
        for limit_pt in (fit.natural(), fit.budget(SMALL)):
            for direction in directions:
                if widths[(mode, direction)] <= limit_pt:
                    builder.options.labels = mode
                    return builder.build(direction), direction
    mode, direction = min(widths, key=lambda k: (widths[k], k[0] != "short"))
    builder.options.labels = mode
    return builder.build(direction), direction


def _label_mode(edge_labels: Any) -> str:
    if edge_labels is True or edge_labels == "auto":
        return "auto"
    if edge_labels is False:
        return "none"
    if edge_labels in LABEL_MODES:
        return str(edge_labels)
    raise InputError(f"edge_labels must be True (full where it fits, else short), False, or one of "
                     f"{', '.join(map(repr, LABEL_MODES))}, got {edge_labels!r}")


def _flow(flow: Any, order: list[Node]) -> bool | frozenset[tuple[Node, Node]]:
    """True, False, or the ``(input, consumer)`` edges whose gradient flow is written."""
    if isinstance(flow, bool):
        return flow
    edges = highlights([flow] if isinstance(flow, tuple) else flow, order)
    if any(isinstance(e, Node) for e in edges):
        raise InputError("flow takes True, False or (input, consumer) edges, not Nodes")
    return frozenset(edges)


# ---------------------------------------------------------------------- options
def _check_options(rankdir: str, digits: int, sample: int | None, max_nodes: int | None,
                   values: Any, grads: Any, tangents: Any, fold: Any, unknown: Any) -> None:
    if rankdir not in RANKDIRS:
        raise InputError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 17:
        raise InputError(f"digits is a number of significant digits from 1 to 17, got {digits!r}")
    if fold not in (None, True, False):
        raise InputError(f"fold must be None (sums of 6 or more terms), True or False, got {fold!r}")
    if unknown is not None and not isinstance(unknown, str):
        raise InputError(f"unknown is the text of a gradient not known yet (e.g. '?'), got {unknown!r}")
    if sample is not None and (not isinstance(sample, int) or isinstance(sample, bool) or sample < 0):
        raise InputError(f"sample must be a sample index (an int >= 0) or None, got {sample!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise InputError(f"max_nodes must be a positive int or None (no limit), got {max_nodes!r}")
    for name, mapping in (("values", values), ("grads", grads), ("tangents", tangents)):
        if mapping is not None and not isinstance(mapping, Mapping):
            raise InputError(f"{name} must be a mapping from Node to value (e.g. a dict) or None, "
                             f"got {type(mapping).__name__}")


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise MissingDependencyError(
            "sg.draw builds diagrams with the graphviz package: pip install 'graphviz>=0.20'"
        ) from None
    return graphviz
