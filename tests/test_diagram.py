"""Diagrams: what each node and edge shows, the options, groups, size limits and the DOT snapshot.

Independent answers: hand-computed numbers from the cs231n notes (f = (x+y)·z at -2, 5, -4:
∂f/∂q = z = -4, q.grad = -4) and central differences of each op's forward function.
"""

from __future__ import annotations

import math
import os
import re
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import central_diff

import scalargraph as sg
from scalargraph.checks.per_node import check_nodes
from scalargraph.core.namespaces import MATH
from scalargraph.drawing.diagram import XLABEL_ABOVE
from scalargraph.drawing.themes import THEMES
from scalargraph.learning.examples import circuit, cs231n_staged, param_attached, sigmoid_neuron

SNAPSHOTS = Path(__file__).parent / "snapshots"


def node_line(source: str, node_id: str) -> str:
    """The DOT statement of one box (``n3 [label=...]``)."""
    (line,) = [ln for ln in source.splitlines() if ln.strip().startswith(f"{node_id} [")]
    return line


def edge_labels(source: str) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for tail, head, text in re.findall(r"(\w+) -> (\w+) \[(?:x?label)=\"([^\"]*)\"", source):
        found.setdefault((tail, head), []).append(text)
    return found


# ------------------------------------------------------------------ snapshot
def test_dot_snapshot_of_the_cs231n_staged_graph():
    """To regenerate after an intended change of the drawing, run
    SCALARGRAPH_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_diagram.py -k snapshot
    and review the diff of tests/snapshots/cs231n_staged.dot before committing it."""
    ex = cs231n_staged()
    ex.output.backward()
    source = sg.draw(ex.output).source
    path = SNAPSHOTS / "cs231n_staged.dot"
    if os.environ.get("SCALARGRAPH_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert source == expected, (
        "the DOT of the cs231n staged graph changed; if intended, regenerate with "
        "SCALARGRAPH_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_diagram.py -k snapshot")


def test_same_graph_same_dot_every_time():
    sources = set()
    for _ in range(3):
        ex = sigmoid_neuron()
        ex.output.backward()
        sources.add(sg.draw(ex.output, legend=True, check=True).source)
    assert len(sources) == 1
    assert "0x" not in sources.pop()  # no id()-based names


# ------------------------------------------------------------ nodes and edges
def test_every_node_shows_name_symbol_value_and_gradient():
    ex = circuit()
    ex.output.backward()
    src = sg.draw(ex.output).source
    q = node_line(src, "n2")  # x, y, q, z, f in topological order
    assert "<b>q</b>" in q and ">+<" in q and "= x + y" in q
    assert "value 3<" in q and "grad -4<" in q
    f = node_line(src, "n4")
    assert "value -12<" in f and "grad 1<" in f and "peripheries=2" in f  # the output


def test_gradient_not_computed_differs_from_zero():
    # h = relu(x) at x = -1: after backward x.grad is exactly 0, before it is not computed.
    x = sg.Node(-1.0, name="x")
    h = sg.relu(x).named("h")
    before = node_line(sg.draw(h).source, "n0")
    h.backward()
    after = node_line(sg.draw(h).source, "n0")
    assert x.grad == 0.0
    assert "grad not computed" in before and "grad 0<" not in before
    assert "grad 0<" in after and "not computed" not in after
    assert "<i>" in before  # drawn in a muted italic, not as a number


def test_edge_shows_symbolic_and_numeric_local_derivative():
    ex = circuit()
    ex.output.backward()
    labels = edge_labels(sg.draw(ex.output).source)
    assert labels[("n2", "n4")] == ["∂f/∂q = z = -4"]   # the notes: ∂f/∂q = z = -4
    assert labels[("n3", "n4")] == ["∂f/∂z = q = 3"]
    assert labels[("n0", "n2")] == ["∂q/∂x = 1"]        # the symbol is already the number


