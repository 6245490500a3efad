"""Build a graph from an expression string, safely: numbers, names, arithmetic and the op table's functions.

The text is parsed with :func:`ast.parse` (which only parses; nothing is run)
after its length and nesting are checked, and the tree is walked against an
allow-list, without recursion. ``eval`` and ``exec`` are never used. Anything
else raises :class:`~scalargraph.errors.ParseError` saying what is wrong, where
and what is allowed.

>>> import scalargraph as sg
>>> f = sg.parse("(x + sigmoid(y)) / (sigmoid(x) + (x + y)**2)", x=3, y=-4)
>>> f.value
1.5456448841066441
>>> F = sg.parse("x * a * a + a", x=4, params={"a": 1.0})
>>> F.backward(); [(n.name, sg.is_param(n), n.grad) for n in sg.Graph(F).inputs + sg.Graph(F).params]
[('x', False, 1.0), ('a', True, 9.0)]
>>> sg.parse("x.real", x=1)
Traceback (most recent call last):
...
scalargraph.errors.ParseError: column 2: attribute access (.real) is not allowed. ...
"""

from __future__ import annotations

import ast
import math
import unicodedata
import warnings
from collections.abc import Mapping
from typing import Any

from ..core.functions import by_name, signature
from ..core.node import Constant, Node, Param, apply, evaluate
from ..core.ops import FUNCTIONS, OPS
from ..errors import ParseError, ScalargraphError

__all__ = ["MAX_LENGTH", "MAX_NESTING", "MAX_OPERATORS", "allowed", "parse"]

#: Longest expression accepted, in characters.
MAX_LENGTH = 10_000
#: Deepest nesting of brackets accepted.
MAX_NESTING = 100
#: Most operator characters (+ - * / and the like) accepted: each one can nest the tree a level.
MAX_OPERATORS = 1_000

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_BAD_BINARY = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
               ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^ (for a power write **)",
               ast.BitAnd: "&"}
_BAD_UNARY = {ast.Not: "not", ast.Invert: "~"}
_FORBIDDEN = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripts (x[...])",
    ast.Lambda: "lambda functions", ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions", ast.List: "lists", ast.Tuple: "tuples (a comma "
    "outside a function call)", ast.Set: "sets", ast.Dict: "dicts", ast.Compare: "comparisons",
    ast.BoolOp: "and / or", ast.IfExp: "conditional expressions (a if c else b)",
    ast.NamedExpr: "assignments (:=)", ast.JoinedStr: "f-strings", ast.Starred: "*arguments",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices",
    ast.FormattedValue: "f-strings",
}


def allowed() -> str:
    """What an expression may contain (read from the op table).

    >>> allowed()[:60]
    'Allowed: numbers, names given a value, + - * / **, unary min'
    """
    calls = ", ".join(signature(op) for op in FUNCTIONS.values())
    return (f"Allowed: numbers, names given a value, + - * / **, unary minus, parentheses "
            f"and the functions {calls}")


class _Where:
    """Turns positions in the parsed text (``text`` without its leading whitespace ``lead``;
    lines from 1, AST columns in UTF-8 bytes from 0) into 'column N' of the text as given."""

    def __init__(self, text: str, lead: str = "") -> None:
        self.lines = text.split("\n")
        self.line_shift = lead.count("\n")
        self.column_shift = len(lead) - (lead.rfind("\n") + 1)
        self.multiline = "\n" in (lead + text).rstrip()

    def __call__(self, line: int, byte_column: int) -> str:
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = len(source.encode("utf-8")[:byte_column].decode("utf-8", "replace")) + 1
        return self.at(line, column)

    def at(self, line: int, column: int) -> str:
        if line == 1:
            column += self.column_shift
        line += self.line_shift
        return f"line {line}, column {column}" if self.multiline else f"column {column}"

    def segment(self, node: ast.AST) -> str:
        """The text of a one-line ``node`` as written (Python reads names NFKC-normalised)."""
        line = getattr(node, "lineno", 1)
        source = self.lines[line - 1].encode("utf-8") if 0 < line <= len(self.lines) else b""
        start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None)
        return source[start:end].decode("utf-8", "replace")

    def of(self, node: ast.AST) -> str:
        return self(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))


