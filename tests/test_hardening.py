"""Issue 17, class by class: the promises of the README under odd inputs, overflow,
interrupts, copies, names from the whole of Unicode and failing files.

Property-based where it fits (random batch shapes, random names, random interrupt
points, random expression trees from :mod:`strategies`); the independent answer is
named at each test: the same op on plain floats, a fresh build, the state before the call.
"""

from __future__ import annotations

import copy
import errno
import io
import json
import math
import os
import pickle
import re
import stat
import sys
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import cases, examples

import scalargraph as sg
from scalargraph import cli
from scalargraph.checks.per_node import check_nodes
from scalargraph.core.namespaces import MATH
from scalargraph.core.node import BATCH, check_name
from scalargraph.core.ops import OPS
from scalargraph.drawing import render as render_module
from scalargraph.drawing.render import write_file, write_files
from scalargraph.teaching.steps import _tex

PACKAGE = str(Path(sg.__file__).parent)


def state(nodes: Any) -> list[tuple[Any, Any]]:
    """Every node's value and gradient, copied (numpy arrays too)."""
    return [(copy.copy(n.value), copy.copy(n.grad)) for n in nodes]


def same(a: list[tuple[Any, Any]], b: list[tuple[Any, Any]]) -> bool:
    def eq(u: Any, v: Any) -> bool:
        if isinstance(u, np.ndarray) or isinstance(v, np.ndarray):
            return isinstance(u, np.ndarray) and isinstance(v, np.ndarray) and np.array_equal(u, v)
        return u is v or u == v
    return len(a) == len(b) and all(eq(u, v) and eq(g, h) for (u, g), (v, h) in zip(a, b))


# ---------------------------------------------------------------- random interrupts
@contextmanager
def interrupt_at(n: int) -> Iterator[None]:
    """Raise KeyboardInterrupt at the ``n``-th line scalargraph executes (as Ctrl-C would).

    Not while an error is being handled: no Python code can undo its work if an interrupt
    lands on the first line of its ``except`` block, before the undoing starts. The undoing
    itself is one call that runs in C (``core.graph.put_back``), which an interrupt cannot
    split; and the checks work on a copy."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(PACKAGE):
            return None
        if event == "line" and sys.exc_info()[0] is None:
            count += 1
            if count == n:
                raise KeyboardInterrupt
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(None)


def lines_run(action: Callable[[], Any]) -> int:
    """How many lines of scalargraph ``action`` executes (the range of interrupt points)."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(PACKAGE):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


# ==================================================================== 1. batches
shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


@settings(max_examples=examples(100))
@given(shapes, shapes)
def test_a_batch_is_1d_and_batches_never_broadcast(a: tuple[int, ...], b: tuple[int, ...]):
    make = lambda shape, name: sg.Node(np.full(shape, 2.0) if shape else 2.0, name=name)
    for shape, name in ((a, "a"), (b, "b")):
        if len(shape) > 1:
            with pytest.raises(sg.BatchShapeError) as info:
                make(shape, name)
            assert f"{name}: " in str(info.value) and str(shape) in str(info.value) and BATCH in str(info.value)
    assume(len(a) <= 1 and len(b) <= 1)
    x, y = make(a, "a"), make(b, "b")
    if a and b and a != b:  # two batches of different lengths: refused by every op, and by forward
        for op in ("add", "mul", "maximum"):
            with pytest.raises(sg.BatchShapeError, match=rf"{op}: batch shapes \({a[0]},\) and \({b[0]},\)"):
                sg.core.node.apply(OPS[op], x, y)
    else:  # the same as the op on each sample as floats
        out = x * y + sg.maximum(x, y)
        expected = MATH.maximum(2.0, 2.0) + 4.0
        assert np.all(np.asarray(out.value) == expected) and np.shape(out.value) == (a or b)


