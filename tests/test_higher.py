"""Higher derivatives: the backward pass as a graph, differentiated again, checked against
hand-computed values, sympy and second-order central differences."""

from __future__ import annotations

import math

import pytest

import scalargraph as sg
from scalargraph.core.ops import OPS
from scalargraph.learning.examples import cs231n_staged


def _cs231n(x: float, y: float) -> float:
    sig = lambda v: 1.0 / (1.0 + math.exp(-v))
    return (x + sig(y)) / (sig(x) + (x + y) ** 2)


def second_difference(f, x: float, y: float, i: int, j: int, h: float = 1e-4) -> float:
    """d²f / d(arg i) d(arg j) by central differences on plain floats."""
    def at(di: float, dj: float) -> float:
        args = [x, y]
        args[i] += di
        args[j] += dj
        return f(*args)
    return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)


@pytest.mark.parametrize("x, first, second, third", [(2.0, 12.0, 12.0, 6.0), (-2.0, 12.0, -12.0, 6.0)])
def test_cube(x, first, second, third):
    xn = sg.Node(x, name="x")
    f = xn ** 3
    d1 = sg.grad(f, xn, create_graph=True)   # 3x²
    d2 = sg.grad(d1, xn, create_graph=True)  # 6x
    d3 = sg.grad(d2, xn)                     # 6
    assert (d1.value, d2.value, d3) == (first, second, third)
    assert sg.grad(f, xn) == first


def test_cs231n_mixed_second_derivatives():
    ex = cs231n_staged()
    x, y = ex.leaves
    dx, dy = sg.grad(ex.output, [x, y], create_graph=True)
    assert dx.value == pytest.approx(2.0595697955721652, rel=1e-12)
    assert dy.value == pytest.approx(1.5922327514838093, rel=1e-12)
    hessian = [sg.grad(dx, [x, y]), sg.grad(dy, [x, y])]
    for i in range(2):
        for j in range(2):
            numeric = second_difference(_cs231n, 3.0, -4.0, i, j)
            assert hessian[i][j] == pytest.approx(numeric, rel=1e-5, abs=1e-6)
    assert hessian[0][1] == pytest.approx(hessian[1][0], rel=1e-12)  # symmetric


def test_against_sympy():
    sympy = pytest.importorskip("sympy")
    X, Y = sympy.symbols("x y")
    expr = sympy.sin(X) * sympy.exp(Y) + sympy.log(X * Y + 3) / (1 + sympy.tanh(X) ** 2)
    x, y = sg.Node(0.7, name="x"), sg.Node(1.3, name="y")
    f = sg.sin(x) * sg.exp(y) + sg.log(x * y + 3) / (1 + sg.tanh(x) ** 2)
    subs = {X: 0.7, Y: 1.3}
    grads = sg.grad(f, [x, y], create_graph=True)
    for g, a in zip(grads, (X, Y)):
        assert g.value == pytest.approx(float(sympy.diff(expr, a).evalf(subs=subs)), rel=1e-12)
        for h, b in zip(sg.grad(g, [x, y]), (X, Y)):
            assert h == pytest.approx(float(sympy.diff(expr, a, b).evalf(subs=subs)), rel=1e-10)
    third = sg.grad(sg.grad(grads[0], x, create_graph=True), y)
    assert third == pytest.approx(float(sympy.diff(expr, X, X, Y).evalf(subs=subs)), rel=1e-9)


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.function or n in ("div", "pow", "neg")])
def test_every_op_second_derivative_matches_differences_of_the_first(name):
    """Differentiating the derivative graph equals central differences of the (float) gradient."""
    op = OPS[name]
    h = 1e-6
    for point in op.points:
        leaves = [sg.Node(v, name=f"v{k}") for k, v in enumerate(point)]
        f = sg.core.node.apply(op, *leaves)
        firsts = sg.grad(f, leaves, create_graph=True)
        for i, first in enumerate(firsts):
            assert first.value == pytest.approx(sg.grad(f, leaves[i]), rel=1e-12)
            for j, leaf in enumerate(leaves):
                def gradient_at(delta: float, i: int = i, j: int = j) -> float:
                    moved = [sg.Node(v + (delta if k == j else 0.0)) for k, v in enumerate(point)]
                    return sg.grad(sg.core.node.apply(op, *moved), moved[i])
                numeric = (gradient_at(h) - gradient_at(-h)) / (2 * h)
                assert sg.grad(first, leaf) == pytest.approx(numeric, rel=1e-5, abs=1e-6), (name, point, i, j)


