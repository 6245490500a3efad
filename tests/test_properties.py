"""Property-based tests: random expression trees over the whole op table, their values and
gradients against central differences and against sympy's own symbolic derivatives.

The trees come from :mod:`strategies` (every op input kept in a safe box: inside the
domain, away from kinks, bounded); the sympy side from :mod:`sympy_ns` (the table's
forward formulas on sympy symbols, differentiated by ``sympy.diff``, never by our
derivative table).

Tolerances (``|got - expected| <= tol · max(1, |expected|)``):

- values: the engine against the table's forward on floats, bit for bit (same formulas);
  against sympy (exact arithmetic, 30 digits): 1e-12;
- gradients against sympy: 1e-10 (the backward pass rounds once per edge);
- gradients against central differences (step 1e-6 relative, :func:`conftest.central_diff`):
  1e-5; the largest error seen over 30,000 fuzzed trees was 1.0e-7;
- re-evaluation and batches: the same numbers as a fresh scalar build, bit for bit for
  re-evaluation and to 1e-12 for batches (numpy's exp/log may differ from math's in the
  last bit).

Example counts (``ci`` profile, fixed seed): 1,200 + 300 + 300 + 300 = 2,100 trees, plus the
per-entry sympy checks; ``make fuzz`` runs 20 times as many with fresh seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from conftest import central_diff
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import OP_NAMES, Case, cases, examples, robust, safe_at
from sympy_ns import SYMPY, evaluate, symbols

import scalargraph as sg
from scalargraph.core.functions import NODES
from scalargraph.core.namespaces import MATH
from scalargraph.core.ops import OPS

CENTRAL_TOL = 1e-5
SYMPY_VALUE_TOL = 1e-12
SYMPY_GRAD_TOL = 1e-10
BATCH_TOL = 1e-12


def near(got: float, expected: float, tol: float) -> bool:
    return abs(got - expected) <= tol * max(1.0, abs(expected))


def _leaf_grads(leaves: list[sg.Node]) -> list[float]:
    """Each leaf's gradient; a leaf the tree does not use has none (None), which is 0."""
    return [0.0 if leaf.grad is None else leaf.grad for leaf in leaves]


def _check_graph_invariants(out: sg.Node) -> None:
    g = sg.Graph(out)
    assert all(c.grad is None for c in g.constants), "a constant got a gradient"
    assert all(n.grad is not None for n in g.nodes if not isinstance(n, sg.Constant)), \
        "a node on the path to the output has no gradient"


# ------------------------------------------------------------------ the table itself
def test_trees_are_drawn_from_every_op_in_the_table():
    missing = set(OPS) - set(OP_NAMES)
    assert not missing, f"add a safe box for {sorted(missing)} in tests/strategies.py"


TABLE_CASES = [(op, point) for op in OPS.values() for point in op.points]


@pytest.mark.parametrize("op,point", TABLE_CASES, ids=[f"{op.name}{p}" for op, p in TABLE_CASES])
def test_each_table_derivative_is_sympys_derivative_of_its_forward(op, point):
    args = symbols(op.arity)
    out = op.forward(SYMPY, *args)
    exact = {s: sympy.Rational(v) for s, v in zip(args, point)}
    for k, derivative in enumerate(op.derivatives):
        expected = sympy.diff(out, args[k])
        ours = derivative(SYMPY, out, *args)  # the table's derivative, written on symbols
        difference = (sympy.sympify(ours) - expected).subs(exact).doit()
        assert abs(sympy.N(difference, 50)) < 1e-40, (op.name, k, ours, expected)
        on_floats = derivative(MATH, op.forward(MATH, *point), *point)
        assert near(on_floats, evaluate(expected, dict(zip(args, point))), 1e-13), (op.name, k)


