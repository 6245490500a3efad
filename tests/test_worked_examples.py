"""The classic worked examples, to the digits given in the notes."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import scalargraph as sg
from scalargraph.learning.examples import circuit, cs231n_staged, param_attached, sigmoid_neuron


def test_tape_example_forward_and_backward():
    x, y = sg.Node(3.0, name="x"), sg.Node(2.0, name="y")
    f = x * y
    g = f ** 2
    assert (f.value, g.value) == (6.0, 36.0)
    g.backward()
    assert (f.grad, x.grad, y.grad) == (12.0, 24.0, 36.0)


def test_cs231n_circuit():
    ex = circuit()
    x, y, z = ex.leaves
    q = ex.output.inputs[0]
    ex.output.backward()
    assert ex.output.value == -12.0
    assert (q.grad, x.grad, y.grad, z.grad) == (-4.0, -4.0, -4.0, 3.0)


def test_cs231n_staged_example_exact_floats():
    ex = cs231n_staged()
    x, y = ex.leaves
    ex.output.backward()
    assert ex.output.value == pytest.approx(1.5456448841066441, rel=1e-12)
    assert x.grad == pytest.approx(2.0595697955721652, rel=1e-12)
    assert y.grad == pytest.approx(1.5922327514838093, rel=1e-12)


def test_cs231n_staged_example_same_floats_in_a_fresh_process():
    code = ("from scalargraph.learning.examples import cs231n_staged as c; e = c(); e.output.backward(); "
            "print(repr(e.output.value), repr(e.leaves[0].grad), repr(e.leaves[1].grad))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)}
    assert runs == {"1.5456448841066441 2.0595697955721652 1.5922327514838093\n"}


def test_cs231n_sigmoid_neuron_matches_the_notes():
    ex = sigmoid_neuron()
    x0, x1, w0, w1, w2 = ex.leaves
    ex.output.backward()
    # notes: dot = 2·(-1) + (-3)·(-2) - 3 = 1, f = 1/(1+e^-1) = 0.73, ddot = (1-f)·f = 0.2;
    # dx = [2·0.2, -3·0.2], dw = [-0.2, -0.4, 0.2]
    f = 1.0 / (1.0 + math.exp(-1.0))
    ddot = (1 - f) * f
    assert ex.output.value == pytest.approx(f, rel=1e-12)
    assert [x0.grad, x1.grad] == pytest.approx([2 * ddot, -3 * ddot], rel=1e-12)
    assert [w0.grad, w1.grad, w2.grad] == pytest.approx([-ddot, -2 * ddot, ddot], rel=1e-12)
    assert round(ddot, 2) == 0.2


def test_reused_nodes_accumulate():
    a = sg.Node(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    x = sg.Node(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_param_attached_gradient_descent_converges_to_minus_one_eighth():
    ex = param_attached(x=4.0, a=1.0)
    x, a = ex.leaves
    g = sg.Graph(ex.output)
    nodes_before = g.nodes
    for _ in range(10_000):
        g.forward(x=4.0)
        g.backward()
        a.value -= 1e-3 * a.grad
    assert abs(a.value + 1 / 8) < 1e-3
    assert g.nodes == nodes_before  # built once


def test_param_gradient_is_the_sum_over_its_three_places():
    ex = param_attached(x=4.0, a=0.5)
    x, a = ex.leaves
    ex.output.backward()
    assert a.grad == 2 * 4.0 * 0.5 + 1  # dF/da = 2xa + 1, by hand


def test_a_chain_of_a_million_ops_runs_forward_and_backward():
    x = sg.Node(1.0, name="x")
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001 ** 1_000_000, rel=1e-9)
