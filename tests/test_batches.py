"""Batches: numpy leaf values, elementwise ops, sg.sum / sg.mean, gradients summed over the batch.

Every expected number is independent of the engine: numpy formulas and their derivatives
written out by hand, or central differences computed per sample with plain floats.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import central_diff

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged


def _cs231n(x, y):
    """f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), by hand, for floats or arrays."""
    sx, sy = 1 / (1 + np.exp(-x)), 1 / (1 + np.exp(-y))
    return (x + sy) / (sx + (x + y) ** 2)


def _cs231n_grad(x, y):
    """(df/dx, df/dy) derived by hand with the quotient rule."""
    sx, sy = 1 / (1 + np.exp(-x)), 1 / (1 + np.exp(-y))
    num, den = x + sy, sx + (x + y) ** 2
    dden_dx = sx * (1 - sx) + 2 * (x + y)
    dden_dy = 2 * (x + y)
    dfdx = (1 * den - num * dden_dx) / den ** 2
    dfdy = (sy * (1 - sy) * den - num * dden_dy) / den ** 2
    return dfdx, dfdy


# ------------------------------------------------------------------ sum and mean
def test_sum_and_mean_reduce_a_batch_like_numpy():
    data = np.array([0.5, -2.0, 3.25, 7.0])
    x = sg.Node(data, name="x")
    assert sg.sum(x).value == 8.75 and sg.mean(x).value == 8.75 / 4
    assert isinstance(sg.sum(x).value, float) and sg.sum(x).op is sg.OPS["sum"]


def test_sum_and_mean_local_derivatives_are_one_and_one_over_n():
    x = sg.Node(np.arange(5.0), name="x")
    sg.sum(x).backward()
    assert x.grad.tolist() == [1.0] * 5
    sg.mean(x).backward()
    assert x.grad.tolist() == [0.2] * 5


def test_sum_and_mean_of_one_sample_are_the_identity():
    x = sg.Node(-1.5, name="x")
    for reduce in (sg.sum, sg.mean):
        out = reduce(x * 3)
        out.backward()
        assert out.value == -4.5 and x.grad == 3.0


def test_a_grid_is_refused_with_its_shape_and_the_fix():
    with pytest.raises(sg.BatchShapeError, match=r"x: .*shape \(3, 4\)\. A batch is a 1-D .*ravel"):
        sg.Node(np.arange(12.0).reshape(3, 4), name="x")


def test_mean_squared_error_and_its_gradients_match_the_formulas_by_hand():
    xs, ts = np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.5, 4.0])
    w, b = sg.Param(2.0, name="w"), sg.Param(-1.0, name="b")
    x, t = sg.Node(xs, name="x"), sg.Node(ts, name="t")
    loss = sg.mean((w * x + b - t) ** 2)
    loss.backward()
    r = 2.0 * xs - 1.0 - ts
    assert loss.value == pytest.approx(np.mean(r ** 2), rel=1e-15)
    assert w.grad == pytest.approx(np.mean(2 * r * xs), rel=1e-15)
    assert b.grad == pytest.approx(np.mean(2 * r), rel=1e-15)
    assert np.allclose(x.grad, 2 * r * 2.0 / 3, rtol=1e-15)
    assert np.allclose(t.grad, -2 * r / 3, rtol=1e-15)


# ---------------------------------------------------- forward over a grid, per sample
def test_graph_forward_over_a_grid_matches_numpy_by_hand():
    g = sg.Graph(cs231n_staged().output)
    xs = np.linspace(-3, 3, 1001)
    values = g.forward(x=xs, y=0.5)
    assert values.shape == (1001,)
    assert np.allclose(values, _cs231n(xs, 0.5), rtol=1e-14, atol=0)
    # back to one sample: floats again, the notes' number exactly
    assert g.forward(x=3.0, y=-4.0) == 1.5456448841066441


def test_gradient_per_sample_matches_the_hand_derived_formula_and_central_differences():
    ex = cs231n_staged()
    x, y = ex.leaves
    xs = np.linspace(-3, 3, 1001)
    ys = np.linspace(2.0, -1.0, 1001)
    g = sg.Graph(sg.sum(ex.output))
    g.forward(x=xs, y=ys)
    grads = g.backward()
    dfdx, dfdy = _cs231n_grad(xs, ys)
    assert np.allclose(grads["x"], dfdx, rtol=1e-12, atol=1e-14)
    assert np.allclose(grads["y"], dfdy, rtol=1e-12, atol=1e-14)
    for i in (0, 137, 500, 999):  # central differences with plain floats, sample by sample
        f = lambda u, v: float(_cs231n(u, v))
        assert x.grad[i] == pytest.approx(central_diff(f, [xs[i], ys[i]], 0), rel=1e-6, abs=1e-8)
        assert y.grad[i] == pytest.approx(central_diff(f, [xs[i], ys[i]], 1), rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs"])
def test_every_unary_function_acts_elementwise(name):
    xs = np.array([0.3, 1.1, 2.7]) if name in ("log", "sqrt") else np.array([-1.3, 0.4, 2.2])
    x = sg.Node(xs, name="x")
    fn = getattr(sg, name)
    sg.sum(fn(x)).backward()
    for i, v in enumerate(xs):  # the same function on one float, and central differences
        one = fn(sg.Node(float(v)))
        assert fn(x).value[i] == pytest.approx(one.value, rel=1e-15)
        numeric = central_diff(lambda u: fn(sg.Node(u)).value, [float(v)], 0)
        assert x.grad[i] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


# ------------------------------------------------ parameters stay scalars (unbroadcast)
def test_parameter_gradient_is_the_sum_of_the_per_sample_gradients():
    xs = np.array([-1.0, 0.5, 2.0, 3.5])
    a = sg.Param(0.7, name="a")
    x = sg.Node(xs, name="x")
    loss = sg.sum(sg.tanh(a * x) + a * a)
    loss.backward()
    assert isinstance(a.grad, float)
    # d/da [tanh(a x) + a²] = x (1 - tanh²(a x)) + 2a, summed over the samples
    assert a.grad == pytest.approx(float(np.sum(xs * (1 - np.tanh(0.7 * xs) ** 2) + 1.4)), rel=1e-14)
    numeric = central_diff(lambda v: float(np.sum(np.tanh(v * xs) + v * v)), [0.7], 0)
    assert a.grad == pytest.approx(numeric, rel=1e-7)


def test_a_scalar_input_used_with_a_batch_gets_the_summed_gradient():
    c = sg.Node(2.0, name="c")
    x = sg.Node(np.array([1.0, 2.0, 3.0]), name="x")
    sg.mean(c * x * x).backward()
    assert isinstance(c.grad, float) and c.grad == pytest.approx((1 + 4 + 9) / 3)


def test_batches_of_different_shapes_never_broadcast():
    # An (N, 1) column with an (N,) batch would broadcast to N x N: a mean loss over N² pairs.
    x = sg.Node(np.array([1.0, 2.0, 3.0]), name="x")
    with pytest.raises(sg.BatchShapeError, match=r"shape \(3, 1\)"):
        sg.Node(np.array([[1.0], [2.0], [3.0]]), name="y")
    with pytest.raises(sg.BatchShapeError, match=r"mul: batch shapes \(3,\) and \(1,\) do not match"):
        x * np.array([2.0])


def test_numpy_arrays_on_either_side_become_constants():
    x = sg.Node(np.array([1.0, -2.0]), name="x")
    f = np.array([3.0, 4.0]) * x + x * np.array([1.0, 1.0])
    assert isinstance(f, sg.Node) and f.value.tolist() == [4.0, -10.0]
    sg.sum(f).backward()
    assert x.grad.tolist() == [4.0, 5.0]


def test_gradcheck_works_on_batch_leaves():
    x = sg.Node(np.array([0.3, -1.2, 2.0]), name="x")
    w = sg.Param(0.8, name="w")
    result = sg.gradcheck(sg.mean(sg.sigmoid(w * x) * sg.exp(x)))
    assert result.ok and result["x"].analytic.shape == (3,)


# -------------------------------------------------------------------- errors
def test_mismatched_batch_shapes_are_a_clear_error():
    x = sg.Node(np.zeros(3), name="x")
    with pytest.raises(sg.BatchShapeError, match=r"add: batch shapes \(3,\) and \(4,\) do not match"):
        x + sg.Node(np.zeros(4), name="y")


def test_forward_with_a_mismatched_batch_leaves_the_graph_as_it_was():
    x, y = sg.Node(np.ones(3), name="x"), sg.Node(np.ones(3), name="y")
    g = sg.Graph(sg.sum(x * y))
    g.backward()
    before = [(np.copy(n.value), np.copy(n.grad)) for n in g.nodes]
    with pytest.raises(sg.BatchShapeError, match="mul"):
        g.forward(x=np.ones(5))
    for n, (value, grad) in zip(g.nodes, before):
        assert np.array_equal(n.value, value) and np.array_equal(n.grad, grad)


def test_backward_of_a_batch_asks_for_a_reduction():
    x = sg.Node(np.array([1.0, 2.0]), name="x")
    with pytest.raises(sg.BackwardError, match=r"sg.sum\(...\) or sg.mean\(...\)"):
        (x * 2).backward()
    assert x.grad is None


def test_an_empty_batch_is_refused():
    with pytest.raises(sg.InputError, match="at least one sample"):
        sg.Node(np.array([]), name="x")


def test_a_domain_error_in_one_sample_names_the_op_and_restores_the_values():
    x = sg.Node(np.array([1.0, 2.0]), name="x")
    g = sg.Graph(sg.sum(sg.log(x)))
    with pytest.raises(sg.DomainError, match="log: the input must be positive"):
        g.forward(x=np.array([1.0, -1.0]))
    assert g.output.value == pytest.approx(math.log(2.0))
