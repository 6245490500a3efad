"""Scalar nodes: leaves (inputs, parameters, constants) and the ops that combine them.

Writing ``x * y`` computes the value at once (eagerly) and records the op and
its inputs, so the graph can later be re-evaluated and differentiated.

>>> from scalargraph import Node
>>> x, y, z = Node(-2.0, name="x"), Node(5.0, name="y"), Node(-4.0, name="z")
>>> q = x + y
>>> f = q * z
>>> f.value, f.op.name, f.inputs == (q, z), q.grad is None
(-12.0, 'mul', True, True)
>>> f.backward()
>>> x.grad, y.grad, z.grad
(-4.0, -4.0, 3.0)
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from contextvars import ContextVar, Token
from threading import Lock
from typing import Any

from ..errors import BatchShapeError, DomainError, InputError, OperandTypeError
from .namespaces import MATH, numpy_namespace
from .ops import FUNCTIONS, OPS, Op

__all__ = [
    "Constant", "Group", "Node", "Param", "apply", "as_value", "group", "is_param", "operand", "set_display",
]


class Group:
    """A named set of nodes drawn together (a Graphviz cluster). Groups nest.

    >>> import scalargraph as sg
    >>> with sg.group("layer 1") as g:
    ...     h = sg.Node(1.0) * 2
    >>> h.group is g, g.name, g.parent is None
    (True, 'layer 1', True)
    """

    __slots__ = ("name", "parent")

    def __init__(self, name: str, parent: Group | None) -> None:
        self.name = name
        self.parent = parent

    def __reduce__(self) -> tuple[Any, ...]:
        return (Group, (self.name, self.parent))

    def path(self) -> tuple[str, ...]:
        """Names from the outermost group to this one."""
        names: list[str] = []
        g: Group | None = self
        while g is not None:
            names.append(g.name)
            g = g.parent
        return tuple(reversed(names))

    def __repr__(self) -> str:
        return f"Group({' / '.join(self.path())!r})"


# When each value was computed or assigned: an op node's ``_mark`` (a leaf's entry in
# ``_ASSIGNED``) holds the clock's reading then.
# The clock moves only when a value is assigned (``node.value = ...``, Graph.forward) or
# re-evaluated (graph.refresh); building a node just reads it. A node computed before one
# of its inputs (a smaller stamp) holds an old value. ``_CHANGED_AT`` is the clock at the
# last assignment or re-evaluation: a graph whose op nodes are all stamped at or after it
# is current, which a backward pass checks with one comparison per node.
_CLOCK = 0
_CHANGED_AT = 0
# A leaf's stamp (when its value was last assigned) is kept here, for the leaves that were
# ever assigned: an op node keeps its stamp in its ``_mark`` slot, but a Param's holds True.
# A leaf that only this table refers to is dropped now and then (no graph can use it).
_ASSIGNED: dict[Node, int] = {}
_PRUNE_AT = 1024


def stamp_leaf(leaf: Node, now: int) -> None:
    """Record that ``leaf``'s value was assigned at clock reading ``now``."""
    global _PRUNE_AT
    _ASSIGNED[leaf] = now
    if len(_ASSIGNED) > _PRUNE_AT:
        for n in list(_ASSIGNED):
            if sys.getrefcount(n) <= 4:  # the table, this list, the loop and the call
                del _ASSIGNED[n]
        _PRUNE_AT = max(1024, 2 * len(_ASSIGNED))


def stamp(node: Node) -> int:
    """When ``node``'s value was computed (an op node) or last assigned (a leaf; 0: never)."""
    return node._mark if node._a is not None else _ASSIGNED.get(node, 0)


# The innermost open group (its ``parent`` is the next one out), per thread and per
# asyncio task: a node built in another thread never joins this thread's group.
_GROUP: ContextVar[Group | None] = ContextVar("scalargraph_group", default=None)
_current_group = _GROUP.get
# How many ``with sg.group(...)`` blocks are open in all threads together: while none is,
# a new node skips the context variable (a global load instead of a call per node).
_OPEN = 0
_COUNTING = Lock()


