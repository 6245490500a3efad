"""Every op in the table, against independent answers, generated from the table itself."""

from __future__ import annotations

import math

import pytest
from conftest import central_diff

import scalargraph as sg
from scalargraph.core.namespaces import MATH
from scalargraph.core.ops import OPS, fill

CASES = [(op, point) for op in OPS.values() for point in op.points]


def _id(case):
    op, point = case
    return f"{op.name}{point}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_local_derivatives_match_central_differences(case):
    op, point = case
    forward = lambda *args: op.forward(MATH, *args)
    out = forward(*point)
    for k, derivative in enumerate(op.derivatives):
        expected = central_diff(forward, point, k)
        assert derivative(MATH, out, *point) == pytest.approx(expected, rel=1e-6, abs=1e-8), (op.name, k)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_python_source_templates_agree_with_the_functions(case):
    op, point = case
    names = ("a", "b")[: op.arity]
    env = {"math": math, **dict(zip(names, point))}
    out = eval(fill(op.code, "out", *names), env)  # our own templates, not user input
    assert out == pytest.approx(op.forward(MATH, *point), rel=1e-12)
    env["out"] = out
    for k, template in enumerate(op.dcode):
        got = eval(fill(template, "out", *names), env)
        assert got == pytest.approx(op.derivatives[k](MATH, out, *point), rel=1e-12), (op.name, k)


@pytest.mark.parametrize("op", list(OPS.values()), ids=list(OPS))
def test_every_entry_is_complete(op):
    assert op.arity in (1, 2)
    for field in ("derivatives", "dtext", "dlatex", "dcode"):
        assert len(getattr(op, field)) == op.arity, (op.name, field)
    for template in (op.text, op.latex, op.code, *op.dtext, *op.dlatex, *op.dcode):
        assert "‹" not in fill(template, "o", "p", "q"), (op.name, template)
    assert op.symbol and op.points


def test_every_function_entry_is_bound_in_the_package():
    for name, op in sg.core.ops.FUNCTIONS.items():
        fn = getattr(sg, name)
        node = fn(*[sg.Node(v) for v in op.points[0]])
        assert node.op is op and node.value == op.forward(MATH, *op.points[0])


@pytest.mark.parametrize("name,x,expected", [
    ("relu", 0.0, 0.0), ("abs", 0.0, 0.0), ("sign", 0.0, 0.0),
])
def test_documented_values_at_kinks(name, x, expected):
    n = sg.Node(x)
    out = getattr(sg, name)(n)
    out.backward()
    assert n.grad == expected
    assert OPS[name].kink


def test_maximum_and_minimum_split_a_tie_like_central_differences():
    for fn in (sg.maximum, sg.minimum):
        a, b = sg.Node(2.0), sg.Node(2.0)
        fn(a, b).backward()
        numeric = central_diff(lambda u, v: max(u, v) if fn is sg.maximum else min(u, v), [2.0, 2.0], 0)
        assert a.grad == b.grad == 0.5 == pytest.approx(numeric)
