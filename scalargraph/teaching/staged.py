"""A graph as staged Python source, in the style of the cs231n backprop notes.

One forward line per node, then the backward lines, each gradient first
assigned and then accumulated with ``+=``: one line per edge of the reverse
schedule (:class:`scalargraph.Schedule`), in its order. Every line comes from
the op table's ``code`` and ``dcode`` templates, and the local derivative
multiplies the upstream gradient in the engine's order, so running the code
gives the engine's values and gradients to the last bit.

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
import builtins
import keyword
import unicodedata
from itertools import groupby
from operator import itemgetter
from typing import Any

from ..core.graph import Graph
from ..core.labels import as_graph, labels, local_templates
from ..core.node import Constant, Node, is_param
from ..core.ops import fill
from ..core.schedule import Schedule
from ..errors import InputError

__all__ = ["StagedCode", "staged_code"]


class StagedCode(str):
    """Python source (a ``str``); Jupyter shows it as a highlighted code block.

    ``variables`` maps each node to the names of its value and its gradient in the code."""

    variables: dict[Node, tuple[str, str]]

    def _repr_markdown_(self) -> str:
        return f"```python\n{self}\n```"


#: Names the code must not rebind: ``math`` and every builtin (the templates call
#: ``max``, ``min``, ``abs``, ``float``, ``getattr``), and the keywords.
_RESERVED = frozenset({"math", *dir(builtins), *keyword.kwlist, *keyword.softkwlist})


def identifier(text: str) -> str:
    """A Python identifier from any label, as Python itself will read it (NFKC-normalised:
    ``ｘ`` and ``x`` are one name to Python); ``v`` if nothing of the label is usable.

    >>> identifier("sig y"), identifier("ｘ₁"), identifier("op#3"), identifier("1st"), identifier("∂")
    ('sigy', 'x1', 'op3', 'v1st', 'v')
    """
    name = unicodedata.normalize("NFKC", text)
    while True:  # dropping a character can let NFKC compose its neighbours: repeat until stable
        kept = "".join(c for c in name if ("_" + c).isidentifier())
        kept = unicodedata.normalize("NFKC", kept)
        if kept == name:
            break
        name = kept
    if not name:
        return "v"
    return name if name.isidentifier() else "v" + name


def _unique(name: str, used: set[str]) -> str:
    if name in _RESERVED:  # lambda -> lambda_, max -> max_
        name += "_"
    base, n = name, 2
    while name in used or name in _RESERVED:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def _identifiers(graph: Graph) -> dict[Node, str]:
    """A distinct Python name for every non-constant node (and a constant output), from its label."""
    names: dict[Node, str] = {}
    used: set[str] = set()
    for node, text in labels(graph).items():
        if isinstance(node, Constant) and node is not graph.output:
            continue
        names[node] = _unique(identifier(text), used)
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
            if node is graph.output:  # nothing to differentiate: the value alone
                forward.append(f"{names[node]} = {node.value!r}  # a constant")
            continue
        if node.op is None:
            note = "  # parameter" if is_param(node) else ""
            forward.append(f"{names[node]} = {node.value!r}{note}")
        else:
            forward.append(f"{names[node]} = {fill(node.op.code, names[node], *map(term, node.inputs))}")
    output = graph.output
    if isinstance(output, Constant):
        code = StagedCode("\n".join([*forward, "", "# backward pass: none, a constant has no gradient"]))
        code.variables = {output: (names[output], "")}
        return code
    backward = ["", "# backward pass", f"{grads[output]} = 1.0"]
    assigned = {output}
    for node, edges in groupby(Schedule(graph).links, key=itemgetter(0)):  # one group per consumer
        args = [term(i) for i in node.inputs]
        backward.append(f"# {names[node]} = {fill(node.op.code, names[node], *args)}")
        for _, k, inp in edges:
            local = fill(local_templates(node, k)[2], names[node], *args)
            sign = "+=" if inp in assigned else "="
            assigned.add(inp)
            backward.append(f"{grads[inp]} {sign} {_times(local, grads[node])}")
    code = StagedCode("\n".join(forward + backward))
    code.variables = {node: (name, grads[node]) for node, name in names.items()}
    return code


def _gradient_names(names: dict[Node, str]) -> dict[Node, str]:
    """``d`` + the node's name, or ``grad_`` + the name where that is taken (by a value,
    another gradient, a builtin or ``math``).

    >>> x, dx, s = Node(1.0), Node(2.0), Node(3.0)
    >>> list(_gradient_names({x: "x", dx: "dx", s: "ict"}).values())
    ['grad_x', 'ddx', 'grad_ict']
    """
    taken = set(names.values())
    grads = {}
    for node, name in names.items():
        grad = "d" + name
        if grad in taken or grad in _RESERVED:
            grad = _unique("grad_" + name, taken)
        taken.add(grad)
        grads[node] = grad
    return grads
