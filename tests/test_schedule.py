"""The reverse schedule: the engine's order, its gradients, tools that write nothing, threads."""

from __future__ import annotations

import dataclasses
import math
import random
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from strategies import cases, examples

import scalargraph as sg
from scalargraph.core.node import Node, apply
from scalargraph.core.ops import OPS
from scalargraph.core.schedule import Schedule, reverse_links


# ----------------------------------------------------------- the engine's order
def _recording(base: str, name: str, log: list[tuple[str, int]]) -> sg.Op:
    """``OPS[base]`` renamed, each derivative noting ``(name, k)`` when it is evaluated."""
    op = OPS[base]

    def noted(k: int):
        def derivative(m, out, *args):
            log.append((name, k))
            return op.derivatives[k](m, out, *args)
        return derivative

    return dataclasses.replace(op, name=name, derivatives=tuple(noted(k) for k in range(op.arity)))


def _random_graph(seed: int, log: list[tuple[str, int]], size: int = 80) -> Node:
    """A DAG of recording ops (one op per node) over inputs, parameters and constants,
    with shared nodes, an input used twice by one op, and constants on either side."""
    rng = random.Random(seed)
    pool: list[Node] = [sg.Node(rng.uniform(-1, 1), name=f"x{i}") for i in range(3)]
    pool += [sg.Param(rng.uniform(-1, 1), name=f"w{i}") for i in range(2)]
    for i in range(size):
        base = rng.choice(["add", "mul", "sin", "tanh", "sub"])
        op = _recording(base, f"r{i}", log)
        a = rng.choice(pool[-12:] if rng.random() < 0.7 else pool)
        if op.arity == 1:
            pool.append(apply(op, a))
            continue
        b = sg.Constant(rng.choice([0.5, 2.0])) if rng.random() < 0.2 else rng.choice(pool)
        if rng.random() < 0.1:
            b = a  # the same node as both arguments: two edges
        args = (b, a) if rng.random() < 0.3 else (a, b)
        pool.append(apply(op, *args))
    out = pool[-1]
    for j, node in enumerate(pool[5:-1:7]):  # more consumers for earlier nodes
        out = apply(_recording("add", f"o{j}", log), out, node)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_the_engine_visits_the_edges_in_the_schedules_order(seed):
    log: list[tuple[str, int]] = []
    f = _random_graph(seed, log)
    expected = [(consumer.op.name, k) for consumer, k, _ in Schedule(f).links]
    assert len(expected) > 40 and not log  # the links are structure: nothing was evaluated
    log.clear()
    f.backward()  # backward_from: sorts and marks in .grad, then the fast loop
    assert log == expected
    log.clear()
    sg.Graph(f).backward()  # backward_pass
    assert log == expected
    log.clear()
    edges = Schedule(f).edges  # the schedule's own derivatives, one per edge, in the same order
    assert log == expected and [(e.consumer.op.name, e.index) for e in edges] == expected


def test_links_skip_constants_and_keep_argument_order():
    x = sg.Node(2.0, name="x")
    f = (3.0 * x) * x  # mul(mul(3, x), x): the constant 3 gets no edge
    links = [(c.op.name, k, i.name or i.op.name) for c, k, i in reverse_links(sg.Graph(f).nodes)]
    assert links == [("mul", 0, "mul"), ("mul", 1, "x"), ("mul", 1, "x")]


# ------------------------------------------------------------ the same numbers
@settings(max_examples=examples(200))
@given(cases())
def test_schedule_gradients_are_the_engines_to_the_last_bit(case):
    out, _ = case.graph()
    mine = sg.gradients(out)
    out.backward()
    nodes = sg.Graph(out).nodes
    assert mine == {n: n.grad for n in nodes if n.grad is not None}
    assert all(n.grad is None for n in nodes if n not in mine)  # the constants


def test_schedule_gradients_of_batches_are_the_engines():
    x = sg.Node(np.array([0.3, -1.2, 2.0]), name="x")
    w, b = sg.Param(0.8, name="w"), sg.Param(np.array([0.1, 0.2, -0.3]), name="b")
    loss = sg.mean(sg.sigmoid(w * x + b) * sg.exp(x))  # a float parameter w with batches of 3
    mine = sg.gradients(loss)
    loss.backward()
    for node, grad in mine.items():
        assert np.array_equal(grad, node.grad) and np.shape(grad) == np.shape(node.value)
    # dloss/dw by hand: mean over samples of s(1 - s) x eˣ, s = sigmoid(w x + b)
    s = 1 / (1 + np.exp(-(0.8 * x.value + b.value)))
    assert mine[w] == pytest.approx(np.mean(s * (1 - s) * x.value * np.exp(x.value)), rel=1e-12)


