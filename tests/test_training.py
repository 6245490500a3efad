"""The training demos reach their targets; each score is re-computed independently with numpy
from the trained weights (matrix products), not read back from the graph.

Sizes (this 2-core machine, about 3-8 s each when it is idle): moons 100 points, 100 steps;
spiral 300 points, 200 steps; regression 200 points, minibatches of 50, 200 steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from scalargraph import examples


def _numpy_forward(model, data, activation):
    """The trained MLP as matrix products (hidden layers use ``activation``, the last is linear)."""
    h = data
    for i, layer in enumerate(model.layers):
        W = np.array([[w.value for w in n.w] for n in layer.neurons])
        b = np.array([n.b.value for n in layer.neurons])
        h = h @ W.T + b
        if i < len(model.layers) - 1:
            h = activation(h)
    return h


def _relu(h):
    return np.maximum(h, 0.0)


def test_moons_reaches_full_training_accuracy_with_a_decision_boundary_plot():
    result = examples.moons()
    X, y = result.data["X"], result.data["y"]
    assert result.accuracy == 1.0
    scores = _numpy_forward(result.model, X, _relu)[:, 0]
    assert np.mean(np.sign(scores) == y) == 1.0
    assert len(result.history) == 100 and result.history[-1] < result.history[0] / 10
    axes = result.figure.axes
    assert len(axes) == 2 and "100%" in axes[0].get_title()
    assert len(axes[0].collections) >= 2  # the filled regions and the points


def test_spiral_reaches_90_percent_training_accuracy():
    result = examples.spiral()
    X, y = result.data["X"], result.data["y"]
    predicted = np.argmax(_numpy_forward(result.model, X, _relu), axis=1)
    assert result.accuracy >= 0.9
    assert np.mean(predicted == y) == pytest.approx(result.accuracy)
    assert sorted(set(y.tolist())) == [0, 1, 2] and len(y) == 300
    assert result.figure is not None and len(result.figure.axes) == 2


def test_regression_test_loss_is_near_the_noise_level():
    result = examples.regression()
    x_test, t_test = result.data["x_test"], result.data["t_test"]
    pred = _numpy_forward(result.model, x_test[:, None], np.tanh)[:, 0]
    mse = float(np.mean((pred - t_test) ** 2))
    assert mse == pytest.approx(result.test_loss, rel=1e-10)
    # the noise alone gives 0.1² = 0.01; predicting the mean would give var(t) ≈ 0.5
    assert mse < 0.03 and mse < 0.1 * np.var(t_test)
    assert result.figure is not None


def test_descent_follows_the_closed_form_to_minus_one_eighth():
    result = examples.descent(plot=False)
    a = np.array(result.trajectory)
    k = np.arange(len(a))
    assert np.allclose(a, -0.125 + 1.125 * 0.6 ** k, rtol=1e-12, atol=1e-15)
    assert a[-1] == pytest.approx(-0.125, abs=1e-8)
    assert result.history[0] == 5.0  # F[1] = 4 + 1
    assert result.history == pytest.approx((4 * a[:-1] ** 2 + a[:-1]).tolist(), rel=1e-12)


def test_descent_plot_shows_a_over_iterations():
    result = examples.descent(steps=10)
    (ax,) = result.figure.axes
    assert ax.get_lines()[0].get_ydata().tolist() == result.trajectory
    assert ax.get_xlabel() == "iteration"


def test_demos_are_deterministic():
    first = examples.spiral(n_per_class=20, steps=5, plot=False)
    second = examples.spiral(n_per_class=20, steps=5, plot=False)
    assert first.history == second.history
    assert [p.value for p in first.model.parameters()] == [p.value for p in second.model.parameters()]
