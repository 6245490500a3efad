"""sg.player: one layout and per-step changes, the page in a real headless Chromium (with and
without JavaScript), the GIF and the widget."""

from __future__ import annotations

import html
import math
import os
import re
import sys
import warnings
import xml.etree.ElementTree as ET

import pytest
from notes_cs231n import g5, notes

import scalargraph as sg
from scalargraph.drawing.diagram import THEMES
from scalargraph.learning.examples import circuit, cs231n_staged, param_attached

N = notes()
SVG = "{http://www.w3.org/2000/svg}"


def micrograd_readme() -> sg.Node:
    """The example of micrograd's README, built with scalargraph ops."""
    a = sg.Node(-4.0, name="a")
    b = sg.Node(2.0, name="b")
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + sg.relu(b + a))
    d = d + (3 * d + sg.relu(b - a))
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return g.named("g")


def odd_names() -> sg.Node:
    """Names that need escaping in DOT, HTML and SVG, and a parameter attached twice."""
    x = sg.Node(2.0, name='x<&"y')
    a = sg.Param(3.0, name="a<b>")
    return (x * a * a + sg.relu(x)).named("f & g")


@pytest.fixture(scope="module")
def cs231n_player() -> sg.Player:
    return sg.player(cs231n_staged(), interval=0.05)


def boxes(svg: str) -> dict[str, str]:
    """Each box's and edge's text (all its runs joined), by its Graphviz title."""
    root = ET.fromstring(svg)
    seen: dict[str, int] = {}
    out = {}
    for g in root.iter(SVG + "g"):
        if g.get("class", "").split(" ")[0] in ("node", "edge"):
            title = g.findtext(SVG + "title") or ""
            seen[title] = seen.get(title, -1) + 1
            out[f"{title}#{seen[title]}"] = "".join("".join(t.itertext()) for t in g.iter(SVG + "text"))
    return out


def highlighted(svg: str, drawn_by_draw: bool, colour: str = "#dc2626") -> set[str]:
    """The titles of the highlighted boxes and edges: by draw's red outline, or by our class."""
    root = ET.fromstring(svg)
    seen: dict[str, int] = {}
    out = set()
    for g in root.iter(SVG + "g"):
        if g.get("class", "").split(" ")[0] in ("node", "edge"):
            title = g.findtext(SVG + "title") or ""
            seen[title] = seen.get(title, -1) + 1
            hot = (any(e.get("stroke-width") == "3" for e in g.iter()) if drawn_by_draw
                   else "sg-hot" in g.get("class", ""))
            if hot:
                out.add(f"{title}#{seen[title]}")
            rows = (sum(e.get("fill") == colour for e in g.iter(SVG + "polygon")) if drawn_by_draw
                    else sum("sg-hot" in e.get("class", "") for e in g.iter(SVG + "polygon")))
            if rows and g.get("class", "").startswith("node"):  # an attached parameter's row (and the row of its local derivative)
                out.add(f"{title}#{seen[title]} rows {rows}")
    return out


def svg_of(diagram) -> str:
    svg = diagram.svg()
    return svg[svg.index("<svg"):]


def test_one_frame_per_step(cs231n_player: sg.Player) -> None:
    walk = sg.steps(cs231n_staged(), mode="both")
    assert len(cs231n_player) == len(walk) == 23
    assert [f.text for f in cs231n_player.frames] == [s.text for s in walk]
    assert [f.kind for f in cs231n_player.frames] == ["forward"] * 10 + ["backward"] * 13
    assert all(f.svg.startswith("<svg") and f.svg.endswith("</svg>") for f in cs231n_player.frames)
    # The diagrams show the equations' precision: the last frame has dx = 2.0596.
    assert f"grad {g5(N['dx'])}" in cs231n_player.frames[-1].svg
    assert "grad not computed" in cs231n_player.frames[0].svg


@pytest.mark.parametrize("make, mode, options", [
    (cs231n_staged, "both", {}), (param_attached, "both", {}), (param_attached, "backward", {}),
    (micrograd_readme, "both", {}), (circuit, "forward", {}), (param_attached, "both", {"attach": False}),
    (cs231n_staged, "both", {"edge_labels": False, "rankdir": "TB", "theme": "dark"}),
    (micrograd_readme, "backward", {"precision": 3}), (odd_names, "both", {})])