def test_every_edge_number_matches_central_differences_of_the_op():
    ex = cs231n_staged()
    order = sg.Graph(ex.output).nodes
    src = sg.draw(ex.output, digits=12).source
    labels = edge_labels(src)
    checked = 0
    for node in order:
        for k, inp in enumerate(node.inputs):
            if isinstance(inp, sg.Constant):
                continue
            key = (f"n{order.index(inp)}", f"n{order.index(node)}")
            text = labels[key][0] if node.inputs.count(inp) == 1 else labels[key][k]
            shown = float(text.rsplit("= ", 1)[1])
            args = [i.value for i in node.inputs]
            numeric = central_diff(lambda *a: node.op.forward(MATH, *a), args, k)
            assert shown == pytest.approx(numeric, rel=1e-6, abs=1e-9), text
            checked += 1
    assert checked == 12


def test_edge_labels_can_be_turned_off():
    ex = param_attached()
    ex.output.backward()
    src = sg.draw(ex.output, edge_labels=False).source
    assert "∂" not in src and " -> " in src


def test_digits_rankdir_and_theme():
    ex = cs231n_staged()
    ex.output.backward()
    assert "grad 2.0596<" in sg.draw(ex.output).source              # 2.0595697955721652, DIGITS = 5
    assert "grad 2.1<" in sg.draw(ex.output, digits=2).source
    assert "grad 2.0595697955721652<" in sg.draw(ex.output, digits=17).source
    with pytest.warns(DeprecationWarning, match="digits"):             # the old name still works
        assert "grad 2.1<" in sg.draw(ex.output, precision=2).source
    assert "rankdir=TB" in sg.draw(ex.output, rankdir="TB").source
    light, dark = sg.draw(ex.output).source, sg.draw(ex.output, theme="dark").source
    assert "bgcolor=white" in light and 'bgcolor="#111827"' in dark


def test_kinds_are_styled_apart_and_the_legend_names_them():
    ex = sigmoid_neuron()
    ex.output.backward()
    src = sg.draw(ex.output, attach=False, legend=True).source
    fills = {}
    for node_id, what in (("n0", "w0"), ("n1", "x0")):
        line = node_line(src, node_id)
        assert f"<b>{what}</b>" in line
        fills[what] = re.search(r"fillcolor=\"([^\"]+)\"", line).group(1)
    assert fills["w0"] != fills["x0"] and "shape=component" in node_line(src, "n0")
    legend = node_line(src, "legend")
    for role, word in (("input", "input"), ("param", "parameter"), ("const", "constant"),
                       ("op", "op"), ("output", "output")):   # each word beside its kind's fill
        fill = re.search(r'fillcolor="?([^" ]+)"?', node_line(src, {"input": "n1", "param": "n0"}.get(
            role, "n0"))).group(1) if role in ("input", "param") else getattr(THEMES["light"], role)
        assert re.search(rf'bgcolor="{fill}"[^>]*></td><td align="left">{word}<', legend), word
    assert "legend" not in sg.draw(ex.output).source


# ---------------------------------------------------------- attached params
def test_attached_parameter_is_drawn_inside_its_nodes():
    ex = param_attached()          # F = x·a·a + a at x = 4, a = 1: dF/da = 2·x·a + 1 = 9
    ex.output.backward()
    src = sg.draw(ex.output).source
    assert "<b>a</b>" not in src                          # no box of its own
    assert src.count(">a = 1<") == 3                      # one row per place it is used
    # what each place adds (∂F/∂mul#2 · x = 1·4, ∂F/∂mul#3 · mul#2 = 1·4, ∂F/∂F · 1) and the total once
    assert re.findall(r"adds (\d+)", src) == ["4", "4", "1"] and src.count("total grad 9") == 1
    assert "∂mul#2/∂a = x = 4" in src and "∂mul#3/∂a = mul#2 = 4" in src and "∂F/∂a = 1" in src
    assert ">× a<" in node_line(src, "n2") and ">+ a<" in node_line(src, "n4")
    assert len(re.findall(r" -> ", src)) == 3              # x -> mul -> mul -> F