def test_graph_forward_refuses_a_column_and_a_mismatch_and_changes_nothing():
    x, y = sg.Node(np.ones(3), name="x"), sg.Node(np.ones(3), name="y")
    g = sg.Graph(sg.sum(x * y))
    g.backward()
    before = state(g.nodes)
    with pytest.raises(sg.BatchShapeError, match=r"x: .*\(3, 1\)"):
        g.forward(x=np.ones((3, 1)))
    with pytest.raises(sg.BatchShapeError, match=r"mul: batch shapes \(4,\) and \(3,\)"):
        g.forward(x=np.ones(4))
    assert same(before, state(g.nodes))


# ==================================================================== 2. overflow
finite = st.floats(allow_nan=False, allow_infinity=False)
BINARY = ("add", "sub", "mul", "div", "pow", "maximum", "minimum")
UNARY = ("exp", "log", "sqrt", "tanh", "sigmoid", "neg", "sin")


def _run(op: str, args: tuple[float, ...], batch: bool) -> tuple[Any, Any]:
    """(value, gradients) of ``op`` on Nodes, as floats or as one-sample batches, or the error."""
    leaves = [sg.Node(np.array([v]) if batch else v, name=f"x{i}") for i, v in enumerate(args)]
    try:
        out = sg.core.node.apply(OPS[op], *leaves)
    except sg.DomainError as err:
        return "forward", str(err).split(":")[0]
    total = sg.sum(out) if batch else out
    try:
        total.backward()
    except sg.DomainError as err:
        return "backward", str(err).split(":")[0]
    return float(np.sum(out.value)), [float(np.sum(leaf.grad)) for leaf in leaves]


@settings(max_examples=examples(300))
@given(st.sampled_from(BINARY + UNARY), finite, finite)
def test_one_overflow_policy_for_floats_and_batches(op: str, a: float, b: float):
    args = (a, b)[:OPS[op].arity]
    as_float, as_batch = _run(op, args, False), _run(op, args, True)
    # Either both raise a DomainError naming the op, in the same pass, or both give finite numbers.
    assert (as_float[0] in ("forward", "backward")) == (as_batch[0] in ("forward", "backward")), (as_float, as_batch)
    if as_float[0] in ("forward", "backward"):
        assert as_float[1].startswith(op) and as_batch[1].startswith(op)
        assert as_float[0] == as_batch[0]
        return
    value, grads = as_float
    assert math.isfinite(value) and all(math.isfinite(g) for g in grads)
    expected = OPS[op].forward(MATH, *args)  # the table on plain floats
    assert math.isclose(value, expected, rel_tol=1e-14)  # numpy's exp may differ in the last bit
    assert grads == pytest.approx(as_batch[1], rel=1e-14, abs=0)


def test_overflow_examples_from_the_issue():
    x = sg.Node(1e308, name="x")
    with pytest.raises(sg.DomainError, match=r"^mul: the result is not a finite float \(inf"):
        x * 10
    with pytest.raises(sg.DomainError, match=r"^pow: the result is not a finite float"):
        sg.Node(1e200) ** 2
    # Large finite batches: maximum/minimum compare, never subtract (1e308 - (-1e308) overflows).
    a, b = sg.Node(np.array([1e308, -1e308, 5.0])), sg.Node(np.array([-1e308, 1e308, 5.0]))
    sg.sum(sg.maximum(a, b) + sg.minimum(a, b)).backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0] and b.grad.tolist() == [1.0, 1.0, 1.0]  # tie: ½ + ½
    # A tiny denominator: the derivative overflows; it is not reported as a zero denominator.
    n, d = sg.Node(1.0, name="n"), sg.Node(1e-200, name="d")
    f = n / d
    assert f.value == 1e200
    with pytest.raises(sg.DomainError) as info:
        f.backward()
    assert str(info.value).startswith("div (derivative for input 2): the result is not a finite float")
    assert "1e-200" in str(info.value) and n.grad is None and d.grad is None
    # ... and where the true derivative is finite it is computed, though b ** 2 underflows:
    small = sg.Node(1e-300, name="s") / sg.Node(1e-200, name="t")
    small.backward()
    assert small.inputs[1].grad == pytest.approx(-1e-300 / 1e-200 / 1e-200, rel=1e-15)


