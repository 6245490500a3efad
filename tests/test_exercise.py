"""Exercises: predictions checked against numbers worked by hand from the cs231n notes."""

from __future__ import annotations

import math

import pytest

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged


@pytest.fixture
def staged():
    return cs231n_staged()


def test_an_unanswered_prediction_is_not_marked_and_shows_no_answer(staged):
    verdict = sg.exercise(staged.output).grad("x", ...)
    assert verdict.right is None and "2.06" not in str(verdict) and "..." in str(verdict)


@pytest.mark.parametrize(("kind", "args", "hand"), [
    ("grad", ("x",), 2.0595697955721652),          # the notes' dx
    ("grad", ("y",), 1.5922327514838093),          # the notes' dy
    ("value", ("xpy",), -1.0),                      # x + y = 3 - 4
    ("value", ("den",), 1 / (1 + math.exp(-3)) + 1.0),   # σ(3) + (x + y)²
    ("local", ("xpysqr", "xpy"), -2.0),             # d(xpy²)/dxpy = 2·xpy
    ("local", ("f", "num"), 1 / (1 / (1 + math.exp(-3)) + 1.0)),  # f = num · invden
])
def test_right_and_wrong_predictions(staged, kind, args, hand):
    ex = sg.exercise(staged.output)
    check = getattr(ex, kind)
    assert check(*args, round(hand, 3)).right is True          # 3 decimals are close enough
    wrong = check(*args, hand + 1.0)
    assert wrong.right is False
    assert f"it is {sg.core.labels.format_number(hand, 4)}" in str(wrong)


def test_a_wrong_gradient_shows_the_chain_rule_steps_that_give_it(staged):
    text = str(sg.exercise(staged.output).grad("x", 0.0))
    assert text.count("\n") >= 3  # x is used three times: one step per contribution
    assert "2.06" in text


def test_a_wrong_local_derivative_shows_the_ops_formula(staged):
    text = str(sg.exercise(staged.output).local("xpysqr", "xpy", 5))
    assert "xpysqr = xpy" in text and "-2" in text


def test_bad_questions_name_the_choices(staged):
    ex = sg.exercise(staged.output)
    with pytest.raises(sg.InputError, match="no node called 'w'.*its nodes are: x, y"):
        ex.grad("w", 1.0)
    with pytest.raises(sg.InputError, match="not an input of f"):
        ex.local("f", "x", 1.0)
    with pytest.raises(sg.OperandTypeError, match="must be a number"):
        ex.grad("x", "two")


def test_the_graph_is_left_as_it_was(staged):
    f = staged.output
    before = [(n.value, n.grad) for n in sg.Graph(f).nodes]
    ex = sg.exercise(f)
    ex.grad("x", 1.0), ex.value("num", 1.0), ex.local("f", "num", 1.0)
    assert [(n.value, n.grad) for n in sg.Graph(f).nodes] == before
