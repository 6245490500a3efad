"""sg.steps: the cs231n staged example step by step, checked against the notes' own code."""

from __future__ import annotations

import math

import pytest
from notes_cs231n import g5, notes

import scalargraph as sg
from scalargraph.learning.examples import circuit, cs231n_staged, param_attached

N = notes()

# The notes' backprop, edge by edge: (input, consumer), in the notes' order.
NOTES_EDGES = [
    ("num", "f"), ("invden", "f"), ("den", "invden"), ("sigx", "den"), ("xpysqr", "den"),
    ("xpy", "xpysqr"), ("x", "xpy"), ("y", "xpy"), ("x", "sigx"), ("x", "num"), ("sigy", "num"),
    ("y", "sigy"),
]
FORWARD = ["x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"]


def by_text(all_steps: list[sg.Step], start: str) -> sg.Step:
    (found,) = [s for s in all_steps if s.text.startswith(start)]
    return found


def test_counts_and_order_follow_the_notes() -> None:
    f = cs231n_staged().output
    backward = sg.steps(f)
    forward = sg.steps(f, mode="forward")
    both = sg.steps(f, mode="both")
    # 12 edges carry a gradient (the constants 1 and 2 take none), plus the seed df = 1.
    assert len(backward) == 1 + 12
    assert len(forward) == 10 and len(both) == 23
    assert [s.index for s in both] == list(range(23))
    assert [s.node.name for s in forward] == FORWARD
    assert [s.kind for s in both] == ["forward"] * 10 + ["seed"] + ["backward"] * 12
    assert backward[0].text == "df = 1" and backward[0].node is f
    assert [(s.edge[0].name, s.edge[1].name) for s in backward[1:]] == NOTES_EDGES
    assert all(s.node is s.edge[0] for s in backward[1:])


def test_forward_equations_have_the_notes_numbers() -> None:
    both = sg.steps(cs231n_staged().output, mode="both")
    assert both[0].text == "x = 3"
    assert both[1].text == "y = -4"
    assert both[2].text == f"sigy = σ(y) = σ(-4) = {g5(N['sigy'])}"
    assert both[5].text == "xpy = x + y = 3 + (-4) = -1"
    assert both[6].text == "xpysqr = xpy**2 = (-1)**2 = 1"
    assert both[8].text == f"invden = 1 / den = 1 / {g5(N['den'])} = {g5(N['invden'])}"
    assert both[9].text == f"f = num · invden = 3.018 · 0.51214 = {g5(N['f'])}"
    assert g5(N["f"]) == "1.5456"
    assert both[9].value == pytest.approx(N["f"], rel=1e-15)


def test_backward_equations_have_the_notes_numbers() -> None:
    backward = sg.steps(cs231n_staged().output)
    dden = by_text(backward, "dden")
    assert dden.text == (f"dden += dinvden · ∂invden/∂den = {g5(N['dinvden'])} · "
                         f"({g5(-1.0 / N['den'] ** 2)}) = {g5(N['dden'])}  (total {g5(N['dden'])})"
                         "  where ∂invden/∂den = −1/den²")
    x_steps = [s for s in backward if s.node.name == "x"]
    assert [s.edge[1].name for s in x_steps] == ["xpy", "sigx", "num"]
    # The running total of dx, as the notes accumulate it with +=.
    dx1 = N["dxpy"]
    dx2 = dx1 + (1 - N["sigx"]) * N["sigx"] * N["dsigx"]
    assert [s.total for s in x_steps] == pytest.approx([dx1, dx2, N["dx"]], rel=1e-14)
    assert x_steps[1].text == (
        f"dx += dsigx · ∂sigx/∂x = {g5(N['dsigx'])} · {g5((1 - N['sigx']) * N['sigx'])} = "
        f"{g5((1 - N['sigx']) * N['sigx'] * N['dsigx'])}  (total {g5(dx2)})  "
        "where ∂sigx/∂x = (1 − sigx)·sigx")
    assert x_steps[2].text == "dx += dnum · ∂num/∂x = 0.51214 · 1 = 0.51214  (total 2.0596)"
    assert g5(N["dx"]) == "2.0596"
    last = backward[-1]
    assert last.text.startswith("dy += dsigy · ∂sigy/∂y")
    assert last.total == pytest.approx(N["dy"], rel=1e-14)
    assert "(total 1.5922)" in last.text


def test_the_issue_example_reads_as_written() -> None:
    backward = sg.steps(circuit().output)
    assert str(backward[3]) == "dx += dq · ∂q/∂x = -4 · 1 = -4  (total -4)"
    forward = sg.steps(circuit().output, mode="forward")
    assert str(forward[2]) == "q = x + y = -2 + 5 = 3"


@pytest.mark.parametrize("make", [cs231n_staged, circuit, param_attached])
def test_step_totals_are_the_engines_gradients(make) -> None:
    ex = make()
    graph = sg.Graph(ex.output)
    backward = sg.steps(graph)
    graph.backward()
    last = {s.node: s.total for s in backward}
    ops_and_leaves = [n for n in graph.nodes if not isinstance(n, sg.Constant)]
    assert set(last) == set(ops_and_leaves)
    for node in ops_and_leaves:
        assert last[node] == node.grad  # bit for bit: same order, same floats