def test_every_frame_shows_what_draw_draws_for_that_step(make, mode, options) -> None:
    """The independent answer: draw() renders each step on its own (values, gradients and
    highlights of that step); the player's one layout with the frame's changes applied must
    show the same texts in every box and on every edge, and highlight the same ones."""
    p = sg.player(make(), mode, **options)
    walk = sg.steps(make(), mode)
    assert len(p) == len(walk)
    sent: list[tuple[sg.Node, sg.Node]] = []  # the edges whose gradient has gone back so far
    for frame, step in zip(p.frames, walk):
        sent += [step.edge] if step.edge is not None else []
        # with the player's options, and the flow of every edge the backward pass went along
        expected = svg_of(step.diagram(flow=sent, **p.draw_options))
        assert boxes(frame.svg) == boxes(expected), step.text
        colour = THEMES[options.get("theme", "light")].highlight_fill  # draw's highlighted rows
        assert highlighted(frame.svg, False) == highlighted(expected, True, colour), step.text


def test_the_micrograd_readme_numbers() -> None:
    """micrograd's README prints g = 24.7041, dg/da = 138.8338, dg/db = 645.5773."""
    p = sg.player(micrograd_readme(), digits=7)
    last = boxes(p.frames[-1].svg)
    texts = [t.replace("\xa0", "") for t in last.values()]  # the name, a space, the op symbol
    assert any(t.startswith("ainput") and "grad 138.8338" in t for t in texts)
    assert any(t.startswith("binput") and "grad 645.5773" in t for t in texts)
    assert any(t.startswith("g+") and "value 24.70408" in t for t in texts)


def edge_flows(svg: str) -> dict[str, str]:
    """Each edge's flow line (``flow U × L = C``), by edge title; '' where it is blank."""
    return {key: text.partition("flow ")[2] for key, text in boxes(svg).items() if "->" in key}


def test_each_backward_step_writes_its_flow_on_its_edge_and_it_stays() -> None:
    """The flows into x, read off the player's last frame, are the notes' three terms of dx;
    each appears at the frame of its step (blank before) and stays."""
    ex = cs231n_staged()
    p = sg.player(ex, digits=17)
    x = next(n for n in sg.Graph(ex.output).inputs if n.name == "x")
    into_x = {}
    for i, frame in enumerate(p.frames):
        step = frame.step
        if step.edge is not None and step.edge[0] is x:
            consumer = step.edge[1].name
            before, now = edge_flows(p.frames[i - 1].svg), edge_flows(frame.svg)
            changed = [key for key in now if now[key] != before[key]]
            assert len(changed) == 1 and before[changed[0]] == "", step.text   # one edge, blank before
            into_x[consumer] = float(now[changed[0]].split(" = ")[1])  # U × L = C
            assert all(edge_flows(later.svg)[changed[0]] == now[changed[0]] for later in p.frames[i:])
    dsig = (1 - N["sigx"]) * N["sigx"] * N["dsigx"]
    assert into_x == {"xpy": pytest.approx(N["dxpy"], rel=1e-15), "sigx": pytest.approx(dsig, rel=1e-15),
                      "num": pytest.approx(N["dnum"], rel=1e-15)}
    assert math.fsum(into_x.values()) == pytest.approx(N["dx"], rel=1e-15)  # 2.0595697955721652
    assert all(text == "" for text in edge_flows(p.frames[9].svg).values())  # forward frames: none


def test_an_attached_parameter_shows_what_each_place_adds() -> None:
    """F = x·a² + a at x = 4, a = 1 (redwrasse): a's three places add 4, 4 and 1; the last
    place the backward pass reaches shows the total 9. Before it reaches a place, that row
    shows the running total."""
    p = sg.player(param_attached())
    rows = [re.findall("param a = [^·]* · ([^∂]*)", "".join(boxes(f.svg).values()))
            for f in p.frames]  # after the value, up to the next row (the local derivative)
    sent = [f for f in p.frames if f.step.edge is not None and f.step.edge[0].name == "a"]
    assert [f.step.contribution for f in sent] == [1.0, 4.0, 4.0]
    first, second, last = (rows[f.index] for f in sent)
    assert sorted(first) == ["adds 1", "grad 1", "grad 1"]
    assert sorted(second) == ["adds 1", "adds 4", "grad 5"]
    assert sorted(last) == ["adds 1", "adds 4", "adds 4 · total grad 9"]
    plain = sg.player(param_attached(), flow=False)
    assert all("adds" not in t and "flow" not in t for f in plain.frames for t in boxes(f.svg).values())
    with pytest.raises(sg.InputError, match="flow is True"):
        sg.player(param_attached(), flow="active")