def test_attach_false_draws_parameters_and_constants_as_leaves():
    ex = param_attached()
    ex.output.backward()
    src = sg.draw(ex.output, attach=False).source
    assert "<b>a</b>" in node_line(src, "n1")
    labels = edge_labels(src)
    assert labels[("n1", "n2")] == ["∂mul#2/∂a = x = 4"]
    assert len(re.findall(r" -> ", src)) == 6
    two = sg.Node(3.0, name="t") * 2
    assert "style=dashed" in sg.draw(two, attach=False).source   # no gradient into a constant


# --------------------------------------------------------- values / grads maps
def test_values_and_grads_mappings_draw_partial_states():
    ex = circuit()
    x, y, z = ex.leaves
    q, f = ex.output.inputs[0], ex.output
    src = sg.draw(f, values={x: -2.0, y: 5.0, z: -4.0}, grads={}).source
    assert "value not computed" in node_line(src, "n2") and "value -2<" in node_line(src, "n0")
    assert src.count("grad not computed") == 5
    labels = edge_labels(src)
    assert labels[("n0", "n2")] == ["∂q/∂x = 1"]
    assert labels[("n2", "n4")] == ["∂f/∂q = z"]          # q and f not known yet: symbolic only
    src = sg.draw(f, values={x: -2.0, y: 5.0, z: -4.0, q: 3.0, f: -12.0}, grads={f: 1.0, q: -4.0}).source
    assert edge_labels(src)[("n2", "n4")] == ["∂f/∂q = z = -4"]
    assert "grad -4<" in node_line(src, "n2") and "grad not computed" in node_line(src, "n0")
    assert q.grad is None  # the nodes themselves are untouched


def test_highlighted_nodes_and_edges_are_emphasised():
    ex = circuit()
    x, y, z = ex.leaves
    q, f = ex.output.inputs[0], ex.output
    assert "penwidth=3" in node_line(sg.draw(f, highlight=q).source, "n2")  # one node alone
    src = sg.draw(f, highlight=[q, (z, f)]).source
    assert "penwidth=3" in node_line(src, "n2") and "penwidth=3" not in node_line(src, "n0")
    (zf,) = [ln for ln in src.splitlines() if "n3 -> n4" in ln]
    (qf,) = [ln for ln in src.splitlines() if "n2 -> n4" in ln]
    assert "penwidth=3" in zf and "penwidth=3" not in qf
    with pytest.raises(sg.InputError, match="not an input"):
        sg.draw(f, highlight=[(x, f)])
    with pytest.raises(sg.InputError, match="not part of the graph"):
        sg.draw(f, highlight=[sg.Node(1.0)])
    with pytest.raises(sg.InputError, match="Nodes and"):
        sg.draw(f, highlight=["q"])


def test_highlighted_attached_parameter_row():
    ex = param_attached()
    x, a = ex.leaves
    F = ex.output
    src = sg.draw(F, highlight=[(a, F)]).source
    fill = THEMES["light"].highlight_fill
    assert src.count(f'bgcolor="{fill}"') == 3  # F's three rows about a, not mul#2's or mul#3's


# ------------------------------------------------------------------ batches
def test_batch_values_show_a_summary_or_one_sample():
    x = sg.Node(np.array([1.0, 2.0, 3.0]), name="x")
    w = sg.Param(2.0, name="w")
    loss = sg.mean(x * w).named("loss")
    loss.backward()
    summary = node_line(sg.draw(loss).source, "n0")
    assert "batch(3,) mean 2" in summary
    one = node_line(sg.draw(loss, sample=1).source, "n0")
    assert "value 2 [sample 1]" in one and "grad 0.66667 [sample 1]" in one   # d mean(2x)/dx_i = 2/3
    with pytest.raises(sg.InputError, match="out of range"):
        sg.draw(loss, sample=5)


