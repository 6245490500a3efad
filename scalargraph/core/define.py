"""Your own gate: a new op from its forward function and its local derivatives.

``sg.define_op(name, forward, derivatives)`` writes one more entry into the op
table (:mod:`scalargraph.core.ops`), so the op works wherever a built-in one
does: backward, ``Graph``, ``gradcheck``, batches, diagrams, steps, quiz and
tape. ``forward`` takes the inputs (one or two numbers); each derivative takes
the inputs, and the output too if it has one more parameter (or one named
``out``). Everything else has a default; ``code=``/``dcode=`` (Python source in
the forward function's parameter names) make ``staged_code`` work, ``parse=True``
lets ``sg.parse`` call the op. Defining it checks the derivatives against
central differences at a few points and warns on a mismatch.

>>> import math, scalargraph as sg
>>> softplus = sg.define_op("softplus", lambda x: math.log(1 + math.exp(x)),
...                         lambda x: 1 / (1 + math.exp(-x)))
>>> x = sg.Node(0.0, name="x")
>>> y = softplus(x)                        # or x.softplus(): a one-input op is a method too
>>> y.value, y.op.name                     # ln 2
(0.6931471805599453, 'softplus')
>>> y.backward(); x.grad                   # σ(0)
0.5
"""

from __future__ import annotations

import inspect
import math
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import DerivativeMismatchWarning, InputError
from . import node as _node
from .functions import CALLABLES, _function
from .namespaces import MATH, numpy_namespace
from .node import Node
from .ops import BUILTIN, UFUNCS, Op, register, unregister

__all__ = ["define_op", "forget_op"]

_MARKS = ("‹a›", "‹b›")
_POINTS = {1: ((-1.3,), (0.4,), (2.2,)), 2: ((0.7, -1.3), (-2.1, 0.4), (1.5, 2.5))}


def define_op(
    name: str,
    forward: Callable[..., Any],
    derivatives: Callable[..., Any] | Sequence[Callable[..., Any]],
    *,
    symbol: str | None = None,
    text: str | None = None,
    latex: str | None = None,
    code: str | None = None,
    dcode: Sequence[str] | str | None = None,
    dtext: Sequence[str] | str | None = None,
    dlatex: Sequence[str] | str | None = None,
    arity: int | None = None,
    domain: str = "",
    fix: str = "",
    kink: str = "",
    points: Sequence[Sequence[float]] | None = None,
    parse: bool = False,
    ufunc: str | None = None,
    check: bool = True,
) -> Callable[..., Node]:
    """Add the op ``name`` to the table and return its function (as ``sg.exp`` is exp's).

    - ``forward(a)`` or ``forward(a, b)``: the value, from numbers. Written with ``math``
      it still works on batches (evaluated sample by sample); written with numpy
      (``np.exp``) it is vectorised, and its derivatives work on Nodes too, for
      ``sg.grad(..., create_graph=True)``.
    - ``derivatives``: one function per input (a single function for a one-input op),
      each d out / d input from the inputs, or from the inputs and then the output.
    - ``symbol`` (diagram box, default the name), ``text``/``latex`` (the formula, with
      ``‹a›``, ``‹b›``, ``‹out›`` for the labels), ``dtext``/``dlatex`` (each derivative),
      ``code``/``dcode`` (Python source using ``math``, in ``forward``'s own parameter
      names and ``out``), ``domain``/``fix``/``kink`` (notes shown in errors and docs).
    - ``points``: where the derivatives are checked (default three points; points
      where ``forward`` fails are skipped); ``check=False`` skips the check.
    - ``parse=True``: ``sg.parse`` may call it; ``ufunc="arctan"``: ``np.arctan(node)``
      builds it.

    Defining a name again replaces your earlier op (nodes already built keep the old
    one); a built-in op cannot be replaced.

    >>> import scalargraph as sg
    >>> madd = sg.define_op("madd", lambda a, b: a * b + a + b,
    ...                     [lambda a, b: b + 1, lambda a, b: a + 1], symbol="×+")
    >>> a, b = sg.Node(2.0, name="a"), sg.Node(3.0, name="b")
    >>> f = madd(a, b); f.backward()
    >>> f.value, a.grad, b.grad
    (11.0, 4.0, 3.0)
    """
    _check_name(name)
    params = _parameters(forward, arity)
    n = len(params)
    derivs = _as_tuple(derivatives, callable, "derivatives", n)
    if not all(callable(d) for d in derivs):
        raise InputError(f"define_op({name!r}): derivatives must be functions, one per input")
    if code is not None and not isinstance(code, str):
        raise InputError(f"define_op({name!r}): code must be a str of Python source")
    dcodes = _as_tuple(dcode, None, "dcode", n) if dcode is not None else None
    if (code is None) != (dcodes is None):
        raise InputError(f"define_op({name!r}): give both code= and dcode= (Python source for the "
                         "forward formula and for each derivative), or neither")
    if ufunc is not None and UFUNCS.get(ufunc, name) != name:
        raise InputError(f"define_op({name!r}): np.{ufunc} already builds {UFUNCS[ufunc]!r}")
    args = ", ".join(_MARKS[:n])
    plain = [_template(c, params) for c in (code, *(dcodes or ()))] if code is not None else []
    rname = name.replace("_", "\\_")
    op = Op(
        name, n, _lift_forward(name, forward),
        tuple(_lift_derivative(name, k, d, n) for k, d in enumerate(derivs)),
        symbol=symbol or name,
        text=text or f"{name}({args})",
        latex=latex or f"\\operatorname{{{rname}}}({args})",
        code=plain[0] if plain else "",
        dtext=(_as_tuple(dtext, None, "dtext", n) if dtext is not None
               else tuple(_readable(c) for c in plain[1:]) or _default_dtext(name, n)),
        dlatex=(_as_tuple(dlatex, None, "dlatex", n) if dlatex is not None
                else _default_dlatex(rname, n)),
        dcode=tuple(plain[1:]) or ("",) * n,
        domain=domain or f"the inputs where {name} is defined (its forward function failed)",
        fix=fix,
        kink=kink,
        points=tuple(tuple(float(v) for v in p) for p in (points or _POINTS[n])),
        function=parse,
    )
    if check:
        _check_derivatives(op, points is not None)
    register(op, ufunc)
    function = _function(op)
    CALLABLES[name] = function
    if name in _OWN_METHODS:  # an earlier op of this name gave Node a method
        delattr(Node, name)
        _OWN_METHODS.discard(name)
    if n == 1:
        _node.add_method(op)
        _OWN_METHODS.add(name)
    return function


