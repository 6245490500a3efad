"""Fuzzing ``sg.parse``: generated strings and generated Python syntax trees.

Whatever the text, ``sg.parse`` returns a Node or raises ``sg.ParseError``; nothing
else escapes, and no code from the text runs. The guard is an audit hook
(:func:`sys.addaudithook`) that records, while a parse is running, every event that
executing, compiling, importing or opening something raises (``exec``, ``compile``,
``import``, ``open``, ``os.*``, ``subprocess.*`` ...), plus a patched ``__import__``
that records every import of a module not loaded yet. The one event
allowed is the ``compile`` that :func:`ast.parse` itself raises for the expression
text (it only parses). A test checks that the guard does see code that runs.

On the grammar the parser accepts, an independent answer is Python's own evaluation
of the same text (numbers and the table's forward functions, with no builtins): the
parser must give the same value, bit for bit, or a ParseError where Python fails or
gives a complex or non-finite number.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import math
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from strategies import examples

import scalargraph as sg
from scalargraph.core.namespaces import MATH
from scalargraph.core.ops import FUNCTIONS

parse_module = importlib.import_module("scalargraph.parsing.parser")

# ------------------------------------------------------------------ the guard
_WATCH: list[list[tuple[str, Any]]] = []  # the events of the parse running now (innermost last)
_EVENTS = {"exec", "compile", "import", "open", "builtins.input", "code.__new__", "function.__new__",
           "sys.settrace", "sys.setprofile", "marshal.loads", "pickle.find_class", "ctypes.dlopen",
           "socket.connect", "urllib.Request", "webbrowser.open", "shutil.rmtree", "object.__setattr__"}
_PREFIXES = ("os.", "subprocess.", "shutil.", "ctypes.", "socket.")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCH and (event in _EVENTS or event.startswith(_PREFIXES)):
        _WATCH[-1].append((event, args))


sys.addaudithook(_audit)  # hooks cannot be removed; this one does nothing unless a parse is watched


@contextlib.contextmanager
def no_code_runs(text: str) -> Iterator[None]:
    """Fail if anything but ast.parse's own compile of ``text`` happens inside the block."""
    events: list[tuple[str, Any]] = []
    real_import = builtins.__import__

    def watched_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name not in sys.modules:  # a cached import runs no code (ast.walk imports deque)
            events.append(("__import__", (name,)))
        return real_import(name, *args, **kwargs)

    _WATCH.append(events)
    builtins.__import__ = watched_import
    try:
        yield
    finally:
        builtins.__import__ = real_import
        _WATCH.pop()
    source = text.strip()
    bad = [(event, args) for event, args in events
           if not (event == "compile" and args[0] in (source, source.encode()) and args[1] == "<unknown>")]
    assert not bad, f"parsing {text!r} ran: {bad}"


def outcome(text: str, params: dict[str, Any] | None = None, **values: Any) -> sg.Node | sg.ParseError:
    """What ``sg.parse`` did with ``text``: a Node or a ParseError, under the guard.

    Any other exception propagates and fails the test."""
    with no_code_runs(text):
        try:
            result = sg.parse(text, params=params, **values)
        except sg.ParseError as err:
            return err
    assert isinstance(result, sg.Node), f"parse({text!r}) returned {type(result).__name__}"
    assert isinstance(result.value, float) and math.isfinite(result.value), (text, result.value)
    return result