# ------------------------------------------------------------------- groups
def nested_groups() -> sg.Node:
    x = sg.Node(0.5, name="x")
    with sg.group("layer 1"):
        h = sg.tanh(x * sg.Param(2.0, name="w1")).named("h")
        with sg.group("act"):
            r = sg.relu(h).named("r")
    with sg.group("layer 2"):
        out = (r * sg.Param(-1.5, name="w2")).named("out")
    return out


def test_groups_are_nested_clusters():
    src = sg.draw(nested_groups()).source
    assert src.count("subgraph cluster_") == 3
    one = src.index("label=\"layer 1\"")
    act = src.index("label=act")
    assert src.index("subgraph cluster_0") < one < act   # "act" is drawn inside "layer 1"
    body = src[src.index("subgraph cluster_1"):]
    assert "<b>r</b>" in body.split("}")[0]


def test_collapse_draws_a_group_as_one_box():
    out = nested_groups()
    src = sg.draw(out, collapse=["layer 1"]).source
    assert "<b>h</b>" not in src and "<b>r</b>" not in src
    assert "<b>layer 1</b><br/>(3 nodes, collapsed)" in src
    assert re.search(r"n0 -> g0\b", src) and re.search(r"g0 -> n\d+", src)
    inner = sg.draw(out, collapse=["layer 1/act"]).source
    assert "<b>h</b>" in inner and "<b>r</b>" not in inner and "<b>act</b><br/>(1 node, collapsed)" in inner
    with pytest.raises(sg.InputError, match=r"no group named 'layer 9'.*layer 1, layer 1/act, layer 2"):
        sg.draw(out, collapse=["layer 9"])


# ----------------------------------------------------------------- big graphs
def test_big_graph_warns_and_draws_only_max_nodes_boxes_quickly():
    x = sg.Node(0.1, name="x")
    h = x
    for _ in range(5000):
        h = sg.sin(h)
    start = time.perf_counter()
    with pytest.warns(UserWarning, match=r"5001 boxes.*max_nodes=300.*sg.group"):
        src = sg.draw(h).source
    assert time.perf_counter() - start < 30  # generous: it must simply never hang
    assert len(re.findall(r"^\tn\d+ \[", src, flags=re.M)) == 300
    assert "… 4701 nodes before these" in src
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sg.draw(h, max_nodes=None)  # no limit, no warning (DOT only, not rendered)


