"""The closest Node method to a misspelled one: ``x.rleu()`` -> "Did you mean .relu()?".

Python's own "Did you mean" (3.10+) stops at small edit distances and misses swapped
letters (``rleu``, ``tahn``, ``gard``); :mod:`difflib` finds them. These functions only
compute the hint; ``scalargraph.tracebacks`` shows it where the error is printed (the
interpreter's traceback, IPython and Jupyter), without a ``__getattr__`` on ``Node``
(which would slow down every attribute read of every node).

>>> import scalargraph as sg
>>> closest_name("rleu"), closest_name("gard"), closest_name("zzzzzz")
('relu', 'grad', None)
>>> try:
...     sg.Node(1.0).tahn()
... except AttributeError as err:
...     print(attribute_hint(err))  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
Node has no attribute 'tahn'. Did you mean .tanh()? (the op table's one-input functions,
as methods: abs, cos, exp, log, ...)
>>> try:
...     sg.Node(1.0).gard
... except AttributeError as err:
...     print(attribute_hint(err))
Node has no attribute 'gard'. Did you mean .grad?
"""

from __future__ import annotations

from .node import Node
from .ops import OPS

__all__ = ["attribute_hint", "closest_name"]

#: How alike (difflib's ratio, 0 to 1) a name must be to be suggested: rleu/relu is 0.75.
CUTOFF = 0.6


def public_names(cls: type = Node) -> list[str]:
    """The names a learner may write after ``x.``: Node's public attributes and methods
    (every one-input op of the table, yours from ``sg.define_op`` included)."""
    return [n for n in dir(cls) if not n.startswith("_")]


def closest_name(wrong: str, cls: type = Node) -> str | None:
    """The public attribute of ``cls`` (default Node) closest to ``wrong``, or None if none is close."""
    if not isinstance(wrong, str) or not wrong or wrong.startswith("_"):
        return None
    import difflib  # only when an error is shown, never at `import scalargraph`

    found = difflib.get_close_matches(wrong, public_names(cls), n=1, cutoff=CUTOFF)
    return found[0] if found else None


def method_names(cls: type = Node) -> list[str]:
    """The one-input functions of the op table that are methods of ``cls``, sorted."""
    return sorted(n for n, op in OPS.items() if op.arity == 1 and callable(getattr(cls, n, None)))


def attribute_hint(exc: BaseException) -> str | None:
    """The hint for an ``AttributeError`` raised by a misspelled attribute of a Node, else None.

    Any other exception, an object that is not a Node, or a name close to nothing: None."""
    if not isinstance(exc, AttributeError):
        return None
    obj, wrong = getattr(exc, "obj", None), getattr(exc, "name", None)
    if not isinstance(obj, Node) or not isinstance(wrong, str):
        return None
    cls = type(obj)
    right = closest_name(wrong, cls)
    if right is None:
        return None
    methods = method_names(cls)
    if right in methods:
        return (f"{cls.__name__} has no attribute {wrong!r}. Did you mean .{right}()? "
                f"(the op table's one-input functions, as methods: {', '.join(methods)})")
    call = "()" if callable(getattr(cls, right, None)) else ""  # a method, not a slot or property
    return f"{cls.__name__} has no attribute {wrong!r}. Did you mean .{right}{call}?"
