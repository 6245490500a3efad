"""The notation (docs/notation.md) and the labels every tool shows.

``dx`` is the gradient of the output with respect to x, accumulated over every use of x;
``∂q/∂x`` is only ever the local derivative of the op q with respect to its input x. No
step writes one symbol for both, and two nodes never share a label.
"""

from __future__ import annotations

import json
import re
import warnings

import pytest
from hypothesis import given
from strategies import cases

import scalargraph as sg
from scalargraph.cli import main
from scalargraph.core.labels import gradient_names, labels
from scalargraph.learning.examples import EXAMPLES

LOCAL = re.compile(r"∂([^/ ]+)/∂([^ ]+)")


def _tokens(text: str) -> list[str]:
    return text.replace("·", " ").replace("(", " ").replace(")", " ").split()


def check_notation(f: sg.Node | sg.Graph) -> None:
    """Every backward step reads ``dv += dq · ∂q/∂v = ...``, with dv nowhere on its right side."""
    graph = f if isinstance(f, sg.Graph) else sg.Graph(f)
    names = labels(graph, warn=False)
    dnames = gradient_names(names)
    with warnings.catch_warnings():  # shared names are tested below
        warnings.simplefilter("ignore")
        all_steps = sg.steps(graph)
    assert all_steps[0].text == f"{dnames[graph.output]} = 1"
    for step in all_steps[1:]:
        inp, consumer = step.edge
        gradient, right = step.text.split(" += ")
        assert gradient == dnames[inp] and "∂" not in gradient
        assert gradient not in _tokens(right.split("  where ")[0]), step.text
        assert gradient not in _tokens(right.split("  where ")[-1]) or "where" not in right
        # the right side: the consumer's gradient times the op's local derivative
        assert right.startswith(f"{dnames[consumer]} · ∂{names[consumer]}/∂{names[inp]} = ")
        for top, bottom in LOCAL.findall(step.text):
            assert (top, bottom) == (names[consumer], names[inp])  # ∂ only for this op's derivative
        # LaTeX: the same three symbols
        tex_gradient, tex_right = step.latex.split(" \\mathrel{+}= ")
        assert tex_gradient.startswith("\\mathrm{d}")
        assert not re.search(re.escape(tex_gradient) + r"(?![A-Za-z0-9_{])", tex_right), step.latex
        assert tex_right.startswith(tex_gradient_of(step, consumer))


def tex_gradient_of(step: sg.Step, node: sg.Node) -> str:
    from scalargraph.teaching.steps import _grad

    names = labels(sg.Graph(step.output), warn=False)
    return _grad(gradient_names(names)[node]) + " \\cdot \\frac{\\partial "


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_no_gradient_symbol_reappears_on_its_right_side(name: str) -> None:
    check_notation(EXAMPLES[name]().output)


@given(cases())
def test_the_notation_holds_on_random_graphs(case) -> None:
    output, _ = case.graph()
    check_notation(output)


def test_the_output_as_a_consumer_is_not_mistaken_for_the_total() -> None:
    # f = x·y + x at x = 3, y = 2: df/dx = y + 1 = 3. The old steps wrote the add's edge as
    # ∂f/∂x += ∂f/∂f · ∂f/∂x = 1, one symbol for the local derivative 1 and the total 3.
    x, y = sg.Node(3.0, name="x"), sg.Node(2.0, name="y")
    f = (x * y + x).named("f")
    texts = [s.text for s in sg.steps(f)]
    assert texts[1:] == [
        "d(mul#2) += df · ∂f/∂mul#2 = 1 · 1 = 1  (total 1)",
        "dx += df · ∂f/∂x = 1 · 1 = 1  (total 1)",                    # the add's local derivative
        "dx += d(mul#2) · ∂mul#2/∂x = 1 · 2 = 2  (total 3)  where ∂mul#2/∂x = y",
        "dy += d(mul#2) · ∂mul#2/∂y = 1 · 3 = 3  (total 3)  where ∂mul#2/∂y = x"]
    check_notation(f)