def test_a_gradient_that_overflows_names_the_leaf():
    x = sg.Node(1e-308, name="x")
    f = x * 1e300 * 1e300  # value 1e292; df/dx = 1e600
    with pytest.raises(sg.DomainError, match=r"backward: the gradient reaching 'x' is not a finite float"):
        f.backward()
    assert x.grad is None


@pytest.mark.parametrize("exponent", [0.0, 0.5, -1.0])
def test_zero_to_a_power_below_one_is_refused_forward_as_the_domain_says(exponent):
    assert "a = 0 with b >= 1" in OPS["pow"].domain
    for build in (lambda: sg.Node(0.0, name="x") ** exponent,
                  lambda: sg.Node(np.array([1.0, 0.0])) ** exponent,
                  lambda: sg.Graph(sg.Node(1.0, name="x") ** exponent).forward(x=0.0)):
        with pytest.raises(sg.DomainError, match=r"^pow: a \*\* b needs a > 0"):
            build()


@pytest.mark.parametrize("exponent,slope", [(1.0, 1.0), (1.5, 0.0), (2.0, 0.0), (3.0, 0.0)])
def test_zero_to_a_power_from_one_has_a_value_and_a_derivative(exponent, slope):
    x = sg.Node(0.0, name="x")
    f = x ** exponent
    f.backward()
    assert f.value == 0.0 and x.grad == slope  # b·0^(b-1): 1 at b = 1, else 0


# ==================================================================== 3. interrupts
@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_depth=4), st.data())
def test_forward_and_backward_are_all_or_nothing_under_an_interrupt(case, data):
    out, leaves = case.graph()
    g = sg.Graph(out)
    used = [leaf for leaf in leaves if leaf in g.inputs + g.params]
    old = {leaf.name: leaf.value for leaf in used}
    new = {leaf.name: leaf.value + 1 / 1024 for leaf in used}

    def reset() -> None:
        g.forward(**old)
        g.backward()

    for action in (lambda: g.forward(**new), g.backward):
        reset()
        try:
            total = lines_run(action)
        except sg.DomainError:
            continue  # the new values leave an op's domain: refused (tested elsewhere)
        done = state(g.nodes)
        reset()
        before = state(g.nodes)
        n = data.draw(st.integers(1, total), label="interrupt at line")
        try:
            with interrupt_at(n):
                action()
        except KeyboardInterrupt:  # as before, or (interrupted on its way out) all done
            now = state(g.nodes)
            assert same(before, now) or same(done, now), f"interrupted at line {n}: half done"


# ==================================================================== 4. checks
@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_depth=4), st.booleans(), st.data())
def test_checks_never_change_the_users_graph(case, backward_first, data):
    out, _ = case.graph()
    g = sg.Graph(out)
    if backward_first:
        g.backward()
    before = state(g.nodes)
    total = lines_run(lambda: sg.gradcheck(out))
    assert same(before, state(g.nodes))
    check_nodes(out)
    assert same(before, state(g.nodes))
    n = data.draw(st.integers(1, total), label="interrupt gradcheck at line")
    try:
        with interrupt_at(n):
            sg.gradcheck(out)
    except KeyboardInterrupt:
        pass
    assert same(before, state(g.nodes))


def test_gradcheck_at_a_domain_edge_says_which_check_and_which_nudge():
    x = sg.Node(1e-7, name="x")  # log(x ± h) with h = 1e-6: the lower nudge leaves log's domain
    f = sg.log(x)
    f.backward()
    before = state([x, f])
    with pytest.raises(sg.DomainError) as info:
        sg.gradcheck(f)
    message = str(info.value)
    assert message.startswith("gradcheck: the central difference for 'x' moved it from 1e-07 to -9e-07")
    assert "log: the input must be positive, got -9e-07" in message
    assert same(before, state([x, f]))


