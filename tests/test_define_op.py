"""Your own gates (sg.define_op): a softplus and a two-input "multiply-add" in every tool.

softplus(x) = ln(1 + eˣ), d/dx = σ(x). madd(a, b) = a·b + a + b, d/da = b + 1, d/db = a + 1.
Expected numbers come from these formulas written out here (and central differences),
never from the op under test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import scalargraph as sg
from scalargraph.core.define import forget_op


def _softplus(x: float) -> float:
    return math.log(1 + math.exp(x))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.fixture
def gates():
    with warnings.catch_warnings():
        warnings.simplefilter("error", sg.DerivativeMismatchWarning)  # the definitions are right
        softplus = sg.define_op(
            "softplus", lambda x: math.log(1 + math.exp(x)), lambda x: 1 / (1 + math.exp(-x)),
            code="math.log(1 + math.exp(x))", dcode="1 / (1 + math.exp(-x))", parse=True)
        madd = sg.define_op(
            "madd", lambda a, b: a * b + a + b, [lambda a, b: b + 1, lambda a, b: a + 1],
            symbol="×+", code="a * b + a + b", dcode=["b + 1", "a + 1"])
    yield softplus, madd
    forget_op("softplus")
    forget_op("madd")


def test_the_table_holds_them_with_defaults(gates):
    op = sg.OPS["softplus"]
    assert (op.arity, op.symbol, op.text, op.function) == (1, "softplus", "softplus(‹a›)", True)
    assert op.code == "math.log(1 + math.exp(‹a›))" and op.dtext == ("1 / (1 + exp(-‹a›))",)
    madd = sg.OPS["madd"]
    assert (madd.arity, madd.symbol, madd.function, madd.dcode) == (2, "×+", False, ("‹b› + 1", "‹a› + 1"))
    assert madd.latex == "\\operatorname{madd}(‹a›, ‹b›)"


def test_backward_and_method(gates):
    softplus, madd = gates
    x, a, b = sg.Node(0.5, name="x"), sg.Node(2.0, name="a"), sg.Node(-3.0, name="b")
    f = madd(softplus(x), a) * x.softplus() + madd(a, b)
    f.backward()
    s = _softplus(0.5)
    m = s * 2.0 + s + 2.0
    # f = m·s + (a·b + a + b); dm/ds = a + 1, dm/da = s + 1
    assert f.value == pytest.approx(m * s + (2.0 * -3.0 + 2.0 - 3.0), rel=1e-15)
    assert x.grad == pytest.approx(((2.0 + 1) * s + m) * _sigmoid(0.5), rel=1e-14)
    assert a.grad == pytest.approx((s + 1) * s + (-3.0 + 1), rel=1e-14)
    assert b.grad == pytest.approx(2.0 + 1, rel=1e-14)
    assert sg.softplus is softplus  # your op is an attribute of the package too


def test_graph_forward_backward_and_gradcheck(gates):
    softplus, madd = gates
    x, a = sg.Node(0.5, name="x"), sg.Param(1.5, name="a")
    g = sg.Graph(madd(softplus(x), a))
    assert g.forward(x=-1.0) == pytest.approx(_softplus(-1.0) * 1.5 + _softplus(-1.0) + 1.5)
    grads = g.backward()
    assert grads["x"] == pytest.approx((1.5 + 1) * _sigmoid(-1.0))
    assert grads["a"] == pytest.approx(_softplus(-1.0) + 1)
    result = sg.gradcheck(g.output)
    assert result.ok and result.max_rel_error < 1e-7


def test_batches(gates):
    softplus, madd = gates
    xs = np.array([-1.0, 0.0, 2.0])
    x, a = sg.Node(xs, name="x"), sg.Node(0.5, name="a")
    f = sg.sum(madd(softplus(x), a))
    f.backward()
    s = np.log1p(np.exp(xs))
    assert f.value == pytest.approx(float(np.sum(s * 0.5 + s + 0.5)))
    np.testing.assert_allclose(x.grad, 1.5 / (1 + np.exp(-xs)), rtol=1e-14)
    assert a.grad == pytest.approx(float(np.sum(s + 1)))


def test_diagram_steps_tape_and_quiz(gates):
    softplus, madd = gates
    x, y = sg.Node(0.0, name="x"), sg.Node(2.0, name="y")
    f = madd(softplus(x).named("s"), y).named("f")
    f.backward()
    dot = sg.draw(f).source
    assert "×+" in dot and "softplus" in dot and "1 / (1 + exp(-x))" in dot
    texts = [str(s) for s in sg.steps(f, mode="both")]
    assert "s = softplus(x) = softplus(0) = 0.69315" in texts
    # ds = y + 1 = 3; dx = 3 · σ(0) = 1.5
    assert any(t.startswith("dx += ds · ∂s/∂x = 3 · 0.5 = 1.5") for t in texts)
    table = str(sg.tape(f))
    assert "madd" in table and "softplus" in table
    q = sg.quiz(f)
    marks = q.check({"x": 1.5, "y": math.log(2) + 1, "s": 3.0})
    assert all(m.right for m in marks)


def test_staged_code_runs_to_the_same_numbers(gates):
    softplus, madd = gates
    x, y = sg.Node(0.3, name="x"), sg.Node(-1.2, name="y")
    f = madd(softplus(x).named("s"), y).named("f")
    f.backward()
    space: dict = {}
    exec(sg.staged_code(f), space)
    assert (space["f"], space["dx"], space["dy"]) == (f.value, x.grad, y.grad)


def test_staged_code_needs_the_source():
    op = sg.define_op("cube", lambda x: x ** 3, lambda x: 3 * x ** 2)
    try:
        with pytest.raises(sg.InputError, match="'cube' has no Python source; define it with code="):
            sg.staged_code(op(sg.Node(2.0, name="x")))
    finally:
        forget_op("cube")


def test_parse_when_asked(gates):
    f = sg.parse("softplus(x) * 2", x=0.0)
    assert f.value == 2 * math.log(2)
    with pytest.raises(sg.ParseError, match="madd is your own op: define it with parse=True"):
        sg.parse("madd(x, y)", x=1, y=2)


def test_derivative_taking_the_output():
    # d/dx eˣ = out; d/dx √x = 1 / (2·out): the output as a last parameter or as out=
    exp2 = sg.define_op("myexp", lambda x: math.exp(x), lambda x, out: out)
    root = sg.define_op("myroot", math.sqrt, lambda x, *, out: 0.5 / out, points=[(0.5,), (2.0,)])
    try:
        x = sg.Node(2.0, name="x")
        f = exp2(x) + root(x)
        f.backward()
        assert x.grad == pytest.approx(math.exp(2.0) + 0.5 / math.sqrt(2.0), rel=1e-15)
    finally:
        forget_op("myexp")
        forget_op("myroot")


def test_a_wrong_derivative_warns_with_the_numbers():
    with pytest.warns(sg.DerivativeMismatchWarning, match=r"d/d input 1 at \(0.4,\): your derivative "
                      r"gives 0.4, central differences 0.8"):
        sg.define_op("square", lambda x: x * x, lambda x: x)
    forget_op("square")


def test_second_derivatives_need_node_friendly_derivatives():
    sp = sg.define_op("sp", lambda x: np.log1p(np.exp(x)), lambda x: 1 / (1 + np.exp(-x)))
    spm = sg.define_op("spm", lambda x: math.log1p(math.exp(x)), lambda x: 1 / (1 + math.exp(-x)))
    try:
        x = sg.Node(0.5, name="x")
        d = sg.grad(sp(x), x, create_graph=True)  # σ(x) as a graph, through numpy's ufuncs
        assert sg.grad(d, x) == pytest.approx(_sigmoid(0.5) * (1 - _sigmoid(0.5)), rel=1e-12)
        with pytest.raises(sg.InputError, match="cannot be evaluated on Nodes .*np.exp, not math.exp"):
            sg.grad(spm(x), x, create_graph=True)
    finally:
        forget_op("sp")
        forget_op("spm")


def test_ufunc_and_redefinition():
    sg.define_op("arctan", np.arctan, lambda x: 1 / (1 + x * x), ufunc="arctan", arity=1)
    try:
        x = sg.Node(1.0, name="x")
        f = np.arctan(x)
        assert f.op.name == "arctan" and f.value == math.atan(1.0)
        sg.define_op("arctan", np.arctan, lambda x: 1 / (1 + x * x), symbol="atan", arity=1)
        assert sg.OPS["arctan"].symbol == "atan" and x.arctan().op.symbol == "atan"
        assert f.op.symbol == "arctan"  # a node keeps the op it was built with
    finally:
        forget_op("arctan")
    assert "arctan" not in sg.OPS and not hasattr(x, "arctan")


@pytest.mark.parametrize(("args", "message"), [
    (("exp", lambda x: x, lambda x: 1.0), "'exp' is a built-in op"),
    (("value", lambda x: x, lambda x: 1.0), "'value' is already a Node attribute"),
    (("bad name", lambda x: x, lambda x: 1.0), "must be a Python identifier"),
    (("fma", lambda a, b, c: a * b + c, [lambda a, b, c: b] * 3), "one or two inputs"),
    (("two", lambda a, b: a * b, lambda a, b: b), r"derivatives needs one entry per input \(2\), got 1"),
])
def test_bad_definitions(args, message):
    with pytest.raises(sg.InputError, match=message):
        sg.define_op(*args)
    assert args[0] not in sg.OPS or args[0] == "exp"


def test_domain_errors_are_reported_as_for_built_in_ops():
    op = sg.define_op("logit", lambda p: math.log(p / (1 - p)), lambda p: 1 / (p * (1 - p)),
                      points=[(0.2,), (0.7,)], domain="0 < p < 1", fix="Squash p with sigmoid first.")
    try:
        with pytest.raises(sg.DomainError, match=r"logit: 0 < p < 1, got 1.5. Squash p"):
            op(sg.Node(1.5))
    finally:
        forget_op("logit")