def test_big_graph_warning_suggests_its_groups():
    x = sg.Node(0.1, name="x")
    with sg.group("encoder"):
        for _ in range(40):
            x = sg.sin(x)
    with pytest.warns(UserWarning, match=r"collapse=\['encoder'\]"):
        sg.draw(x, max_nodes=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "… " not in sg.draw(x, max_nodes=10, collapse=["encoder"]).source


def test_large_graphs_use_xlabels():
    h = sg.Node(0.1, name="x")
    for _ in range(XLABEL_ABOVE + 1):
        h = sg.sin(h)
    assert "xlabel=" in sg.draw(h).source and "xlabel=" not in sg.draw(sg.sin(sg.Node(1.0))).source


# -------------------------------------------------------------- check=True
def test_check_badges_agree_with_hand_computed_gradients():
    ex = circuit()
    ex.output.backward()
    q = ex.output.inputs[0]
    checks = check_nodes(ex.output)
    assert checks[q].numeric == pytest.approx(-4.0, rel=1e-8)   # ∂f/∂q = z = -4
    assert all(c.ok for c in checks.values())
    src = sg.draw(ex.output, check=True).source
    assert src.count("check ✓") == 5 and "check ✗" not in src and THEMES["light"].ok in src


def test_check_flags_a_kink_in_red_and_restores_values():
    x = sg.Node(0.0, name="x")
    h = sg.relu(x).named("h")
    y = (h * 3.0).named("y")
    y.backward()                       # relu'(0) = 0 by convention; central differences see 0.5
    src = sg.draw(y, check=True).source
    assert "check ✗ numeric 1.5" in node_line(src, "n0") and THEMES["light"].bad in node_line(src, "n0")
    assert "check ✓" in node_line(src, "n1")
    assert (x.value, h.value, y.value, x.grad) == (0.0, 0.0, 0.0, 0.0)


def test_check_before_backward_leaves_grads_not_computed():
    ex = cs231n_staged()
    src = sg.draw(ex.output, check=True).source
    assert src.count("check ✓") == 10
    assert all(n.grad is None for n in sg.Graph(ex.output).nodes)


def test_check_of_intermediate_batch_node():
    x = sg.Node(np.array([0.5, -1.0]), name="x")
    s = sg.exp(x).named("s")
    loss = sg.sum(s * s)
    loss.backward()
    checks = check_nodes(loss)
    np.testing.assert_allclose(checks[s].numeric, 2 * np.exp([0.5, -1.0]), rtol=1e-7)
    assert checks[s].ok


# ------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"rankdir": "UP"}, sg.InputError, "LR, TB, RL, BT"),
    ({"theme": "neon"}, sg.InputError, "light, dark, mono"),
    ({"digits": 0}, sg.InputError, "1 to 17"),
    ({"edge_labels": "long"}, sg.InputError, "'full', 'short', 'symbolic'"),
    ({"fold": "yes"}, sg.InputError, "fold must be"),
    ({"unknown": 0}, sg.InputError, "unknown is the text"),
    ({"flow": [3]}, sg.InputError, "Nodes and"),
    ({"values": [1.0]}, sg.InputError, "mapping"),
    ({"max_nodes": 0}, sg.InputError, "positive"),
    ({"sample": -1}, sg.InputError, "sample index"),
    ({"collapse": 3}, sg.InputError, "list of group names"),
    ({"collapse": [None]}, sg.InputError, "list of group names"),
    ({"highlight": 3}, sg.InputError, "list of Nodes"),
])
def test_bad_options_are_named(kwargs, error, words):
    ex = circuit()
    with pytest.raises(error, match=re.escape(words)):
        sg.draw(ex.output, **kwargs)


def test_draw_needs_a_node():
    with pytest.raises(sg.OperandTypeError, match="needs the output Node, a Graph or an example"):
        sg.draw(3.0)


# --------------------------------------------------------------- display
def test_diagram_and_node_display_as_svg_in_jupyter():
    ex = circuit()
    bundle, _ = ex.output._repr_mimebundle_()  # (data, metadata): see tests/test_display.py
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml") and "<svg" in bundle["image/svg+xml"]
    assert "image/svg+xml" in sg.draw(ex.output)._repr_mimebundle_()[0]


def test_digraph_restyling_reaches_the_source():
    d = sg.draw(circuit().output, legend=True)
    before = d.source
    assert d.digraph.source == before            # the graphviz.Digraph writes the same DOT
    d.digraph.attr(bgcolor="pink")
    assert "bgcolor=pink" in d.source
    assert math.isfinite(len(d.source))


def test_highlighted_edge_into_a_collapsed_group_stays_highlighted():
    x = sg.Node(0.5, name="x")
    y = sg.Node(1.5, name="y")
    with sg.group("g"):
        s = (x * y).named("s")
        t = sg.sin(x).named("t")
        u = (s + t).named("u")
    out = sg.exp(u).named("out")
    src = sg.draw(out, collapse=["g"], highlight=[(x, t)]).source
    (xg,) = [ln for ln in src.splitlines() if "n0 -> g0" in ln]   # x feeds s and t: one edge
    assert "penwidth=3" in xg
    assert "penwidth=3" not in next(ln for ln in src.splitlines() if "n1 -> g0" in ln)


