"""A sympy namespace for the op table: the table's own formulas, evaluated symbolically.

Handing ``SYMPY`` to an op's ``forward`` builds a sympy expression from the same
formula the engine runs on floats; ``sympy.diff`` of that expression is sympy's own
calculus, independent of the table's ``derivatives``. Every name the table uses
(``scalargraph.core.namespaces.MATH``) has a counterpart here.

The kinks are written with sympy's ``Heaviside`` through identities exact for every
real number, 0 included: ``relu(x) = x·H(x)``, ``sign(x) = 2·H(x, ½) − 1``,
``|x| = x·sign(x)``, ``max(a, b) = b + (a − b)·H(a − b)``. sympy's own ``Abs``, ``sign``
and ``Max`` differentiate to steps only when sympy can prove the argument real, which
it cannot for ``log(x + 1)`` (it leaves an unevaluated ``Derivative(sign(...))``), and
their automatic simplification of large arguments is slow.

>>> import sympy
>>> from scalargraph.core.ops import OPS
>>> x = sympy.Symbol("x", real=True)
>>> sympy.diff(OPS["sigmoid"].forward(SYMPY, x), x) == sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2
True
>>> sympy.diff(OPS["relu"].forward(SYMPY, x), x)
x*DiracDelta(x) + Heaviside(x, 0)
>>> [SYMPY.abs(v) for v in (-2, 0, 3)], [SYMPY.maximum(1, v) for v in (0, 1, 2)]
([2, 0, 3], [1, 1, 2])
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sympy

__all__ = ["SYMPY", "evaluate", "symbols"]


_H = sympy.Heaviside
_HALF = sympy.Rational(1, 2)


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + sympy.exp(-x))


def _sign(x: Any) -> Any:
    return 2 * _H(x, _HALF) - 1


SYMPY = SimpleNamespace(
    exp=sympy.exp,
    log=sympy.log,
    sqrt=sympy.sqrt,
    sin=sympy.sin,
    cos=sympy.cos,
    tanh=sympy.tanh,
    sigmoid=_sigmoid,
    relu=lambda x: x * _H(x, 0),
    abs=lambda x: x * _sign(x),
    sign=_sign,
    heaviside=lambda x, at_zero: _H(x, at_zero),
    maximum=lambda a, b: b + (a - b) * _H(a - b, 0),
    minimum=lambda a, b: a - (a - b) * _H(a - b, 0),
    pow=sympy.Pow,
    power=sympy.Pow,
    step=lambda a, b, at_tie: _H(a - b, at_tie),
    sum=lambda x: x,
    ones_like=lambda x: sympy.Integer(1),
    size=lambda x: 1,
)


def symbols(count: int) -> tuple[sympy.Symbol, ...]:
    """``count`` real symbols ``x0, x1, ...`` (real, so that |x|' = sign(x) and max' is a step)."""
    return tuple(sympy.Symbol(f"x{i}", real=True) for i in range(count))


def evaluate(expr: Any, subs: dict[sympy.Symbol, float], digits: int = 30) -> float:
    """``expr`` at ``subs`` as a float, computed by sympy with ``digits`` significant digits.

    Steps and deltas are resolved exactly away from their jumps: Heaviside(0.3) = 1,
    DiracDelta(0.3) = 0; unevaluated derivatives (of a step's value at 0 with respect
    to its second argument) are carried out after substitution.

    >>> x, = symbols(1)
    >>> evaluate(sympy.Heaviside(x) * x + sympy.DiracDelta(x), {x: 0.25})
    0.25
    """
    exact = {s: sympy.Rational(v) for s, v in subs.items()}
    return float(sympy.sympify(expr).subs(exact).doit().evalf(digits))
