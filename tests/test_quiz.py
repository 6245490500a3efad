"""sg.quiz: hidden gradients, answers marked within a tolerance, the chain rule for wrong ones."""

from __future__ import annotations

import pytest
from notes_cs231n import g5, notes

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged, param_attached

N = notes()
# The order the reverse pass finishes each gradient (reverse topological order).
ORDER = ["invden", "den", "xpysqr", "xpy", "sigx", "num", "sigy", "y", "x"]


def test_questions_come_in_reverse_pass_order_and_gradients_stay_hidden() -> None:
    ex = cs231n_staged()
    q = sg.quiz(ex)
    assert [question.name for question in q.questions] == ORDER
    assert str(q) == "dinvden = ?"
    assert all(n.grad is None for n in sg.Graph(ex.output).nodes)
    assert q.revealed() == {ex.output: 1.0}


def test_all_right_at_once_from_the_notes() -> None:
    q = sg.quiz(cs231n_staged())
    marks = q.check({name: N["d" + name] for name in ORDER})
    assert [m.right for m in marks] == [True] * 9
    assert marks.right == 9 and q.score == (9, 9) and q.done
    assert str(q) == "done: 9 of 9 right"
    assert all(m.explanation == "" for m in marks)


def test_tolerance() -> None:
    q = sg.quiz(cs231n_staged(), ask="leaves")
    marks = q.check({"x": 2.06, "y": 1.6})   # dx = 2.0596 (0.02% off), dy = 1.5922 (0.5% off)
    assert [m.right for m in marks] == [True, True]
    marks = q.check({"x": 2.1, "y": -1.5922})  # 2% off, wrong sign
    assert [m.right for m in marks] == [False, False]
    strict = sg.quiz(cs231n_staged(), ask=["x"], rtol=1e-4, atol=0)
    assert not strict.check({"x": 2.06})[0].right
    assert strict.check({"x": N["dx"] * (1 + 5e-5)})[0].right


def test_a_wrong_answer_shows_the_chain_rule_steps() -> None:
    q = sg.quiz(cs231n_staged())
    (mark,) = q.check({"x": 1.5832})  # forgot two of the three paths into x
    assert not mark.right
    lines = str(mark).splitlines()
    assert lines[0] == f"✗ dx = 1.5832: wrong, it is {g5(N['dx'])}:"
    assert g5(N["dx"]) == "2.0596"
    assert [line.split(" += ")[1].split(" · ")[0] for line in lines[1:]] == ["dxpy", "dsigx", "dnum"]
    assert lines[-1].endswith(f"(total {g5(N['dx'])})")
    assert lines[1] == f"    dx += dxpy · ∂xpy/∂x = {g5(N['dxpy'])} · 1 = {g5(N['dxpy'])}  (total {g5(N['dxpy'])})"


def test_step_by_step() -> None:
    ex = cs231n_staged()
    q = sg.quiz(ex)
    seen = []
    for name in ORDER:
        question = q.current
        seen.append(question.name)
        value = N["d" + name] if name != "sigx" else 0.5
        mark = q.answer(value)
        assert mark.question is question
        assert mark.right == (name != "sigx")
    assert seen == ORDER and q.done and q.score == (8, 9)
    assert q.marks[q.questions[4].node].explanation.strip().startswith("dsigx += dden · ∂den/∂sigx")
    revealed = {n.name: g for n, g in q.revealed().items()}
    assert revealed["sigx"] == pytest.approx(N["dsigx"], rel=1e-14)
    with pytest.raises(sg.InputError, match="every question has been answered"):
        q.answer(1.0)


def test_a_parameter_question() -> None:
    ex = param_attached()   # F[a] = x·a² + a at x = 4, a = 1: dF/da = 2·x·a + 1 = 9
    q = sg.quiz(ex, ask=[ex.leaves[1]])
    assert [question.prompt for question in q.questions] == ["da = ?"]
    (mark,) = q.check({ex.leaves[1]: 8})
    assert not mark.right and len(mark.explanation.splitlines()) == 3
    assert q.check({"a": 9})[0].right


def test_bad_answers_and_options() -> None:
    q = sg.quiz(cs231n_staged())
    with pytest.raises(sg.InputError, match="no question about 'z'; the questions are about: invden, den"):
        q.check({"z": 1.0})
    with pytest.raises(sg.OperandTypeError, match="the answer for x must be a number such as 2.06"):
        q.check({"x": "two"})
    with pytest.raises(sg.OperandTypeError, match="dict of answers"):
        q.check([2.06])
    with pytest.raises(sg.InputError, match="finite"):
        q.answer(float("nan"))
    assert q.score == (0, 0)  # nothing was marked by the bad answers
    assert q.check({"x": "2.0596"})[0].right  # a number typed as text is fine
    with pytest.raises(sg.InputError, match="cannot ask about 'q'"):
        sg.quiz(cs231n_staged(), ask=["q"])
    with pytest.raises(sg.InputError, match="ask must be"):
        sg.quiz(cs231n_staged(), ask="some")
    with pytest.raises(sg.InputError, match="rtol must be a number >= 0"):
        sg.quiz(cs231n_staged(), rtol=-1)


def test_the_diagram_hides_what_is_not_answered_yet() -> None:
    import html

    q = sg.quiz(cs231n_staged(), ask="leaves")
    before = html.unescape(q._repr_html_())
    assert "dy = ?" in before and f"grad {g5(N['dy'])}" not in before
    assert before.count("grad ?") == 9  # every node but the output f
    assert "∂f/∂invden = num<" in before and "= num = 3.018" not in before  # symbolic, also on hover
    q.answer(1.59)
    after = html.unescape(q._repr_html_())
    assert f"grad {g5(N['dy'])}" in after and "✓ dy = 1.59: right" in after
    assert "dx = ?" in after


def test_marks_read_as_text_in_ipython() -> None:
    pretty = pytest.importorskip("IPython.lib.pretty")
    q = sg.quiz(cs231n_staged(), ask="leaves")
    marks = q.check({"y": 1.6, "x": 3})
    assert pretty.pretty(marks[0]) == "✓ dy = 1.6: right"
    assert pretty.pretty(marks).splitlines()[1] == "✗ dx = 3: wrong, it is 2.0596:"