def test_quiz_tape_and_staged_code_use_the_same_symbols() -> None:
    ex = EXAMPLES["cs231n"]()
    q = sg.quiz(ex)
    assert [question.prompt for question in q.questions][:3] == ["dinvden = ?", "dden = ?", "dxpysqr = ?"]
    assert str(q.check({"x": 2})[0]).startswith("✗ dx = 2: wrong, it is 2.0596:\n    dx += dxpy · ∂xpy/∂x")
    rows = str(sg.tape(ex)).splitlines()
    assert "∂invden/∂den = " in rows[-2]              # local derivatives, named by their op
    assert "dx = " in sg.staged_code(ex) or "dx += " in sg.staged_code(ex)


def test_a_node_named_like_a_gradient_keeps_the_symbols_apart() -> None:
    x = sg.Node(2.0, name="x")
    dx = (x * 3).named("dx")            # a value called dx: x's gradient is written d(x)
    f = (dx * x).named("f")
    texts = [s.text for s in sg.steps(f)]
    assert "d(x) += df · ∂f/∂x = 1 · 6 = 6  (total 6)  where ∂f/∂x = dx" in texts
    assert texts[-1].startswith("d(x) += ddx · ∂dx/∂x = 2 · 3 = 6  (total 12)")
    check_notation(f)


# ------------------------------------------------------------------ unique labels
def lecture_graph() -> tuple[sg.Node, sg.Node]:
    """micrograd's lecture style: the same name for a leaf and the ops made from it."""
    c = sg.Node(2.0, name="c")
    c1 = (c + c + 1).named("c")        # 5
    c2 = (c1 * c1).named("c")          # 25
    return c, (c2 * c).named("f")      # 50; df/dc = c2 + c·2·c1·2 = 25 + 40 = 65


def test_nodes_that_share_a_name_get_distinct_labels_and_a_warning() -> None:
    leaf, f = lecture_graph()
    with pytest.warns(UserWarning, match="3 nodes are named 'c', shown as c, c_2, c_3"):
        all_steps = sg.steps(f, mode="both")
    shown = [s.text.split(" = ")[0] for s in all_steps if s.kind == "forward"]
    assert shown == ["c", "add#1", "c_2", "c_3", "f"]
    assert all_steps[-1].total == 65.0 and leaf.value == 2.0
    check_notation(f)


def test_every_tool_shows_the_distinct_labels() -> None:
    _, f = lecture_graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tape_names = [row.name for row in sg.tape(f)]
        source = sg.draw(f).source
        code = sg.staged_code(f)
        prompts = [q.prompt for q in sg.quiz(f).questions]
    assert tape_names == ["c", "add#1", "1", "c_2", "c_3", "f"]
    assert prompts == ["dc_3 = ?", "dc_2 = ?", "d(add#1) = ?", "dc = ?"]
    for text in ("c_2", "c_3", "= c_2 · c_2"):
        assert text in source
    space: dict = {}
    exec(code, space)
    assert (space["c_3"], space["dc"]) == (25.0, 65.0)  # by hand: see lecture_graph


def test_no_warning_when_every_name_is_distinct() -> None:
    x = sg.Node(1.0, name="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sg.steps((x * 2).named("f"))
        assert "f" in sg.draw((x * 2).named("f")).source


def test_the_quiz_refuses_an_ambiguous_name_listing_the_choices() -> None:
    _, f = lecture_graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = sg.quiz(f)
    before = dict(q.marks)
    with pytest.raises(sg.InputError, match=r"'c' is the name of several nodes of this graph: "
                                            r"c \(input\), c_2 \(add\), c_3 \(mul\); say which one"):
        q.check({"c": 65.0})
    assert q.marks == before                          # nothing was marked
    marks = q.check({"c_2": 20.0, "c_3": 2.0})        # labels are unambiguous
    assert [m.right for m in marks] == [True, True]   # dc_3 = c = 2, dc_2 = 2·c_2·dc_3 = 2·5·2
    with pytest.raises(sg.InputError, match="'c' is the name of several nodes"), \
            pytest.warns(UserWarning, match="shown as c, c_2, c_3"):
        sg.quiz(f, ask=["c"])


def test_the_command_line_json_uses_the_labels(capsys) -> None:
    main(["grad", "x * y + x", "--at", "x=3", "y=2", "--json"])
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    assert [n["node"] for n in nodes] == ["x", "y", "mul#2", "f"]
