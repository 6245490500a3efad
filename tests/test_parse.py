"""The expression parser: the worked examples' numbers, a table of hostile inputs, and random
inputs (the only outcomes are a Node or a ParseError, and no code ever runs)."""

from __future__ import annotations

import builtins
import math
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scalargraph as sg
from scalargraph.core.ops import FUNCTIONS
from scalargraph.parsing.parser import MAX_LENGTH, MAX_NESTING, parse

CS231N = "(x + sigmoid(y)) / (sigmoid(x) + (x + y)**2)"


def test_cs231n_expression_gives_the_notes_numbers():
    f = sg.parse(CS231N, x=3, y=-4)
    assert f.value == 1.5456448841066441
    f.backward()
    g = sg.Graph(f)
    x, y = g.inputs
    assert (x.name, y.name) == ("x", "y")
    assert x.grad == pytest.approx(2.0595697955721652, rel=1e-12)
    assert y.grad == pytest.approx(1.5922327514838093, rel=1e-12)


def test_params_names_used_twice_and_node_values():
    F = sg.parse("x * a * a + a", x=4, params={"a": 1.0})
    g = sg.Graph(F)
    assert [sg.is_param(n) for n in g.inputs + g.params] == [False, True]
    assert len(g.params) == 1  # a used three times: one leaf
    F.backward()
    assert g.params[0].grad == 9.0  # 2·x·a + 1
    q = sg.Node(2.0, name="q") * 3
    h = sg.parse("q * q", q=q)  # a value may be a Node: the graph grows from it
    assert h.value == 36.0 and h.inputs == (q, q)


def test_constant_parts_fold_into_one_constant():
    f = sg.parse("x ** -1 + 2 * 3", x=-2.0)
    exponent = f.inputs[0].inputs[1]
    assert isinstance(exponent, sg.Constant) and exponent.value == -1.0
    f.backward()
    assert sg.Graph(f).inputs[0].grad == -0.25  # d/dx x^-1 = -1/x², fine for x < 0
    assert isinstance(sg.parse("2 * sigmoid(0)"), sg.Constant)
    assert sg.parse("+x - -x", x=1.5).value == 3.0
    assert sg.parse("\n  x * 2  # a comment\n", x=1.5).value == 3.0
    m = sg.parse("maximum(x, 2 * 1.5)", x=1.0)
    assert m.value == 3.0 and isinstance(m.inputs[1], sg.Constant) and m.inputs[0].name == "x"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_of_the_op_table(name):
    op = FUNCTIONS[name]
    args = ", ".join(f"v{k}" for k in range(op.arity))
    values = {f"v{k}": v for k, v in enumerate(op.points[0])}
    f = sg.parse(f"{name}({args})", **values)
    assert f.op is op and f.value == op.forward(sg.core.namespaces.MATH, *op.points[0])


