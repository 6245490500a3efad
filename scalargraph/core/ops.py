"""The op table: the single source of truth for every op.

One :class:`Op` entry holds everything scalargraph knows about an op: its
forward function, one local derivative per input, its diagram symbol, its
formula as plain text, LaTeX and Python source (forward and each derivative),
its domain, and the value chosen at a kink. The engine, the renderer, the
stepper, the parser and the docs all read this table; a new op is one entry.

Functions are written against a namespace ``m`` of elementary functions (see
:mod:`scalargraph.core.namespaces`), so one formula serves floats, numpy batches,
graphs of Nodes (higher derivatives) and sympy (symbolic tests).

Template placeholders: ``‹a›`` and ``‹b›`` are the inputs, ``‹out›`` the output.

>>> OPS["mul"].derivatives[0](None, 6.0, 2.0, 3.0)   # d(a*b)/da = b
3.0
>>> fill(OPS["sigmoid"].dtext[0], "sigx", "x")
'(1 − sigx)·sigx'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["BUILTIN", "FUNCTIONS", "OPS", "UFUNCS", "Op", "derivative_templates", "fill", "register",
           "unregister"]

Fn = Callable[..., Any]


@dataclass(frozen=True)
class Op:
    """Everything about one op. Derivatives take ``(m, out, *inputs)``."""

    name: str
    arity: int
    forward: Fn
    derivatives: tuple[Fn, ...]
    symbol: str  # short label on the diagram
    text: str  # forward formula, plain text
    latex: str  # forward formula, LaTeX
    code: str  # forward formula, Python source (``math`` imported)
    dtext: tuple[str, ...]  # each local derivative, plain text
    dlatex: tuple[str, ...]  # each local derivative, LaTeX
    dcode: tuple[str, ...]  # each local derivative, Python source
    domain: str = "any real input"  # where forward and derivatives are defined
    fix: str = ""  # what a user can do about a value outside the domain
    kink: str = ""  # the (sub)gradient chosen where the op is not differentiable
    points: tuple[tuple[float, ...], ...] = ((0.7, -1.3), (-2.1, 0.4), (1.5, 2.5))
    function: bool = True  # exposed as ``sg.<name>(...)`` and callable in expressions
    # ``(k, constants) -> (text, latex, code)`` templates of the local derivative for input
    # k simplified where some inputs are constant numbers (None where an input is not one),
    # or None to use ``dtext``/``dlatex``/``dcode``. The code must compute the same float,
    # bit for bit, as ``derivatives[k]`` (the staged code reproduces the engine's gradients).
    simplified: Fn | None = None

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_op_named, (self.name,))  # the table's entry, by name: lambdas do not pickle


def _op_named(name: str) -> Op:
    return OPS[name]


def fill(template: str, out: str, *inputs: str) -> str:
    """Put labels into a template: ``‹out›``, ``‹a›``, ``‹b›``.

    >>> fill("‹a› · ‹b›", "f", "q", "z")
    'q · z'
    """
    text = template.replace("‹out›", out)
    for mark, label in zip(("‹a›", "‹b›"), inputs):
        text = text.replace(mark, label)
    return text


def derivative_templates(op: Op, k: int, constants: tuple[float | None, ...]) -> tuple[str, str, str]:
    """The (text, LaTeX, code) templates of ``op``'s local derivative for input ``k``,
    simplified where inputs are constants (``constants[i]`` their numbers, else None).

    >>> derivative_templates(OPS["pow"], 0, (None, 2.0))
    ('2·‹a›', '2 ‹a›', '2.0 * ‹a›')
    >>> derivative_templates(OPS["pow"], 0, (None, None))[0]
    '‹b›·‹a›**(‹b›−1)'
    """
    if op.simplified is not None:
        forms = op.simplified(k, constants)
        if forms is not None:
            return forms
    return op.dtext[k], op.dlatex[k], op.dcode[k]


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _number(x: float) -> str:
    """A constant in a formula: ``2`` for 2.0, ``−0.5`` with a real minus sign."""
    text = repr(x).removesuffix(".0")
    return text.replace("-", "−")


def _power(exponent: float) -> tuple[str, str]:
    """``‹a›`` to a constant power, as text and LaTeX: ``‹a›²``, ``‹a›**(−0.5)``, ``{‹a›}^{2}``."""
    tex = repr(exponent).removesuffix(".0")
    if exponent == 1:
        return "‹a›", "‹a›"
    if exponent.is_integer() and 2 <= exponent <= 9:
        return "‹a›" + tex.translate(_SUPERSCRIPT), f"{{‹a›}}^{{{tex}}}"
    return f"‹a›**({_number(exponent)})", f"{{‹a›}}^{{{tex}}}"


def _pow_constant_exponent(k: int, constants: tuple[float | None, ...]) -> tuple[str, str, str] | None:
    """d(a^b)/da = b·a^(b−1) with the number b put in: ``2·xpy``, ``3·b²``, ``−1/den²``.

    The code keeps the engine's operations (``b * a ** (b - 1)`` with b - 1 worked out;
    ``-a ** -2.0`` is ``-1.0 * a ** -2.0``), so it gives the same float to the last bit.
    """
    b = constants[1] if len(constants) > 1 else None
    if k != 0 or b is None or b == 0:
        return None
    if b == 1:
        return "1", "1", "1"
    exponent = b - 1
    code = f"-‹a› ** {exponent!r}" if b == -1 else f"{b!r} * ‹a› ** {exponent!r}"
    if exponent == 1:
        code = f"{b!r} * ‹a›"
    if b.is_integer() and b < 0:  # −n/a^(n+1)
        text, tex = _power(-exponent)
        n = _number(-b)
        return f"−{n}/{text}", f"-\\frac{{{n}}}{{{tex}}}", code
    text, tex = _power(exponent)
    return f"{_number(b)}·{text}", f"{_number(b).replace('−', '-')} {tex}", code


# Constant derivatives of one- and two-input ops. Fixed positional parameters (``b``
# optional) rather than ``*args``: the reverse pass calls these once per edge, and
# packing a tuple per call is a measurable share of it (about half the edges of an MLP).
def _one(m: Any, out: Any, a: Any, b: Any = None) -> float:
    return 1.0


def _minus_one(m: Any, out: Any, a: Any, b: Any = None) -> float:
    return -1.0


def _zero(m: Any, out: Any, a: Any, b: Any = None) -> Any:
    return 0.0 * a


_POSITIVE = ((0.5,), (1.7,), (3.2,))
_ANYWHERE = ((-1.3,), (0.4,), (2.2,))
_AWAY_FROM_ZERO = ((-1.7,), (0.6,), (2.3,))

_TABLE = (
    # ---------------------------------------------------------------- arithmetic
    Op("add", 2, lambda m, a, b: a + b, (_one, _one),
       symbol="+", text="‹a› + ‹b›", latex="‹a› + ‹b›", code="‹a› + ‹b›",
       dtext=("1", "1"), dlatex=("1", "1"), dcode=("1", "1"), function=False),
    Op("sub", 2, lambda m, a, b: a - b, (_one, _minus_one),
       symbol="−", text="‹a› − ‹b›", latex="‹a› - ‹b›", code="‹a› - ‹b›",
       dtext=("1", "−1"), dlatex=("1", "-1"), dcode=("1", "-1"), function=False),
    Op("mul", 2, lambda m, a, b: a * b,
       (lambda m, o, a, b: b, lambda m, o, a, b: a),
       symbol="×", text="‹a› · ‹b›", latex="‹a› \\cdot ‹b›", code="‹a› * ‹b›",
       dtext=("‹b›", "‹a›"), dlatex=("‹b›", "‹a›"), dcode=("‹b›", "‹a›"), function=False),
    Op("div", 2, lambda m, a, b: a / b,
       (lambda m, o, a, b: 1.0 / b, lambda m, o, a, b: -(a / b) / b),  # b ** 2 would underflow
       symbol="÷", text="‹a› / ‹b›", latex="\\frac{‹a›}{‹b›}", code="‹a› / ‹b›",
       dtext=("1/‹b›", "−‹a›/‹b›²"), dlatex=("\\frac{1}{‹b›}", "-\\frac{‹a›}{‹b›^{2}}"),
       dcode=("1.0 / ‹b›", "-(‹a› / ‹b›) / ‹b›"),
       domain="the denominator must not be 0",
       fix="Keep the denominator away from 0, e.g. divide by (d + 1e-12) or by d*d + 1.",
       points=((0.7, -1.3), (-2.1, 0.4), (1.5, 2.5)), function=False),
    Op("neg", 1, lambda m, a: -a, (_minus_one,),
       symbol="−", text="−‹a›", latex="-‹a›", code="-‹a›",
       dtext=("−1",), dlatex=("-1",), dcode=("-1",), points=_ANYWHERE, function=False),
    Op("pow", 2, lambda m, a, b: m.power(a, b),  # m.power refuses 0 ** b for b < 1
       (lambda m, o, a, b: b * m.pow(a, b - 1), lambda m, o, a, b: o * m.log(a)),
       symbol="**", text="‹a›**‹b›", latex="{‹a›}^{‹b›}", code="‹a› ** ‹b›",
       dtext=("‹b›·‹a›**(‹b›−1)", "‹out›·ln(‹a›)"),
       dlatex=("‹b› \\cdot {‹a›}^{‹b› - 1}", "‹out› \\cdot \\ln ‹a›"),
       dcode=("‹b› * ‹a› ** (‹b› - 1)", "‹out› * math.log(‹a›)"),
       domain=("a ** b needs a > 0, or a = 0 with b >= 1, or a < 0 with a constant "
               "whole-number exponent (the derivative for the exponent needs a > 0)"),
       fix="Use a constant exponent such as x ** 2 (it gets no gradient), or keep the base positive.",
       points=((0.7, 1.3), (2.1, -0.4), (1.5, 2.5)), function=False,
       simplified=_pow_constant_exponent),
    # ------------------------------------------------------------ smooth functions
    Op("exp", 1, lambda m, a: m.exp(a), (lambda m, o, a: o,),
       symbol="exp", text="exp(‹a›)", latex="e^{‹a›}", code="math.exp(‹a›)",
       dtext=("‹out›",), dlatex=("‹out›",), dcode=("‹out›",),
       domain="the result must fit in a float (inputs up to about 709.78)",
       fix="Scale the input down, or use sigmoid/tanh, which never overflow.",
       points=_ANYWHERE),
    Op("log", 1, lambda m, a: m.log(a), (lambda m, o, a: 1.0 / a,),
       symbol="log", text="log(‹a›)", latex="\\ln ‹a›", code="math.log(‹a›)",
       dtext=("1/‹a›",), dlatex=("\\frac{1}{‹a›}",), dcode=("1.0 / ‹a›",),
       domain="the input must be positive",
       fix="Shift or clip the input first, e.g. log(x*x + 1e-12).", points=_POSITIVE),
    Op("sqrt", 1, lambda m, a: m.sqrt(a), (lambda m, o, a: 0.5 / o,),
       symbol="√", text="√‹a›", latex="\\sqrt{‹a›}", code="math.sqrt(‹a›)",
       dtext=("1/(2·‹out›)",), dlatex=("\\frac{1}{2 ‹out›}",), dcode=("0.5 / ‹out›",),
       domain="the input must be >= 0 (and > 0 for the derivative, which is infinite at 0)",
       fix="Keep the input positive, e.g. sqrt(x*x + 1e-12).", points=_POSITIVE),
    Op("sin", 1, lambda m, a: m.sin(a), (lambda m, o, a: m.cos(a),),
       symbol="sin", text="sin(‹a›)", latex="\\sin ‹a›", code="math.sin(‹a›)",
       dtext=("cos(‹a›)",), dlatex=("\\cos ‹a›",), dcode=("math.cos(‹a›)",), points=_ANYWHERE),
    Op("cos", 1, lambda m, a: m.cos(a), (lambda m, o, a: -m.sin(a),),
       symbol="cos", text="cos(‹a›)", latex="\\cos ‹a›", code="math.cos(‹a›)",
       dtext=("−sin(‹a›)",), dlatex=("-\\sin ‹a›",), dcode=("-math.sin(‹a›)",), points=_ANYWHERE),
    Op("tanh", 1, lambda m, a: m.tanh(a), (lambda m, o, a: 1 - o * o,),
       symbol="tanh", text="tanh(‹a›)", latex="\\tanh ‹a›", code="math.tanh(‹a›)",
       dtext=("1 − ‹out›²",), dlatex=("1 - ‹out›^{2}",), dcode=("1 - ‹out› * ‹out›",),
       points=_ANYWHERE),
    Op("sigmoid", 1, lambda m, a: m.sigmoid(a), (lambda m, o, a: (1 - o) * o,),
       symbol="σ", text="σ(‹a›)", latex="\\sigma\\left(‹a›\\right)",
       code="1.0 / (1 + math.exp(-‹a›))",
       dtext=("(1 − ‹out›)·‹out›",), dlatex=("(1 - ‹out›) \\cdot ‹out›",),
       dcode=("(1 - ‹out›) * ‹out›",), points=_ANYWHERE),
    # ------------------------------------------------------------- kinks
    Op("relu", 1, lambda m, a: m.relu(a), (lambda m, o, a: m.heaviside(a, 0.0),),
       symbol="relu", text="relu(‹a›)", latex="\\max(0, ‹a›)", code="max(0.0, ‹a›)",
       dtext=("[‹a› > 0]",), dlatex=("[‹a› > 0]",), dcode=("float(‹a› > 0)",),
       kink="relu'(0) = 0 (as in micrograd and PyTorch); central differences measure 0.5 there.",
       points=_AWAY_FROM_ZERO),
    Op("abs", 1, lambda m, a: m.abs(a), (lambda m, o, a: m.sign(a),),
       symbol="|·|", text="|‹a›|", latex="\\left|‹a›\\right|", code="abs(‹a›)",
       dtext=("sign(‹a›)",), dlatex=("\\operatorname{sign} ‹a›",),
       dcode=("(‹a› > 0) - (‹a› < 0)",),
       kink="abs'(0) = sign(0) = 0; central differences measure 0 there too.",
       points=_AWAY_FROM_ZERO),
    Op("maximum", 2, lambda m, a, b: m.maximum(a, b),
       (lambda m, o, a, b: m.step(a, b, 0.5), lambda m, o, a, b: m.step(b, a, 0.5)),
       symbol="max", text="max(‹a›, ‹b›)", latex="\\max(‹a›, ‹b›)", code="max(‹a›, ‹b›)",
       dtext=("[‹a› > ‹b›]", "[‹b› > ‹a›]"), dlatex=("[‹a› > ‹b›]", "[‹b› > ‹a›]"),
       dcode=("(‹a› > ‹b›) + 0.5 * (‹a› == ‹b›)", "(‹b› > ‹a›) + 0.5 * (‹a› == ‹b›)"),
       kink=("At a tie each input gets half the gradient: the average of the one-sided "
             "derivatives, what central differences measure, and max(a, b) = max(b, a)."),
       points=((0.7, -1.3), (-2.1, 0.4), (1.5, 2.5))),
    Op("minimum", 2, lambda m, a, b: m.minimum(a, b),
       (lambda m, o, a, b: m.step(b, a, 0.5), lambda m, o, a, b: m.step(a, b, 0.5)),
       symbol="min", text="min(‹a›, ‹b›)", latex="\\min(‹a›, ‹b›)", code="min(‹a›, ‹b›)",
       dtext=("[‹a› < ‹b›]", "[‹b› < ‹a›]"), dlatex=("[‹a› < ‹b›]", "[‹b› < ‹a›]"),
       dcode=("(‹a› < ‹b›) + 0.5 * (‹a› == ‹b›)", "(‹b› < ‹a›) + 0.5 * (‹a› == ‹b›)"),
       kink="At a tie each input gets half the gradient, as for maximum.",
       points=((0.7, -1.3), (-2.1, 0.4), (1.5, 2.5))),
    # ------------------------------------------- steps (derivatives of the kinks)
    Op("heaviside", 2, lambda m, a, b: m.heaviside(a, b), (_zero, _zero),
       symbol="H", text="H(‹a›; ‹b›)", latex="H_{‹b›}(‹a›)",
       code="(1.0 if ‹a› > 0 else (‹b› if ‹a› == 0 else 0.0))",
       dtext=("0", "0"), dlatex=("0", "0"), dcode=("0", "0"),
       kink="A step: its derivative is 0 everywhere but at 0, where it is taken to be 0 too. "
            "The second input is the value at 0 (0 for relu', 0.5 at a tie of max/min).",
       points=((-1.7, 0.5), (0.6, 0.0), (2.3, 0.5))),
    Op("sign", 1, lambda m, a: m.sign(a), (_zero,),
       symbol="sign", text="sign(‹a›)", latex="\\operatorname{sign} ‹a›",
       code="float((‹a› > 0) - (‹a› < 0))",
       dtext=("0",), dlatex=("0",), dcode=("0",),
       kink="A step: derivative 0 everywhere, taken to be 0 at 0 too.", points=_AWAY_FROM_ZERO),
    # ---------------------------------------- reductions of a batch to one number
    # On a float (one sample) both are the identity; on a numpy batch of N samples the
    # local derivative is 1 (sum) or 1/N (mean) for every sample. Python source: the
    # ``flat``/``size`` fallbacks make one line serve floats and numpy arrays.
    Op("sum", 1, lambda m, a: m.sum(a), (lambda m, o, a: m.ones_like(a),),
       symbol="Σ", text="Σ ‹a›", latex="\\sum_i ‹a›_i",
       code="math.fsum(getattr(‹a›, 'flat', [‹a›]))",
       dtext=("1",), dlatex=("1",), dcode=("1",),
       domain="any real input; a batch of samples becomes one number", points=_ANYWHERE),
    Op("mean", 1, lambda m, a: m.sum(a) / m.size(a), (lambda m, o, a: m.ones_like(a) / m.size(a),),
       symbol="mean", text="mean(‹a›)", latex="\\frac{1}{N} \\sum_i ‹a›_i",
       code="math.fsum(getattr(‹a›, 'flat', [‹a›])) / getattr(‹a›, 'size', 1)",
       dtext=("1/N",), dlatex=("\\frac{1}{N}",), dcode=("1.0 / getattr(‹a›, 'size', 1)",),
       domain="any real input; a batch of N samples becomes their average", points=_ANYWHERE),
)

#: Every op by name.
OPS: dict[str, Op] = {op.name: op for op in _TABLE}

#: The ops a user calls as functions: ``sg.exp(x)``, and ``exp(x)`` in an expression.
FUNCTIONS: dict[str, Op] = {op.name: op for op in _TABLE if op.function}

#: The names of the built-in ops (the table above). Own ops (``sg.define_op``) join
#: ``OPS``, and ``FUNCTIONS`` when asked to, through :func:`register`.
BUILTIN: frozenset[str] = frozenset(OPS)

#: numpy ufuncs (by ``ufunc.__name__``) that build a node of the op named when given a Node:
#: ``np.exp(x)`` is ``sg.exp(x)``, ``np.maximum(x, 0)`` is ``sg.maximum(x, 0)``.
UFUNCS: dict[str, str] = {
    "add": "add", "subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
    "negative": "neg", "power": "pow", "float_power": "pow",
    "exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tanh": "tanh",
    "absolute": "abs", "fabs": "abs", "sign": "sign", "heaviside": "heaviside",
    "maximum": "maximum", "minimum": "minimum", "fmax": "maximum", "fmin": "minimum",
}


def register(op: Op, ufunc: str | None = None) -> None:
    """Add (or replace) an own op in the table; a built-in op cannot be replaced."""
    if op.name in BUILTIN:
        raise ValueError(f"{op.name!r} is a built-in op")
    unregister(op.name)
    OPS[op.name] = op
    if op.function:
        FUNCTIONS[op.name] = op
    if ufunc:
        UFUNCS[ufunc] = op.name


def unregister(name: str) -> None:
    """Remove an own op (and its ufunc) from the table; the built-in ops stay."""
    if name in BUILTIN:
        raise ValueError(f"{name!r} is a built-in op")
    OPS.pop(name, None)
    FUNCTIONS.pop(name, None)
    for key in [k for k, v in UFUNCS.items() if v == name]:
        del UFUNCS[key]
