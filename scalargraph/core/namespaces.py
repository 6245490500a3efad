"""The elementary functions the op table is written in, for each kind of value.

The op table (:mod:`scalargraph.core.ops`) writes every forward function and every
local derivative once, against a namespace ``m`` of elementary functions
(``m.exp``, ``m.log``, ``m.heaviside`` ...). Handing it a different namespace
evaluates the same formula on a different kind of value:

- :data:`MATH` for Python floats (the fast path of the engine),
- :func:`numpy_namespace` for numpy arrays (batches of samples),
- the Node namespace (``scalargraph.core.node.NODES``) to build graphs of derivatives,
- a sympy namespace in the tests, to compare the table with symbolic calculus.

>>> MATH.sigmoid(0.0)
0.5
>>> MATH.heaviside(0.0, 0.5), MATH.heaviside(-2.0, 0.5)
(0.5, 0.0)
"""

from __future__ import annotations

import math
from functools import cache
from types import SimpleNamespace
from typing import Any

__all__ = ["MATH", "numpy_namespace"]

#: exp(-x) overflows a float below this input; sigmoid switches formula there.
_EXP_LIMIT = 700.0


def _sigmoid(x: float) -> float:
    # The cs231n form 1 / (1 + e^-x), bit for bit, wherever e^-x fits in a float;
    # below that the algebraically equal e^x / (1 + e^x), which cannot overflow.
    if x > -_EXP_LIMIT:
        return 1.0 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _heaviside(x: float, at_zero: float) -> float:
    return 1.0 if x > 0.0 else (at_zero if x == 0.0 else 0.0)


def _sign(x: float) -> float:
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)


def _relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def _maximum(a: float, b: float) -> float:
    return a if a >= b else b


def _minimum(a: float, b: float) -> float:
    return a if a <= b else b


def _step(a: float, b: float, at_tie: float) -> float:
    # H(a - b) without computing a - b, which overflows for large a and -b.
    return 1.0 if a > b else (at_tie if a == b else 0.0)


def _power(a: float, b: float) -> float:
    # The op's forward: 0 ** b for b < 1 is refused (its derivative b·0^(b-1) is infinite,
    # or 0·inf at b = 0), as the op's domain says. math.pow raises where the real power is
    # undefined (0 ** -1, (-8) ** 0.5), where a ** b would quietly return a complex number.
    if a == 0.0 and b < 1.0:
        raise ValueError("0 ** b needs b >= 1")
    return math.pow(a, b)


MATH = SimpleNamespace(
    exp=math.exp,
    log=math.log,
    sqrt=math.sqrt,
    sin=math.sin,
    cos=math.cos,
    tanh=math.tanh,
    sigmoid=_sigmoid,
    relu=_relu,
    abs=abs,
    sign=_sign,
    heaviside=_heaviside,
    maximum=_maximum,
    minimum=_minimum,
    pow=math.pow,
    power=_power,
    step=_step,
    sum=lambda x: x,
    ones_like=lambda x: 1.0,
    size=lambda x: 1,
)


@cache
def numpy_namespace() -> SimpleNamespace:
    """The same functions for numpy arrays; numpy is imported only when asked.

    >>> import numpy as np
    >>> NP = numpy_namespace()
    >>> NP.sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    import numpy as np

    def power(a: Any, b: Any) -> Any:
        if np.any((a == 0) & (b < 1)):
            raise FloatingPointError("0 ** b needs b >= 1")
        return np.power(a, b)

    def step(a: Any, b: Any, at_tie: float) -> Any:
        return np.where(a > b, 1.0, np.where(a == b, at_tie, 0.0))

    def sigmoid(x: Any) -> Any:
        with np.errstate(over="ignore"):  # e^-x = inf gives 1 / inf = 0, the right limit
            return 1.0 / (1 + np.exp(-x))

    return SimpleNamespace(
        exp=np.exp,
        log=np.log,
        sqrt=np.sqrt,
        sin=np.sin,
        cos=np.cos,
        tanh=np.tanh,
        sigmoid=sigmoid,
        relu=lambda x: np.maximum(x, 0.0),
        abs=np.abs,
        sign=np.sign,
        heaviside=np.heaviside,
        maximum=np.maximum,
        minimum=np.minimum,
        pow=np.power,
        power=power,
        step=step,
        sum=np.sum,
        ones_like=np.ones_like,
        size=np.size,
    )