def test_the_page_grows_with_nodes_plus_steps() -> None:
    """A page holding one diagram per frame grows as nodes × steps (16x for 4x the terms);
    one diagram plus per-frame changes grows as nodes + steps (about 4x)."""
    def page(n: int) -> int:
        x, y = sg.Node(0.5, name="x"), sg.Node(1.0, name="y")
        f = y
        for k in range(n):
            f = f + x * sg.Node(float(k + 1), name=f"w{k}")
        return len(sg.player(f.named("f")).html())

    small, large = page(8), page(32)
    assert large / small < 6


def test_page_is_self_contained_and_deterministic(cs231n_player: sg.Player) -> None:
    page = cs231n_player.html()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    assert page.count('<li class="sg-step"') == 23
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    outside_svg = page.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xlink", "")
    assert "http://" not in outside_svg and "https://" not in outside_svg
    assert sg.player(cs231n_staged(), interval=0.05).html() == page
    fragment = cs231n_player._repr_html_()
    assert fragment.startswith(f'<div class="sg-player" id="{cs231n_player.uid}"')
    assert fragment.replace('class="sg-player"', 'class="sg-player sg-page"') in page


def test_static_html_and_png(cs231n_player: sg.Player) -> None:
    static = cs231n_player.static_html()
    assert "<script" not in static and "<style" not in static and static.count("<svg") == 1
    assert static.count('<li class="sg-step"') == 23
    assert html.escape(cs231n_player.frames[-1].text, quote=False) in static
    assert f"grad {g5(N['dx'])}" in static and "sg-hot" not in static
    png = cs231n_player.png()
    assert png.startswith(b"\x89PNG")
    import io

    from PIL import Image

    small, large = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(cs231n_player.png(dpi=192)))
    assert large.width == pytest.approx(2 * small.width, rel=0.02)


def test_save_html_and_gif(cs231n_player: sg.Player, tmp_path) -> None:
    from PIL import Image, ImageChops

    html_path = cs231n_player.save(tmp_path / "backprop.html")
    assert html_path.read_text(encoding="utf-8") == cs231n_player.html()
    gif_path = cs231n_player.save(tmp_path / "backprop.gif")
    with Image.open(gif_path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 23
        assert gif.info["duration"] == 50 and gif.info.get("loop") == 0
        gif.seek(0)
        first = gif.convert("RGB")
        gif.seek(22)
        last = gif.convert("RGB")
        assert last.size[0] > 1000 and first.size == last.size
        assert ImageChops.difference(first, last).getbbox() is not None


def test_gif_frames_come_from_one_layout(cs231n_player: sg.Player) -> None:
    """Every frame is the one layout with other texts and colours: between two backward
    frames only a few cells and highlights change, a small part of the image (a new layout
    would move boxes and edges everywhere)."""
    import io

    from PIL import Image, ImageChops

    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in cs231n_player.pngs()]
    assert len({image.size for image in images}) == 1
    changed = ImageChops.difference(images[15], images[16]).convert("L").point(lambda v: 255 if v else 0)
    share = sum(changed.histogram()[255:]) / (changed.width * changed.height)
    assert 0 < share < 0.03


def test_gif_frames_write_each_edge_label_graphviz_accepts(capfd) -> None:
    """A blank flow line must still be a valid Graphviz label (an empty <font> is not):
    Graphviz reports a bad label on stderr and draws the edge without it."""
    pngs = sg.player(cs231n_staged()).pngs()
    assert len(pngs) == 23 and "Error" not in capfd.readouterr().err


def test_save_errors_write_nothing(tmp_path, monkeypatch) -> None:
    p = sg.player(circuit())
    with pytest.raises(sg.RenderError, match="valid suffixes: .html, .htm, .gif"):
        p.save(tmp_path / "backprop.png")
    with pytest.raises(sg.RenderError, match="does not exist"):
        p.save(tmp_path / "missing" / "backprop.html")

    def rendered(*args, **kwargs):
        raise AssertionError("rendered before the path was checked")

    monkeypatch.setattr("scalargraph.teaching.player._frame_pngs", rendered)  # the GIF's frames come after
    with pytest.raises(sg.RenderError, match="does not exist"):
        p.save(tmp_path / "missing" / "backprop.gif")
    assert os.listdir(tmp_path) == []