def _given_names(names: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Values for x and y, a parameter a, for the names a text or tree uses."""
    values = {n: v for n, v in (("x", 0.75), ("y", -2.5)) if n in names}
    params = {"a": 1.5} if "a" in names else {}
    return values, params


def test_the_guard_sees_code_that_runs():
    for sneaky in ("eval('1 + 1')", "__import__('this_module_does_not_exist_either') if False else "
                   "__import__('tabnanny')", "compile('1', 'f', 'eval')", "open('/dev/null').close()"):
        with pytest.raises(AssertionError, match="ran"), no_code_runs("x"):
            eval(sneaky)  # the test's own code, to prove the guard would catch it
    with no_code_runs("x + 1"):
        ast.parse("x + 1", mode="eval")  # what the parser may do: parse, not run


def test_a_malicious_text_is_refused_without_running():
    for text in ("__import__('os').system('echo hacked')", "().__class__.__base__.__subclasses__()",
                 "exec('x = 1')", "open('/etc/passwd').read()", "(lambda: 1)()", "[c for c in ()]",
                 "x.__class__", "globals()", "breakpoint()", "sum.__globals__"):
        assert isinstance(outcome(text, x=1.0), sg.ParseError), text


# ------------------------------------------------------------------ generated strings
TOKENS = [
    "x", "y", "a", "z", " ", "  ", "(", ")", ",", "+", "-", "*", "/", "**", "//", "%", "@", ".",
    "=", "==", "<", ":", ";", "[", "]", "{", "}", "'", '"', "\\", "\n", "\t", "#", "0", "1", "2.5",
    ".5", "1e308", "1e400", "0x1f", "0b1", "1_0", "1j", "_", "lambda", "import", "__import__", "os",
    "open", "eval", "exec", "__class__", "__builtins__", "if", "else", "not", "and", "or", "True",
    "None", "...", "yield", "await", "f'", "b'", "\0", "ℯ", "𝑥", "١", "µ", "\u200b", "\r",
    *FUNCTIONS,
]


def _names(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


@settings(max_examples=examples(400))
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_token_soup_gives_a_node_or_a_parse_error(text: str):
    values, params = _given_names(_names(text))
    outcome(text, params=params, **values)


@settings(max_examples=examples(300))
@given(st.text(max_size=60))
def test_any_text_gives_a_node_or_a_parse_error(text: str):
    values, params = _given_names(_names(text))
    outcome(text, params=params, **values)


@pytest.mark.parametrize("text", [
    "(" * 5000 + "x" + ")" * 5000, "-" * 5000 + "x", "x" + " ** x" * 3000, "x" + "+x" * 999,
    "exp(" * 99 + "x" + ")" * 99, "x" * 20_000, "1" * 5000, "1e" + "9" * 400, "\n" * 50 + "x +",
    "", "   ", "\0", "x\0", "\ud800",
], ids=lambda t: repr(t[:12]) + f"..({len(t)})")
def test_huge_deep_and_odd_texts(text):
    values, params = _given_names(_names(text) if len(text) < 1000 else {"x"})
    outcome(text, params=params, **values)


# ------------------------------------------------------------------ generated syntax trees
_ANY_NAME = st.sampled_from(["x", "y", "a", "z", "os", "open", "eval", "__import__", "print",
                             "__builtins__", "self", *FUNCTIONS])
_ANY_CONSTANT = st.one_of(
    st.floats(), st.integers(-(2 ** 70), 2 ** 70), st.text(max_size=4), st.binary(max_size=3),
    st.complex_numbers(max_magnitude=1e3), st.sampled_from([None, True, False, ...]),
)
_BINOPS = [ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.FloorDiv, ast.Mod, ast.MatMult,
           ast.LShift, ast.RShift, ast.BitOr, ast.BitXor, ast.BitAnd]
_UNARY = [ast.UAdd, ast.USub, ast.Not, ast.Invert]
_CMP = [ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn]


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


_KINDS = ("binop", "unary", "call", "method", "attribute", "subscript", "slice", "compare", "boolop",
          "ifexp", "lambda", "list", "tuple", "set", "dict", "listcomp", "genexp", "walrus", "starred",
          "fstring", "await", "yield")


def _comprehension(iterable: ast.expr) -> list[ast.comprehension]:
    return [ast.comprehension(target=ast.Name(id="x", ctx=ast.Store()), iter=iterable, ifs=[], is_async=0)]


def _compound(draw: Any, kind: str, sub: Any) -> ast.expr:
    """One expression of ``kind``, its parts drawn by ``sub(count)``."""
    name, load = draw(_ANY_NAME), ast.Load()
    if kind == "binop":
        return ast.BinOp(sub(), draw(st.sampled_from(_BINOPS))(), sub())
    if kind == "unary":
        return ast.UnaryOp(draw(st.sampled_from(_UNARY))(), sub())
    if kind == "call":
        keywords = [ast.keyword(arg=draw(_ANY_NAME), value=sub()) for _ in range(draw(st.integers(0, 1)))]
        return ast.Call(func=_load(name), args=[sub() for _ in range(draw(st.integers(0, 3)))], keywords=keywords)
    if kind == "method":
        method = ast.Attribute(value=sub(), attr=draw(st.sampled_from(["real", "system", "mro"])), ctx=load)
        return ast.Call(func=method, args=[], keywords=[])
    if kind == "attribute":
        return ast.Attribute(value=sub(), attr=draw(st.sampled_from(["real", "__class__", "__globals__"])), ctx=load)
    if kind == "subscript":
        return ast.Subscript(value=sub(), slice=sub(), ctx=load)
    if kind == "slice":
        return ast.Subscript(value=sub(), slice=ast.Slice(lower=None, upper=sub(), step=None), ctx=load)
    if kind == "compare":
        return ast.Compare(left=sub(), ops=[draw(st.sampled_from(_CMP))()], comparators=[sub()])
    if kind == "boolop":
        return ast.BoolOp(op=draw(st.sampled_from([ast.And, ast.Or]))(), values=[sub(), sub()])
    if kind == "ifexp":
        return ast.IfExp(test=sub(), body=sub(), orelse=sub())
    if kind == "lambda":
        no_args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                kwarg=None, defaults=[])
        return ast.Lambda(args=no_args, body=sub())
    if kind in ("list", "tuple", "set"):
        elts = [sub() for _ in range(draw(st.integers(1 if kind == "set" else 0, 3)))]
        if kind == "tuple" and len(elts) < 2:
            elts.append(sub())
        return ast.List(elts=elts, ctx=load) if kind == "list" else (
            ast.Tuple(elts=elts, ctx=load) if kind == "tuple" else ast.Set(elts=elts))
    if kind == "dict":
        return ast.Dict(keys=[sub()], values=[sub()])
    if kind == "listcomp":
        return ast.ListComp(elt=sub(), generators=_comprehension(sub()))
    if kind == "genexp":
        return ast.GeneratorExp(elt=sub(), generators=_comprehension(sub()))
    if kind == "walrus":
        return ast.NamedExpr(target=ast.Name(id="x", ctx=ast.Store()), value=sub())
    if kind == "starred":
        return ast.Call(func=_load(name), args=[ast.Starred(value=sub(), ctx=load)], keywords=[])
    if kind == "fstring":  # a name inside: ast.unparse cannot write every f-string part
        return ast.JoinedStr(values=[ast.FormattedValue(value=_load(name), conversion=-1, format_spec=None)])
    return ast.Await(value=sub()) if kind == "await" else ast.Yield(value=sub())


@st.composite
def python_trees(draw: Any, depth: int = 4) -> ast.expr:
    """Any Python expression: every kind of syntax, names and constants of every type."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return _load(draw(_ANY_NAME))
        return ast.Constant(value=draw(_ANY_CONSTANT))
    return _compound(draw, draw(st.sampled_from(_KINDS)), lambda: draw(python_trees(depth - 1)))


def _unparse(tree: ast.expr) -> str:
    text = ast.unparse(ast.fix_missing_locations(ast.Expression(body=tree)))
    note(f"text: {text!r}")  # shown with a failing example (the tree itself prints as <ast...>)
    return text


def _tree_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


@settings(max_examples=examples(400))
@given(python_trees())
def test_any_python_expression_gives_a_node_or_a_parse_error(tree: ast.expr):
    text = _unparse(tree)
    values, params = _given_names(_tree_names(tree))
    outcome(text, params=params, **values)


# ---------------------------------------------- the accepted grammar, against Python
_NUMBERS = st.floats(0.0, 1e3).map(lambda v: ast.Constant(value=v))  # a minus sign is a UnaryOp
_SAFE_LEAVES = st.one_of(_NUMBERS, st.sampled_from(["x", "y", "a"]).map(_load))


_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


@st.composite
def accepted_trees(draw: Any, depth: int = 4) -> ast.expr:
    """Expressions the parser accepts: numbers, x, y, a, + - * / **, unary minus, the functions."""
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(_SAFE_LEAVES)
    kind = draw(st.sampled_from(("binop", "unary", *FUNCTIONS)))
    sub = lambda: draw(accepted_trees(depth - 1))
    if kind == "binop":
        return ast.BinOp(sub(), draw(st.sampled_from(_OPERATORS))(), sub())
    if kind == "unary":
        return ast.UnaryOp(draw(st.sampled_from([ast.USub, ast.UAdd]))(), sub())
    return ast.Call(func=_load(kind), args=[sub() for _ in range(FUNCTIONS[kind].arity)], keywords=[])


_PYTHON_FUNCTIONS = {name: (lambda *args, op=op: op.forward(MATH, *args)) for name, op in FUNCTIONS.items()}


@settings(max_examples=examples(400))
@given(accepted_trees())
def test_accepted_expressions_evaluate_like_python(tree: ast.expr):
    text = _unparse(tree)
    values, params = _given_names(_tree_names(tree))
    try:  # Python's own evaluation of our generated text, with no builtins: the independent answer
        expected = eval(compile(text, "<generated>", "eval"), {"__builtins__": {}},
                        {**_PYTHON_FUNCTIONS, **values, **params})
    except (ArithmeticError, ValueError, TypeError):  # TypeError: a complex number reached math.exp
        expected = None
    got = outcome(text, params=params, **values)
    if isinstance(expected, float) and math.isfinite(expected):
        if isinstance(got, sg.ParseError):  # only an overflow on the way may refuse a finite answer
            assert "not a finite number" in str(got) or "fit in a float" in str(got), (text, got)
        else:
            assert got.value == expected, (text, got.value, expected)
    else:  # Python failed, or gave a complex number, inf or nan
        assert isinstance(got, sg.ParseError), (text, expected, got)