@pytest.mark.parametrize("op", [op for op in OPS.values() if not op.kink], ids=lambda op: op.name)
def test_smooth_table_derivatives_equal_sympys_everywhere(op):
    # Without a kink the table's derivative and sympy's are the same function, not just
    # equal at the sample points: their difference simplifies to 0.
    args = symbols(op.arity)
    out = op.forward(SYMPY, *args)
    for k, derivative in enumerate(op.derivatives):
        difference = sympy.simplify(sympy.sympify(derivative(SYMPY, out, *args)) - sympy.diff(out, args[k]))
        assert difference == 0, (op.name, k, difference)


# ------------------------------------------------------------------ random trees
@settings(max_examples=examples(1200))
@given(cases())
def test_values_and_gradients_match_central_differences(case: Case):
    assume(robust(case))
    out, leaves = case.graph()
    assert out.value == case.floats(*case.values)
    out.backward()
    _check_graph_invariants(out)
    for i, grad in enumerate(_leaf_grads(leaves)):
        numeric = central_diff(case.floats, case.values, i)
        assert near(grad, numeric, CENTRAL_TOL), (case.names[i], grad, numeric)


@settings(max_examples=examples(300))
@given(cases(max_depth=4))
def test_values_and_gradients_match_sympy(case: Case):
    out, leaves = case.graph()
    out.backward()
    syms = symbols(len(case.values))
    expr = case.evaluate(SYMPY, syms, const=sympy.Rational)
    at = dict(zip(syms, case.values))
    assert near(out.value, evaluate(expr, at), SYMPY_VALUE_TOL)
    for s, grad in zip(syms, _leaf_grads(leaves)):
        expected = evaluate(sympy.diff(expr, s), at)
        assert near(grad, expected, SYMPY_GRAD_TOL), (s, grad, expected)


@settings(max_examples=examples(300))
@given(cases(), st.lists(st.sampled_from((-1.0, 1.0)), min_size=3, max_size=3))
def test_forward_with_new_values_is_a_fresh_build(case: Case, signs: list[float]):
    # Re-evaluate the graph with every leaf moved by 1e-5 (relative), where no op input
    # crosses a kink or a domain edge, and compare with a graph built from scratch there.
    moved = tuple(v + s * 1e-5 * max(1.0, abs(v)) for v, s in zip(case.values, signs))
    assume(safe_at(case, moved))
    out, _ = case.graph()
    g = sg.Graph(out)
    g.backward()
    value = g.forward(**{name: v for name, v in zip(case.names, moved) if name in g.names})
    fresh_out, fresh_leaves = Case(case.output, moved, case.params).graph()
    assert value == fresh_out.value == case.floats(*moved)
    assert all(n.grad is None for n in g.nodes), "forward() must clear stale gradients"
    fresh_out.backward()
    grads = g.backward()
    assert [grads[n] for n in case.names if n in grads] == \
        [leaf.grad for leaf in fresh_leaves if leaf.name in grads]


@settings(max_examples=examples(300))
@given(cases(ops=tuple(n for n in OP_NAMES if n not in ("sum", "mean"))))
def test_a_batch_is_its_samples_side_by_side(case: Case):
    # Samples: the drawn leaves, then each leaf moved by ±NUDGE (all checked by robust()).
    assume(robust(case))
    n = len(case.values)
    samples = [case.values]
    for i in range(n):
        for sign in (-1.0, 1.0):
            moved = list(case.values)
            moved[i] += sign * 1e-4 * max(1.0, abs(moved[i]))
            samples.append(tuple(moved))
    columns = tuple(np.array(col) for col in zip(*samples))
    leaves = [(sg.Param if p else sg.Node)(col, name=name)
              for col, p, name in zip(columns, case.params, case.names)]
    out = case.evaluate(NODES, tuple(leaves))
    total = sg.sum(out)
    total.backward()
    for j, sample in enumerate(samples):
        one, one_leaves = Case(case.output, sample, case.params).graph()
        one.backward()
        assert near(float(np.broadcast_to(out.value, len(samples))[j]), one.value, BATCH_TOL)
        for leaf, single in zip(leaves, _leaf_grads(one_leaves)):
            batch_grad = 0.0 if leaf.grad is None else float(np.asarray(leaf.grad)[j])
            assert near(batch_grad, single, 1e-10), (leaf.name, j, batch_grad, single)
