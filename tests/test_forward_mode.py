"""Forward mode: directional derivatives from the op table, checked against reverse mode,
central differences and hand-computed tangents."""

from __future__ import annotations

import math
import random

import pytest
from conftest import central_diff

import scalargraph as sg
from scalargraph.core.jvp import forward_pass
from scalargraph.learning.examples import circuit, cs231n_staged, sigmoid_neuron


def _cs231n(x: float, y: float) -> float:
    sig = lambda v: 1.0 / (1.0 + math.exp(-v))
    return (x + sig(y)) / (sig(x) + (x + y) ** 2)


def test_cs231n_matches_reverse_and_finite_differences():
    ex = cs231n_staged()
    x, y = ex.leaves
    along_x = sg.jvp(ex.output, {x: 1.0})
    along_y = sg.jvp(ex.output, {"y": 1.0})
    assert along_x == pytest.approx(2.0595697955721652, rel=1e-12)  # the notes' numbers
    assert along_y == pytest.approx(1.5922327514838093, rel=1e-12)
    assert along_x == pytest.approx(central_diff(_cs231n, (3.0, -4.0), 0), rel=1e-6)
    direction = sg.jvp(ex.output, {x: 2.0, y: -0.5})
    assert direction == pytest.approx(2.0 * along_x - 0.5 * along_y, rel=1e-12)
    assert x.grad is None and y.grad is None  # gradients untouched


def test_circuit_tangents_per_node_by_hand():
    ex = circuit()  # f = (x + y)·z at x=-2, y=5, z=-4
    x, y, z = ex.leaves
    tangents = sg.jvp(ex.output, {x: 1.0}, per_node=True)
    by_name = {n.name: t for n, t in tangents.items()}
    # ẋ = 1, ẏ = ż = 0; q̇ = ẋ + ẏ = 1; ḟ = q̇·z + q·ż = -4
    assert by_name == {"x": 1.0, "y": 0.0, "q": 1.0, "z": 0.0, "f": -4.0}
    assert list(tangents) == list(sg.Graph(ex.output).nodes)  # topological order, output last


def test_neuron_every_direction_is_the_gradient_dot_direction():
    ex = sigmoid_neuron()
    g = sg.Graph(ex.output)
    grads = g.backward()
    rng = random.Random(1)
    for _ in range(5):
        direction = {name: rng.uniform(-1, 1) for name in grads}
        expected = sum(grads[n] * d for n, d in direction.items())
        assert sg.jvp(ex.output, direction) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(10))
def test_agrees_with_reverse_on_random_graphs(seed):
    rng = random.Random(seed)
    pool: list[sg.Node] = [sg.Node(rng.uniform(0.5, 2.0), name=n) for n in "xyz"]
    functions = [sg.sin, sg.tanh, sg.sigmoid, sg.exp, sg.relu]
    for _ in range(15):
        a, b = rng.choice(pool), rng.choice(pool)
        choice = rng.randrange(4)
        pool.append(a * b if choice == 0 else a + b if choice == 1 else
                    rng.choice(functions)(a) if choice == 2 else sg.maximum(a, b * 0.9))
    f = pool[-1] + pool[-2]
    g = sg.Graph(f)
    grads = g.backward()
    for name, value in grads.items():
        assert sg.jvp(f, {name: 1.0}) == pytest.approx(value, rel=1e-12, abs=1e-300)


def test_one_local_derivative_per_edge():
    ex = cs231n_staged()
    g = sg.Graph(ex.output)
    _, evaluated = forward_pass(g, {"x": 1.0})
    g.backward()
    assert g.stats is not None and evaluated == g.edges == g.stats.derivatives_evaluated


def test_tangents_label_a_diagram():
    """draw(tangents=...) adds each box's tangent; checked against central differences of
    every node's value along x, and the rest of the diagram (edge derivatives) unchanged."""
    pytest.importorskip("graphviz")
    import re

    ex = cs231n_staged()
    f = ex.output
    x = next(n for n in ex.leaves if n.name == "x")
    g = sg.Graph(f)

    def value_of(i: int):  # node i's value as a function of x, by re-evaluating the graph
        def at(v: float) -> float:
            g.forward(x=v)
            return g.nodes[i].value
        return at

    numeric = [central_diff(value_of(i), [3.0], 0) for i in range(len(g.nodes))]
    g.forward(x=3.0)
    tangents = sg.jvp(f, {x: 1.0}, per_node=True)
    source = sg.draw(f, tangents=tangents, digits=6).source
    shown = re.findall(r"\t(n\d+) \[label=<.*?tangent ([-0-9.e]+)</td>", source)
    assert len(shown) == 10  # every box but the two constants
    for uid, text in shown:
        assert float(text) == pytest.approx(numeric[int(uid[1:])], rel=1e-5, abs=1e-8)
    plain = sg.draw(f, digits=6).source
    assert re.findall(r"\[label=\"(.*?)\"", source) == re.findall(r"\[label=\"(.*?)\"", plain)
    assert source.count("tangent ") == 10 and "tangent" not in plain
    with pytest.raises(sg.InputError, match="tangents must be a mapping"):
        sg.draw(f, tangents=[1.0])


def test_batches():
    np = pytest.importorskip("numpy")
    xs = np.array([0.5, -1.0, 2.0])
    x = sg.Node(xs, name="x")
    w = sg.Node(1.5, name="w")
    f = sg.sum(sg.tanh(x * w))
    # d/dw Σ tanh(x·w) = Σ x·(1 - tanh²(x·w)); per sample along x: w·(1 - tanh²)
    assert sg.jvp(f, {w: 1.0}) == pytest.approx(float(np.sum(xs * (1 - np.tanh(xs * 1.5) ** 2))))
    along_x = sg.jvp(sg.tanh(x * w), {x: np.ones(3)})
    assert along_x == pytest.approx(1.5 * (1 - np.tanh(xs * 1.5) ** 2))


def test_bad_directions():
    x, y = sg.Node(1.0, name="x"), sg.Node(2.0, name="y")
    f = x * y
    with pytest.raises(sg.InputError, match="no input or parameter named 'z'; known names: x, y"):
        sg.jvp(f, {"z": 1.0})
    with pytest.raises(sg.InputError, match="not an input or parameter"):
        sg.jvp(f, {f: 1.0})
    with pytest.raises(sg.InputError, match="as a dict"):
        sg.jvp(f, [1.0, 0.0])  # type: ignore[arg-type]
    with pytest.raises(sg.InputError, match="finite"):
        sg.jvp(f, {x: float("nan")})
    with pytest.raises(sg.InputError, match="keys must be leaf Nodes"):
        sg.jvp(f, {1: 1.0})
    with pytest.raises(sg.OperandTypeError, match="needs the output Node"):
        sg.jvp(2.0, {})  # type: ignore[arg-type]
    with pytest.raises(sg.DomainError, match="sqrt"):
        sg.jvp(sg.sqrt(x * 0.0), {x: 1.0})
    assert sg.jvp(f, {}) == 0.0