#: Own one-input ops that gave Node a method (removed again with the op).
_OWN_METHODS: set[str] = set()


def forget_op(name: str) -> None:
    """Remove your op ``name`` from the table (its function, method and ufunc too).

    >>> import scalargraph as sg
    >>> _ = sg.define_op("double", lambda x: 2 * x, lambda x: 2.0)
    >>> forget_op("double"); "double" in sg.OPS, hasattr(sg.Node(1.0), "double")
    (False, False)
    """
    if name in BUILTIN:
        raise InputError(f"{name!r} is a built-in op; only ops made with define_op can be forgotten")
    unregister(name)
    CALLABLES.pop(name, None)
    if name in _OWN_METHODS:
        delattr(Node, name)
        _OWN_METHODS.discard(name)


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise InputError(f"define_op(): the name must be a Python identifier not starting with _, "
                         f"such as 'softplus', got {name!r}")
    if name in BUILTIN:
        raise InputError(f"define_op(): {name!r} is a built-in op and cannot be replaced; "
                         "give your op another name")
    if hasattr(Node, name) and name not in _OWN_METHODS:
        raise InputError(f"define_op(): {name!r} is already a Node attribute (node.{name}); "
                         "give your op another name")


def _parameters(forward: Any, arity: int | None) -> list[str]:
    """The forward function's input names: ``x`` for ``lambda x: ...``, ``a, b`` for two."""
    if not callable(forward):
        raise InputError(f"define_op(): forward must be a function of the inputs, got {forward!r}")
    try:
        sig = inspect.signature(forward)
        names = [p.name for p in sig.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    except (TypeError, ValueError):  # a builtin without a signature, e.g. a numpy ufunc
        names = []
    n = arity if arity is not None else (len(names) or getattr(forward, "nin", 0))
    if n not in (1, 2):
        raise InputError(
            f"define_op(): an op takes one or two inputs, like every op in the table; forward "
            f"takes {n} ({', '.join(names) or 'pass arity='}). For a*b + c, define the two-input "
            "part as an op and add c with +")
    return names[:n] if len(names) >= n else ["x", "y"][:n]


def _as_tuple(value: Any, single: Any, what: str, n: int) -> tuple[Any, ...]:
    """One item per input: a lone function (or string) for a one-input op, else a sequence."""
    if isinstance(value, str) or (single is callable and callable(value)):
        items: tuple[Any, ...] = (value,)
    else:
        try:
            items = tuple(value)
        except TypeError:
            items = (value,)
    if len(items) != n:
        raise InputError(f"define_op(): {what} needs one entry per input ({n}), got {len(items)}")
    return items


def _takes_out(fn: Callable[..., Any], n: int) -> str:
    """'keyword' if the derivative has a parameter named out, 'last' if it takes n + 1, else ''."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return ""
    if any(p.name == "out" for p in params):
        return "keyword"
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return "last" if len(positional) == n + 1 else ""


def _lift_forward(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn(*inputs)`` in the table's convention ``forward(m, *inputs)``."""

    def forward(m: Any, *args: Any) -> Any:
        return _evaluate(m, fn, args, {}, f"{name}")

    return forward


def _lift_derivative(name: str, k: int, fn: Callable[..., Any], n: int) -> Callable[..., Any]:
    """``fn(*inputs[, out])`` in the table's convention ``derivative(m, out, *inputs)``."""
    how = _takes_out(fn, n)
    what = f"the derivative of {name} for input {k + 1}"
    if how == "keyword":
        def derivative(m: Any, out: Any, *args: Any) -> Any:
            return _evaluate(m, fn, args, {"out": out}, what)
    elif how == "last":
        def derivative(m: Any, out: Any, *args: Any) -> Any:
            return _evaluate(m, fn, (*args, out), {}, what)
    else:
        def derivative(m: Any, out: Any, *args: Any) -> Any:
            return _evaluate(m, fn, args, {}, what)
    return derivative


def _evaluate(m: Any, fn: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any], what: str) -> Any:
    """``fn`` on floats (a float back), numpy batches (sample by sample if it must) or Nodes."""
    if m is MATH:
        value = fn(*args, **kw)
        try:
            number = float(value)
        except TypeError:
            raise InputError(f"{what} returned {type(value).__name__} {value!r}, not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{what} is not finite here")  # the engine reports it as a DomainError
        return number
    if m is numpy_namespace():
        np = sys.modules["numpy"]
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        try:
            value = fn(*args, **kw)
            if np.shape(value) in (shape, ()):
                return value
        except (TypeError, ValueError):  # written with math or max(): one sample at a time
            pass
        return np.vectorize(lambda *a: float(fn(*a, **kw)), otypes=[float])(*args)
    try:  # Nodes (second derivatives) or a test's symbolic namespace
        return fn(*args, **kw)
    except TypeError as err:
        raise InputError(
            f"{what} cannot be evaluated on Nodes ({err}). For second derivatives write it with "
            "sg's functions or numpy's (sg.exp or np.exp, not math.exp)") from None


