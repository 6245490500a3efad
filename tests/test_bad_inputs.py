"""The bad-input table: every mistake a user can make, its error, and a graph left as it was.

The table lives in docs/errors.md (the docs site's "What can go wrong"); these tests run every row, so
the class and the start of the message shown there are the real ones, and check that
the graph's values and gradients are exactly as before the error. More cases the table
does not show (batches, a failed backward in the middle of a graph) follow it.
"""

from __future__ import annotations

import builtins
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import scalargraph as sg

TABLE = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
ROW = re.compile(r"^\| `(?P<code>[^`]+)`(?: \([^)]*\))? \| `(?P<cls>\w+)` \| `(?P<start>[^`]+)` \|$")


def table_rows() -> list[tuple[str, str, str]]:
    """(code, class name, message start) for every row of the bad-input table in docs/errors.md."""
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            match = ROW.match(line)
            assert match, f"docs/errors.md row not in the form | `code` | `Class` | `message start` |: {line}"
            rows.append((match["code"], match["cls"], match["start"]))
    return rows


ROWS = table_rows()


def setting() -> dict[str, Any]:
    """The graph every row starts from (as docs/errors.md says)."""
    x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
    f = x * y + sg.sigmoid(x)
    g = sg.Graph(f)
    g.backward()
    return {"sg": sg, "np": np, "math": math, "x": x, "y": y, "f": f, "g": g}


def state(g: sg.Graph) -> list[tuple[Any, Any]]:
    """Every node's value and gradient, as exact Python objects (floats here)."""
    return [(n.value, n.grad) for n in g.nodes]


def _exception_class(name: str) -> type[BaseException]:
    found = getattr(sg, name, None) or getattr(builtins, name, None)
    assert isinstance(found, type) and issubclass(found, BaseException), f"unknown class {name}"
    return found


@pytest.mark.parametrize("code,cls,start", ROWS, ids=[code for code, _, _ in ROWS])
def test_table_row(code, cls, start, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths in the rows land here; nothing may be written
    ns = setting()
    before = state(ns["g"])
    expected = _exception_class(cls)
    expression = compile(code, "<docs/errors.md>", "eval")  # the project's own docs, not user input
    if issubclass(expected, Warning):
        with pytest.warns(expected) as record:
            eval(expression, ns)
        message = str(record[0].message)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an error must not come with a warning first
            with pytest.raises(expected) as info:
                eval(expression, ns)
        assert type(info.value) is expected, f"{type(info.value).__name__}, not {cls}"
        message = str(info.value)
    assert message.startswith(start), f"the message is now: {message}"
    assert state(ns["g"]) == before, "values or gradients changed"
    assert list(tmp_path.iterdir()) == [], "a file was written"


def test_the_table_covers_every_kind_of_bad_input():
    codes = " ".join(code for code, _, _ in ROWS)
    classes = {cls for _, cls, _ in ROWS}
    assert {"InputError", "OperandTypeError", "DomainError", "BatchShapeError", "BackwardError",
            "ArityError", "ParseError", "RenderError", "TypeError", "UserWarning"} <= classes
    for kind in ('float("nan")', 'x + "a"', "g.forward(z=", "sg.log(", "/ (y + 4)", "np.ones(4)",
                 '.save("f.bmp")', '.save("/proc/', "range(400)", "sg.maximum(x)", ".backward()"):
        assert kind in codes, f"no row for {kind}"


def test_every_error_class_is_also_the_builtin_a_user_expects():
    expected = {
        sg.InputError: ValueError, sg.DomainError: ValueError, sg.BatchShapeError: ValueError,
        sg.BackwardError: ValueError, sg.ParseError: ValueError, sg.OperandTypeError: TypeError,
        sg.ArityError: TypeError, sg.RenderError: RuntimeError, sg.MissingDependencyError: ImportError,
    }
    for cls, builtin in expected.items():
        assert issubclass(cls, sg.ScalargraphError) and issubclass(cls, builtin), cls


# ------------------------------------------------------------- beyond the table
def _batch_graph() -> tuple[sg.Graph, sg.Node, sg.Node]:
    x = sg.Node(np.array([0.5, 1.0, 2.0]), name="x")
    a = sg.Param(1.5, name="a")
    out = sg.sum(sg.log(x * a) + a * a)
    g = sg.Graph(out)
    g.backward()
    return g, x, a


def _copy(v: Any) -> Any:
    return v.copy() if isinstance(v, np.ndarray) else v


def _same(before: list[tuple[Any, Any]], after: list[tuple[Any, Any]]) -> bool:
    return all(np.array_equal(v0, v1) and np.array_equal(g0, g1) and type(v0) is type(v1)
               for (v0, g0), (v1, g1) in zip(before, after)) and len(before) == len(after)


def test_forward_error_in_one_sample_of_a_batch_leaves_the_batch_graph_as_it_was():
    g, x, _ = _batch_graph()
    before = [(_copy(n.value), _copy(n.grad)) for n in g.nodes]
    with pytest.raises(sg.DomainError, match=r"^log: the input must be positive, got batch\(3,\)"):
        g.forward(x=np.array([0.5, -1.0, 2.0]))
    assert _same(before, state(g))


def test_failed_backward_in_a_batch_graph_restores_every_gradient():
    x = sg.Node(np.array([1.0, 0.0, 4.0]), name="x")
    a = sg.Param(2.0, name="a")
    total = sg.sum(sg.sqrt(x) * a)  # sqrt(0) = 0 has no derivative
    g = sg.Graph(sg.sum(x * a))
    g.backward()
    grads = {"x": np.copy(x.grad), "a": a.grad}
    with pytest.raises(sg.DomainError, match=r"^sqrt \(derivative for input 1\)"):
        total.backward()
    assert np.array_equal(x.grad, grads["x"]) and a.grad == grads["a"]
    assert all(n.grad is None for n in sg.Graph(total).nodes if n not in (x, a))


def test_a_failed_forward_with_several_names_changes_none_of_them():
    x, y = sg.Node(3.0, name="x"), sg.Node(2.0, name="y")
    f = sg.log(x) * y
    g = sg.Graph(f)
    g.backward()
    before = state(g)
    with pytest.raises(sg.InputError, match="no input or parameter named 'w'"):
        g.forward(y=5.0, w=1.0)  # y is valid, w is not: y must not change either
    with pytest.raises(sg.DomainError):
        g.forward(y=5.0, x=-1.0)
    assert state(g) == before


def test_an_error_inside_a_group_closes_the_group():
    with pytest.raises(sg.DomainError), sg.group("layer"):
        sg.log(sg.Node(-1.0))
    assert sg.Node(1.0).group is None


def test_a_reflected_operator_names_the_operands_in_the_order_written():
    x = sg.Node(3.0, name="x")
    with pytest.raises(sg.OperandTypeError, match=r"^unsupported operand types for \*: 'str' and 'Node'"):
        "a" * x


@pytest.mark.parametrize("code", ["sg.Node(10 ** 400)", "x + 10 ** 400"])
def test_an_int_too_large_for_a_float_is_an_input_error(code):
    ns = setting()
    before = state(ns["g"])
    with pytest.raises(sg.InputError, match="finite"):
        eval(code, ns)
    assert state(ns["g"]) == before


@pytest.mark.parametrize("call", [sg.Graph, sg.gradcheck, sg.draw])
def test_a_number_where_an_output_node_is_expected(call):
    with pytest.raises(sg.OperandTypeError, match="expected|Node"):
        call(3.0)