HOSTILE = [
    # (expression, a piece of the message)
    ("__import__('os').system('touch {marker}')", "attribute access (.system)"),
    ("__import__('os')", "unknown function '__import__'"),
    ("().__class__", "attribute access (.__class__)"),
    ("x.real", "column 2: attribute access (.real)"),
    ("[x for x in y]", "comprehensions"),
    ("lambda: 1", "lambda"),
    ("exp(x=1)", "column 5: keyword arguments are not allowed; call exp(x)"),
    ('"s"', "strings are not allowed"),
    ("x = 1", "column 3: '=' (an assignment) is not allowed"),
    ("(x := 1)", "assignments (:=)"),
    ("1e999", "not finite"),
    ("10**400", "pow"),
    ("1e308 * 10", "mul: the result is not a finite float"),
    ("nan", "the name 'nan' has no value"),
    ("inf", "the name 'inf' has no value"),
    ("x[0]", "subscripts"),
    ("x if y else 1", "conditional"),
    ("x < y", "comparisons"),
    ("x and y", "and / or"),
    ("not x", "'not'"),
    ("~x", "'~'"),
    ("x // y", "column 6: the operator //"),
    ("x % y", "the operator %"),
    ("x ^ y", "for a power write **"),
    ("x @ y", "the operator @"),
    ("x, y", "tuples"),
    ("{x: 1}", "dicts"),
    ("{x}", "sets"),
    ("f'{x}'", "f-strings"),
    ("foo(x)", "unknown function 'foo'; the functions are exp, log"),
    ("exp(x, y)", "exp() takes 1 argument, got 2"),
    ("maximum(x)", "maximum() takes 2 arguments, got 1"),
    ("exp(*x)", "*arguments"),
    ("exp", "exp is a function: call it"),
    ("x(1)", "unknown function 'x'"),
    ("1(2)", "only the op table's functions can be called"),
    ("True", "True is not a number"),
    ("None", "None is not a number"),
    ("1j", "complex numbers"),
    ("b'x'", "not a number"),
    ("...", "not a number"),
    ("x +* y", "column 4: invalid syntax"),
    ("(x + y", "'(' was never closed"),
    ("x + z", "column 5: the name 'z' has no value"),
    ("", "the expression is empty"),
    ("   ", "the expression is empty"),
    ("x\0", "null character"),
    ("1 / (x - x)", "div: the denominator must not be 0"),
    ("log(x - 4)", "log: the input must be positive"),
    ("exp(1000)", "exp"),
    ("(\nx +\n y.imag)", "line 3, column 3: attribute access"),
    ("   x.real", "column 5: attribute access"),
    ("\n  x + z\n", "line 2, column 7: the name 'z'"),
    ("  x =", "column 5: '=' (an assignment)"),
    ("(" * 10**5 + "x" + ")" * 10**5, "the limit is 10,000"),
    ("x" * 10**6, "1,000,000 characters long"),
    ("(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1), f"brackets nest more than {MAX_NESTING}"),
    ("-" * 1001 + "x", "more than 1000 operators"),
]


@pytest.mark.parametrize("text, message", HOSTILE, ids=[repr(t[:30]) for t, _ in HOSTILE])
def test_hostile_inputs_raise_parse_error(text, message, tmp_path):
    marker = tmp_path / "pwned"
    text = text.replace("{marker}", str(marker))
    values = {k: v for k, v in {"x": 3.0, "y": -4.0}.items() if k in _names(text)}
    start = time.perf_counter()
    with pytest.raises(sg.ParseError) as info:
        parse(text, **values)
    assert message in str(info.value)
    assert "\n" not in str(info.value)  # one line, for the command line
    assert not marker.exists()
    assert time.perf_counter() - start < 5  # refused, not hung (a generous bound, not a benchmark)


def test_messages_say_what_is_allowed():
    with pytest.raises(sg.ParseError, match=r"Allowed: numbers, names given a value, \+ - \* / \*\*, "
                                            r"unary minus, parentheses and the functions exp\(x\)"):
        parse("x.real", x=1)


def test_value_and_name_problems():
    with pytest.raises(sg.ParseError, match="'y' given a value but not used"):
        parse("x", x=1, y=2)
    with pytest.raises(sg.ParseError, match="both as a value and as a parameter"):
        parse("x", x=1, params={"x": 2})
    with pytest.raises(sg.ParseError, match="names a function"):
        parse("exp * 2", exp=1)
    with pytest.raises(sg.ParseError, match="not a usable name"):
        parse("x", params={"1x": 2})
    with pytest.raises(sg.ParseError, match="needs the expression as a str"):
        parse(b"x", x=1)  # type: ignore[arg-type]
    with pytest.raises(sg.InputError, match="finite"):
        parse("x", x=float("nan"))


def test_long_but_legal_inputs_parse():
    f = parse("+".join(["x"] * 1000), x=1.0)  # 999 operators, a 999-deep tree
    assert f.value == 1000.0
    f = parse("-" * 999 + "x", x=2.0)
    assert f.value == -2.0
    f = parse("(" * MAX_NESTING + "x" + ")" * MAX_NESTING, x=1.0)
    assert f.name == "x"
    assert len("+".join(["x"] * 1000)) < MAX_LENGTH


def test_never_calls_eval_or_exec(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called")
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert parse(CS231N, x=3, y=-4).value == 1.5456448841066441
    with pytest.raises(sg.ParseError):
        parse("__import__('os')")


# ------------------------------------------------------------------ random inputs
TOKENS = ["x", "y", "a", "1", "2.5", "0", "1e308", "+", "-", "*", "/", "**", "(", ")", ",", ".",
          "[", "]", "=", "'", "exp", "log", "maximum", "sigmoid", "lambda", ":", "for", "in", " ",
          "__import__", "__class__", "os", "1j", "if", "else", "<", "%", "@", "\n", "\\"]


def _names(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", text))


def _outcome(text: str) -> sg.Node | None:
    names = _names(text)
    values = {k: v for k, v in {"x": 0.5, "y": -1.5}.items() if k in names}
    try:
        return parse(text, params={"a": 2.0} if "a" in names else None, **values)
    except sg.ParseError:
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_gives_node_or_parse_error(text):
    result = _outcome(text)
    assert result is None or isinstance(result, sg.Node)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_random_token_soup_gives_node_or_parse_error(tokens):
    result = _outcome("".join(tokens))
    assert result is None or isinstance(result, sg.Node)


def _expressions() -> st.SearchStrategy[tuple[str, object]]:
    """Random well-formed expressions with their value computed by plain Python math."""
    sig = lambda v: 1.0 / (1.0 + math.exp(-v))
    leaves = st.sampled_from([("x", 0.5), ("y", -1.5), ("2", 2.0), ("0.25", 0.25)])

    def extend(children):
        binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", _binary(t[1], t[0][1], t[2][1])))
        unary = st.tuples(st.sampled_from(["-", "sin", "tanh", "sigmoid"]), children).map(
            lambda t: (f"-({t[1][0]})" if t[0] == "-" else f"{t[0]}({t[1][0]})",
                       _unary(t[0], t[1][1], sig)))
        return binary | unary
    return st.recursive(leaves, extend, max_leaves=12)


def _binary(op: str, a: object, b: object) -> object:
    if a is None or b is None:
        return None
    assert isinstance(a, float) and isinstance(b, float)
    if op == "/":
        return None if b == 0 else a / b
    return a + b if op == "+" else a - b if op == "-" else a * b


def _unary(name: str, a: object, sig) -> object:
    if a is None:
        return None
    assert isinstance(a, float)
    return -a if name == "-" else math.sin(a) if name == "sin" else math.tanh(a) if name == "tanh" else sig(a)


@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_random_expressions_match_python_math(case):
    text, expected = case
    result = _outcome(text)
    if expected is None or not math.isfinite(expected):  # a division by zero somewhere
        assert result is None
    else:
        assert result is not None and result.value == pytest.approx(expected, rel=1e-12, abs=1e-300)