# ==================================================================== 5. copies
@settings(max_examples=examples(100))
@given(cases(), st.sampled_from(["pickle", "deepcopy"]))
def test_a_copy_gives_the_same_values_and_gradients(case, how):
    out, leaves = case.graph()
    twin = pickle.loads(pickle.dumps(out)) if how == "pickle" else copy.deepcopy(out)
    g, h = sg.Graph(out), sg.Graph(twin)
    assert [n.op for n in g.nodes] == [n.op for n in h.nodes]  # the table's own entries, by name
    assert all(sg.is_param(m) == sg.is_param(n) and type(m) is type(n)
               for m, n in zip(g.nodes, h.nodes))
    assert set(map(id, g.nodes)).isdisjoint(map(id, h.nodes))
    assert g.backward() == h.backward()  # bit for bit
    assert [n.value for n in g.nodes] == [n.value for n in h.nodes]
    assert [n.grad for n in g.nodes] == [n.grad for n in h.nodes]


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_copies_at_any_depth_keep_identity_groups_and_graphs(how):
    duplicate = (lambda o: pickle.loads(pickle.dumps(o))) if how == "pickle" else copy.deepcopy
    x, a = sg.Node(0.5, name="x"), sg.Param(0.25, name="a")
    with sg.group("chain"):
        f = x
        for _ in range(20_000):  # far beyond the recursion limit
            f = f * 1.0 + a * 1e-5
    g = sg.Graph(f)
    g.backward()
    f2, x2, a2, g2 = duplicate([f, x, a, g])
    assert sg.Graph(f2).inputs == (x2,) and sg.Graph(f2).params == (a2,)  # one x, one a, as before
    assert g2.output is f2 and x2.grad == x.grad and a2.grad == a.grad
    assert f2.group.name == "chain" and f2.group is f2.inputs[0].group and x2.group is None
    assert copy.deepcopy(OPS["mul"]) is OPS["mul"]
    g2.forward(x=1.0)
    assert g2.backward() == (g.forward(x=1.0), g.backward())[1]


# ==================================================================== 6. names
BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff]")
names = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
                min_size=1, max_size=8)  # the whole of Unicode, surrogates and controls included


@settings(max_examples=examples(300))
@given(names)
def test_a_name_is_refused_at_node_exactly_when_a_target_cannot_show_it(name):
    if BAD.search(name):
        for make in (lambda: sg.Node(1.0, name=name), lambda: sg.Node(1.0).named(name),
                     lambda: sg.group(name)):
            with pytest.raises(sg.InputError, match="must not hold control characters"):
                make()
    else:
        assert sg.Node(1.0, name=name).name == name == check_name(name)


good_names = names.filter(lambda n: not BAD.search(n))


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_leaves=3), st.lists(good_names, min_size=3, max_size=3))
def test_staged_code_runs_and_reproduces_the_engine_for_any_names(case, chosen):
    out, leaves = case.graph()
    for leaf, name in zip(leaves, chosen):
        leaf.name = name
    assume(len({leaf.name for leaf in leaves}) == len(leaves))
    code = sg.staged_code(out)
    space: dict[str, Any] = {}
    exec(compile(code, "<staged>", "exec"), space)  # our own generated source
    out.backward()
    for node, (value, grad) in code.variables.items():
        assert space[value] == node.value
        if node.grad is not None:
            assert space[grad] == node.grad  # bit for bit


def test_staged_code_names_that_python_or_the_templates_would_confuse():
    x, y = sg.Node(1.5, name="ｘ"), sg.Node(-2.0, name="x")  # one identifier to Python (NFKC)
    m, f = sg.Node(0.5, name="max"), sg.Node(3.0, name="float")
    out = sg.relu(x * y) + sg.maximum(m, x) * sg.abs(f) + sg.minimum(y, m)
    code = sg.staged_code(out)
    space: dict[str, Any] = {}
    exec(compile(code, "<staged>", "exec"), space)
    out.backward()
    assert [space[code.variables[n][1]] for n in (x, y, m, f)] == [x.grad, y.grad, m.grad, f.grad]
    assert "max_ = 0.5" in code and "float_ = 3.0" in code
    constant = sg.staged_code(sg.Graph(sg.Node(2.0) * 3).nodes[1])  # a graph with no inputs
    exec(compile(constant, "<staged>", "exec"), {})