def _guard(text: str, where: _Where) -> None:
    """Refuse input whose size would make ast.parse itself slow or crash, before calling it."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is {len(text):,} characters long; the limit is "
                         f"{MAX_LENGTH:,}. Build a big graph from smaller expressions (a value "
                         "may be a Node: parse('a + b', a=f, b=g))")
    depth = operators = 0
    line, column = 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ParseError(f"{where.at(line, column)}: brackets nest more than {MAX_NESTING} "
                                 "deep; split the expression into smaller ones")
        elif char in ")]}":
            depth -= 1
        elif char in "+-*/%@<>|^&~":
            operators += 1
            if operators > MAX_OPERATORS:
                raise ParseError(f"{where.at(line, column)}: more than {MAX_OPERATORS} operators; "
                                 "split the expression into smaller ones")
        elif char == "\0":
            raise ParseError(f"{where.at(line, column)}: a null character is not allowed")
        elif "\ud800" <= char <= "\udfff":
            raise ParseError(f"{where.at(line, column)}: U+{ord(char):04X} is a lone surrogate, not a "
                             "character: the text is not valid Unicode (read it as UTF-8 text)")


def _syntax_error(err: SyntaxError, text: str, where: _Where) -> ParseError:
    if not any(line.split("#", 1)[0].strip() for line in text.splitlines()):  # strings are not allowed
        comment = " (only a comment)" if text.strip() else ""
        return ParseError(f"the expression is empty{comment}. {allowed()}")
    line = err.lineno or 1
    column = err.offset if err.offset and err.offset > 0 else len(where.lines[-1]) + 1
    problem = err.msg
    for i, char in enumerate(text):  # '=' on its own: an assignment (Python's hint would mislead)
        if char == "=" and text[i - 1:i] not in ("=", "!", "<", ">") and text[i + 1:i + 2] != "=":
            head = text[:i]
            line, column = head.count("\n") + 1, len(head) - (head.rfind("\n") + 1) + 1
            problem = "'=' (an assignment) is not allowed; give values as parse(text, x=3) or --at x=3"
            break
    return ParseError(f"{where.at(line, column)}: {problem}. {allowed()}")


def _check(tree: ast.Expression, where: _Where, names: Mapping[str, Any]) -> None:
    """Every node of the tree on the allow-list, or the leftmost problem as a ParseError."""
    problems: list[tuple[int, int, int, int, str, int, int]] = []

    def bad(node: ast.AST, message: str, rank: int = 0, at: tuple[int, int] | None = None) -> None:
        # Sorted by where the construct starts; at one position the outermost (found first)
        # wins. ``at`` is the (line, byte column) to show, when not the start.
        line, column = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        shown = at or (line, column)
        problems.append((line, column, rank, len(problems), message, *shown))

    callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):  # breadth first, with a queue: no recursion
        if not hasattr(node, "lineno") or isinstance(node, ast.keyword):
            continue  # contexts, operators, comprehension parts: reported with their expression
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                bad(node.right, f"the operator {_BAD_BINARY.get(type(node.op), '?')} is not allowed")
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) in _BAD_UNARY:
                bad(node, f"'{_BAD_UNARY[type(node.op)]}' is not allowed")
        elif isinstance(node, ast.Constant):
            _check_number(node, bad)
        elif isinstance(node, ast.Name):
            if id(node) in callees:
                continue  # checked with its call
            if node.id in FUNCTIONS:
                bad(node, f"{node.id} is a function: call it, e.g. {signature(FUNCTIONS[node.id])}")
            elif node.id not in names:
                written = where.segment(node)
                read = f" (Python reads it as {node.id!r})" if written != node.id else ""
                bad(node, f"the name {written!r}{read} has no value; give it one, e.g. "
                          f"parse(text, {node.id}=1.0), params={{{node.id!r}: 1.0}} or --at {node.id}=1")
        elif isinstance(node, ast.Call):
            _check_call(node, bad)
        elif isinstance(node, ast.Attribute):
            dot = (node.end_lineno or node.lineno, (node.end_col_offset or 1) - len(node.attr) - 1)
            bad(node, f"attribute access (.{node.attr}) is not allowed", at=dot)
        else:
            bad(node, f"{_FORBIDDEN.get(type(node), type(node).__name__)} are not allowed")
    if problems:
        *_, message, line, byte_column = min(problems)
        raise ParseError(f"{where(line, byte_column)}: {message}. {allowed()}")


def _check_number(node: ast.Constant, bad: Any) -> None:
    value = node.value
    if isinstance(value, str):
        bad(node, "strings are not allowed")
    elif isinstance(value, bool) or value is None or value is Ellipsis or isinstance(value, bytes):
        bad(node, f"{value!r} is not a number")
    elif isinstance(value, complex):
        bad(node, f"complex numbers ({value!r}) are not allowed")
    elif isinstance(value, (int, float)):
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            bad(node, "the number is too large for a float (or not finite); use a finite number")
    else:
        bad(node, f"{type(value).__name__} values are not allowed")


def _check_call(node: ast.Call, bad: Any) -> None:
    if not isinstance(node.func, ast.Name):
        bad(node, "only the op table's functions can be called, by name: "
                  f"{', '.join(FUNCTIONS)}", rank=1)
        return
    if node.func.id not in FUNCTIONS:
        own = (f" ({node.func.id} is your own op: define it with parse=True to call it here)"
               if node.func.id in OPS else "")
        bad(node, f"unknown function {node.func.id!r}{own}; the functions are {', '.join(FUNCTIONS)}")
        return
    op = FUNCTIONS[node.func.id]
    if node.keywords:
        bad(node.keywords[0], f"keyword arguments are not allowed; call {signature(op)}")
    elif len(node.args) != op.arity:
        plural = "" if op.arity == 1 else "s"
        bad(node, f"{op.name}() takes {op.arity} argument{plural}, got {len(node.args)}; "
                  f"call {signature(op)}")


def _leaves(values: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Node]:
    """A leaf per name, keyed as Python reads the name (NFKC: ``ｘ`` is ``x``)."""
    for name in values.keys() & params.keys():
        raise ParseError(f"{name!r} is given both as a value and as a parameter; give it once")
    leaves: dict[str, Node] = {}
    given: dict[str, str] = {}
    for group, make in ((values, Node), (params, Param)):
        for name, value in group.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ParseError(f"{name!r} is not a usable name; names look like x, y2 or w_0")
            key = unicodedata.normalize("NFKC", name)
            if key in FUNCTIONS:
                raise ParseError(f"{name!r} names a function; give the value another name")
            if key in given:
                raise ParseError(f"{given[key]!r} and {name!r} are the same name to Python (it reads "
                                 f"both as {key!r}); give the value once")
            given[key] = name
            leaves[key] = value if isinstance(value, Node) and make is Node else make(value, name=name)
    return leaves


def parse(expression: str, /, params: Mapping[str, Any] | None = None, **values: Any) -> Node:
    """The output Node of ``expression``, with a leaf for each name (an input, or a
    :class:`~scalargraph.core.node.Param` for the names in ``params``). A name used
    twice is one leaf; a value may also be a Node, to build on an existing graph.
    Parts made only of numbers are folded into one constant.

    >>> f = parse("x * x + 2 ** -1", x=3)
    >>> f.value, [n.name or n.op.name for n in f.inputs[0].inputs]
    (9.5, ['x', 'x'])
    >>> parse("exp(x=1)")
    Traceback (most recent call last):
    ...
    scalargraph.errors.ParseError: column 5: keyword arguments are not allowed; call exp(x). ...
    """
    if not isinstance(expression, str):
        raise ParseError(f"parse() needs the expression as a str, got {type(expression).__name__}")
    if params is not None and not isinstance(params, Mapping):
        raise ParseError(f"params must be a mapping from names to values, e.g. params={{'a': 1.0}}, "
                         f"got {type(params).__name__} {params!r}")
    params = dict(params or {})
    where = _Where(expression)
    _guard(expression, where)
    leaves = _leaves(values, params)
    source = expression.strip()
    where = _Where(source, expression[:len(expression) - len(expression.lstrip())])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "1(2)"
            tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(err, source, where) from None
    except (RecursionError, MemoryError):
        raise ParseError("the expression is nested too deeply to parse; split it into smaller "
                         "ones") from None
    except ValueError as err:  # what _guard does not foresee
        raise ParseError(f"the text cannot be parsed: {err}. {allowed()}") from None
    _check(tree, where, leaves)
    unused = [name for name in leaves if name not in {n.id for n in ast.walk(tree)
                                                      if isinstance(n, ast.Name)}]
    if unused:
        raise ParseError(f"{', '.join(map(repr, unused))} given a value but not used in the "
                         "expression; remove it or check the spelling")
    return _build(tree, leaves, where)


def _children(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _build(tree: ast.Expression, leaves: dict[str, Node], where: _Where) -> Node:
    """Post-order walk with an explicit stack: numbers fold, anything with a name is a Node."""
    functions = by_name()
    results: list[Any] = []
    stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    while stack:
        node, ready = stack.pop()
        children = _children(node)
        if not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        args = results[len(results) - len(children):]
        del results[len(results) - len(children):]
        try:
            results.append(_combine(node, args, leaves, functions))
        except ScalargraphError as err:
            raise ParseError(f"{where.of(node)}: {err}") from err
    value = results[0]
    return value if isinstance(value, Node) else Constant(value)


def _combine(node: ast.AST, args: list[Any], leaves: dict[str, Node], functions: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # a checked number
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.UAdd):
            return args[0]
        name, args = "neg", args[:1]
    elif isinstance(node, ast.BinOp):
        name = _BINARY[type(node.op)]
    else:
        name = node.func.id  # type: ignore[attr-defined]  # a checked call
    op = OPS[name]
    if any(isinstance(a, Node) for a in args):
        if isinstance(node, ast.Call):
            result = functions[name](*args)  # sg.exp, sg.maximum ...: numbers become constants
        else:
            result = apply(op, *(a if isinstance(a, Node) else Constant(a) for a in args))
        value = result.value
    else:
        value = result = evaluate(op, tuple(args))  # numbers only: one constant
    if value.__class__ is float and not math.isfinite(value):
        raise ParseError(f"{name} gives {value}, which is not a finite number; "
                         "keep the values smaller")
    return result
