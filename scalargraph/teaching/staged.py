"""A graph as staged Python source, in the style of the cs231n backprop notes.

One forward line per node, then the backward lines, each gradient first
assigned and then accumulated with ``+=``. Every line comes from the op
table's ``code`` and ``dcode`` templates, and the local derivative multiplies
the upstream gradient in the engine's order, so running the code gives the
engine's values and gradients to the last bit.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> print(staged_code(((x + y).named("q") * z).named("f")))
import math
<BLANKLINE>
# forward pass
x = -2.0
y = 5.0
q = x + y
z = -4.0
f = q * z
<BLANKLINE>
# backward pass
df = 1.0
# f = q * z
dq = z * df
dz = q * df
# q = x + y
dx = dq
dy = dq
"""

from __future__ import annotations

import ast
import keyword
import re
from typing import Any

from ..core.graph import Graph
from ..core.labels import as_graph, labels, local_templates
from ..core.node import Constant, Node, Param
from ..core.ops import fill
from ..errors import InputError

__all__ = ["StagedCode", "staged_code"]


class StagedCode(str):
    """Python source (a ``str``); Jupyter shows it as a highlighted code block."""

    def _repr_markdown_(self) -> str:
        return f"```python\n{self}\n```"


def _identifiers(graph: Graph) -> dict[Node, str]:
    """A distinct Python name for every non-constant node, from its label."""
    names: dict[Node, str] = {}
    used = {"math"}
    for node, text in labels(graph).items():
        if isinstance(node, Constant):
            continue
        name = re.sub(r"\W", "", text.replace("#", "")) or "v"
        if not name.isidentifier():
            name = "v" + name
        if keyword.iskeyword(name):
            name += "_"
        base, n = name, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[node] = name
    return names


def _literal(value: float) -> str:
    """A constant in the source: exact, in parentheses when negative."""
    text = repr(value)
    return f"({text})" if text.startswith("-") else text


def _times(local: str, upstream: str) -> str:
    """``local * upstream``, with parentheses only where precedence needs them."""
    if local == "1":
        return upstream
    if local == "-1":
        return f"-{upstream}"
    body = ast.parse(local, mode="eval").body
    tight = (isinstance(body, (ast.Name, ast.Constant, ast.Call, ast.Attribute))
             or (isinstance(body, ast.UnaryOp) and isinstance(body.op, (ast.USub, ast.UAdd)))
             or (isinstance(body, ast.BinOp) and isinstance(body.op, (ast.Mult, ast.Div, ast.Pow))))
    return f"{local if tight else f'({local})'} * {upstream}"


def staged_code(f: Any) -> StagedCode:
    """Python source that computes ``f`` (an output Node, a Graph or an example) and its
    gradients stage by stage: ``x`` holds a value, ``dx`` the gradient of the output.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> code = staged_code(sg.sigmoid(x).named("sigx"))
    >>> print(code.split("# backward pass")[1].strip())
    dsigx = 1.0
    # sigx = 1.0 / (1 + math.exp(-x))
    dx = (1 - sigx) * sigx * dsigx
    >>> space = {}; exec(code, space); space["dx"] == (1 - space["sigx"]) * space["sigx"]
    True
    """
    graph = as_graph(f, "staged_code")
    for node in graph.nodes:
        if node.op is not None and not node.op.code:  # an own op defined without its source
            raise InputError(f"staged_code: the op {node.op.name!r} has no Python source; define it "
                             "with code= and dcode= (sg.define_op) to print it as code")
    names = _identifiers(graph)
    grads = _gradient_names(names)

    def term(node: Node) -> str:
        return _literal(node.value) if isinstance(node, Constant) else names[node]

    forward = ["import math", "", "# forward pass"]
    for node in graph.nodes:
        if isinstance(node, Constant):
            continue
        if node.op is None:
            note = "  # parameter" if isinstance(node, Param) else ""
            forward.append(f"{names[node]} = {node.value!r}{note}")
        else:
            forward.append(f"{names[node]} = {fill(node.op.code, names[node], *map(term, node.inputs))}")
    output = graph.output
    backward = ["", "# backward pass", f"{grads[output]} = 1.0"]
    assigned = {output}
    for node in reversed(graph.nodes):
        if node.op is None:
            continue
        args = [term(i) for i in node.inputs]
        lines = []
        for k, inp in enumerate(node.inputs):
            if isinstance(inp, Constant):
                continue
            local = fill(local_templates(node, k)[2], names[node], *args)
            sign = "+=" if inp in assigned else "="
            assigned.add(inp)
            lines.append(f"{grads[inp]} {sign} {_times(local, grads[node])}")
        if lines:
            backward.append(f"# {names[node]} = {fill(node.op.code, names[node], *args)}")
            backward.extend(lines)
    return StagedCode("\n".join(forward + backward))


def _gradient_names(names: dict[Node, str]) -> dict[Node, str]:
    """``d`` + the node's name, or ``grad_`` + the name where that is a value's name.

    >>> x, dx = Node(1.0), Node(2.0)
    >>> list(_gradient_names({x: "x", dx: "dx"}).values())
    ['grad_x', 'ddx']
    """
    taken = set(names.values()) | {"math"}
    grads = {}
    for node, name in names.items():
        grad, n = "d" + name, 2
        if grad in taken:
            grad = "grad_" + name
        while grad in taken:
            grad, n = f"grad_{name}_{n}", n + 1
        taken.add(grad)
        grads[node] = grad
    return grads
