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

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..core.graph import topological_order
from ..core.node import Node
from ..errors import InputError, MissingDependencyError, OperandTypeError
from .dot import NAME, XLABEL_ABOVE, Builder
from .plan import View, assign_units, collapsed_groups, drawn, highlights, limit, make_plan, shown_grads
from .render import check_target, render, suffix_format, write_file
from .themes import THEMES, Theme
from .themes import theme as find_theme

__all__ = ["RANKDIRS", "THEMES", "XLABEL_ABOVE", "Diagram", "Theme", "draw"]

#: Directions the graph can flow in: left to right, top to bottom, and back.
RANKDIRS = ("LR", "TB", "RL", "BT")


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
            self._digraph = _graphviz().Digraph(NAME, body=list(self._body))
        return self._digraph

    @property
    def source(self) -> str:
        """The DOT text."""
        if self._digraph is not None:
            return str(self._digraph.source)
        return f"digraph {NAME} {{\n{''.join(self._body)}}}\n"

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
    style = find_theme(theme)
    _check_options(rankdir, precision, sample, max_nodes, values, grads, tangents)
    order = topological_order(output)
    view = View(order, values, grads, precision, sample, tangents)
    plan = make_plan(order, attach)
    plan.units = assign_units(order, plan, collapsed_groups(order, plan, collapse))
    limit(plan, max_nodes)
    checks = {}
    if check:
        from ..checks.per_node import check_nodes

        checks = check_nodes(output, grads=shown_grads(order, view), nodes=drawn(plan))
    marks = highlights(highlight, order)
    builder = Builder(order, plan, view, style, marks, checks, edge_labels)
    return Diagram(builder.build(rankdir, legend).body)


# ---------------------------------------------------------------------- options
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


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise MissingDependencyError(
            "sg.draw builds diagrams with the graphviz package: pip install 'graphviz>=0.20'"
        ) from None
    return graphviz