def test_bad_options() -> None:
    with pytest.raises(sg.InputError, match="interval is the seconds per frame"):
        sg.player(circuit(), interval=0)
    for chosen in ("highlight", "values", "check", "tangents"):
        with pytest.raises(sg.InputError, match=f"chooses {chosen}= for each frame"):
            sg.player(circuit(), **{chosen: ()})
    with pytest.raises(sg.InputError, match="mode must be one of"):
        sg.player(circuit(), mode="sideways")
    with pytest.raises(sg.InputError, match="unknown theme"):
        sg.player(circuit(), theme="neon")


def mlp_output() -> sg.Node:
    m = sg.nn.MLP(2, [4, 4, 1], rng=0)
    return m([0.5, -1.0])


def test_too_many_frames_warns_with_the_options_of_draw(monkeypatch) -> None:
    monkeypatch.setattr("scalargraph.teaching.player.FRAMES_WARN", 200)
    with pytest.warns(UserWarning, match=r"steps to play, more than 200.*collapse=\['L2', 'L1'\].*max_nodes="):
        p = sg.player(mlp_output())
    assert len(p) == len(sg.steps(mlp_output(), "both")) > 200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        short = sg.player(mlp_output(), collapse=["L1"])
    # Steps of nodes inside L1 are left out, and of parameters used only there; the rest stay.
    graph = sg.Graph(mlp_output())
    consumers: dict[sg.Node, list[sg.Node]] = {}
    for n in graph.nodes:
        for i in n.inputs:
            consumers.setdefault(i, []).append(n)

    def in_l1(n: sg.Node) -> bool:
        return n.group is not None and n.group.path()[0] == "L1"

    hidden = {n for n in graph.nodes if in_l1(n) or (sg.is_param(n) and all(map(in_l1, consumers[n])))}
    outside = [s.text for s in sg.steps(graph, "both") if s.node not in hidden]
    assert [f.text for f in short.frames] == outside
    assert short.plan.skipped == len(p) - len(short) > 0
    assert "inside collapsed groups" in short.static_html()


