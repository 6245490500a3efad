"""Sum over paths: the same gradients as the reverse pass, and counts checked by brute force."""

from __future__ import annotations

import math
import random

import pytest
from conftest import central_diff

import scalargraph as sg
from scalargraph.core.jvp import forward_pass
from scalargraph.learning.examples import circuit, cs231n_staged, param_attached
from scalargraph.teaching.paths import count_paths, diamond_ladder


def _cs231n(x: float, y: float) -> float:
    sig = lambda v: 1.0 / (1.0 + math.exp(-v))
    return (x + sig(y)) / (sig(x) + (x + y) ** 2)


def brute_force_paths(output: sg.Node) -> list[int]:
    """Lengths (in edges) of every path from output to an input or parameter, listed one by one."""
    lengths = []
    stack = [(output, 0)]
    while stack:
        node, length = stack.pop()
        if node.op is None:
            if not isinstance(node, sg.Constant):
                lengths.append(length)
            continue
        for inp in node.inputs:
            if not isinstance(inp, sg.Constant):
                stack.append((inp, length + 1))
    return lengths


def random_graph(seed: int) -> sg.Node:
    """A random DAG over three inputs and a parameter, with reuse (so paths multiply)."""
    rng = random.Random(seed)
    pool: list[sg.Node] = [sg.Node(rng.uniform(0.5, 1.5), name=n) for n in "xyz"]
    pool.append(sg.Param(rng.uniform(0.5, 1.5), name="a"))
    for _ in range(rng.randint(3, 12)):
        kind = rng.choice(["add", "mul", "sin", "tanh", "sub", "const"])
        a, b = rng.choice(pool), rng.choice(pool)
        if kind == "add":
            pool.append(a + b)
        elif kind == "mul":
            pool.append(a * b)
        elif kind == "sub":
            pool.append(a - b)
        elif kind == "sin":
            pool.append(sg.sin(a))
        elif kind == "tanh":
            pool.append(sg.tanh(a))
        else:
            pool.append(a * 0.5 + 2.0)
    return pool[-1] + pool[-2] * pool[-3]


def test_circuit_hand_numbers():
    ex = circuit()
    result = sg.backward_paths(ex.output)
    assert result.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    # f -> q -> x, f -> q -> y, f -> z: three paths, two of them two edges long.
    assert (result.paths, result.multiplications, result.additions) == (3, 2, 0)
    assert all(leaf.grad is None for leaf in ex.leaves)  # .grad left untouched


def test_param_attached_sums_three_paths():
    ex = param_attached()  # F = x·a² + a at x = 4, a = 1: dF/da = 2·x·a + 1 = 9, dF/dx = a² = 1
    result = sg.backward_paths(ex.output)
    assert result["a"] == 9.0 and result["x"] == 1.0
    assert result[ex.leaves[1]] == 9.0
    assert result.paths == 4  # a: three paths (two through the products, one direct); x: one


def test_cs231n_agrees_with_reverse_and_finite_differences():
    ex = cs231n_staged()
    result = sg.backward_paths(ex.output)
    ex.output.backward()
    for k, leaf in enumerate(ex.leaves):
        assert result[leaf] == pytest.approx(leaf.grad, rel=1e-12)
        assert result[leaf] == pytest.approx(central_diff(_cs231n, (3.0, -4.0), k), rel=1e-6)
    assert result.paths == len(brute_force_paths(ex.output))


@pytest.mark.parametrize("seed", range(25))
def test_counts_match_brute_force_and_gradients_match_reverse(seed):
    f = random_graph(seed)
    lengths = brute_force_paths(f)
    expected_mults = sum(max(n - 1, 0) for n in lengths)
    counted = count_paths(f)
    assert counted.paths == len(lengths)
    assert counted.multiplications == expected_mults
    result = sg.backward_paths(f)
    assert (result.paths, result.multiplications) == (len(lengths), expected_mults)
    assert result.additions == counted.additions
    g = sg.Graph(f)
    reverse = g.backward()
    for name, value in reverse.items():
        assert result[name] == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert g.stats is not None and g.stats.derivatives_evaluated == g.edges


def test_diamond_ladder_cost_table():
    f = diamond_ladder(20)
    c = sg.cost(f)
    g = sg.Graph(f)
    g.backward()
    assert c.paths == 2**20
    assert c.edges == g.edges == 80
    assert g.stats is not None and c.reverse == g.stats.derivatives_evaluated == 80
    # forward mode: one pass per leaf, each evaluating one local derivative per edge (measured)
    _, evaluated = forward_pass(g, {"x": 1.0})
    assert c.forward == len(g.inputs) * evaluated == 80
    assert c.multiplications == 2**20 * 39  # each path: 40 edges, 39 products
    assert c.path_evaluations == 2**20 * 40  # every path evaluates its 40 edges' derivatives
    table = str(c)
    assert "1,048,576 paths" in table and "41,943,040" in table and "sum over paths" in table
    assert repr(c) == table


@pytest.mark.parametrize("depth", range(1, 8))
def test_the_sum_over_paths_never_evaluates_fewer_local_derivatives_than_there_are_edges(depth):
    # Counted by hand: each rung doubles the paths and adds 2 edges to each; 4 edges per rung.
    c = sg.cost(diamond_ladder(depth))
    assert (c.paths, c.edges, c.path_evaluations) == (2**depth, 4 * depth, 2**depth * 2 * depth)
    assert c.path_evaluations >= c.reverse


def test_on_the_cs231n_graph_fewer_paths_than_edges_but_more_evaluations():
    from scalargraph.learning.examples import cs231n_staged

    c = sg.cost(cs231n_staged().output)
    assert c.paths < c.edges < c.path_evaluations


def test_diamond_ladder_small_enumeration_matches_reverse():
    f = diamond_ladder(10, x=0.3)
    result = sg.backward_paths(f)
    x = sg.Graph(f).inputs[0]
    f.backward()
    assert result.paths == 2**10 and result.multiplications == 2**10 * 19
    assert result["x"] == pytest.approx(x.grad, rel=1e-9)


def test_too_many_paths_is_refused_before_enumerating():
    f = diamond_ladder(40)  # 2^40 paths: enumeration would never finish
    with pytest.raises(sg.InputError, match=r"1,099,511,627,776 paths.*limit of 1,000,000"):
        sg.backward_paths(f)
    with pytest.raises(sg.InputError, match="limit of 8"):
        sg.backward_paths(diamond_ladder(4), limit=8)
    assert sg.cost(f).paths == 2**40


def test_leaf_output_and_constants():
    x = sg.Node(2.0, name="x")
    result = sg.backward_paths(x)
    assert result.gradients == {"x": 1.0} and result.paths == 1
    f = x * 3.0 + 1.0  # edges into constants carry no gradient: one path
    result = sg.backward_paths(f)
    assert result.gradients == {"x": 3.0} and result.paths == 1 and result.edges == 2


def test_bad_inputs():
    np = pytest.importorskip("numpy")
    with pytest.raises(sg.BackwardError, match="scalar graphs only"):
        sg.backward_paths(sg.sum(sg.Node(np.array([1.0, 2.0])) * 2))
    with pytest.raises(sg.OperandTypeError, match="needs the output Node"):
        sg.backward_paths(3.0)  # type: ignore[arg-type]
    with pytest.raises(sg.OperandTypeError, match="needs the output Node"):
        sg.cost("f")  # type: ignore[arg-type]
    with pytest.raises(sg.InputError, match="depth"):
        diamond_ladder(-1)