def test_gradients_takes_one_node_a_list_or_none():
    x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
    f = (x + y) * z
    assert sg.gradients(f, z) == 3.0 and sg.gradients(f, [x, y]) == [-4.0, -4.0]
    assert sg.gradients(f, sg.Node(1.0)) == 0.0 and sg.gradients(sg.Graph(f), x) == -4.0
    with pytest.raises(sg.InputError, match="constant"):
        sg.gradients(f * 2, [f.inputs[1], sg.Constant(2.0)])
    with pytest.raises(sg.OperandTypeError, match="needs the output Node"):
        sg.gradients("f")
    with pytest.raises(sg.BackwardError, match="scalar output"):
        sg.gradients(sg.Node(np.array([1.0, 2.0])) * 2)
    with pytest.raises(sg.DomainError, match="sqrt"):
        sg.gradients(sg.sqrt(sg.Node(0.0)))


# ----------------------------------------------------- tools that write nothing
@pytest.fixture
def writes(monkeypatch):
    """Every write to any node's ``.grad`` or ``.value``, as ``(field, node)``."""
    log: list[tuple[str, Node]] = []
    for field in ("grad", "value"):
        slot = Node.__dict__[field]

        class Spy:
            def __get__(self, obj, owner=None, slot=slot):
                return slot if obj is None else slot.__get__(obj, owner)

            def __set__(self, obj, value, slot=slot, field=field):
                log.append((field, obj))
                slot.__set__(obj, value)

        monkeypatch.setattr(Node, field, Spy())
    return log


def test_tools_write_no_gradient_and_no_value(writes):
    x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
    a = sg.Param(0.5, name="a")
    f = ((x + sg.sigmoid(y)) / (sg.sigmoid(x) + (x + y) ** 2) * a).named("f")
    writes.clear()
    sg.grad(f, [x, a])
    sg.gradients(f)
    sg.jvp(f, {x: 1.0}, per_node=True)
    sg.gradcheck(f)
    sg.steps(f, "both")
    quiz = sg.quiz(f)
    quiz.answer(1.0)
    sg.tape(f)
    sg.staged_code(f)
    sg.backward_paths(f)
    sg.cost(f)
    from scalargraph.checks.per_node import check_nodes
    check_nodes(f)
    assert writes == []
    f.backward()  # the one that does write, and says so
    assert {field for field, _ in writes} == {"grad"}


def test_grad_of_two_graphs_sharing_a_parameter_from_two_threads():
    a = sg.Param(0.3, name="a")
    xs = [0.0015 * i - 0.7 for i in range(1000)]
    ys = [0.003 * i - 1.1 for i in range(1000)]
    f1 = _total(sg.sin(a * sg.Node(v)) for v in xs)
    f2 = _total((a + sg.Node(v)) ** 2 for v in ys)
    assert len(sg.Graph(f1)) > 2900 and len(sg.Graph(f2)) > 2900
    expected = {id(f1): math.fsum(v * math.cos(0.3 * v) for v in xs),  # d/da Σ sin(a x) = Σ x cos(a x)
                id(f2): math.fsum(2 * (0.3 + v) for v in ys)}        # d/da Σ (a + y)² = Σ 2 (a + y)
    wrong: list[object] = []

    def run(f: Node) -> None:
        try:
            for _ in range(50):
                got = sg.grad(f, a)
                if not math.isclose(got, expected[id(f)], rel_tol=1e-9):
                    wrong.append(got)
        except Exception as error:  # an error is a wrong answer too
            wrong.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)  # switch threads often: the engine-based sg.grad got 56 of 100 wrong
    try:
        threads = [threading.Thread(target=run, args=(f,)) for f in (f1, f2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == [] and a.grad is None


def _total(terms) -> Node:
    total = None
    for term in terms:
        total = term if total is None else total + term
    return total