def _template(code: str, params: list[str]) -> str:
    """Python source in the forward function's names as a table template (‹a›, ‹b›, ‹out›).

    >>> _template("math.log(1 + math.exp(x)) * out", ["x"])
    'math.log(1 + math.exp(‹a›)) * ‹out›'
    """
    if not isinstance(code, str) or "\n" in code.strip():
        raise InputError(f"define_op(): code and dcode must be one line of Python source each, got {code!r}")
    marks = {p: mark for p, mark in zip(params, _MARKS)} | {"out": "‹out›"}
    pattern = r"(?<![\w.])(" + "|".join(map(re.escape, marks)) + r")(?!\w)"
    return re.sub(pattern, lambda match: marks[match.group(1)], code.strip())


def _readable(code: str) -> str:
    """A derivative's source as plain text for steps and diagrams: no ``math.`` prefixes."""
    return re.sub(r"\b(math|np|numpy)\.", "", code)


def _default_dtext(name: str, n: int) -> tuple[str, ...]:
    if n == 1:
        return (f"{name}′(‹a›)",)
    return tuple(f"∂{name}/∂{mark}" for mark in _MARKS)


def _default_dlatex(rname: str, n: int) -> tuple[str, ...]:
    if n == 1:
        return (f"\\operatorname{{{rname}}}'(‹a›)",)
    return tuple(f"\\frac{{\\partial\\,\\operatorname{{{rname}}}}}{{\\partial {mark}}}" for mark in _MARKS)


def _check_derivatives(op: Op, asked: bool) -> None:
    """Central differences at ``op.points``; a warning names every mismatch found."""
    problems, checked = [], 0
    for point in op.points:
        if len(point) != op.arity:
            raise InputError(f"define_op({op.name!r}): each point needs {op.arity} coordinate(s), "
                             f"got {point}")
        try:
            out = op.forward(MATH, *point)
        except (ArithmeticError, ValueError):
            if asked:
                problems.append(f"forward fails at {point}")
            continue
        checked += 1
        for k in range(op.arity):
            try:
                analytic = op.derivatives[k](MATH, out, *point)
            except (ArithmeticError, ValueError) as err:
                problems.append(f"d/d input {k + 1} fails at {point}: {err}")
                continue
            numeric = _central(op, point, k)
            tolerance = 1e-6 + 1e-4 * max(abs(analytic), abs(numeric or 0.0))
            if numeric is not None and abs(analytic - numeric) > tolerance:
                problems.append(f"d/d input {k + 1} at {point}: your derivative gives {analytic:.8g}, "
                                f"central differences {numeric:.8g}")
    if checked == 0:
        problems.append(f"forward fails at every point tried ({op.points}); pass points= inside its domain")
    if problems:
        warnings.warn(f"define_op({op.name!r}): the derivatives do not match the forward function: "
                      + "; ".join(problems), DerivativeMismatchWarning, stacklevel=3)


def _central(op: Op, point: tuple[float, ...], k: int) -> float | None:
    h = 1e-6 * max(1.0, abs(point[k]))
    up, down = list(point), list(point)
    up[k] += h
    down[k] -= h
    try:
        return (op.forward(MATH, *up) - op.forward(MATH, *down)) / (2 * h)
    except (ArithmeticError, ValueError):
        return None
