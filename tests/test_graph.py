"""Graph: order, re-evaluation, the reverse pass and its counts."""

from __future__ import annotations

import dataclasses

import pytest

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged, param_attached


def test_topological_order_puts_inputs_first_and_is_deterministic():
    ex = cs231n_staged()
    order = [n.name or repr(n.value) for n in sg.Graph(ex.output).nodes]
    # depth first, inputs in argument order: num's subtree, then invden's
    assert order == ["x", "y", "sigy", "num", "1.0", "sigx", "xpy", "2.0", "xpysqr", "den", "invden", "f"]
    seen = set()
    for node in sg.Graph(ex.output).nodes:
        assert all(i in seen for i in node.inputs)
        seen.add(node)
    assert [id(n) for n in sg.Graph(ex.output).nodes] == [id(n) for n in sg.Graph(ex.output).nodes]


def test_parts_of_a_graph():
    ex = param_attached()
    g = sg.Graph(ex.output)
    assert [n.name for n in g.inputs] == ["x"] and [n.name for n in g.params] == ["a"]
    assert g.constants == () and len(g.nodes) == 5 and g.names == ["x", "a"]


def test_forward_reevaluates_without_rebuilding_and_clears_grads():
    ex = cs231n_staged()
    g = sg.Graph(ex.output)
    g.backward()
    value = g.forward(x=-1.0, y=2.5)
    fresh = cs231n_staged(-1.0, 2.5).output.value
    assert value == fresh and ex.output.value == fresh
    assert all(n.grad is None for n in g.nodes)
    assert g.forward(x=3.0, y=-4.0) == 1.5456448841066441


def test_forward_unknown_name_lists_the_known_names():
    g = sg.Graph(cs231n_staged().output)
    with pytest.raises(sg.InputError, match="no input or parameter named 'z'; known names: x, y"):
        g.forward(z=1.0)


def test_forward_error_leaves_values_and_grads_as_they_were():
    x = sg.Node(2.0, name="x")
    f = sg.log(x) * 3
    g = sg.Graph(f)
    g.backward()
    before = [(n.value, n.grad) for n in g.nodes]
    with pytest.raises(sg.DomainError, match="log"):
        g.forward(x=-1.0)
    with pytest.raises(sg.InputError, match="finite"):
        g.forward(x=float("nan"))
    assert [(n.value, n.grad) for n in g.nodes] == before


def test_backward_returns_named_gradients():
    ex = cs231n_staged()
    grads = sg.Graph(ex.output).backward()
    assert grads == {"x": 2.0595697955721652, "y": 1.5922327514838093}


def test_each_local_derivative_is_evaluated_once_per_edge():
    g = sg.Graph(cs231n_staged().output)
    g.backward()
    # By hand: sigy(1) num(2) sigx(1) xpy(2) xpysqr(1, exponent is a constant)
    # den(2) invden(1, numerator is a constant) f(2) = 12 edges that carry a gradient.
    assert g.edges == 12
    assert g.stats == sg.BackwardStats(nodes=12, derivatives_evaluated=12)


def test_duplicate_leaf_names_are_refused():
    with pytest.raises(sg.InputError, match="named 'x'"):
        sg.Graph(sg.Node(1.0, name="x") + sg.Node(2.0, name="x"))


def test_deep_graph_needs_no_recursion():
    x = sg.Node(0.5, name="x")
    y = x
    for _ in range(50_000):
        y = sg.tanh(y) + x
    assert len(sg.Graph(y).nodes) == 100_001
    y.backward()
    assert x.grad is not None


def _all_grads(nodes):
    return [n.grad for n in nodes]


def test_node_backward_walks_the_graph_once_and_agrees_with_graph_backward():
    """node.backward() sorts and differentiates in one walk (backward_from); it must visit
    the same nodes in the same order as Graph(...).backward(), to the same float bits."""
    ex = cs231n_staged()
    g = sg.Graph(ex.output)
    g.backward()
    expected = _all_grads(g.nodes)
    stats = g.stats
    outside = sg.Node(7.0)
    outside.grad = 0.25                       # a node of no graph here keeps its gradient
    ex.output.backward()
    assert _all_grads(g.nodes) == expected    # bit for bit
    assert sg.core.graph.backward_from(ex.output) == stats
    assert outside.grad == 0.25
    assert [n.grad for n in g.constants] == [None, None]


def test_an_interrupted_backward_restores_every_gradient(monkeypatch):
    """An exception that is not a domain error (here KeyboardInterrupt, from a derivative)
    must leave every gradient as it was: no half-done pass, no internal mark left behind."""
    from scalargraph.core.node import apply
    from scalargraph.core.ops import OPS

    def interrupt(m, out, a):
        raise KeyboardInterrupt

    stuck = dataclasses.replace(OPS["exp"], derivatives=(interrupt,))
    x = sg.Node(0.5, name="x")
    y = sg.Node(2.0, name="y")
    f = apply(stuck, x * y) + x
    sg.Graph(x * y + x).backward()            # give x and y gradients to keep: 3.0 and 0.5
    before = (x.grad, y.grad, f.grad)
    for run in (f.backward, sg.Graph(f).backward):
        with pytest.raises(KeyboardInterrupt):
            run()
        assert (x.grad, y.grad, f.grad) == before
        assert all(n.grad is None or isinstance(n.grad, float) for n in sg.Graph(f).nodes)
