"""Live sliders: drag an input or a parameter and watch every value and gradient change.

``sg.explore(f)`` gives one slider per input and parameter of ``f``'s graph (a range
around its current value; the range's ends are editable boxes), the diagram with
values and gradients redrawn on every change, and a plot of f against the input
dragged last, with the tangent whose slope is that input's gradient. It is an
ipywidgets box (``pip install 'scalargraph[widgets]'``), so it runs in JupyterLab,
Notebook 7, VS Code and Colab. The same object works without a browser, for scripts
and tests: ``w.set(x=1.0)``, ``w.value``, ``w.grads``, ``w.diagram()``.

The sliders set the leaves' values, as ``Graph.forward`` does: the graph you pass in
is the one that changes.

>>> import scalargraph as sg
>>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
>>> w = explore(x * y + x)
>>> w.value, w.grads
(-9.0, {'x': -3.0, 'y': 3.0})
>>> w.set(x=1.0, y=2.0)
>>> w.value, w.grads                   # f = x·y + x: df/dx = y + 1, df/dy = x
(3.0, {'x': 3.0, 'y': 1.0})
>>> w.ranges["x"]                      # around the value explore() started from
(-3.0, 9.0)
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..core.graph import Graph
from ..core.labels import as_graph, labels
from ..core.node import Node, as_value
from ..errors import InputError, MissingDependencyError, ScalargraphError

__all__ = ["Explorer", "explore"]

#: Points on the plot's curve of f against the dragged input.
CURVE_POINTS = 81
#: Steps of a slider over its range.
SLIDER_STEPS = 200

_INSTALL = ("sg.explore's sliders need ipywidgets: pip install 'scalargraph[widgets]' "
            "(or: pip install ipywidgets); w.set(x=...), w.value and w.diagram() work without it")


class Explorer:
    """The state behind ``sg.explore``: the graph, its sliders' leaves and ranges, and the widget."""

    def __init__(self, graph: Graph, leaves: list[Node], ranges: dict[str, tuple[float, float]], *,
                 plot: bool, draw_options: dict[str, Any]) -> None:
        self.graph = graph
        self.leaves = {_name(graph, leaf): leaf for leaf in leaves}
        self.ranges = ranges
        self.plot = plot
        self.draw_options = draw_options
        self.dragged: str | None = next(iter(self.leaves), None)  # the plot's horizontal axis
        self.error: str | None = None  # the last change the graph refused, for the widget
        self._widget: Any = None
        self._sliders: dict[str, Any] = {}
        self._update()

    # ---------------------------------------------------------------- numbers
    @property
    def value(self) -> float:
        """f at the current values."""
        return float(self.graph.output.value)

    @property
    def values(self) -> dict[str, float]:
        """The sliders' values, by name."""
        return {name: float(leaf.value) for name, leaf in self.leaves.items()}

    @property
    def grads(self) -> dict[str, float]:
        """df/d(each slider's leaf) at the current values."""
        return {name: float(leaf.grad) for name, leaf in self.leaves.items() if leaf.grad is not None}

    def set(self, **values: Any) -> None:
        """Set inputs/parameters by name, recompute f and every gradient, redraw the widget.

        A value the graph cannot take (``log`` of a negative number, ...) raises and leaves
        everything as it was."""
        updates = {}
        for name, v in values.items():
            if name not in self.leaves:
                known = ", ".join(self.leaves) or "(none)"
                raise InputError(f"explore has no slider named {name!r}; the sliders are: {known}")
            updates[name] = as_value(v, name)
            if updates[name].__class__ is not float:
                raise InputError(f"{name}: a slider holds one number, got {v!r}")
        saved = {name: leaf.value for name, leaf in self.leaves.items()}
        for name, v in updates.items():
            self.leaves[name].value = v
        try:
            self._update()
        except BaseException:
            for name, v in saved.items():
                self.leaves[name].value = v
            self._update()
            raise
        if len(updates) == 1:
            self.dragged = next(iter(updates))
        self._sync_widget()

    def set_range(self, **ranges: tuple[float, float]) -> None:
        """The slider range of inputs/parameters by name: ``w.set_range(x=(-10, 10))``."""
        for name, bounds in ranges.items():
            if name not in self.leaves:
                raise InputError(f"explore has no slider named {name!r}; the sliders are: "
                                 f"{', '.join(self.leaves)}")
            self.ranges[name] = _bounds(name, bounds)
        self._sync_widget()

    def diagram(self, **options: Any) -> Any:
        """The diagram at the current values (options go to :func:`scalargraph.draw`)."""
        from ..drawing.diagram import draw

        return draw(self.graph.output, **{**self.draw_options, **options})

    def curve(self, name: str | None = None, points: int = CURVE_POINTS) -> tuple[list[float], list[float]]:
        """f against one input over its slider range, the others held: ``(xs, fs)``.

        Where f is not defined (``log`` of a negative number, ...) the point is NaN."""
        name = self.dragged if name is None else name
        if name not in self.leaves:
            raise InputError(f"explore has no slider named {name!r}; "
                             f"the sliders are: {', '.join(self.leaves)}")
        lo, hi = self.ranges[name]
        leaf = self.leaves[name]
        xs = [lo + (hi - lo) * i / (points - 1) for i in range(points)]
        held = leaf.value
        fs = []
        try:
            for x in xs:
                leaf.value = x
                try:
                    fs.append(float(self.graph.forward()))
                except (ScalargraphError, ArithmeticError, ValueError):
                    fs.append(math.nan)
        finally:
            leaf.value = held
            self._update()
        return xs, fs

    def _update(self) -> None:
        """Forward and backward at the leaves' current values."""
        self.graph.forward()
        self.graph.backward()

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v:g}" for k, v in self.values.items())
        return f"<scalargraph explore: f = {self.value:g} at {shown}>"

    # ---------------------------------------------------------------- widget
    @property
    def widget(self) -> Any:
        """The ipywidgets box: sliders, plot and diagram (made on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> Any:
        """The widget, and the picture at the current values for frontends with no kernel."""
        from ..drawing.display import mimebundle

        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        try:
            data, metadata = mimebundle(self.diagram())
        except ScalargraphError:  # no renderer: the widget alone
            return bundle
        bundle["image/png"] = data["image/png"]
        return bundle, metadata

    def _build(self) -> Any:
        widgets = _ipywidgets()
        rows = [self._slider_row(name, widgets) for name in self.leaves]
        self._status = widgets.HTML()
        self._plot = widgets.HTML()
        self._view = widgets.HTML()
        self._sync_widget()
        parts = [*rows, self._status]
        if self.plot:
            parts.append(self._plot)
        parts.append(self._view)
        box = widgets.VBox(parts)
        box.add_class("sg-explore")
        return box

    def _slider_row(self, name: str, widgets: Any) -> Any:
        lo, hi = self.ranges[name]
        leaf = self.leaves[name]
        slider = widgets.FloatSlider(value=leaf.value, min=lo, max=hi, step=(hi - lo) / SLIDER_STEPS,
                                     description=name, readout_format=".4g", continuous_update=True,
                                     layout=widgets.Layout(width="28em"))
        low = widgets.FloatText(value=lo, layout=widgets.Layout(width="6em"), tooltip="slider minimum")
        high = widgets.FloatText(value=hi, layout=widgets.Layout(width="6em"), tooltip="slider maximum")
        self._sliders[name] = (slider, low, high)

        def moved(change: Mapping[str, Any]) -> None:
            if self._syncing:
                return
            try:
                self.set(**{name: change["new"]})
                self.error = None
            except ScalargraphError as err:
                self.error = f"{name} = {change['new']:.4g}: {err}"
                self._sync_widget()

        def bounds(change: Mapping[str, Any]) -> None:
            if self._syncing:
                return
            try:
                self.set_range(**{name: (float(low.value), float(high.value))})
                self.error = None
            except ScalargraphError as err:
                self.error = str(err)
                self._sync_widget()

        slider.observe(moved, names="value")
        low.observe(bounds, names="value")
        high.observe(bounds, names="value")
        return widgets.HBox([low, slider, high])

    _syncing = False

    def _sync_widget(self) -> None:
        """Sliders, range boxes, status, plot and diagram from the current state."""
        if self._widget is None and not self._sliders:
            return
        self._syncing = True
        try:
            for name, (slider, low, high) in self._sliders.items():
                lo, hi = self.ranges[name]
                value = float(self.leaves[name].value)
                lo, hi = min(lo, value), max(hi, value)  # a value typed beyond the range widens it
                self.ranges[name] = (lo, hi)
                if slider.min > hi:  # ipywidgets checks min <= max on every assignment
                    slider.max = hi
                    slider.min = lo
                else:
                    slider.min = lo
                    slider.max = hi
                slider.step = (hi - lo) / SLIDER_STEPS
                slider.value = value
                low.value, high.value = lo, hi
        finally:
            self._syncing = False
        self._status.value = ("" if self.error is None else
                              f'<span style="color:#b91c1c">{html.escape(self.error)}</span>')
        if self.plot:
            self._plot.value = self._plot_svg()
        try:
            self._view.value = f'<div class="sg-explore-diagram">{self.diagram().html()}</div>'
        except ScalargraphError as err:
            self._view.value = f"<pre>{html.escape(str(err))}</pre>"

    def _plot_svg(self) -> str:
        name = self.dragged
        if name is None:
            return ""
        xs, fs = self.curve(name)
        grad = self.leaves[name].grad
        return curve_svg(xs, fs, (float(self.leaves[name].value), self.value),
                         None if grad is None else float(grad), name, _name(self.graph, self.graph.output))


def explore(f: Any, *, sliders: Iterable[Any] | None = None,
            ranges: Mapping[str, tuple[float, float]] | None = None, plot: bool = True,
            **draw_options: Any) -> Explorer:
    """Sliders for the inputs and parameters of ``f`` (an output Node, a Graph or an example).

    - ``sliders``: the names or nodes to make sliders for (default: every input and parameter).
    - ``ranges``: ``{name: (low, high)}``; by default a slider spans its value ± max(1, 2·|value|).
    - ``plot``: show f against the input dragged last, with the tangent of slope df/dinput.
    - Other keywords go to :func:`scalargraph.draw` (``digits``, ``rankdir``, ``theme``, ...).

    In Jupyter the result shows itself as the widget (ipywidgets needed); ``w.set(x=1.0)``,
    ``w.value``, ``w.grads`` and ``w.diagram()`` work without it.
    """
    graph = as_graph(f, "explore")
    for bad in ("values", "grads"):
        if bad in draw_options:
            raise InputError(f"explore() draws the graph's own values and gradients; leave out {bad}=")
    leaves = _chosen(graph, sliders)
    chosen_ranges = {}
    for leaf in leaves:
        name = _name(graph, leaf)
        given = (ranges or {}).get(name)
        chosen_ranges[name] = _bounds(name, given) if given is not None else default_range(leaf.value)
    unknown = set(ranges or {}) - set(chosen_ranges)
    if unknown:
        raise InputError(f"ranges= names no slider: {', '.join(sorted(unknown))}; "
                         f"the sliders are: {', '.join(chosen_ranges)}")
    return Explorer(graph, leaves, chosen_ranges, plot=plot, draw_options=dict(draw_options))


def default_range(value: float) -> tuple[float, float]:
    """value ± max(1, 2·|value|): wide enough to change sign, centred on where you start.

    >>> default_range(3.0), default_range(0.0), default_range(-0.25)
    ((-3.0, 9.0), (-1.0, 1.0), (-1.25, 0.75))
    """
    half = max(1.0, 2.0 * abs(value))
    return (value - half, value + half)


def _bounds(name: str, bounds: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise InputError(f"the range of {name} must be two numbers (low, high), got {bounds!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise InputError(f"the range of {name} must be finite with low < high, got {bounds!r}")
    return (lo, hi)


def _name(graph: Graph, node: Node) -> str:
    return node.name if node.name else labels(graph)[node]


def _chosen(graph: Graph, sliders: Iterable[Any] | None) -> list[Node]:
    leaves = [*graph.inputs, *graph.params]
    leaves.sort(key=graph.nodes.index)
    if sliders is None:
        if not leaves:
            raise InputError("explore() found nothing to slide: the graph has no inputs or parameters")
        return leaves
    by_name = {_name(graph, leaf): leaf for leaf in leaves}
    chosen = []
    for s in [sliders] if isinstance(sliders, (str, Node)) else sliders:
        leaf = by_name.get(s) if isinstance(s, str) else s if s in leaves else None
        if leaf is None:
            raise InputError(f"sliders= names {s!r}, which is not an input or parameter of this graph; "
                             f"they are: {', '.join(by_name)}")
        if leaf not in chosen:
            chosen.append(leaf)
    return chosen


def _ipywidgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise MissingDependencyError(_INSTALL) from None
    return ipywidgets


def curve_svg(xs: list[float], fs: list[float], point: tuple[float, float], slope: float | None,
              xname: str, fname: str, width: int = 420, height: int = 220) -> str:
    """A small SVG plot of ``fs`` against ``xs`` (NaN: a gap), the current point and its tangent.

    >>> svg = curve_svg([0.0, 1.0, 2.0], [0.0, 1.0, 4.0], (1.0, 1.0), 2.0, "x", "f")
    >>> svg.count("<polyline"), "slope df/dx = 2" in svg
    (1, True)
    """
    left, right, top, bottom = 56, 12, 24, 34
    finite = [f for f in fs if math.isfinite(f)] + [point[1]]
    lo, hi = min(finite), max(finite)
    if hi - lo < 1e-12:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.08 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    x0, x1 = xs[0], xs[-1]

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def py(f: float) -> float:
        return top + (hi - f) / (hi - lo) * (height - top - bottom)

    runs: list[list[str]] = [[]]
    for x, f in zip(xs, fs):
        if math.isfinite(f):
            runs[-1].append(f"{px(x):.1f},{py(f):.1f}")
        elif runs[-1]:
            runs.append([])
    lines = "".join(f'<polyline points="{" ".join(r)}" fill="none" stroke="#1d4ed8" stroke-width="2"/>'
                    for r in runs if len(r) > 1)
    px0, pf0 = point
    tangent = ""
    caption = f"{fname} = {pf0:.4g} at {xname} = {px0:.4g}"
    if slope is not None and math.isfinite(slope):
        half = 0.15 * (x1 - x0)
        a, b = px0 - half, px0 + half
        tangent = (f'<line x1="{px(a):.1f}" y1="{py(pf0 + slope * (a - px0)):.1f}" x2="{px(b):.1f}" '
                   f'y2="{py(pf0 + slope * (b - px0)):.1f}" stroke="#dc2626" stroke-width="1.5" '
                   'stroke-dasharray="5 3"/>')
        caption += f"; tangent slope d{fname}/d{xname} = {slope:.4g}"
    font = 'font-family="Helvetica,Arial,sans-serif" font-size="12" fill="#374151"'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" class="sg-explore-plot">'
            f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
            'fill="#f9fafb" stroke="#d1d5db"/>'
            f'<clipPath id="sg-plot-clip"><rect x="{left}" y="{top}" width="{width - left - right}" '
            f'height="{height - top - bottom}"/></clipPath>'
            f'<g clip-path="url(#sg-plot-clip)">{lines}{tangent}</g>'
            f'<circle cx="{px(px0):.1f}" cy="{py(pf0):.1f}" r="4.5" fill="#dc2626"/>'
            f'<text x="{left}" y="{height - 10}" {font}>{x0:.3g}</text>'
            f'<text x="{width - right}" y="{height - 10}" text-anchor="end" {font}>{x1:.3g}</text>'
            f'<text x="{(left + width - right) / 2:.0f}" y="{height - 10}" text-anchor="middle" {font}>'
            f"{html.escape(xname)}</text>"
            f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" {font}>{hi:.3g}</text>'
            f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" {font}>{lo:.3g}</text>'
            f'<text x="{left}" y="{top - 8}" {font}>{html.escape(caption)}</text></svg>')