def test_a_parameter_collects_every_contribution() -> None:
    # F[a] = x·a² + a at x = 4, a = 1: dF/da = 2·x·a + 1 = 9, from three places.
    ex = param_attached()
    a = ex.leaves[1]
    into_a = [s for s in sg.steps(ex.output) if s.node is a]
    assert [s.contribution for s in into_a] == [1.0, 4.0, 4.0]
    assert [s.total for s in into_a] == [1.0, 5.0, 9.0]
    assert sg.steps(ex.output, mode="forward")[1].text == "a = 1  (parameter)"


def test_known_values_and_gradients_grow_step_by_step() -> None:
    both = sg.steps(cs231n_staged().output, mode="both")
    names = lambda known: sorted(n.name for n in known if n.name)
    assert names(both[2].values) == ["sigy", "x", "y"]
    assert both[2].grads == {}
    assert len(both[9].values) == 12  # every node, the constants 1 and 2 included
    first_dx = both[10 + 1 + NOTES_EDGES.index(("x", "xpy"))]
    grads = {n.name: g for n, g in first_dx.grads.items()}
    assert sorted(grads) == ["den", "f", "invden", "num", "sigx", "x", "xpy", "xpysqr"]
    assert grads["x"] == pytest.approx(N["dxpy"], rel=1e-14)  # a running total, not the final dx
    assert {n.name: g for n, g in both[-1].grads.items()}["x"] == pytest.approx(N["dx"], rel=1e-14)
    x, xpy = first_dx.edge
    assert first_dx.highlight == (x, (x, xpy))
    assert both[3].highlight == (both[3].node, (both[0].node, both[3].node), (both[2].node, both[3].node))
    backward_only = sg.steps(cs231n_staged().output)
    assert len(backward_only[0].values) == 12


def test_latex_equations() -> None:
    backward = sg.steps(circuit().output)
    assert backward[3].latex == (
        "\\mathrm{d}x \\mathrel{+}= \\mathrm{d}q \\cdot "
        "\\frac{\\partial q}{\\partial x} = -4 \\cdot 1 = -4 \\quad (\\text{total } -4)")
    assert backward[0]._repr_latex_() == "$$\\mathrm{d}f = 1$$"
    sigy = sg.steps(cs231n_staged().output, mode="forward")[2]
    assert sigy.latex == f"\\mathrm{{sigy}} = \\sigma\\left(y\\right) = \\sigma\\left(-4\\right) = {g5(N['sigy'])}"


def test_graph_gradients_are_left_as_they_were() -> None:
    ex = cs231n_staged()
    x = ex.leaves[0]
    sg.steps(ex.output)
    assert x.grad is None
    ex.output.backward()
    sg.steps(ex.output, mode="both")
    assert x.grad == pytest.approx(N["dx"], rel=1e-14)


def test_every_op_steps_and_matches_the_engine() -> None:
    x, y = sg.Node(0.7, name="x"), sg.Node(-1.3, name="y")
    parts = [sg.exp(x), sg.log(x), sg.sqrt(x), sg.sin(y), sg.cos(y), sg.tanh(y), sg.sigmoid(y),
             sg.relu(x), sg.abs(y), sg.maximum(x, y), sg.minimum(x, y), x ** 3, 2 ** x, -y, x / y, x - y]
    f = parts[0]
    for p in parts[1:]:
        f = f + p
    backward = sg.steps(f)
    f.backward()
    last = {s.node: s.total for s in backward}
    assert last[x] == x.grad and last[y] == y.grad
    # and central differences agree (an independent answer)
    assert math.isclose(last[x], sg.gradcheck(f)["x"].numeric, rel_tol=1e-6)


def test_bad_arguments_are_clear_errors() -> None:
    f = circuit().output
    with pytest.raises(sg.InputError, match="mode must be one of 'forward', 'backward', 'both'"):
        sg.steps(f, mode="reverse")
    with pytest.raises(sg.InputError, match="digits must be"):
        sg.steps(f, digits=0)
    with pytest.raises(sg.OperandTypeError, match="needs the output Node"):
        sg.steps(3.0)
    np = pytest.importorskip("numpy")
    batch = sg.Node(np.array([1.0, 2.0]), name="xs") * 2
    with pytest.raises(sg.InputError, match="xs holds a batch of samples"):
        sg.steps(batch)


def test_unnamed_nodes_and_negative_constants() -> None:
    x = sg.Node(2.0, name="x")
    f = -(x * -3.0)
    both = sg.steps(f, mode="both")
    assert [s.text for s in both[:3]] == ["x = 2", "mul#2 = x · (-3) = 2 · (-3) = -6",
                                          "neg#3 = −mul#2 = −(-6) = 6"]
    assert both[-1].total == 3.0  # d(-(x·-3))/dx = 3
    assert "\\mathrm{mul\\#2}" in both[-1].latex