def latex_is_valid(tex: str) -> bool:
    """A name as LaTeX: as is, or ``\\mathrm{...}`` in which every special character is escaped."""
    if tex.startswith("\\mathrm{") and tex.endswith("}"):
        tex = tex[len("\\mathrm{"):-1]
    body = re.sub(r"\\(backslash|hat|sim)\{\}|\\[#$%&_{} ]", "", tex)
    return not re.search(r"[\\^_#$%&~{}]", body)


@settings(max_examples=examples(300))
@given(good_names)
def test_latex_of_any_name_is_valid(name):
    assert latex_is_valid(_tex(name)), _tex(name)


@pytest.mark.skipif(not render_module.available_engines(), reason="no Graphviz")
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(good_names, min_size=2, max_size=2, unique=True), good_names)
def test_diagram_and_player_of_any_names_are_valid_and_silent(capfd, chosen, group_name):
    with sg.group(group_name):
        x, y = sg.Node(2.0, name=chosen[0]), sg.Node(-1.0, name=chosen[1])
        f = x * y + x
    f.backward()
    capfd.readouterr()
    svg = sg.draw(f).svg()
    texts = "".join(ET.fromstring(svg.encode("utf-8")).itertext())  # well-formed XML
    squeeze = lambda t: re.sub(r"\s", "", t)
    for name in (*chosen, group_name):
        assert squeeze(name) in squeeze(texts), name
    p = sg.player(f, mode="backward")
    assert all(ET.fromstring(frame.svg.encode("utf-8")) is not None for frame in p.frames)
    assert "<svg" in p.html()
    assert capfd.readouterr().err == ""  # Graphviz said nothing


