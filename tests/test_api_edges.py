"""Every tool takes the output Node, a Graph or an example, and refuses anything else with
the same OperandTypeError naming the tool."""

from __future__ import annotations

import pytest

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged

TOOLS = {
    "draw": lambda f, x: sg.draw(f).source,
    "steps": lambda f, x: [s.text for s in sg.steps(f)],
    "player": lambda f, x: len(sg.player(f)),
    "quiz": lambda f, x: [q.answer for q in sg.quiz(f).questions],
    "tape": lambda f, x: str(sg.tape(f)),
    "staged_code": lambda f, x: str(sg.staged_code(f)),
    "grad": lambda f, x: sg.grad(f, x),
    "jvp": lambda f, x: sg.jvp(f, {x: 1.0}),
    "gradients": lambda f, x: sg.gradients(f, x),
    "cost": lambda f, x: str(sg.cost(f)),
    "backward_paths": lambda f, x: sg.backward_paths(f)["x"],
    "gradcheck": lambda f, x: sg.gradcheck(f)["x"].analytic,
    "check_nodes": lambda f, x: sg.check_nodes(f)[x].analytic,
    "exercise": lambda f, x: sg.exercise(f).grad("x", 2.06).right,
}


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_a_node_a_graph_and_an_example_give_the_same_answer(tool):
    ex = cs231n_staged()
    x = ex.leaves[0]
    answers = [TOOLS[tool](f, x) for f in (ex.output, sg.Graph(ex.output), ex)]
    assert answers[0] == answers[1] == answers[2]
    if tool in ("grad", "jvp", "gradients"):
        assert answers[0] == pytest.approx(2.0595697955721652, rel=1e-12)  # the notes' dx


@pytest.mark.parametrize("tool", sorted(TOOLS))
@pytest.mark.parametrize("bad", ["f", 3.0, None, [1, 2]])
def test_anything_else_is_the_same_error_naming_the_tool(tool, bad):
    x = sg.Node(1.0, name="x")
    with pytest.raises(sg.OperandTypeError, match=rf"^{tool}\(\) needs the output Node, a Graph or an example, got "):
        TOOLS[tool](bad, x)
