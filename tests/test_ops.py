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


# ----------------------------------------------- simplified local derivatives
EXPONENTS = [2.0, 3.0, 4.0, 10.0, 1.0, -1.0, -2.0, -3.0, 0.5, -0.5, 1.5, 2.5, 1 / 3, 0.1]


def _text_to_python(text: str) -> str:
    """A simplified text form (``3·x²``, ``−1/x²``, ``0.5·x**(−0.5)``) as Python."""
    powers = {s: f"**{d}" for s, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")}
    for sup, py in powers.items():
        text = text.replace(sup, py)
    return text.replace("·", "*").replace("−", "-").replace("^", "**")


def _latex_to_python(tex: str) -> str:
    """A simplified LaTeX form (``3 {x}^{2}``, ``-\\frac{1}{{x}^{2}}``) as Python."""
    import re

    tex = re.sub(r"\{x\}\^\{([^{}]+)\}", r"(x)**(\1)", tex)
    tex = re.sub(r"\\frac\{([^{}]+)\}\{([^{}]+)\}", r"(\1)/(\2)", tex)
    return re.sub(r"([0-9]) (\(|x)", r"\1*\2", tex)


@pytest.mark.parametrize("b", EXPONENTS)
def test_simplified_power_rule_forms_equal_the_tables_formula(b):
    """x ** b with a constant b: the simplified text, LaTeX and code of d/dx (``2·x``, not
    ``2·x^(2−1)``) evaluate to the table's derivative b·x^(b−1) at many points; the code
    to the last bit, as the staged code must."""
    from scalargraph.core.ops import derivative_templates

    op = OPS["pow"]
    text, tex, code = (fill(t, "out", "x") for t in derivative_templates(op, 0, (None, b)))
    assert "‹" not in text + tex + code and "−1)" not in text  # the exponent is worked out
    whole = float(b).is_integer()
    xs = [v / 8 for v in range(-40, 41) if v and (whole or v > 0)]  # negative bases: whole b only
    for x in xs:
        table = op.derivatives[0](MATH, op.forward(MATH, x, b), x, b)
        assert eval(code, {"x": x}) == table, (code, x)  # our own templates, not user input
        assert eval(_text_to_python(text), {"x": x}) == pytest.approx(table, rel=1e-12), (text, x)
        assert eval(_latex_to_python(tex), {"x": x}) == pytest.approx(table, rel=1e-12), (tex, x)


def test_simplified_forms_read_as_the_cs231n_notes_write_them():
    from scalargraph.core.ops import derivative_templates

    forms = {b: tuple(fill(t, "out", "x") for t in derivative_templates(OPS["pow"], 0, (None, b)))
             for b in (2.0, 3.0, -1.0, 0.5)}
    assert forms[2.0] == ("2·x", "2 x", "2.0 * x")
    assert forms[3.0] == ("3·x²", "3 {x}^{2}", "3.0 * x ** 2.0")
    assert forms[-1.0] == ("−1/x²", "-\\frac{1}{{x}^{2}}", "-x ** -2.0")
    assert forms[0.5][0] == "0.5·x**(−0.5)"
    # a base that is the constant, or an exponent that is a node: the table's general forms
    assert derivative_templates(OPS["pow"], 1, (2.0, None))[0] == OPS["pow"].dtext[1]
    assert derivative_templates(OPS["pow"], 0, (None, None))[0] == OPS["pow"].dtext[0]


@pytest.mark.parametrize("b", EXPONENTS)
def test_steps_diagrams_and_staged_code_show_the_simplified_form(b):
    x = sg.Node(1.7, name="x")
    f = (x ** b).named("f")
    (step,) = sg.steps(f)[1:]
    staged = sg.staged_code(f)
    source = sg.draw(f).source
    if b == 1.0:
        assert "where" not in step.text and "dx = df" in staged
        return
    formula = step.text.split("  where ∂f/∂x = ")[1]
    assert f"∂f/∂x = {formula.replace('^', '**')}" in source  # diagrams write powers as Python does
    assert eval(_text_to_python(formula), {"x": 1.7}) == pytest.approx(b * 1.7 ** (b - 1), rel=1e-12)
    space: dict = {}
    exec(staged, space)  # our own generated code
    f.backward()
    assert space["dx"] == x.grad  # bit for bit