def test_check_on_a_long_chain_checks_only_the_drawn_nodes():
    x = sg.Node(0.3, name="x")
    h = x
    for _ in range(20000):
        h = sg.sin(h)
    h.backward()
    start = time.perf_counter()
    with pytest.warns(UserWarning, match="max_nodes=300"):
        src = sg.draw(h, check=True).source
    assert time.perf_counter() - start < 60   # quadratic over the whole chain would take hours
    assert src.count("check ✓") == 300


def test_numpy_scalars_in_mappings_show_as_numbers():
    ex = circuit()
    f = ex.output
    src = sg.draw(f, grads={f: np.float64(1.0)}, values={f: np.float64(-12.0)}).source
    assert "grad 1<" in node_line(src, "n4") and "value -12<" in node_line(src, "n4")


# ------------------------------------------------------------ gradient flow
def flows(source: str) -> dict[tuple[str, str], list[tuple[float, float, float]]]:
    """Each edge's ``flow upstream × local = contribution`` numbers."""
    found: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    number = r"(-?[0-9.e+-]+)"
    for tail, head, up, local, out in re.findall(
            rf"(\w+) -> (\w+) \[label=<[^\n]*?flow {number} × {number} = {number}<", source):
        found.setdefault((tail, head), []).append((float(up), float(local), float(out)))
    return found


def test_flow_shows_each_edge_contribution_and_they_add_up_to_the_gradient():
    ex = cs231n_staged()
    ex.output.backward()
    x = ex.leaves[0]
    src = sg.draw(ex.output, flow=True, digits=12, edge_labels="full").source
    found = flows(src)
    assert len(found) == 12                                  # every edge but the constant's
    for (up, local, out), in found.values():
        assert out == pytest.approx(up * local, rel=1e-9)
    x_id = f"n{sg.Graph(ex.output).nodes.index(x)}"
    into_x = [v[0][2] for (tail, _), v in found.items() if tail == x_id]
    # the notes: dx = 2.0595697955721652, the sum of x's three contributions (via xpy, sigx, num)
    assert len(into_x) == 3 and math.fsum(into_x) == pytest.approx(2.0595697955721652, rel=1e-9)


def test_flow_on_one_edge_only_and_in_short_labels():
    ex = circuit()
    ex.output.backward()
    x, y, z = ex.leaves
    q, f = ex.output.inputs[0], ex.output
    src = sg.draw(f, flow=(q, f)).source
    assert list(flows(src)) == [("n2", "n4")] and flows(src)[("n2", "n4")] == [(1, -4, -4)]  # ∂f/∂f · z
    short = sg.draw(f, flow=True, edge_labels="short").source
    labels_only = re.sub(r'tooltip="[^"]*"', "", short.split("->", 1)[1])
    assert "flow -4<" in short and "×" not in labels_only
    assert 'tooltip="∂f/∂q = z = -4; flow 1 × -4 = -4"' in short          # the whole story on hover


def test_flow_before_backward_says_not_computed():
    ex = circuit()
    assert "flow not computed yet" in sg.draw(ex.output, flow=True).source


# ------------------------------------------------------- quiz and step options
def test_unknown_gradients_as_question_marks_and_symbolic_edges():
    ex = param_attached()
    x, a = ex.leaves
    F = ex.output
    values = {n: n.value for n in sg.Graph(F).nodes}
    src = sg.draw(F, values=values, grads={F: 1.0}, unknown="?", edge_labels="symbolic").source
    assert "grad ?" in src and "not computed" not in src
    assert "∂mul#2/∂a = x<" in src and "= 4" not in src     # the symbolic derivative stays, no number
    assert "adds" not in src                                  # nor what a place adds (the answer)
    assert "total grad ?" in src


def test_no_minus_zero():
    x = sg.Node(-1.0, name="x")
    y = (sg.relu(x) * -3.0).named("y")
    y.backward()
    assert math.copysign(1.0, x.grad) == -1.0                 # the float is -0.0 ...
    src = sg.draw(y).source
    assert "grad 0<" in node_line(src, "n0") and "-0<" not in src   # ... shown as 0


