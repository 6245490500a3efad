"""A backprop quiz: the gradients are hidden, the learner works them out.

Answer all at once (``quiz.check({"x": 2.06, ...})``) or one at a time
(``quiz.answer(2.06)``, in the order the reverse pass finishes each gradient).
Each answer is marked right or wrong within a tolerance; a wrong one comes with
the chain-rule steps that give the correct gradient. ``dx`` is the gradient of the
output with respect to x, ``∂q/∂x`` a local derivative (``docs/notation.md``).

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> q = quiz(((x + y).named("q") * z).named("f"))
>>> print(q)
dz = ?
>>> print(q.answer(3))
✓ dz = 3: right
>>> print(q.answer(4))
✗ dq = 4: wrong, it is -4:
    dq += df · ∂f/∂q = 1 · (-4) = -4  (total -4)  where ∂f/∂q = z
>>> print(q.check({"x": -4, "y": -4.01}))
✓ dy = -4.01: right
✓ dx = -4: right
>>> q.score, q.done
((3, 4), True)
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.graph import Graph
from ..core.labels import DIGITS, as_graph, format_number, gradient_names, kind, labels, shared_names
from ..core.node import Constant, Node
from ..errors import InputError, OperandTypeError, ScalargraphError
from .steps import Step, steps

__all__ = ["Mark", "Marks", "Question", "Quiz", "quiz"]


@dataclass(frozen=True, eq=False)
class Question:
    """One hidden gradient: ``dname`` (∂f/∂name of the output f), its answer and the
    steps that compute it."""

    number: int
    node: Node
    name: str
    prompt: str
    answer: float
    steps: tuple[Step, ...]

    def __str__(self) -> str:
        return self.prompt


@dataclass(frozen=True)
class Mark:
    """An answer, marked. ``explanation`` is the chain rule for the correct gradient."""

    question: Question
    given: float
    right: bool
    digits: int = 5

    @property
    def explanation(self) -> str:
        """The correct backward steps into this node, one per line (empty when right)."""
        if self.right:
            return ""
        return "\n".join(f"    {s}" for s in self.question.steps)

    def __str__(self) -> str:
        q = self.question
        given = format_number(self.given, self.digits)
        head = f"{'✓' if self.right else '✗'} {q.prompt.removesuffix(' = ?')} = {given}: "
        if self.right:
            return head + "right"
        if not self.explanation:
            return head + "wrong"
        return f"{head}wrong, it is {format_number(q.answer, self.digits)}:\n{self.explanation}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))  # Jupyter shows the mark as it reads, not as a dataclass


class Marks(list[Mark]):
    """Marks of several answers; ``str()`` shows them one per line."""

    def __str__(self) -> str:
        return "\n".join(map(str, self))

    @property
    def right(self) -> int:
        return sum(m.right for m in self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class Quiz:
    """Questions in the order the reverse pass finishes each gradient, and the marks so far."""

    def __init__(self, graph: Graph, questions: list[Question], *, rtol: float, atol: float,
                 digits: int) -> None:
        self.graph = graph
        self._shared = _shared_labels(graph)
        self.questions = questions
        self.rtol, self.atol, self.digits = rtol, atol, digits
        self.marks: dict[Node, Mark] = {}
        self._by_key: dict[Any, Question] = {}
        for q in questions:
            self._by_key[q.node] = q
            self._by_key.setdefault(q.name, q)

    @property
    def current(self) -> Question | None:
        """The next question not answered yet (None when all are)."""
        return next((q for q in self.questions if q.node not in self.marks), None)

    @property
    def done(self) -> bool:
        return self.current is None

    @property
    def score(self) -> tuple[int, int]:
        """``(right, answered)``."""
        return sum(m.right for m in self.marks.values()), len(self.marks)

    def answer(self, value: Any) -> Mark:
        """Answer the current question; the next answer goes to the next question.

        Right or wrong, the quiz then moves on (and reveals the gradient). The latest
        answer to a question is the one that counts.
        """
        question = self.current
        if question is None:
            raise InputError("every question has been answered: see quiz.score, or make a new quiz")
        return self._mark(question, value)

    def check(self, answers: Mapping[Any, Any]) -> Marks:
        """Mark several answers at once: ``{name or node: value}``, in any order."""
        if not isinstance(answers, Mapping):
            raise OperandTypeError(
                f"check() takes a dict of answers such as {{'x': 2.06}}, got {type(answers).__name__}")
        known = ", ".join(q.name for q in self.questions)
        chosen = []
        for key in answers:
            _refuse_shared(key, self._shared)
            if key not in self._by_key:
                raise InputError(f"no question about {key!r}; the questions are about: {known}")
            chosen.append(self._by_key[key])
        values = [_number(answers[key], q.name) for key, q in zip(answers, chosen)]
        order = sorted(zip(chosen, values), key=lambda pair: pair[0].number)
        return Marks(self._mark(q, v) for q, v in order)

    def _mark(self, question: Question, value: Any) -> Mark:
        given = _number(value, question.name)
        right = math.isclose(given, question.answer, rel_tol=self.rtol, abs_tol=self.atol)
        mark = Mark(question, given, right, self.digits)
        self.marks[question.node] = mark
        return mark

    def __str__(self) -> str:
        q = self.current
        if q is not None:
            return q.prompt
        right, answered = self.score
        return f"done: {right} of {answered} right"

    def __repr__(self) -> str:
        right, answered = self.score
        return f"Quiz({len(self.questions)} questions, {answered} answered, {right} right)"

    def revealed(self) -> dict[Node, Any]:
        """The gradients shown so far: the output's seed and the answered questions."""
        shown: dict[Node, Any] = {self.graph.output: 1.0}
        shown.update((node, mark.question.answer) for node, mark in self.marks.items())
        return shown

    def diagram(self, **options: Any) -> Any:
        """The graph with every value, the revealed gradients ("?" for the others) and the
        current node highlighted; while a question is open the edges show the local derivatives
        symbolically only (their numbers, on edges into the output, would be the answer)."""
        from ..drawing.diagram import draw

        current = self.current
        highlight = () if current is None else (current.node,)
        values = {n: n.value for n in self.graph.nodes}
        options.setdefault("digits", self.digits)
        options.setdefault("unknown", "?")
        if current is not None:
            options.setdefault("edge_labels", "symbolic")
        return draw(self.graph.output, values=values, grads=self.revealed(), highlight=highlight,
                    **options)

    def _repr_html_(self) -> str:
        from ..drawing.display import picture_html

        marks = "".join(f"<li>{html.escape(str(m)).replace(chr(10), '<br>')}</li>"
                        for m in self.marks.values())
        try:
            svg = picture_html(self.diagram())  # a PNG <img>; diagram.html() where scripts run
        except ScalargraphError:  # no renderer installed: the questions and marks alone
            svg = ""
        return (f'<div class="sg-quiz">{svg}'
                f"<p><b>{html.escape(str(self))}</b></p><ul>{marks}</ul></div>")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or isinstance(value, Node):
        raise OperandTypeError(f"the answer for {name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OperandTypeError(
            f"the answer for {name} must be a number such as 2.06, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"the answer for {name} must be a finite number, got {value!r}")
    return number


def quiz(f: Any, *, ask: str | Iterable[Any] = "all", rtol: float = 0.01, atol: float = 1e-4,
         digits: int = DIGITS) -> Quiz:
    """A quiz on the gradients of ``f`` (an output Node, a Graph or an example).

    ``ask`` is ``"all"`` (every input, parameter and op node but the output),
    ``"leaves"`` (inputs and parameters) or the names/nodes to ask about. An
    answer is right when it is within ``rtol`` (relative) or ``atol`` (absolute)
    of the gradient. The graph's gradients are left as they were (hidden).

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> q = quiz((x * x).named("f"), ask="leaves")
    >>> [str(question) for question in q.questions], x.grad is None
    (['dx = ?'], True)
    >>> print(q.check({"x": 5}))
    ✗ dx = 5: wrong, it is 6:
        dx += df · ∂f/∂x = 1 · 3 = 3  (total 3)  where ∂f/∂x = x
        dx += df · ∂f/∂x = 1 · 3 = 3  (total 6)  where ∂f/∂x = x
    """
    for what, tol in (("rtol", rtol), ("atol", atol)):
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < math.inf:
            raise InputError(f"{what} must be a number >= 0, got {tol!r}")
    graph = as_graph(f, "quiz")
    names = labels(graph)
    chosen = _asked(graph, names, ask)
    backward = steps(graph, "backward", digits=digits)
    into: dict[Node, list[Step]] = {}
    for s in backward:
        if s.kind == "backward":
            into.setdefault(s.node, []).append(s)
    dnames = gradient_names(names)
    questions: list[Question] = []
    for node in reversed(graph.nodes):
        if node in chosen and node in into:
            total = into[node][-1].total
            questions.append(Question(len(questions) + 1, node, names[node],
                                      f"{dnames[node]} = ?", total, tuple(into[node])))
    return Quiz(graph, questions, rtol=rtol, atol=atol, digits=digits)


def _shared_labels(graph: Graph) -> dict[str, str]:
    """Each name given to several nodes, with the labels that tell them apart (for errors)."""
    names = labels(graph, warn=False)
    return {name: ", ".join(f"{names[n]} ({kind(n)})" for n in nodes)
            for name, nodes in shared_names(graph).items()}


def _refuse_shared(key: Any, shared: dict[str, str]) -> None:
    """An ambiguous name (several nodes have it) is refused, with the labels to use instead."""
    if isinstance(key, str) and key in shared:
        raise InputError(f"{key!r} is the name of several nodes of this graph: {shared[key]}; "
                         "say which one with its label (or pass the node itself)")


def _asked(graph: Graph, names: dict[Node, str], ask: str | Iterable[Any]) -> set[Node]:
    """The nodes ``ask`` names."""
    candidates = [n for n in graph.nodes if not isinstance(n, Constant) and n is not graph.output]
    if ask == "all":
        return set(candidates)
    if ask == "leaves":
        return {n for n in candidates if n.op is None}
    if isinstance(ask, str) or not isinstance(ask, Iterable):
        raise InputError(f"ask must be 'all', 'leaves' or a list of names, got {ask!r}")
    by_name = {names[n]: n for n in reversed(candidates)}
    shared = _shared_labels(graph)
    chosen = set()
    for key in ask:
        _refuse_shared(key, shared)
        node = key if isinstance(key, Node) and key in candidates else by_name.get(key)
        if node is None:
            raise InputError(
                f"cannot ask about {key!r}: the gradients to ask about are {', '.join(by_name)}")
        chosen.add(node)
    return chosen
