"""sg.tape: the Wengert list of the cs231n staged example, checked against the notes' code."""

from __future__ import annotations

import math

import pytest
from notes_cs231n import g5, notes

import scalargraph as sg
from scalargraph.learning.examples import circuit, cs231n_staged

N = notes()


def test_rows_follow_evaluation_order_with_constants() -> None:
    t = sg.tape(cs231n_staged())
    assert [r.name for r in t] == ["x", "y", "sigy", "num", "1", "sigx", "xpy", "2", "xpysqr",
                                   "den", "invden", "f"]
    assert [r.index for r in t] == list(range(12))
    assert t[3].op == "add" and t[3].inputs == ("x", "sigy")
    assert t[4].op == "const" and t[4].grad is None and t[0].op == "input"
    assert t[10].inputs == ("1", "den")


def test_values_local_derivatives_and_gradients_are_the_notes() -> None:
    rows = {r.name: r for r in sg.tape(cs231n_staged())}
    for name in ("sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"):
        assert rows[name].value == pytest.approx(N[name], rel=1e-15)
    for name in ("x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"):
        assert rows[name].grad == pytest.approx(N["d" + name], rel=1e-14)
    assert rows["sigy"].local == pytest.approx(((1 - N["sigy"]) * N["sigy"],))
    assert rows["invden"].local[0] is None  # the constant 1
    assert rows["invden"].local[1] == pytest.approx(-1 / N["den"] ** 2)
    assert rows["xpysqr"].local[0] == pytest.approx(2 * N["xpy"]) and rows["xpysqr"].local[1] is None
    assert rows["f"].local == pytest.approx((N["invden"], N["num"]))
    assert rows["xpy"].local == (1.0, 1.0)
    # and central differences agree with the tape's gradient of x
    assert math.isclose(rows["x"].grad, sg.gradcheck(cs231n_staged().output)["x"].numeric, rel_tol=1e-6)


def test_text_table() -> None:
    text = str(sg.tape(cs231n_staged()))
    lines = text.splitlines()
    assert lines[0].split() == ["index", "name", "op", "inputs", "value", "local", "derivatives", "gradient"]
    assert len(lines) == 13
    row = lines[4].split(maxsplit=4)
    assert row[:4] == ["3", "num", "add", "x,"]
    assert lines[1].split() == ["0", "x", "input", "3", g5(N["dx"])]
    assert f"∂invden/∂den = {g5(-1 / N['den'] ** 2)}" in lines[11]
    assert lines[5].split() == ["4", "1", "const", "1"]


def test_html_table() -> None:
    page = sg.tape(circuit())._repr_html_()
    assert page.startswith('<table class="sg-tape">') and page.endswith("</table>")
    assert page.count("<tr>") == 1 + 5
    assert "<td style=\"text-align:left\">∂f/∂q = -4, ∂f/∂z = 3</td>" in page


def test_digits_and_gradients_left_alone() -> None:
    ex = cs231n_staged()
    t = sg.tape(ex, digits=17)
    assert ex.leaves[0].grad is None
    assert "2.0595697955721652" in str(t)


def test_bad_input() -> None:
    with pytest.raises(sg.OperandTypeError, match="tape\\(\\) needs the output Node"):
        sg.tape([1, 2])


def test_ipython_shows_the_table() -> None:
    pretty = pytest.importorskip("IPython.lib.pretty")
    t = sg.tape(circuit())
    assert pretty.pretty(t) == str(t) and pretty.pretty(t).splitlines()[3].split()[:3] == ["2", "q", "add"]
