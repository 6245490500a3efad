"""Predict, then check: exercises on one graph's values, local derivatives and gradients.

A tutorial asks the learner to predict a number before the next cell shows it. The
learner writes the prediction into a checker, which says right or wrong; a wrong
answer comes with the step that gives the right one (the forward step for a value,
the op's formula for a local derivative, the chain-rule steps for a gradient).
An answer left as ``...`` is not marked: the checker asks for a prediction, so a
saved notebook shows no answer.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> ex = exercise(((x + y).named("q") * z).named("f"))
>>> print(ex.value("q", ...))
✎ q = ?  Write your prediction in place of ... and run the cell again.
>>> print(ex.value("q", 3))
✓ q = 3: right
>>> print(ex.local("f", "q", 3))
✗ local derivative of f with respect to q = 3: wrong, it is -4:
    f = q · z, so its local derivative with respect to q is z = -4
>>> ex.grad("x", -4).right
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import EllipsisType
from typing import Any

from ..core.graph import Graph, local_derivative
from ..core.labels import as_graph, format_number, kind, labels, local_templates, shared_names
from ..core.node import Node
from ..core.ops import fill
from ..errors import InputError, OperandTypeError
from .quiz import quiz
from .steps import steps

__all__ = ["Exercise", "Verdict", "exercise"]


@dataclass(frozen=True)
class Verdict:
    """A prediction, marked: ``right`` is None while no prediction was given."""

    question: str
    given: float | None
    answer: float
    right: bool | None
    why: str  # the step that gives the answer, shown on a miss
    digits: int = 4

    def __str__(self) -> str:
        if self.right is None:
            return f"✎ {self.question} = ?  Write your prediction in place of ... and run the cell again."
        given = format_number(self.given, self.digits)
        if self.right:
            return f"✓ {self.question} = {given}: right"
        answer = format_number(self.answer, self.digits)
        lines = "\n".join(f"    {line}" for line in self.why.splitlines())
        return f"✗ {self.question} = {given}: wrong, it is {answer}:\n{lines}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))  # Jupyter shows the verdict as it reads


class Exercise:
    """Checkers for predictions about one graph (see :func:`exercise`)."""

    def __init__(self, graph: Graph, *, rtol: float, atol: float, digits: int) -> None:
        self.graph = graph
        self.names = labels(graph)
        self.rtol, self.atol, self.digits = rtol, atol, digits

    def node(self, key: Any) -> Node:
        """The node named ``key`` (or ``key`` itself, a node of this graph)."""
        if isinstance(key, Node) and key in self.names:
            return key
        shared = shared_names(self.graph)
        if isinstance(key, str) and key in shared:
            choices = ", ".join(f"{self.names[n]} ({kind(n)})" for n in shared[key])
            raise InputError(f"{key!r} is the name of several nodes of this graph: {choices}; "
                             "say which one with its label (or pass the node itself)")
        matches = [n for n, name in self.names.items() if name == key]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(dict.fromkeys(self.names.values()))
        if not matches:
            raise InputError(f"this graph has no node called {key!r}; its nodes are: {known}")
        raise InputError(f"{len(matches)} nodes are called {key!r}: name them apart with .named(...)")

    def value(self, node: Any, answer: Any) -> Verdict:
        """Check a predicted forward value of ``node``."""
        n = self.node(node)
        step = next(s for s in steps(self.graph, "forward", digits=self.digits) if s.node is n)
        return self._verdict(self.names[n], answer, n.value, str(step))

    def local(self, consumer: Any, wrt: Any, answer: Any) -> Verdict:
        """Check a predicted local derivative of op node ``consumer`` with respect to its input ``wrt``."""
        c, i = self.node(consumer), self.node(wrt)
        if c.op is None or i not in c.inputs:
            raise InputError(f"{self.names[i]} is not an input of {self.names[c]}: "
                             "ask about an edge of the graph, e.g. local('f', 'q', ...)")
        k = c.inputs.index(i)
        values = tuple(n.value for n in c.inputs)
        number = local_derivative(c.op, k, c.value, values)
        me, args = self.names[c], [self.names[n] for n in c.inputs]
        formula = fill(local_templates(c, k)[0], me, *args)
        shown = format_number(number, self.digits)
        why = (f"{me} = {fill(c.op.text, me, *args)}, so its local derivative with respect to "
               f"{self.names[i]} is {formula}" + ("" if formula == shown else f" = {shown}"))
        question = f"local derivative of {me} with respect to {self.names[i]}"
        return self._verdict(question, answer, number, why)

    def grad(self, node: Any, answer: Any) -> Verdict:
        """Check a predicted gradient of the output with respect to ``node``."""
        n = self.node(node)
        q = quiz(self.graph, ask=[n], digits=self.digits)
        if not q.questions:
            raise InputError(f"{self.names[n]} gets no gradient (a constant, or the output itself)")
        question = q.questions[0]
        why = "\n".join(str(s) for s in question.steps)
        return self._verdict(question.prompt.removesuffix(" = ?"), answer, question.answer, why)

    def _verdict(self, question: str, answer: Any, correct: float, why: str) -> Verdict:
        if answer is ... or answer is None:
            return Verdict(question, None, correct, None, why, self.digits)
        given = _number(answer, question)
        right = math.isclose(given, correct, rel_tol=self.rtol, abs_tol=self.atol)
        return Verdict(question, given, correct, right, why, self.digits)


def _number(value: Any, question: str) -> float:
    if isinstance(value, (bool, Node, EllipsisType)) or not isinstance(value, (int, float)):
        raise OperandTypeError(f"the prediction for {question} must be a number such as 2.06, got {value!r}")
    if not math.isfinite(value):
        raise InputError(f"the prediction for {question} must be a finite number, got {value!r}")
    return float(value)


def exercise(f: Any, *, rtol: float = 0.01, atol: float = 1e-3, digits: int = 4) -> Exercise:
    """Checkers for predictions about ``f`` (an output Node, a Graph or an example).

    A prediction is right within ``rtol`` (relative) or ``atol`` (absolute) of the
    engine's number, so 2.06 is right for 2.0595697955721652. The graph is left as it was.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> print(exercise((x * x).named("g")).grad("x", 3))
    ✗ dx = 3: wrong, it is 6:
        dx += dg · ∂g/∂x = 1 · 3 = 3  (total 3)  where ∂g/∂x = x
        dx += dg · ∂g/∂x = 1 · 3 = 3  (total 6)  where ∂g/∂x = x
    """
    return Exercise(as_graph(f, "exercise"), rtol=rtol, atol=atol, digits=digits)