def test_a_gif_of_too_many_frames_is_refused(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("scalargraph.teaching.player.GIF_MAX_FRAMES", 5)
    with pytest.raises(sg.InputError, match="too long to watch.*limit is 5.*backprop.html"):
        sg.player(circuit()).save(tmp_path / "f.gif")
    assert os.listdir(tmp_path) == []


def test_a_step_displays_its_diagram_and_latex() -> None:
    step = sg.steps(circuit())[3]
    page = step._repr_html_()
    assert page.count("<svg") == 1 and "$$\\mathrm{d}x \\mathrel{+}= \\mathrm{d}q" in page
    assert 'title="dx += dq · ∂q/∂x = -4 · 1 = -4  (total -4)"' in page
    assert "grad -4" in html.unescape(step.diagram().svg())  # q's gradient is known at this step


def test_stepper_widget() -> None:
    widgets = pytest.importorskip("ipywidgets")
    box = sg.stepper(circuit())
    (play, slider), view = box.children[0].children, box.children[1]
    assert isinstance(play, widgets.Play) and slider.max == len(box.player) - 1 == 9
    assert "x = -2" in view.value and view.value.count("<svg") == 1
    slider.value = 9
    assert view.value.endswith("\\quad (\\text{total } -4)$$</div>")
    assert "grad -4" in html.unescape(view.value) and "sg-hot" in view.value


def test_stepper_without_ipywidgets(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(sg.MissingDependencyError, match="pip install ipywidgets"):
        sg.stepper(circuit())


def test_nothing_to_play() -> None:
    with pytest.raises(sg.InputError, match="nothing to play"):
        sg.player(sg.Constant(2.0), mode="forward")
    assert len(sg.player(sg.Node(2.0, name="x"))) == 2  # x = 2, then dx = 1


def test_without_a_renderer_a_step_shows_its_latex(monkeypatch) -> None:
    import scalargraph.drawing.diagram

    def no_renderer(*args, **kwargs):
        raise sg.MissingDependencyError("Rendering a diagram needs Graphviz: pip install 'pygraphviz>=2.0'")

    monkeypatch.setattr(scalargraph.drawing.diagram, "render", no_renderer)
    step = sg.steps(circuit())[3]
    assert step._repr_html_() is None and step._repr_latex_().startswith("$$\\mathrm{d}x")
    q = sg.quiz(circuit())
    assert q._repr_html_().startswith('<div class="sg-quiz"><p><b>dz = ?</b></p>')


def test_boxes_fit_the_widest_text_they_will_show(cs231n_player: sg.Player) -> None:
    """The layout holds every frame's text: each box was laid out with its widest one
    ("grad not computed" is wider than "grad -0.79159")."""
    source = cs231n_player.plan.layout.source
    assert source.count(">grad not computed<") == 10  # every box but the two constants
    assert ">value not computed<" in source


# ------------------------------------------------------------------ in a browser
def open_page(browser, path, javascript: bool = True):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    log: dict[str, list[str]] = {"requests": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("console", lambda m: log["errors"].append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, log


def state(page) -> tuple[str, str, str]:
    return (page.locator(".sg-counter").inner_text(), page.locator(".sg-equation").inner_text(),
            page.locator(".sg-title").inner_text())


#: The smallest text on screen, in CSS pixels: each text's font size times the SVG's scale.
SMALLEST_TEXT = """() => {
    let smallest = Infinity;
    document.querySelectorAll('.sg-view svg text').forEach(t => {
        const px = t.getScreenCTM().a * parseFloat(t.getAttribute('font-size'));
        smallest = Math.min(smallest, px);
    });
    return smallest;
}"""

#: Where the active box is, and where the scrolling view is, on screen.
ACTIVE_BOX = """() => {
    const view = document.querySelector('.sg-view');
    const hot = document.querySelector('.sg-view svg g.node.sg-hot, .sg-view svg polygon.sg-hot');
    const v = view.getBoundingClientRect();
    const inner = {left: v.left + view.clientLeft, top: v.top + view.clientTop,
                   right: v.left + view.clientLeft + view.clientWidth,
                   bottom: v.top + view.clientTop + view.clientHeight};
    const visible = {left: Math.max(inner.left, 0), top: Math.max(inner.top, 0),
                     right: Math.min(inner.right, innerWidth), bottom: Math.min(inner.bottom, innerHeight)};
    if (!hot) return null;
    const r = hot.getBoundingClientRect();
    return {box: [r.left, r.top, r.right, r.bottom], view: [visible.left, visible.top, visible.right, visible.bottom]};
}"""


def test_player_in_chromium(browser, cs231n_player: sg.Player, tmp_path) -> None:
    path = cs231n_player.save(tmp_path / "backprop.html")
    page, log = open_page(browser, path)
    assert page.locator(".sg-list").is_hidden() and page.locator(".sg-controls").is_visible()
    title = "Backpropagation through f, step by step"
    assert state(page) == ("1 / 23", "x = 3", f"{title}: forward pass")
    slider = page.locator("input[type=range]")
    slider.fill("5")
    assert state(page)[:2] == ("6 / 23", "xpy = x + y = 3 + (-4) = -1")
    page.click("[data-go=next]")
    assert state(page)[0] == "7 / 23"
    page.click("[data-go=prev]")
    page.click("[data-go=prev]")
    assert state(page)[:2] == ("5 / 23", f"sigx = σ(x) = σ(3) = {g5(N['sigx'])}")
    page.focus(".sg-player")
    page.keyboard.press("ArrowRight")
    assert state(page)[0] == "6 / 23"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert state(page)[0] == "4 / 23"
    page.keyboard.press("End")
    counter, equation, heading = state(page)
    assert counter == "23 / 23" and heading == f"{title}: backward pass"
    assert equation.endswith(f"(total {g5(N['dy'])})  where ∂sigy/∂y = (1 − sigy)·sigy")
    # The last frame shows dx = 2.0596 in the x box, as draw() draws the last step.
    walk = sg.steps(cs231n_staged(), "both")
    expected = boxes(svg_of(walk[-1].diagram(flow=[s.edge for s in walk if s.edge])))
    on_screen = page.evaluate("""() => [...document.querySelectorAll('.sg-view svg g.node, .sg-view svg g.edge')]
        .map(g => [g.querySelector('title').textContent, [...g.querySelectorAll('text')].map(t => t.textContent).join('')])""")
    seen: dict[str, int] = {}
    shown = {}
    for t, text in on_screen:
        seen[t] = seen.get(t, -1) + 1
        shown[f"{t}#{seen[t]}"] = text
    assert shown == expected and "grad 2.0596" in shown["n0#0"]
    slider.fill("10")
    assert state(page)[1:] == ("df = 1", f"{title}: backward pass")
    page.click("[data-go=first]")
    assert state(page)[0] == "1 / 23"
    page.click("[data-go=play]")
    page.wait_for_function(
        "() => document.querySelector('.sg-counter').textContent === '23 / 23'", timeout=10_000)
    assert page.locator("[data-go=play]").inner_text().endswith("play")  # stopped at the end

    assert log["errors"] == []
    assert log["requests"] == [path.as_uri()]  # the page itself, nothing else
    page.close()


@pytest.mark.parametrize("make", [cs231n_staged, micrograd_readme])
def test_text_is_legible_and_zooms(browser, make, tmp_path) -> None:
    path = sg.player(make()).save(tmp_path / "backprop.html")
    page, log = open_page(browser, path)
    start = page.evaluate(SMALLEST_TEXT)
    assert start >= 9
    page.click("[data-zoom=in]")
    bigger = page.evaluate(SMALLEST_TEXT)
    assert bigger == pytest.approx(1.25 * start, rel=0.01)
    page.click("[data-zoom=out]")
    page.click("[data-zoom=out]")
    assert page.evaluate(SMALLEST_TEXT) == pytest.approx(start / 1.25, rel=0.01)
    page.click("[data-zoom=one]")  # the diagram's own size: 10-point text is 13.3 pixels
    assert page.evaluate(SMALLEST_TEXT) == pytest.approx(10 * 4 / 3, rel=0.01)
    assert page.locator(".sg-scale").inner_text() == "100%"
    view = page.locator(".sg-view").bounding_box()
    page.mouse.move(view["x"] + 200, view["y"] + 200)
    page.keyboard.down("Control")
    page.mouse.wheel(0, 200)  # Ctrl + wheel zooms out
    page.keyboard.up("Control")
    assert page.evaluate(SMALLEST_TEXT) < 11.5
    # The page fills the window: the diagram's view reaches the bottom of the 800-pixel window.
    assert view["y"] < 160 and view["y"] + view["height"] > 760
    assert log["errors"] == [] and log["requests"] == [path.as_uri()]
    page.close()


def test_the_active_box_stays_in_view(browser, tmp_path) -> None:
    p = sg.player(micrograd_readme())
    path = p.save(tmp_path / "backprop.html")
    page, log = open_page(browser, path)
    page.focus(".sg-player")
    width = page.evaluate("() => document.querySelector('.sg-view svg').getBoundingClientRect().width")
    assert width > 1280  # wide: the view scrolls, so keeping the box in view is a real test
    for i in range(len(p)):
        where = page.evaluate(ACTIVE_BOX)
        assert where is not None, p.frames[i].text
        (left, top, right, bottom), (vl, vt, vr, vb) = where["box"], where["view"]
        assert vl <= left and right <= vr and vt <= top and bottom <= vb, (i, p.frames[i].text, where)
        page.keyboard.press("ArrowRight")
    assert state(page)[0] == f"{len(p)} / {len(p)}"
    assert log["errors"] == [] and log["requests"] == [path.as_uri()]
    page.close()


def test_without_javascript_the_final_diagram_and_the_steps_show(browser, cs231n_player, tmp_path) -> None:
    path = cs231n_player.save(tmp_path / "backprop.html")
    page, log = open_page(browser, path, javascript=False)
    assert page.locator(".sg-controls").is_hidden() and page.locator(".sg-equation").is_hidden()
    svg = page.locator(".sg-view svg")
    assert svg.is_visible() and svg.bounding_box()["width"] > 600
    x_box = page.locator(".sg-view svg g.node", has_text="input").first
    assert x_box.is_visible() and "grad 2.0596" in x_box.text_content()
    steps = page.locator("li.sg-step")
    assert steps.count() == 23 and steps.nth(0).is_visible()
    last_dx = steps.nth(20)
    last_dx.scroll_into_view_if_needed()
    assert last_dx.is_visible() and last_dx.inner_text().endswith("(total 2.0596)")
    assert log["errors"] == [] and log["requests"] == [path.as_uri()]
    page.close()


def test_the_same_player_twice_on_one_page(browser, tmp_path) -> None:
    p = sg.player(circuit())
    page_path = tmp_path / "twice.html"
    page_path.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{p.fragment()}{p.fragment()}</body>",
                         encoding="utf-8")
    page, log = open_page(browser, page_path)
    players = page.locator(".sg-player")
    assert players.count() == 2
    players.nth(1).locator("[data-go=next]").click()
    players.nth(1).locator("[data-go=next]").click()
    counters = [players.nth(i).locator(".sg-counter").inner_text() for i in range(2)]
    assert counters == ["1 / 10", "3 / 10"]
    assert players.nth(1).locator(".sg-equation").inner_text() == "q = x + y = -2 + 5 = 3"
    hot = [players.nth(i).locator(".sg-hot").count() for i in range(2)]
    assert hot[0] >= 1 and hot[1] >= 1
    assert log["errors"] == []
    page.close()