def test_formulas_use_the_power_the_parser_reads():
    ex = cs231n_staged()
    ex.output.backward()
    src = sg.draw(ex.output).source
    assert "= xpy**2<" in src and ">**<" in src and "^" not in src
    assert sg.parse("xpy**2", xpy=-1.0).value == 1.0          # the formula as written parses


def test_op_symbol_is_set_apart_from_the_name():
    h = sg.relu(sg.Node(1.0, name="x"))
    header = re.search(r"<b>relu#1</b></td><td[^>]*>(.*?)</td>", sg.draw(h).source).group(1)
    assert header.startswith("&#160;") and "relu" in header


# ------------------------------------------------------------------ colours
def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (#rrggbb or white/black)."""
    def luminance(colour: str) -> float:
        colour = {"white": "#ffffff", "black": "#000000"}.get(colour, colour)
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_matches_known_ratios():
    assert contrast("black", "white") == pytest.approx(21.0)
    assert contrast("#777777", "white") == pytest.approx(4.48, abs=0.01)   # the usual AA borderline


@pytest.mark.parametrize("name", sorted(THEMES))
def test_every_text_colour_reads_on_every_fill(name):
    theme = THEMES[name]
    for role, colour in theme.text_colours().items():
        for where, fill in theme.fills().items():
            assert contrast(colour, fill) >= 4.5, f"{name}: {role} {colour} on {where} {fill}"


@pytest.mark.parametrize("name", sorted(THEMES))
def test_highlighted_rows_use_the_readable_fill(name):
    ex = param_attached()
    x, a = ex.leaves
    src = sg.draw(ex.output, highlight=[a], theme=name).source
    assert src.count(f'bgcolor="{THEMES[name].highlight_fill}"') > 0
    assert f'bgcolor="{THEMES[name].highlight}"' not in src or THEMES[name].highlight == THEMES[name].highlight_fill


# ------------------------------------------------------------ layout choice
def test_direction_follows_the_graph_shape():
    ex = cs231n_staged()          # six ranks deep, three wide: top to bottom
    ex.output.backward()
    assert "rankdir=TB" in sg.draw(ex.output).source
    c = circuit()                 # three ranks, short labels: left to right fits
    c.output.backward()
    assert "rankdir=LR" in sg.draw(c.output).source
    assert "rankdir=LR" in sg.draw(ex.output, rankdir="LR").source


def test_labels_shorten_when_the_full_ones_would_not_fit():
    model = sg.nn.MLP(2, [3, 1], rng=0)
    out = model([sg.Node(0.5, name="x1"), sg.Node(-1.0, name="x2")])
    out.backward()
    src = sg.draw(out).source
    assert "labeltooltip=" in src and re.search(r'label="?-?[0-9.]+"? ', src)   # numbers, formula on hover
    assert "labeltooltip=" not in sg.draw(out, edge_labels="full").source


# ----------------------------------------------------------------- big sums
def sum_graph(n: int, name: str | None = None) -> sg.Node:
    x, y = sg.Node(0.5, name="x"), sg.Node(1.0, name="y")
    f = sum([x * k for k in range(n)], y)
    return f.named(name) if name else f


def test_a_long_sum_is_one_sigma_box():
    f = sum_graph(30, "s")
    f.backward()
    src = sg.draw(f).source
    sigma = [ln for ln in src.splitlines() if "&#160;" in ln and ">Σ<" in ln]
    assert len(sigma) == 1 and "value 218.5<" in sigma[0]        # 1 + 0.5·(0+1+…+29) = 218.5
    assert "= y + mul#3 + mul#6 + … + mul#90  (31 terms)" in sigma[0]   # the first three and the last
    labels = edge_labels(src)
    into_sigma = [t for (tail, head), t in labels.items() if head == "n91"]
    assert len(into_sigma) == 31 and all(t == ["∂s/∂" + t[0].split("/∂")[1].split(" ")[0] + " = 1"]
                                         for t in into_sigma)
    assert len(re.findall(r"^\tn\d+ \[", src, flags=re.M)) == 33   # x, y, 30 products, Σ
    assert ">Σ<" not in sg.draw(f, fold=False).source
    assert ">Σ<" not in sg.draw(sum_graph(4)).source              # short sums stay as they are
    assert ">Σ<" in sg.draw(sum_graph(3), fold=True).source


def test_a_leaf_used_all_along_a_chain_gets_small_copies():
    f = sum_graph(40)
    f.backward()
    src = sg.draw(f, fold=False).source
    x = next(n for n in sg.Graph(f).nodes if n.name == "x")
    x_id = f"n{sg.Graph(f).nodes.index(x)}"
    copies = re.findall(r"^\t(c\d+_\d+_\d) \[label=x ", src, flags=re.M)
    assert len(copies) >= 30
    heads = [h for t, h in re.findall(r"^\t(\w+) -> (\w+)", src, flags=re.M) if t == x_id or t in copies]
    assert len(heads) == 40 and len(set(heads)) == 40           # x still reaches each of its 40 products
    src_cs = sg.draw(cs231n_staged().output).source
    assert "\tc" not in src_cs                                     # a few short edges: no copies


def test_collapse_hint_fits_and_collapsing_everything_keeps_the_output():
    model = sg.nn.MLP(4, [16, 16, 1], rng=0)
    out = model([sg.Node(0.1 * i, name=f"x{i}") for i in range(4)]).named("out")
    with pytest.warns(UserWarning, match=r"collapse=(\[[^\]]*\])\) draws (\d+) boxes") as caught:
        sg.draw(out)
    hint = re.search(r"collapse=(\[[^\]]*\])\) draws (\d+) boxes", str(caught[0].message))
    groups = eval(hint.group(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")                              # following the hint: no truncation
        src = sg.draw(out, collapse=groups).source
    assert "not drawn (max_nodes" not in src and all(f"<b>{g}</b><br/>(" in src for g in groups)
    assert len(re.findall(r"^\t+[ng]\d+ \[", src, flags=re.M)) == int(hint.group(2))
    every = sg.draw(out, collapse=["L1", "L2", "L3"]).source
    assert "<b>out</b>" in every and "peripheries=2" in every     # the output keeps its own box


def test_a_step_shows_the_flow_of_every_edge_the_backward_pass_went_along_so_far():
    """As the player does: one more flow per backward step; at the last, x's flows sum to dx."""
    ex = cs231n_staged()
    walk = sg.steps(ex.output, mode="both")
    counts = [sum(len(v) for v in flows(s.diagram(digits=17, edge_labels="full").source).values())
              for s in walk]
    assert counts == [0] * 11 + list(range(1, 13))        # 10 forward steps, the seed, 12 edges
    found = flows(walk[-1].diagram(digits=17, edge_labels="full").source)
    into_x = [out for (tail, _), rows in found.items() if tail == "n0" for _, _, out in rows]
    assert math.fsum(into_x) == pytest.approx(2.0595697955721652, rel=1e-15)
    assert flows(walk[-1].diagram(flow=False, edge_labels="full").source) == {}


def test_a_backward_step_can_show_the_flow_on_its_edge_and_frames_share_one_layout():
    ex = cs231n_staged()
    walk = sg.steps(ex.output, mode="both")
    backward = [s for s in walk if s.kind == "backward"]
    layouts = set()
    for s in backward:
        src = s.diagram(flow=s.edge, digits=12).source
        (found,) = flows(src).values()                     # the active edge alone carries a flow
        up, local, out = found[0]
        assert out == pytest.approx(s.contribution, rel=1e-9) and up == pytest.approx(s.upstream, rel=1e-9)
        layouts.add(re.search(r"rankdir=(\w+)", src).group(1))
    assert layouts == {"TB"}                               # the finished pass's layout, every frame
    first = walk[0].diagram().source                       # nothing computed yet: still the same layout
    assert "rankdir=TB" in first
