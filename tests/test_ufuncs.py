"""numpy ufuncs on Nodes build graph nodes; arrays with Nodes stay Node batches."""

from __future__ import annotations

import numpy as np
import pytest

import scalargraph as sg
from scalargraph.core.ops import UFUNCS

# Two points inside every op's domain (pow and log need a positive base).
A, B = 1.7, 0.6


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_every_mapped_ufunc_builds_its_op(name):
    ufunc = getattr(np, name, None)
    if ufunc is None:  # e.g. true_divide where numpy no longer has the alias
        pytest.skip(f"numpy {np.__version__} has no np.{name}")
    x, y = sg.Node(A, name="x"), sg.Node(B, name="y")
    args = (x, y)[: ufunc.nin]
    node = ufunc(*args)
    assert isinstance(node, sg.Node) and node.op is sg.OPS[UFUNCS[name]] and node.inputs == args
    assert node.value == pytest.approx(float(ufunc(*(A, B)[: ufunc.nin])), rel=1e-15)


def test_gradients_through_numpy_calls():
    x, y = sg.Node(0.5, name="x"), sg.Node(2.0, name="y")
    f = np.exp(x) * np.sin(y) + np.maximum(x, y) - np.sqrt(y) / np.abs(-x)
    f.backward()
    # df/dx = eˣ sin y + √y / x²; df/dy = eˣ cos y + 1 − 1 / (2√y · x)
    assert x.grad == pytest.approx(np.exp(0.5) * np.sin(2.0) + np.sqrt(2.0) / 0.25, rel=1e-14)
    assert y.grad == pytest.approx(np.exp(0.5) * np.cos(2.0) + 1 - 1 / (2 * np.sqrt(2.0) * 0.5), rel=1e-14)


def test_arrays_on_either_side_make_batches():
    x = sg.Node(2.0, name="x")
    arr = np.array([1.0, 2.0, 3.0])
    for node, expected in [(arr * x, arr * 2), (x * arr, arr * 2), (arr - x, arr - 2),
                           (arr / x, arr / 2), (arr ** x, arr ** 2), (np.float64(3.0) * x, 6.0)]:
        assert isinstance(node, sg.Node)
        np.testing.assert_array_equal(node.value, expected)
    f = sg.sum(arr * x)
    f.backward()
    assert x.grad == 6.0  # d/dx Σ aᵢ·x = Σ aᵢ
    total = arr.copy()
    total += x  # the name is rebound to the Node batch, as Python's fallback did before
    assert isinstance(total, sg.Node) and total.value.tolist() == [3.0, 4.0, 5.0]
    assert arr.tolist() == [1.0, 2.0, 3.0]


def test_sum_mean_and_object_arrays():
    b = sg.Node(np.array([1.0, 2.0, 6.0]), name="b")
    assert np.sum(b).op is sg.OPS["sum"] and np.sum(b).value == 9.0
    assert np.mean(b).op is sg.OPS["mean"] and np.mean(b).value == 3.0
    with pytest.raises(sg.InputError, match="takes no axis"):
        np.sum(b, axis=0)
    nodes = np.array([sg.Node(0.0), sg.Node(1.0)])  # micrograd-style lists of scalars
    assert [n.value for n in np.exp(nodes)] == [1.0, np.e]


def test_unsupported_ufuncs_say_what_works():
    x = sg.Node(1.0)
    with pytest.raises(sg.OperandTypeError, match=r"np.arctan does not work on Nodes.*np.absolute, "
                       r"np.add.*sg.define_op\('arctan'"):
        np.arctan(x)
    with pytest.raises(sg.OperandTypeError, match=r"np.add.reduce does not work on Nodes"):
        np.add.reduce(x)
    with pytest.raises(sg.OperandTypeError, match=r"np.exp with out= does not work"):
        np.exp(x, out=np.zeros(1))
    with pytest.raises(TypeError, match="Nodes are not ordered"):
        np.array([1.0]) < x
    assert (np.array([1.0]) == x) is False and (np.array([1.0]) != x) is True