class group:  # noqa: N801 - used as ``with sg.group("name"):``, like a function
    """Context manager: nodes created inside belong to a named group.

    The open group belongs to the thread (and asyncio task) that opened it, and
    leaving the block restores the group that was open before it.

    >>> import scalargraph as sg, threading
    >>> with sg.group("outer") as g:
    ...     elsewhere = []
    ...     t = threading.Thread(target=lambda: elsewhere.append(sg.Node(1.0)))
    ...     t.start(); t.join()
    ...     here = sg.Node(2.0)
    >>> here.group is g, elsewhere[0].group is None, sg.Node(3.0).group is None
    (True, True, True)
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise InputError(f"group name must be a non-empty string, got {name!r}")
        self.name = check_name(name, "group name")
        self._tokens: list[Token[Group | None]] = []

    def __enter__(self) -> Group:
        global _OPEN
        g = Group(self.name, _GROUP.get())
        self._tokens.append(_GROUP.set(g))
        with _COUNTING:
            _OPEN += 1
        return g

    def __exit__(self, *exc: object) -> None:
        global _OPEN
        _GROUP.reset(self._tokens.pop())
        with _COUNTING:
            _OPEN -= 1


def _operator(name: str, symbol: str, reflected: bool = False) -> Callable[[Node, Any], Node]:
    """The operator method (``__add__``, ``__rmul__`` ...) for the table's op ``name``.

    Graph building is the hot path, so the method does in one Python call what
    ``_binary(op, self, operand(other, symbol, self))`` does in three: wrap a
    number as a Constant, evaluate the table's forward function, build the node.
    """
    op = OPS[name]
    forward = op.forward
    isfinite = math.isfinite

    if reflected:  # ``2 * x``: the number is on the left; rare, so the generic path
        def method(self: Node, other: Any) -> Node:
            return _binary(op, operand(other, symbol, self, reflected=True), self)
    else:
        def method(self: Node, other: Any) -> Node:
            if not isinstance(other, Node):
                other = operand(other, symbol, self)
            av = self._value
            bv = other._value
            if av.__class__ is float and bv.__class__ is float:
                try:
                    value = forward(MATH, av, bv)
                except (ArithmeticError, ValueError) as error:
                    raise domain_error(op, (av, bv), error=error) from None
                if not isfinite(value):  # overflow: the cheapest check measured (no float made)
                    raise overflow_error(op, (av, bv), value)
            else:
                value = evaluate_batch(op, (av, bv))
            n = _NODE_NEW(Node)  # as _make, inline
            n._value = value
            n._mark = _CLOCK
            n.grad = None
            n.name = None
            n.op = op
            n._a = self
            n._b = other
            n.group = _current_group() if _OPEN else None
            return n

    dunder = "truediv" if name == "div" else name
    method.__name__ = f"__{'r' if reflected else ''}{dunder}__"
    method.__qualname__ = f"Node.{method.__name__}"
    return method


class Node:
    """A scalar (or a batch of independent samples) in a computation graph.

    Fields: ``value``; ``grad`` (None until a backward pass reaches the node);
    ``name``; ``op`` (an :class:`~scalargraph.core.ops.Op`, None for leaves);
    ``inputs`` (a tuple, in argument order); ``group``.

    Assigning ``value`` (``a.value -= lr * a.grad``) checks the new value at once
    and marks the node changed: the next ``backward()``, ``sg.draw``, ``sg.steps``,
    ``sg.quiz``, ``sg.tape`` or ``sg.staged_code`` first re-evaluates the nodes that
    depend on it, so no tool shows an op's value computed from an input's old value.

    >>> import scalargraph as sg
    >>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
    >>> f = x * y
    >>> x.value = 5
    >>> f.value                    # not re-evaluated yet: reading a value never computes
    -12.0
    >>> f.backward(); f.value, y.grad
    (-20.0, 5.0)
    >>> x.value = "5"
    Traceback (most recent call last):
    ...
    scalargraph.errors.OperandTypeError: x: a node value must be an int, float, ... got str '5'
    """

    # ``_mark`` is True on a Param (an empty slot on a leaf reads as "not a Param", see
    # :class:`Param`); on an op node it is when its value was computed (see ``_CLOCK``).
    # One slot for both: a ninth slot would move every node from CPython's 96-byte
    # allocation size class to the 112-byte one, which slowed the MLP benchmark's graph
    # building and backward pass by about 7%. ``_value`` is the value (the engine's hot
    # loops read the slot; ``value`` is the checked property).
    __slots__ = ("_a", "_b", "_mark", "_value", "grad", "group", "name", "op")

    _value: Any
    _mark: Any  # True on a Param; the clock's reading on an op node
    grad: Any
    name: str | None
    op: Op | None
    group: Group | None
    _a: Node | None
    _b: Node | None

    def __init__(self, value: Any, name: str | None = None, *, label: str | None = None) -> None:
        if label is not None:  # micrograd's name for it: Value(2.0, label="a")
            name = _same_name(name, label)
        if name is not None:
            if not isinstance(name, str):
                raise InputError(f"a node's name must be a string, got {type(name).__name__} {name!r}")
            check_name(name)
        self._value = as_value(value, name)
        self.grad = None
        self.name = name
        self.op = None
        self._a = self._b = None
        self.group = _current_group() if _OPEN else None

    @property
    def value(self) -> Any:
        """The node's value: a float, or a numpy array of floats (a batch of samples)."""
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        # Checked at once (a string raises OperandTypeError here, not in a later op), and
        # stamped: the nodes computed before this assignment that depend on this node are
        # re-evaluated by the next backward pass or teaching tool (graph.refresh).
        global _CLOCK, _CHANGED_AT
        self._value = as_value(value, self.name)
        _CLOCK += 1
        _CHANGED_AT = _CLOCK
        if self._a is None:
            stamp_leaf(self, _CLOCK)
        else:  # an op node's value set by hand (a what-if): its consumers follow it
            self._mark = _CLOCK

    @property
    def inputs(self) -> tuple[Node, ...]:
        """The op's inputs in argument order; ``()`` for a leaf."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def is_leaf(self) -> bool:
        return self.op is None

    @property
    def kind(self) -> str:
        """``"input"``, ``"param"``, ``"constant"`` or ``"op"``: set when the node is made
        (by ``Node(...)``, ``sg.Param(...)``, a number in an expression, an op).

        >>> import scalargraph as sg
        >>> x = sg.Node(2.0)
        >>> [n.kind for n in (x, sg.Param(1.0), sg.Constant(3.0), x * 3)]
        ['input', 'param', 'constant', 'op']
        """
        if self.op is not None:
            return "op"
        if getattr(self, "_mark", None) is True:
            return "param"
        return "constant" if self.__class__ is Constant else "input"

    # The micrograd lecture's names for the same fields: ``v.data``, ``v.label``.
    @property
    def data(self) -> Any:
        """``value``, as micrograd calls it (settable: ``p.data -= 0.1 * p.grad``)."""
        return self.value

    @data.setter
    def data(self, value: Any) -> None:
        self.value = as_value(value, self.name)

    @property
    def label(self) -> str | None:
        """``name``, as the micrograd lecture calls it (settable: ``e.label = "e"``)."""
        return self.name

    @label.setter
    def label(self, label: str | None) -> None:
        self.name = _same_name(None, label)

    @property
    def _prev(self) -> set[Node]:
        """The inputs as a set, as micrograd keeps them (the lecture's ``draw_dot`` reads it)."""
        return set(self.inputs)

    @property
    def _op(self) -> str:
        """The op's diagram symbol, '' for a leaf: micrograd's ``_op`` (``draw_dot`` shows it)."""
        return self.op.symbol if self.op is not None else ""

    def __array_ufunc__(self, ufunc: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """numpy functions on Nodes build graph nodes: ``np.exp(x)`` is ``sg.exp(x)``; an array
        with a Node is a Node batch (:func:`scalargraph.core.functions.array_ufunc`)."""
        from .functions import array_ufunc  # functions.py imports this module

        return array_ufunc(ufunc, method, args, kwargs)


    def named(self, name: str) -> Node:
        """Give this node a name (shown on diagrams and in steps); returns the node.

        >>> import scalargraph as sg
        >>> q = (sg.Node(-2.0) + sg.Node(5.0)).named("q")
        >>> q.name, q.value
        ('q', 3.0)
        """
        if not isinstance(name, str) or not name:
            raise InputError(f"a node's name must be a non-empty string, got {name!r}")
        self.name = check_name(name)
        return self

    def backward(self) -> None:
        """Fill ``.grad`` of every node this one depends on (d self / d node).

        Gradients are recomputed from scratch each call: no silent accumulation.
        This writes ``.grad`` of every node ``self`` depends on (and uses it to mark the
        nodes it visits), so it must not run while another thread uses these nodes;
        :func:`scalargraph.gradients` and ``sg.grad`` return the same numbers and write nothing.
        """
        from .graph import backward_from  # graph.py imports this module

        backward_from(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> Any:
        """Jupyter shows a node as its diagram, through the display set with :func:`set_display`
        (the core never imports a renderer); the text repr when none is set."""
        if _DISPLAY is None:
            return {"text/plain": repr(self)}
        return _DISPLAY(self, include, exclude, **kwargs)

    def __repr__(self) -> str:
        kind = _kind_name(self)
        head = repr(self.name) if self.op is None else self.op.name
        name = f", name={self.name!r}" if self.op is not None and self.name else ""
        return f"{kind}({head}, value={_short(self.value)}, grad={_short(self.grad)}{name})"

    # ------------------------------------------------------------------ operators
    # Made from the op table at import (one function per op, none per node): see _operator.
    __add__ = _operator("add", "+")
    __radd__ = _operator("add", "+", reflected=True)
    __sub__ = _operator("sub", "-")
    __rsub__ = _operator("sub", "-", reflected=True)
    __mul__ = _operator("mul", "*")
    __rmul__ = _operator("mul", "*", reflected=True)
    __truediv__ = _operator("div", "/")
    __rtruediv__ = _operator("div", "/", reflected=True)
    __pow__ = _operator("pow", "**")
    __rpow__ = _operator("pow", "**", reflected=True)

    def __neg__(self) -> Node:
        return apply(_NEG, self)

    def __pos__(self) -> Node:
        return self

    def __abs__(self) -> Node:
        return apply(OPS["abs"], self)

    def _compare(self, other: Any) -> bool:
        raise TypeError(
            "Nodes are not ordered: compare their values (a.value < b.value), "
            "or use sg.maximum / sg.minimum / sg.relu to keep the comparison in the graph"
        )

    __lt__ = __le__ = __gt__ = __ge__ = _compare

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of a Node is ambiguous: test node.value instead "
            "(an `if` on a node would not be part of the graph)"
        )

    def __float__(self) -> float:
        raise TypeError(
            "a Node is not converted to float silently, which would cut it out of the graph: "
            "use sg.exp(x) rather than math.exp(x), and node.value for the number itself"
        )

    # ------------------------------------------------------------ pickle and copy
    # A node is rebuilt from its slots (ops by name, see Op.__reduce__). The node first
    # reduced in a pickle (or deepcopy) lists every node it depends on, in topological
    # order, ahead of its own slots; those are then reduced one by one, each finding its
    # inputs already saved: no recursion along the graph, so any depth works.
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        if _PENDING.pop(id(self), False) is None:  # listed by the node being pickled
            before = None
        else:
            _PENDING.clear()  # entries an aborted pickle left behind
            from .graph import topological_order  # graph.py imports this module

            before = topological_order(self)[:-1]
            _PENDING.update(dict.fromkeys(map(id, before)))
        slots = {s: getattr(self, s) for s in Node.__slots__ if hasattr(self, s)}
        return (_new_node, (self.__class__,), (before, slots))

    def __setstate__(self, state: tuple[Any, dict[str, Any]]) -> None:
        for slot, value in state[1].items():
            setattr(self, slot, value)

    def __copy__(self) -> Node:
        copy = _new_node(self.__class__)
        for slot in Node.__slots__:
            if hasattr(self, slot):
                setattr(copy, slot, getattr(self, slot))
        return copy


def Param(value: Any, name: str | None = None, *, label: str | None = None) -> Node:  # noqa: N802
    """A trainable leaf: a :class:`Node` whose ``kind`` is ``"param"``. In a binary op it is
    *attached*: ``x * a`` is "multiply by a". A parameter used in several places gets the
    sum of its contributions.

    >>> import scalargraph as sg
    >>> x, a = sg.Node(4.0, name="x"), sg.Param(0.5, name="a")
    >>> F = x * a * a + a          # add_a(mult_a(mult_a(x)))
    >>> F.backward(); a.grad        # dF/da = 2·x·a + 1
    5.0
    >>> a.kind, x.kind, F.kind, sg.is_param(a), type(a).__name__, a
    ('param', 'input', 'op', True, 'Node', Param('a', value=0.5, grad=5.0))

    ``sg.Param(...)`` is a factory, not a class: it makes a Node marked trainable. Ask
    ``node.kind == "param"`` or ``sg.is_param(node)``. CPython caches attribute look-ups
    per class at each line of code; in the engine's hot loops parameters and op nodes meet
    at the same lines (``w * x``, then ``+``), and with two classes every other look-up
    missed its cache. One class for all nodes takes 8% off the instructions (12% off the
    time) of building an MLP's graph and running its backward pass.
    """
    node = Node(value, name, label=label)
    node._mark = True
    return node


def is_param(node: object) -> bool:
    """Whether ``node`` is a parameter (made by :func:`Param`): ``node.kind == "param"``."""
    return getattr(node, "_mark", False) is True


class Constant(Node):
    """A fixed number in the graph (``x * 2`` makes one). It never gets a gradient.

    Unlike a parameter it keeps a class of its own: the reverse pass tells constants
    apart by class (one check per edge, its hottest line), and a training graph has few
    of them. ``node.kind == "constant"`` says the same.
    """

    __slots__ = ()


_NODE_NEW = object.__new__
_isfinite = math.isfinite
#: ids of nodes a pickle or deepcopy in progress will reduce next (see Node.__reduce_ex__).
_PENDING: dict[int, None] = {}


def _new_node(cls: type) -> Any:
    return _NODE_NEW(cls)


#: How Jupyter displays a Node: ``(node, include, exclude, **kwargs) -> mime bundle``.
_DISPLAY: Callable[..., Any] | None = None


def set_display(show: Callable[..., Any] | None) -> None:
    """Set how Jupyter displays a Node (``scalargraph`` sets its diagram; None: the text repr)."""
    global _DISPLAY
    _DISPLAY = show



def _method(op: Op) -> Callable[..., Node]:
    """``x.relu()``, ``x.exp()`` ...: the table's one-input functions as methods, as in micrograd.

    numpy's ``np.sum(x)`` / ``np.mean(x)`` call ``x.sum(axis=None, out=None)``: those keywords
    are accepted when they ask for nothing."""

    def method(self: Node, **numpy: Any) -> Node:
        if any(v is not None for v in numpy.values()):
            raise InputError(f"{op.name}() on a Node takes no {', '.join(numpy)}: "
                             "a batch is reduced whole, to one number")
        return apply(op, self)

    method.__name__ = op.name
    method.__qualname__ = f"Node.{op.name}"
    method.__doc__ = f"``sg.{op.name}(self)``: {op.text.replace('‹a›', 'self')} as a new node."
    return method


def add_method(op: Op) -> None:
    """Give Node the method ``op.name`` (a one-input op), as for every one in the table."""
    setattr(Node, op.name, _method(op))


for _op in FUNCTIONS.values():
    if _op.arity == 1:
        add_method(_op)


def _same_name(name: str | None, label: str | None) -> str | None:
    """``label=`` (micrograd's word) as a name: '' means none; given with ``name``, the same."""
    label = label or None
    if name is not None and label is not None and name != label:
        raise InputError(f"a node has one name: got name={name!r} and label={label!r}; give one")
    if label is not None and not isinstance(label, str):
        raise InputError(f"a node's label must be a string, got {type(label).__name__} {label!r}")
    return label if label is not None else name


def _kind_name(node: object) -> str:
    """"Param" for a parameter, else the class name ("Node", "Constant", ...)."""
    return "Param" if is_param(node) else type(node).__name__


def _make(op: Op, value: Any, a: Node, b: Node | None) -> Node:
    # Bypasses __init__: the value was computed by the op, not given by a user.
    n = _NODE_NEW(Node)
    n._value = value
    n._mark = _CLOCK
    n.grad = None
    n.name = None
    n.op = op
    n._a = a
    n._b = b
    n.group = _current_group() if _OPEN else None
    return n


def _binary(op: Op, a: Node, b: Node) -> Node:
    av = a._value
    bv = b._value
    if av.__class__ is float and bv.__class__ is float:
        value = evaluate(op, (av, bv))
    else:
        value = evaluate_batch(op, (av, bv))
    return _make(op, value, a, b)


def apply(op: Op, *args: Node) -> Node:
    """A new node for ``op`` applied to input nodes (the generic path of every op)."""
    if op.arity == 2:
        return _binary(op, args[0], args[1])
    a = args[0]
    av = a._value
    if av.__class__ is float:
        try:
            value = op.forward(MATH, av)
        except (ArithmeticError, ValueError) as error:
            raise domain_error(op, (av,), error=error) from None
        if not _isfinite(value):  # inf or NaN
            raise overflow_error(op, (av,), value)
    else:
        value = evaluate_batch(op, (av,))
    n = _NODE_NEW(Node)  # as _make, inline: sg.relu, sg.exp ... are hot paths too
    n._value = value
    n._mark = _CLOCK
    n.grad = None
    n.name = None
    n.op = op
    n._a = a
    n._b = None
    n.group = _current_group() if _OPEN else None
    return n


def evaluate(op: Op, values: tuple[Any, ...]) -> Any:
    """``op``'s forward function on input values, with scalargraph's errors."""
    if all(v.__class__ is float for v in values):
        try:
            value = op.forward(MATH, *values)
        except (ArithmeticError, ValueError) as error:
            raise domain_error(op, values, error=error) from None
        if not _isfinite(value):  # inf or NaN
            raise overflow_error(op, values, value)
        return value
    return evaluate_batch(op, values)


def evaluate_batch(op: Op, values: tuple[Any, ...]) -> Any:
    """Forward on numpy batches (:data:`BATCH`): equal lengths; floating-point faults raise."""
    import numpy as np

    shapes = {v.shape for v in values if v.__class__ is not float}
    if len(shapes) > 1 or any(len(shape) != 1 for shape in shapes):  # never broadcast
        listed = " and ".join(str(np.shape(v)) for v in values)
        raise BatchShapeError(
            f"{op.name}: batch shapes {listed} do not match; every batch in a graph needs "
            f"the same number of samples (or a single scalar value). {BATCH}"
        )
    with np.errstate(all="raise", under="ignore"):
        try:
            value = op.forward(numpy_namespace(), *values)
        except (ArithmeticError, ValueError) as error:
            raise domain_error(op, values, error=error) from None
    return _as_batch(value)


def _as_batch(value: Any) -> Any:
    import numpy as np

    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def domain_error(op: Op, values: tuple[Any, ...], what: str = "",
                 error: BaseException | None = None) -> DomainError:
    """The error for an op evaluated outside its domain: names op, values and the fix.

    An overflow (``error`` an OverflowError, or numpy's overflow fault) is reported as
    one, by :func:`overflow_error`, except for ``exp``, whose domain says it."""
    if op.name != "exp" and (isinstance(error, OverflowError) or (
            isinstance(error, FloatingPointError) and "overflow" in str(error))):
        return overflow_error(op, values, None, what)
    got = ", ".join(_short(v) for v in values)
    where = f" ({what})" if what else ""
    return DomainError(f"{op.name}{where}: {op.domain}, got {got}. {op.fix}".rstrip())


def overflow_error(op: Op, values: tuple[Any, ...], result: Any, what: str = "") -> DomainError:
    """The error for a result (a value or a local derivative) that is not a finite float.

    >>> from scalargraph.core.ops import OPS
    >>> print(overflow_error(OPS["mul"], (1e308, 10.0), float("inf")))
    mul: the result is not a finite float (inf; floats end near ±1.8e308), got 1e+308, 10.0. Keep \
the values smaller, e.g. rescale the inputs.
    """
    got = ", ".join(_short(v) for v in values)
    where = f" ({what})" if what else ""
    shown = "" if result is None else f"{_short(result)}; "
    return DomainError(f"{op.name}{where}: the result is not a finite float ({shown}floats end near "
                       f"±1.8e308), got {got}. Keep the values smaller, e.g. rescale the inputs.")


def _short(value: Any) -> str:
    if value is None or value.__class__ is float:
        return repr(value)
    import numpy as np

    arr = np.asarray(value)
    if not np.all(np.isfinite(arr)):
        return f"batch{arr.shape} with inf or NaN"
    if arr.ndim == 0:
        return repr(float(arr))
    return f"batch{arr.shape} (min {arr.min():.6g}, max {arr.max():.6g})"


#: What a batch is, said once: every batch-shape error ends with this.
BATCH = ("A batch is a 1-D numpy array of samples, shape (N,), and every batch in a graph has "
         "the same N; flatten an (N, 1) column with a.ravel(), and pass the columns of an "
         "(N, k) array as k separate nodes (a[:, 0], a[:, 1], ...).")

#: Characters a name may not hold: control characters, lone surrogates, line and paragraph
#: separators and U+FFFE/U+FFFF. No target can show them (XML/SVG forbids most; DOT and
#: Python source break on them); every other character is escaped for each target.
_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff]")


def check_name(name: str, what: str = "a node's name") -> str:
    """``name``, if every target (Python, DOT, SVG, HTML, LaTeX) can show it.

    >>> check_name("x₁ (ünïcode)")
    'x₁ (ünïcode)'
    >>> check_name("a\\tb")
    Traceback (most recent call last):
    ...
    scalargraph.errors.InputError: a node's name must not hold control characters, ...
    """
    bad = _BAD_NAME.search(name)
    if bad is not None:
        raise InputError(
            f"{what} must not hold control characters, lone surrogates or line separators, got "
            f"{name!r} (U+{ord(bad.group()):04X} at position {bad.start()}); remove that character"
        )
    return name


def as_value(value: Any, name: str | None = None) -> Any:
    """A leaf value: a finite float, or a numpy array of finite floats (a batch).

    >>> as_value(3), as_value(2.5)
    (3.0, 2.5)
    >>> as_value(float("nan"), "x")
    Traceback (most recent call last):
    ...
    scalargraph.errors.InputError: x: a node value must be a finite number, got nan
    """
    label = f"{name}: " if name else ""
    cls = value.__class__
    if cls is float or (cls is int) or (isinstance(value, (int, float)) and cls is not bool):
        try:
            number = float(value)
        except OverflowError:  # an int beyond the largest float, e.g. 10 ** 400
            raise InputError(
                f"{label}a node value must be a finite number, got an int too large for a float "
                f"({len(str(abs(value)))} digits; the largest float is about 1.8e308)"
            ) from None
        if not math.isfinite(number):
            raise InputError(f"{label}a node value must be a finite number, got {number!r}")
        return number
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, (np.ndarray, np.number)) and value.dtype.kind in "iuf":
        with np.errstate(all="ignore"):  # a longdouble beyond the float range: inf, reported below
            arr = np.array(value, dtype=float)
        if arr.ndim > 1:
            raise BatchShapeError(f"{label}a node value must be a number or a 1-D batch, got an array of "
                                  f"shape {arr.shape}. {BATCH}")
        if arr.size == 0:
            raise InputError(f"{label}a batch must hold at least one sample, got an empty array")
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{label}a node value must hold finite numbers; this one has NaN or inf "
                             "(or numbers beyond the float range, about ±1.8e308)")
        return float(arr) if arr.ndim == 0 else arr
    if isinstance(value, Node):
        raise OperandTypeError(f"{label}a node's value must be a number, not another Node ({value!r})")
    hint = " (for a batch of samples use numpy.array([...]))" if isinstance(value, (list, tuple)) else ""
    raise OperandTypeError(
        f"{label}a node value must be an int, float, numpy number or numpy array of numbers, "
        f"got {type(value).__name__} {value!r}{hint}"
    )


def operand(other: Any, where: str, node: Node | None = None, reflected: bool = False) -> Node:
    """``other`` as a node: a Node as is, a number as a Constant.

    ``where`` is the operator symbol (with the Node on the other side, ``node``;
    ``reflected`` when ``other`` was written on the left) or the function name,
    for the error message.
    """
    if isinstance(other, Node):
        return other
    try:
        return Constant(other)
    except OperandTypeError:
        kind = type(other).__name__
        if node is None:
            problem = f"{where}: unsupported argument type '{kind}'"
        else:
            pair = (kind, _kind_name(node)) if reflected else (_kind_name(node), kind)
            problem = f"unsupported operand types for {where}: '{pair[0]}' and '{pair[1]}'"
        raise OperandTypeError(
            f"{problem}. A Node combines with Nodes and numbers (int, float, numpy); "
            f"convert the {kind} first, e.g. float(...)"
        ) from None


_NEG = OPS["neg"]
