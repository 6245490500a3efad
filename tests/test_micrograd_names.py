"""The micrograd lecture's names as aliases: label=, .data, .relu() ..., +=, reflected operators."""

from __future__ import annotations

import math

import pytest

import scalargraph as sg
from scalargraph.core.ops import FUNCTIONS


def test_micrograd_readme_example_runs_verbatim():
    Value = sg.Node
    # ---- the micrograd README, unchanged ----
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f'{g.data:.4f}' == "24.7041"  # prints 24.7041, the outcome of this forward pass
    g.backward()
    assert f'{a.grad:.4f}' == "138.8338"  # prints 138.8338, i.e. the numerical value of dg/da
    assert f'{b.grad:.4f}' == "645.5773"  # prints 645.5773, i.e. the numerical value of dg/db
    # ---- and to the last digit (micrograd 0.1.0 prints these with full precision) ----
    assert (g.data, a.grad, b.grad) == (24.70408163265306, 138.83381924198252, 645.5772594752186)


def test_the_readme_numbers_by_hand():
    # The same graph with plain floats: c = 2(a + b) + 1 ... every step as the README writes it.
    a, b = -4.0, 2.0
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + max(b + a, 0.0)
    d = d + 3 * d + max(b - a, 0.0)
    e = c - d
    f = e ** 2
    assert f / 2.0 + 10.0 / f == 24.70408163265306


def test_label_and_data_are_name_and_value():
    x = sg.Node(2.0, label="x")
    assert x.name == "x" and x.label == "x" and x.data == 2.0
    e = x * 3
    e.label = "e"
    assert e.name == "e"
    x.data = 5  # settable, checked as a value
    assert x.value == 5.0 and x.value.__class__ is float
    with pytest.raises(sg.InputError, match="finite"):
        x.data = float("nan")
    assert sg.Node(1.0, label="").name is None  # the lecture's default label
    with pytest.raises(sg.InputError, match="one name: got name='a' and label='b'"):
        sg.Node(1.0, name="a", label="b")
    assert sg.Param(0.5, label="w").name == "w"


@pytest.mark.parametrize("name", sorted(n for n, op in FUNCTIONS.items() if op.arity == 1))
def test_every_one_input_function_is_a_method(name):
    x = sg.Node(0.7, name="x")
    method, function = getattr(x, name)(), getattr(sg, name)(x)
    assert method.op is function.op is sg.OPS[name] and method.value == function.value
    assert method.inputs == (x,)


def test_tanh_neuron_of_the_lecture():
    # The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b); do/dn = 1 - o².
    x1, x2 = sg.Node(2.0, label="x1"), sg.Node(0.0, label="x2")
    w1, w2 = sg.Node(-3.0, label="w1"), sg.Node(1.0, label="w2")
    b = sg.Node(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    t = math.tanh(2.0 * -3.0 + 6.8813735870195432)
    assert o.data == t and n.grad == 1 - t * t
    assert w1.grad == pytest.approx(2.0 * (1 - t * t), rel=1e-15) and x2.grad == 1.0 * (1 - t * t)


def test_reflected_operators_and_in_place_forms():
    x = sg.Node(3.0, label="x")
    assert [(2 + x).value, (2 - x).value, (2 * x).value, (6 / x).value, (2 ** x).value] == [5, -1, 6, 2, 8]
    y = x
    y += 1
    y *= 2
    y -= 1
    y /= 7
    y **= 2
    assert y is not x and y.value == 1.0 and x.value == 3.0  # a new node each time, as micrograd
    y.backward()
    assert x.grad == 2 * 1.0 * 2 / 7  # d/dx ((2(x + 1) - 1) / 7)² at x = 3


def test_the_lectures_draw_dot_walk_works_on_nodes():
    # trace() from the lecture's draw_dot, verbatim: it reads _prev, _op, data, grad, label.
    def trace(root):
        nodes, edges = set(), set()

        def build(v):
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)
        build(root)
        return nodes, edges

    a, b = sg.Node(2.0, label="a"), sg.Node(-3.0, label="b")
    e = (a * b).named("e")
    d = (e + a).named("d")
    nodes, edges = trace(d)
    assert {n.label for n in nodes} == {"a", "b", "e", "d"}
    assert edges == {(a, e), (b, e), (e, d), (a, d)}
    assert (d._op, e._op, a._op) == ("+", "×", "")
