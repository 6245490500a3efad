"""sg.explore: sliders over a graph's inputs and parameters, for scripts and in a widget."""

from __future__ import annotations

import math
import sys

import pytest

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged
from scalargraph.teaching.explore import curve_svg, default_range


def cs231n(x: float, y: float) -> float:
    """f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), written out with math (the oracle)."""
    def sig(v: float) -> float:
        return 1.0 / (1.0 + math.exp(-v))
    return (x + sig(y)) / (sig(x) + (x + y) ** 2)


def central(fn, x: float, y: float, h: float = 1e-6) -> tuple[float, float]:
    return ((fn(x + h, y) - fn(x - h, y)) / (2 * h), (fn(x, y + h) - fn(x, y - h)) / (2 * h))


def test_starts_at_the_graphs_own_values() -> None:
    w = sg.explore(cs231n_staged())
    assert w.value == 1.5456448841066441  # the cs231n notes' f(3, -4)
    assert w.grads == {"x": 2.0595697955721652, "y": 1.5922327514838093}
    assert w.ranges == {"x": (-3.0, 9.0), "y": (-12.0, 4.0)}


@pytest.mark.parametrize("x, y", [(1.0, 2.0), (-0.5, 0.25), (6.0, -4.0)])
def test_set_recomputes_value_and_gradients(x: float, y: float) -> None:
    w = sg.explore(cs231n_staged())
    w.set(x=x, y=y)
    assert w.value == pytest.approx(cs231n(x, y), rel=1e-12)
    dx, dy = central(cs231n, x, y)
    assert w.grads["x"] == pytest.approx(dx, rel=1e-6)
    assert w.grads["y"] == pytest.approx(dy, rel=1e-6)
    assert f"value {x:g}" in w.diagram().source  # the diagram shows the new value


def test_the_curve_is_f_along_the_dragged_input() -> None:
    w = sg.explore(cs231n_staged())
    w.set(y=1.0)
    w.set(x=0.5)
    assert w.dragged == "x"
    xs, fs = w.curve(points=7)
    assert xs[0] == -3.0 and xs[-1] == 9.0
    assert fs == pytest.approx([cs231n(x, 1.0) for x in xs], rel=1e-12)
    assert w.values == {"x": 0.5, "y": 1.0} and w.value == pytest.approx(cs231n(0.5, 1.0))


def test_a_value_the_graph_cannot_take_leaves_everything_as_it_was() -> None:
    x = sg.Node(2.0, name="x")
    w = sg.explore(sg.log(x) * x)
    before = (w.value, w.grads)
    with pytest.raises(sg.DomainError):
        w.set(x=-1.0)
    assert (w.value, w.grads) == before and x.value == 2.0
    xs, fs = w.curve()  # log is undefined left of 0: gaps, not an error
    assert all(math.isnan(f) for x, f in zip(xs, fs) if x <= 0)
    assert all(f == pytest.approx(math.log(x) * x) for x, f in zip(xs, fs) if x > 0)


def test_parameters_get_sliders_and_constants_do_not() -> None:
    x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
    w = sg.explore(x * a * a + a + 3.0)
    assert list(w.values) == ["x", "a"]
    w.set(a=-0.125)
    assert w.grads["a"] == pytest.approx(2 * 4.0 * -0.125 + 1)  # dF/da = 2xa + 1 = 0 at a = -1/8
    assert sg.explore(x * a * a + a, sliders=["a"]).values == {"a": -0.125}


def test_bad_inputs_say_what_is_valid() -> None:
    w = sg.explore(cs231n_staged())
    with pytest.raises(sg.InputError, match="the sliders are: x, y"):
        w.set(z=1.0)
    with pytest.raises(sg.InputError, match="finite"):
        w.set(x=float("nan"))
    with pytest.raises(sg.InputError, match="low < high"):
        w.set_range(x=(2.0, 1.0))
    with pytest.raises(sg.InputError, match="not an input or parameter"):
        sg.explore(cs231n_staged(), sliders=["q"])
    with pytest.raises(sg.InputError, match="ranges= names no slider"):
        sg.explore(cs231n_staged(), ranges={"q": (0, 1)})
    with pytest.raises(sg.InputError, match="nothing to slide"):
        sg.explore(sg.Constant(2.0) * 3.0)
    assert w.values == {"x": 3.0, "y": -4.0}


def test_default_range() -> None:
    assert default_range(3.0) == (-3.0, 9.0)
    assert default_range(0.1) == (-0.9, 1.1)


def test_plot_svg_marks_the_point_and_the_tangent() -> None:
    svg = curve_svg([0.0, 1.0, 2.0], [0.0, 1.0, 4.0], (1.0, 1.0), 2.0, "x", "f")
    assert "tangent slope df/dx = 2" in svg and svg.count("<circle") == 1
    gap = curve_svg([0.0, 1.0, 2.0, 3.0], [0.0, math.nan, 4.0, 9.0], (2.0, 4.0), None, "x", "f")
    assert gap.count("<polyline") == 1 and "tangent" not in gap  # a lone point draws no line


# ------------------------------------------------------------------ the widget
def test_the_widget_follows_its_sliders() -> None:
    pytest.importorskip("ipywidgets")
    w = sg.explore(cs231n_staged())
    box = w.widget
    slider = w._sliders["x"][0]
    assert (slider.min, slider.max, slider.value) == (-3.0, 9.0, 3.0)
    slider.value = 1.0  # what dragging does
    assert w.values["x"] == 1.0 and w.value == pytest.approx(cs231n(1.0, -4.0))
    assert "value 1" in w._view.value and "grad 2.06" not in w._view.value
    assert "f = " in w._plot.value and "at x = 1" in w._plot.value
    w.set(x=20.0)  # beyond the range: the range widens
    assert slider.max == 20.0 and slider.value == 20.0
    bundle, metadata = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/png" in bundle and metadata["image/png"]["width"] > 100  # for a saved notebook
    assert box is w.widget


def test_a_domain_error_from_a_slider_is_shown_not_raised() -> None:
    pytest.importorskip("ipywidgets")
    x = sg.Node(2.0, name="x")
    w = sg.explore(sg.log(x))
    assert w.widget is not None
    w._sliders["x"][0].value = -1.0
    assert x.value == 2.0 and "log" in w._status.value


def test_without_ipywidgets_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    w = sg.explore(cs231n_staged())
    w.set(x=1.0)  # everything but the widget works
    with pytest.raises(sg.MissingDependencyError, match=r"pip install 'scalargraph\[widgets\]'"):
        _ = w.widget