def test_gradient_graph_can_be_stepped_drawn_and_is_connected():
    x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
    f = (x * y + sg.sigmoid(x)).named("f")
    dfdx = sg.grad(f, x, create_graph=True)
    assert dfdx.name == "df/dx"
    g = sg.Graph(dfdx)
    assert x in g.inputs and y in g.inputs  # built on the original leaves
    assert any(n is f.inputs[1] for n in g.nodes)  # σ(x) reused: dσ/dx = (1 - σ)·σ
    steps = sg.steps(dfdx, mode="backward")
    assert len(steps) == 1 + g.edges
    pytest.importorskip("graphviz")
    assert "df/dx" in sg.draw(dfdx).source


def test_floats_leave_grads_alone_and_unused_nodes_get_zero():
    x, y, z = sg.Node(2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(1.0, name="z")
    f = x * y
    assert sg.grad(f, [x, y, z]) == [5.0, 2.0, 0.0]
    assert x.grad is None and f.grad is None
    f.backward()
    assert sg.grad(f * f, x) == 2 * 10.0 * 5.0
    assert x.grad == 5.0  # the earlier backward's result is still there
    dx, dz = sg.grad(f, [x, z], create_graph=True)
    assert dx is y  # d(xy)/dx is y itself: no new node
    assert isinstance(dz, sg.Constant) and dz.value == 0.0
    assert sg.grad(f, f, create_graph=True).value == 1.0
    assert sg.grad(y, x, create_graph=True).value == 0.0


def test_intermediate_nodes_and_params():
    x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
    q = (x * a).named("q")
    F = q * a + a   # x·a² + a
    assert sg.grad(F, [q, a]) == [1.0, 9.0]
    da = sg.grad(F, a, create_graph=True)
    assert sg.grad(da, [a, x]) == [8.0, 2.0]  # d/da (2xa + 1) = 2x, d/dx = 2a


def test_relu_and_max_second_derivatives_are_zero_away_from_kinks():
    x, y = sg.Node(1.5, name="x"), sg.Node(-0.5, name="y")
    f = sg.relu(x) * 3 + sg.maximum(x, y) * x
    d = sg.grad(f, x, create_graph=True)
    assert d.value == 3.0 + 2 * 1.5
    assert sg.grad(d, [x, y]) == [2.0, 0.0]


def test_bad_arguments():
    x = sg.Node(1.0, name="x")
    f = x * 2.0
    with pytest.raises(sg.InputError, match="constant"):
        sg.grad(f, f.inputs[1])
    with pytest.raises(sg.InputError, match="Nodes"):
        sg.grad(f, [x, 3.0])  # type: ignore[list-item]
    with pytest.raises(sg.InputError, match="a Node or a list"):
        sg.grad(f, "x")  # type: ignore[arg-type]
    with pytest.raises(sg.OperandTypeError, match="needs the output Node"):
        sg.grad(2.0, x)  # type: ignore[arg-type]
    with pytest.raises(sg.DomainError, match=r"sqrt \(derivative for input 1\)"):
        sg.grad(sg.sqrt(x * 0.0), x, create_graph=True)
    np = pytest.importorskip("numpy")
    b = sg.Node(np.array([1.0, 2.0]), name="b")
    with pytest.raises(sg.BackwardError, match="scalar graphs only"):
        sg.grad(sg.sum(b * b), b, create_graph=True)
    assert sg.grad(sg.sum(b * b), b).tolist() == [2.0, 4.0]
