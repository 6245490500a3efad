"""No stale arithmetic: after a value is assigned, every tool works from the new value.

``x.value = 5`` marks x changed; ``backward()``, ``sg.draw``, ``sg.steps``, ``sg.quiz``,
``sg.tape``, ``sg.staged_code``, ``sg.grad`` and ``sg.jvp`` re-evaluate the nodes that
depend on it first. Every expected number here is worked by hand from the formula.
"""

from __future__ import annotations

import math

import pytest
from notes_cs231n import notes

import scalargraph as sg
from scalargraph.core.graph import stale_nodes, topological_order
from scalargraph.learning.examples import cs231n_staged, param_attached


def circuit() -> tuple[sg.Node, sg.Node, sg.Node, sg.Node]:
    x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
    q = (x + y).named("q")
    return x, y, z, (q * z).named("f")


def test_backward_after_an_assignment_uses_the_new_value() -> None:
    x, y, z, f = circuit()
    x.value = 1.0                       # q = 1 + 5 = 6, f = 6 · (-4) = -24
    f.backward()
    assert f.value == -24.0
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 6.0)   # dz = q = 6, not the old 3


def test_the_training_loop_idiom_descends_to_the_closed_form() -> None:
    # F[a] = x·a² + a at x = 4: dF/da = 8a + 1; a ← a − 0.05·(8a + 1) = 0.6·a − 0.05, so
    # a_k = −1/8 + 9/8·0.6^k from a_0 = 1, with no Graph and no forward() call.
    ex = param_attached(x=4.0, a=1.0)
    _, a = ex.leaves
    F = ex.output
    for k in range(1, 31):
        F.backward()
        a.value -= 0.05 * a.grad
        assert a.value == pytest.approx(-1 / 8 + 9 / 8 * 0.6 ** k, rel=1e-12, abs=1e-15)
    F.backward()
    assert F.value == pytest.approx(4.0 * a.value ** 2 + a.value, rel=1e-15)


@pytest.mark.parametrize("tool", ["steps", "quiz", "tape", "staged_code", "draw"])
def test_every_tool_shows_the_new_values(tool: str) -> None:
    x, y, z, f = circuit()
    f.backward()
    x.value = 5.0                       # q = 10, f = -40; dq = z = -4, dz = q = 10
    if tool == "steps":
        texts = [s.text for s in sg.steps(f, mode="both")]
        assert "q = x + y = 5 + 5 = 10" in texts and "f = q · z = 10 · (-4) = -40" in texts
        assert "dz += df · ∂f/∂z = 1 · 10 = 10  (total 10)  where ∂f/∂z = q" in texts
    elif tool == "quiz":
        q = sg.quiz(f, ask=["z"])
        assert q.questions[0].answer == 10.0
        assert not q.check({"z": 3.0})[0].right   # the old gradient is marked wrong
    elif tool == "tape":
        rows = {r.name: r for r in sg.tape(f)}
        assert (rows["q"].value, rows["f"].value, rows["z"].grad) == (10.0, -40.0, 10.0)
    elif tool == "staged_code":
        space: dict = {}
        exec(sg.staged_code(f), space)  # our own generated code
        assert (space["f"], space["dz"]) == (-40.0, 10.0)
    else:
        source = sg.draw(f).source
        assert "value -40" in source and "value 10" in source
        assert "grad not computed" in source   # the old gradients belonged to the old values
    assert f.value == -40.0


def test_grad_and_jvp_use_the_new_values() -> None:
    x, y, z, f = circuit()
    x.value = 5.0
    assert sg.grad(f, z) == 10.0
    assert sg.jvp(f, {z: 1.0}) == 10.0


def test_only_the_nodes_downstream_are_evaluated_again() -> None:
    x, y, z, f = circuit()
    w = (z * 2).named("w")             # depends on z only
    g = (f + w).named("g")
    order = topological_order(g)
    assert stale_nodes(order) == []
    y.value = 6.0
    assert [n.name for n in stale_nodes(order)] == ["q", "f", "g"]
    g.backward()
    assert (g.value, stale_nodes(order)) == ((-2.0 + 6.0) * -4.0 + -8.0, [])


