"""scalargraph.learning.plot: the numbers drawn are checked against numpy formulas written by hand."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest

import scalargraph as sg
from scalargraph import plot
from scalargraph.learning.examples import cs231n_staged

matplotlib.use("Agg")


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_plot_function_draws_f_its_derivative_and_the_tangent():
    x = sg.Node(0.5, name="x")
    f = (sg.sin(x) * x).named("f")
    ax = plot.plot_function(f, wrt=x, lo=-2.0, hi=3.0, points=101)
    lines = _lines(ax)
    grid = np.linspace(-2.0, 3.0, 101)
    assert np.allclose(lines["f(x)"].get_xdata(), grid)
    assert np.allclose(lines["f(x)"].get_ydata(), np.sin(grid) * grid, rtol=1e-14, atol=1e-15)
    assert np.allclose(lines["f'(x)"].get_ydata(), np.cos(grid) * grid + np.sin(grid), rtol=1e-13, atol=1e-15)
    slope = np.cos(0.5) * 0.5 + np.sin(0.5)
    tangent = lines["tangent at x = 0.5"].get_ydata()
    assert np.allclose(tangent, np.sin(0.5) * 0.5 + slope * (grid - 0.5), rtol=1e-13, atol=1e-15)
    assert lines[f"slope {slope:.4g}"].get_ydata().tolist() == pytest.approx([np.sin(0.5) * 0.5])


def test_plot_function_leaves_values_and_gradients_as_they_were():
    ex = cs231n_staged()
    x, y = ex.leaves
    ex.output.backward()
    before = [(n.value, n.grad) for n in sg.Graph(ex.output).nodes]
    given = plot.subplots()[1][0]
    assert plot.plot_function(ex.output, wrt=y, ax=given) is given
    assert [(n.value, n.grad) for n in sg.Graph(ex.output).nodes] == before


def test_plot_function_outside_the_domain_says_how_to_choose_the_range():
    x = sg.Node(1.0, name="x")
    f = sg.log(x)
    with pytest.raises(sg.DomainError, match="log: the input must be positive.*choose lo= and hi="):
        plot.plot_function(f, wrt=x)
    assert x.value == 1.0 and f.value == 0.0
    ax = plot.plot_function(f, wrt=x, lo=0.1, hi=4.0)
    assert np.allclose(_lines(ax)["f'(x)"].get_ydata(), 1 / np.linspace(0.1, 4.0, 401))


def test_plot_function_needs_a_leaf_of_the_graph():
    x, z = sg.Node(1.0, name="x"), sg.Node(2.0, name="z")
    with pytest.raises(sg.InputError, match="wrt must be an input or parameter leaf"):
        plot.plot_function(x * 2, wrt=z)
    with pytest.raises(sg.InputError, match="lo < hi"):
        plot.plot_function(x * 2, wrt=x, lo=1.0, hi=0.0)


def test_plot_loss_draws_the_history_and_picks_a_log_scale_for_wide_ranges():
    history = [4.0, 1.0, 0.1, 0.01]
    ax = plot.plot_loss(history)
    assert ax.get_lines()[0].get_ydata().tolist() == history and ax.get_yscale() == "log"
    assert plot.plot_loss([3.0, 2.0, 1.5]).get_yscale() == "linear"
    with pytest.raises(sg.InputError, match="non-empty"):
        plot.plot_loss([])


def test_decision_boundary_regions_follow_the_model():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.5], [3.0, 1.0]])
    y = np.array([-1.0, 1.0, -1.0, 1.0])
    model = lambda x: x[0] - x[1]  # class +1 below the diagonal
    ax = plot.plot_decision_boundary(model, X, y, resolution=50)
    regions, points = ax.collections[0], ax.collections[-1]
    assert len(points.get_offsets()) == 4
    assert plot.predict_classes(model, X, [-1.0, 1.0]).tolist() == y.tolist()
    assert regions.get_array() is not None


def test_predict_classes_takes_the_largest_score_for_several_outputs():
    X = np.array([[3.0, 0.0], [0.0, 3.0], [-2.0, -2.0]])
    model = lambda x: [x[0], x[1], -x[0] - x[1]]
    assert plot.predict_classes(model, X, [0, 1, 2]).tolist() == [0, 1, 2]
    with pytest.raises(sg.InputError, match="3 outputs but the labels have 2 classes"):
        plot.predict_classes(model, X, [0, 1])
    with pytest.raises(sg.InputError, match=r"X of shape \(n, 2\)"):
        plot.plot_decision_boundary(model, np.zeros((3, 3)), [0, 1, 2])


def test_plot_grads_draws_each_leaf_gradient():
    ex = cs231n_staged()
    ax = plot.plot_grads(ex.output)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [2.0595697955721652, 1.5922327514838093]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]


def test_plot_grads_colours_parameters_and_names_batch_leaves_it_leaves_out():
    x = sg.Node(np.array([1.0, 2.0]), name="x")
    w, b = sg.Param(3.0, name="w"), sg.Param(0.5, name="b")
    ax = plot.plot_grads(sg.sum(w * x + b))
    assert [bar.get_height() for bar in ax.patches] == [3.0, 2.0]  # dw = Σx, db = 2 samples
    assert "x" in ax.get_title()
    assert len({bar.get_facecolor() for bar in ax.patches}) == 1  # both are parameters


def test_plots_never_import_pyplot():
    code = ("import sys, scalargraph as sg; x = sg.Node(1.0, name='x'); "
            "sg.plot.plot_function(x * x, wrt=x); sg.plot.plot_loss([1.0, 0.5]); "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_matplotlib_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(sg.MissingDependencyError, match="pip install matplotlib"):
        plot.plot_loss([1.0, 0.5])