# ==================================================================== 7. constants
def test_constants_never_get_a_gradient(capsys):
    c = sg.core.node.Constant(3.0)
    c.backward()
    assert c.grad is None
    assert cli.main(["grad", "2 * 3", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["gradients"] == {} and all(n["gradient"] is None for n in printed["nodes"])
    x = sg.Node(2.0, name="x")
    out = x * 3 + 4
    out.backward()
    assert [n.grad for n in sg.Graph(out).constants] == [None, None] and x.grad == 3.0


# ==================================================================== 8. files
def test_saving_keeps_the_mode_and_refuses_read_only_unless_asked(tmp_path):
    target = tmp_path / "f.dot"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_file(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    os.chmod(target, 0o444)
    if os.access(target, os.W_OK):  # root may write anyway: the check asks the OS, as root's shell would
        pytest.skip("running as root: a read-only file is writable")
    with pytest.raises(sg.RenderError, match="read-only; choose another name, make it writable, or pass force=True"):
        write_file(target, b"newer")
    assert target.read_bytes() == b"new"
    write_file(target, b"newer", force=True)
    assert target.read_bytes() == b"newer" and stat.S_IMODE(target.stat().st_mode) == 0o444


def test_read_only_target_refused_with_a_fake_access_check(tmp_path, monkeypatch):
    target = tmp_path / "f.dot"
    target.write_text("old")
    monkeypatch.setattr(render_module.os, "access", lambda path, mode: False)
    with pytest.raises(sg.RenderError, match="read-only"):
        sg.draw(sg.Node(1.0, name="x") * 2).save(target)
    assert target.read_text() == "old"
    sg.draw(sg.Node(1.0, name="x") * 2).save(target, force=True)
    assert target.read_text().startswith("digraph")


def test_long_names_bytes_paths_and_bad_types(tmp_path):
    long_name = "d" * 246 + ".dot"  # 250 characters: allowed, and the temporary name is short
    assert write_file(tmp_path / long_name, b"x").read_bytes() == b"x"
    with pytest.raises(sg.RenderError, match="choose a shorter file name"):
        write_file(tmp_path / ("d" * 252 + ".dot"), b"x")
    assert write_file(os.fsencode(tmp_path / "b.dot"), b"y").read_bytes() == b"y"
    with pytest.raises(sg.RenderError, match="a file name must be a str or a pathlib.Path, got int"):
        write_file(3, b"z")  # type: ignore[arg-type]
    with pytest.raises(sg.RenderError, match="choose a file name without it"):
        write_file(str(tmp_path / "a\0b.dot"), b"z")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["b.dot", long_name])


def test_a_full_disk_is_a_render_error_and_leaves_nothing(tmp_path, monkeypatch):
    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(render_module.os, "replace", full)
    with pytest.raises(sg.RenderError, match="No space left on device; free some disk space"):
        write_file(tmp_path / "f.dot", b"x")
    with pytest.raises(sg.RenderError, match="free some disk space"):
        write_files(tmp_path / "out", {"a.txt": b"1", "b.txt": b"2"})
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_writing_files_is_all_or_nothing_under_an_interrupt(tmp_path, data):
    folder = tmp_path / data.draw(st.sampled_from(["new", "existing"]))
    if folder.name == "existing":
        folder.mkdir(exist_ok=True)
        (folder / "a.txt").write_bytes(b"old a")
    before = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else None
    files = {"a.txt": b"new a", "b.txt": b"new b", "c.txt": b"new c"}

    def action() -> None:
        write_files(folder, files)

    n = data.draw(st.integers(1, 200), label="interrupt at line")  # a write runs about 130 lines
    try:
        with interrupt_at(n):
            action()
    except KeyboardInterrupt:
        after = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else None
        assert after in (before, files), f"interrupted at line {n}: half written"  # (done: on its way out)
    else:
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    if folder.exists():  # leave the next example a clean start
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def test_demo_out_writes_every_file_or_none(tmp_path, monkeypatch, capsys):
    calls = []
    real = render_module._temporary

    def fails_on_the_third(folder: Path, data: bytes, mode: int) -> str:
        calls.append(folder)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(folder, data, mode)

    monkeypatch.setattr(render_module, "_temporary", fails_on_the_third)
    out = tmp_path / "demo" / "deeper"
    assert cli.main(["demo", "circuit", "--out", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # not even the folders it made


# ==================================================================== 9. parser
@pytest.mark.parametrize("text,kwargs,start", [
    ("\ud800 + x", {"x": 1.0}, "column 1: U+D800 is a lone surrogate"),
    ("ｘ + 1", {}, "column 1: the name 'ｘ' (Python reads it as 'x') has no value"),
    ("# only a comment", {}, "the expression is empty (only a comment)"),
    ("x * a", {"x": 1.0, "params": [("a", 1.0)]}, "params must be a mapping"),
    ("x", {"x": 1.0, "ｘ": 2.0}, "'x' and 'ｘ' are the same name to Python"),
])
def test_parser_messages(text, kwargs, start):
    with pytest.raises(sg.ParseError) as info:
        sg.parse(text, **kwargs)
    assert str(info.value).startswith(start)


def test_a_full_width_name_is_the_name_python_reads(capsys):
    assert sg.parse("ｘ * 2", x=3.0).value == 6.0  # Python reads ｘ as x; so does parse


def test_invalid_utf8_on_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x + \xff"), encoding="utf-8"))
    assert cli.main(["grad", "-", "--at", "x=1"]) == 2
    assert "standard input is not UTF-8 text (byte 5 is 0xff)" in capsys.readouterr().err


# ==================================================================== 10. warnings
def test_the_librarys_errors_come_alone():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(sg.InputError, match="beyond the float range"):
            sg.Node(np.array([1.0, np.longdouble("1e4000")]))  # inf as a float64 (or already)
        with pytest.raises(sg.DomainError):
            sg.exp(sg.Node(np.array([1.0, 800.0])))
        with pytest.raises(sg.DomainError):
            sg.Node(np.array([1e300, 1.0])) * 1e10


@pytest.mark.skipif("pygraphviz" not in render_module.available_engines(), reason="needs pygraphviz")
def test_graphviz_stderr_is_kept_out_of_the_terminal(capfd):
    capfd.readouterr()
    with pytest.raises(sg.RenderError) as info:
        render_module.render("digraph { a -> }", "svg", engine="pygraphviz")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    assert "syntax error" in str(info.value)


def test_names_are_nfkc_aware_in_identifiers():
    from scalargraph.teaching.staged import identifier
    for text in ["ｘ", "x²", "ﬁ", "Ⅸ", "ℌ", "a\u0301"]:
        name = identifier(text)
        assert name.isidentifier() and unicodedata.normalize("NFKC", name) == name