def test_a_node_built_from_an_old_value_is_evaluated_again_too() -> None:
    x, y, z, f = circuit()              # q = x + y computed with x = -2
    x.value = 1.0
    h = (f * 1.0).named("h")            # built after the assignment, but from the old f
    h.backward()
    assert (h.value, f.value) == (-24.0, -24.0)


def test_graph_forward_and_an_assignment_agree() -> None:
    x, y, z, f = circuit()
    g = sg.Graph(f)
    g.forward(x=1.0)
    assert g.backward() == {"x": -4.0, "y": -4.0, "z": 6.0}
    x.value = 2.0                      # q = 7, f = -28
    assert g.backward()["z"] == 7.0 and f.value == -28.0


def test_a_shared_input_updates_every_graph_that_uses_it() -> None:
    x = sg.Node(2.0, name="x")
    f1, f2 = (x * x).named("f1"), sg.exp(x).named("f2")
    x.value = 3.0
    f1.backward()
    f2.backward()
    assert (f1.value, f2.value, x.grad) == (9.0, math.exp(3.0), math.exp(3.0))


def test_a_wrong_type_is_refused_at_once_and_nothing_changes() -> None:
    x, y, z, f = circuit()
    f.backward()
    before = [(n.value, n.grad) for n in topological_order(f)]
    for bad in ("5", None, [1.0, 2.0], sg.Node(1.0)):
        with pytest.raises(sg.OperandTypeError, match="node value must be|not another Node"):
            x.value = bad
    with pytest.raises(sg.InputError, match="finite"):
        x.value = float("nan")
    assert [(n.value, n.grad) for n in topological_order(f)] == before
    x.value = 3                          # an int is fine: stored as a float
    assert x.value == 3.0 and x.value.__class__ is float


def test_a_value_outside_the_domain_raises_and_leaves_the_graph_as_it_was() -> None:
    x = sg.Node(2.0, name="x")
    f = sg.log(x).named("f")
    f.backward()
    x.value = -1.0
    with pytest.raises(sg.DomainError, match="log: the input must be positive, got -1.0"):
        f.backward()
    assert (f.value, x.grad) == (math.log(2.0), 0.5)   # as before the failed pass
    x.value = 4.0
    f.backward()
    assert (f.value, x.grad) == (math.log(4.0), 0.25)


def test_the_notes_numbers_after_moving_back() -> None:
    # Moving x away and back gives the cs231n numbers again, bit for bit.
    N = notes()
    ex = cs231n_staged()
    x, y = ex.leaves
    x.value = 0.25
    ex.output.backward()
    x.value = 3.0
    ex.output.backward()
    assert (ex.output.value, x.grad, y.grad) == (N["f"], N["dx"], N["dy"])


def test_leaves_that_only_the_stamp_table_holds_are_dropped() -> None:
    from scalargraph.core import node

    kept = [sg.Node(1.0) for _ in range(10)]
    for leaf in kept:
        leaf.value = 2.0
    for _ in range(3 * node._PRUNE_AT):
        sg.Node(1.0).value = 2.0             # assigned, then dropped by the user at once
    assert len(node._ASSIGNED) <= node._PRUNE_AT
    assert all(leaf in node._ASSIGNED for leaf in kept)


def test_a_param_stays_a_param_and_a_node_keeps_its_size() -> None:
    import sys

    a = sg.Param(1.0, name="a")
    a.value = 2.0
    f = a * 3.0
    f.backward()
    assert sg.is_param(a) and not sg.is_param(f) and a.grad == 3.0
    # The stamp shares a Param's slot: eight slots, 80 bytes + 16 of GC header, CPython's
    # 96-byte allocation class (a ninth slot means the 112-byte class: 7% slower, see node.py).
    assert sg.Node.__basicsize__ <= 80 and sys.getsizeof(f) <= 96
