"""gradcheck compares the backward pass with central differences."""

from __future__ import annotations

import math

import pytest

import scalargraph as sg
from scalargraph.learning.examples import EXAMPLES


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_worked_examples_pass_gradcheck(name):
    result = sg.gradcheck(EXAMPLES[name]().output)
    assert result.ok and len(result) >= 2 and result.max_rel_error < 1e-6


def test_gradcheck_catches_a_wrong_derivative():
    from scalargraph.core import ops

    wrong = ops.OPS["sin"].derivatives[0]
    x = sg.Node(0.3, name="x")
    f = sg.sin(x) * 2
    object.__setattr__(ops.OPS["sin"], "derivatives", (lambda m, o, a: -wrong(m, o, a),))
    try:
        result = sg.gradcheck(f)
    finally:
        object.__setattr__(ops.OPS["sin"], "derivatives", (wrong,))
    assert not result.ok and not result["x"].ok
    assert result["x"].analytic == pytest.approx(-result["x"].numeric, rel=1e-6)


def test_gradcheck_leaves_values_and_gradients_as_they_were():
    x, y = sg.Node(1.5, name="x"), sg.Node(-0.5, name="y")
    f = sg.tanh(x * y) + y
    value = f.value
    result = sg.gradcheck(f)
    assert f.value == value and x.value == 1.5 and y.value == -0.5
    assert x.grad is None and f.grad is None  # no backward pass was asked for
    assert result["x"].analytic == pytest.approx(-0.5 * (1 - math.tanh(1.5 * -0.5) ** 2))  # y·tanh'(xy)
    assert "x" in str(result)


def test_gradcheck_at_relu_kink_is_flagged():
    x = sg.Node(0.0, name="x")
    result = sg.gradcheck(sg.relu(x))
    assert not result.ok and result["x"].analytic == 0.0 and result["x"].numeric == pytest.approx(0.5)
