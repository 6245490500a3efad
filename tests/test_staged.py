"""sg.staged_code: cs231n-style source that reproduces the graph's values and gradients."""

from __future__ import annotations

import pytest
from notes_cs231n import notes

import scalargraph as sg
from scalargraph.learning.examples import EXAMPLES, cs231n_staged

N = notes()


def run(code: str) -> dict:
    space: dict = {}
    exec(compile(code, "<staged>", "exec"), space)
    return space


def test_cs231n_staged_code_reproduces_the_notes() -> None:
    code = sg.staged_code(cs231n_staged())
    space = run(code)
    for name in ("f", "dx", "dy", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden",
                 "dnum", "dinvden", "dden", "dsigx", "dxpysqr", "dxpy", "dsigy"):
        assert space[name] == pytest.approx(N[name], rel=1e-12, abs=1e-12), name


def test_cs231n_lines_read_like_the_notes() -> None:
    lines = sg.staged_code(cs231n_staged()).splitlines()
    assert "sigy = 1.0 / (1 + math.exp(-y))" in lines
    assert "xpysqr = xpy ** 2.0" in lines
    assert "invden = 1.0 / den" in lines
    assert "dx += (1 - sigx) * sigx * dsigx" in lines
    assert "dy += (1 - sigy) * sigy * dsigy" in lines
    assert "dden = -(1.0 / den) / den * dinvden" in lines  # not 1.0 / den ** 2: den ** 2 underflows first
    # forward lines before backward lines; dx is assigned once and then accumulated twice
    assert lines.index("f = num * invden") < lines.index("# backward pass")
    assert sum(line.startswith("dx = ") for line in lines) == 1
    assert sum(line.startswith("dx += ") for line in lines) == 2


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_reproduces_the_engine_bit_for_bit(name: str) -> None:
    graph = sg.Graph(EXAMPLES[name]().output)
    space = run(sg.staged_code(graph))
    graph.backward()
    for node in graph.nodes:
        if node.name:
            assert space[node.name] == node.value
            assert space["d" + node.name] == node.grad


def test_every_op_with_awkward_names() -> None:
    x, y = sg.Node(0.7, name="x"), sg.Node(-1.3, name="dx")  # "dx" clashes with x's gradient
    lam = (x * y).named("lambda")                               # a keyword
    parts = [sg.exp(x), sg.log(x), sg.sqrt(x), sg.sin(y), sg.cos(y), sg.tanh(y), sg.sigmoid(y),
             sg.relu(x), sg.abs(y), sg.maximum(x, y), sg.minimum(x, y), x ** 3, 2 ** x, -y,
             x / y, x - y, lam, sg.tanh(lam) * -2.5, sg.sum(x), sg.mean(y)]
    f = parts[0]
    for p in parts[1:]:
        f = f + p
    code = sg.staged_code(f)
    space = run(code)
    f.backward()
    assert "lambda_ = x * dx" in code
    assert space["dx"] == y.value            # the value of the node named dx ...
    assert space["ddx"] == y.grad            # ... and its gradient
    assert space["grad_x"] == x.grad         # x's gradient moved out of the way
    assert space["lambda_"] == lam.value and space["dlambda_"] == lam.grad
    # central differences, an independent answer
    assert x.grad == pytest.approx(sg.gradcheck(f)["x"].numeric, rel=1e-6)


def test_a_negative_constant_and_unnamed_nodes() -> None:
    x = sg.Node(2.0, name="x")
    f = -(x * -3.0)
    code = sg.staged_code(f)
    assert "mul2 = x * (-3.0)" in code and "neg3 = -mul2" in code
    space = run(code)
    assert space["neg3"] == 6.0 and space["dx"] == 3.0   # by hand: d(3x)/dx = 3


def test_jupyter_shows_a_python_block() -> None:
    code = sg.staged_code(cs231n_staged())
    assert isinstance(code, str)
    assert code._repr_markdown_().startswith("```python\nimport math\n")


def test_bad_input() -> None:
    with pytest.raises(sg.OperandTypeError, match="staged_code\\(\\) needs the output Node"):
        sg.staged_code("x + y")
