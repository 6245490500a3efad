"""sg.player: the HTML player (in a real headless Chromium), the GIF and the widget."""

from __future__ import annotations

import html
import os
import re
import shutil
import sys

import pytest
from notes_cs231n import g5, notes

import scalargraph as sg
from scalargraph.learning.examples import circuit, cs231n_staged

N = notes()
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run"]


@pytest.fixture(scope="module")
def cs231n_player() -> sg.Player:
    return sg.player(cs231n_staged(), interval=0.05)


def test_one_frame_per_step(cs231n_player: sg.Player) -> None:
    walk = sg.steps(cs231n_staged(), mode="both")
    assert len(cs231n_player) == len(walk) == 23
    assert [f.text for f in cs231n_player.frames] == [s.text for s in walk]
    assert all(f.svg.startswith("<svg") and f.svg.endswith("</svg>") for f in cs231n_player.frames)
    # The diagrams show the equations' precision: the last frame has dx = 2.0596.
    assert f"grad {g5(N['dx'])}" in cs231n_player.frames[-1].svg
    assert "grad not computed" in cs231n_player.frames[0].svg


def test_page_is_self_contained_and_deterministic(cs231n_player: sg.Player) -> None:
    page = cs231n_player.html()
    assert page.startswith("<!DOCTYPE html>") and page.count('class="sg-frame"') == 23
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    outside_svg = page.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xlink", "")
    assert "http://" not in outside_svg and "https://" not in outside_svg
    assert sg.player(cs231n_staged(), interval=0.05).html() == page
    fragment = cs231n_player._repr_html_()
    assert fragment.startswith(f'<div class="sg-player" id="{cs231n_player.uid}"')
    assert fragment in page


def test_save_html_and_gif(cs231n_player: sg.Player, tmp_path) -> None:
    from PIL import Image

    html_path = cs231n_player.save(tmp_path / "backprop.html")
    assert html_path.read_text(encoding="utf-8") == cs231n_player.html()
    gif_path = cs231n_player.save(tmp_path / "backprop.gif")
    with Image.open(gif_path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 23
        assert gif.info["duration"] == 50 and gif.info.get("loop") == 0
        gif.seek(22)
        assert gif.size[0] > 1000


def test_save_errors_write_nothing(tmp_path, monkeypatch) -> None:
    p = sg.player(circuit())
    with pytest.raises(sg.RenderError, match="valid suffixes: .html, .htm, .gif"):
        p.save(tmp_path / "backprop.png")
    with pytest.raises(sg.RenderError, match="does not exist"):
        p.save(tmp_path / "missing" / "backprop.html")

    def rendered(*args, **kwargs):
        raise AssertionError("rendered before the path was checked")

    monkeypatch.setattr("scalargraph.teaching.player.render", rendered)  # the GIF's frames come after
    with pytest.raises(sg.RenderError, match="does not exist"):
        p.save(tmp_path / "missing" / "backprop.gif")
    assert os.listdir(tmp_path) == []


def test_bad_options() -> None:
    with pytest.raises(sg.InputError, match="interval is the seconds per frame"):
        sg.player(circuit(), interval=0)
    with pytest.raises(sg.InputError, match="chooses highlight= for each frame"):
        sg.player(circuit(), highlight=())
    with pytest.raises(sg.InputError, match="mode must be one of"):
        sg.player(circuit(), mode="sideways")
    with pytest.raises(sg.InputError, match="unknown theme"):
        sg.player(circuit(), theme="neon")


def test_a_step_displays_its_diagram_and_latex() -> None:
    step = sg.steps(circuit())[3]
    page = step._repr_html_()
    assert page.count("<svg") == 1 and "$$\\frac{\\partial f}{\\partial x}" in page
    assert 'title="∂f/∂x += ∂f/∂q · ∂q/∂x = -4 · 1 = -4  (total -4)"' in page
    assert "grad -4" in html.unescape(step.diagram().svg())  # q's gradient is known at this step


def test_stepper_widget() -> None:
    widgets = pytest.importorskip("ipywidgets")
    box = sg.stepper(circuit())
    (play, slider), view = box.children[0].children, box.children[1]
    assert isinstance(play, widgets.Play) and slider.max == len(box.player) - 1 == 9
    assert "x = -2" in view.value
    slider.value = 9
    assert view.value.endswith("\\quad (\\text{total } -4)$$</div>")
    assert "grad -4" in html.unescape(view.value)


def test_stepper_without_ipywidgets(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(sg.MissingDependencyError, match="pip install ipywidgets"):
        sg.stepper(circuit())


# ------------------------------------------------------------------ in a browser
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("no chromium here (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def visible(page) -> tuple[int, str]:
    frame = page.locator(".sg-frame:not([hidden])")
    assert frame.count() == 1
    return int(frame.get_attribute("data-index")), frame.locator(".sg-equation").inner_text()


def test_player_in_chromium(browser, cs231n_player: sg.Player, tmp_path) -> None:
    path = cs231n_player.save(tmp_path / "backprop.html")
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")

    assert visible(page) == (0, "x = 3")
    assert page.locator(".sg-counter").inner_text() == "1 / 23"
    slider = page.locator("input[type=range]")
    slider.fill("5")
    assert visible(page) == (5, "xpy = x + y = 3 + (-4) = -1")
    assert page.locator(".sg-counter").inner_text() == "6 / 23"
    page.click("[data-go=next]")
    assert visible(page)[0] == 6
    page.click("[data-go=prev]")
    page.click("[data-go=prev]")
    assert visible(page) == (4, f"sigx = σ(x) = σ(3) = {g5(N['sigx'])}")
    page.focus(".sg-player")
    page.keyboard.press("ArrowRight")
    assert visible(page)[0] == 5
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert visible(page)[0] == 3
    page.keyboard.press("End")
    index, equation = visible(page)
    assert index == 22 and equation.endswith(f"(total {g5(N['dy'])})  where ∂sigy/∂y = (1 − sigy)·sigy")
    # The last frame shows dx = 2.0596 on the x node of its diagram.
    x_box = page.evaluate("""() => {
        const svg = document.querySelector('.sg-frame:not([hidden]) svg');
        for (const g of svg.querySelectorAll('g.node')) {
            const texts = [...g.querySelectorAll('text')].map(t => t.textContent);
            if (texts[0] === 'x') return texts;
        }
        return null;
    }""")
    assert x_box is not None and f"grad {g5(N['dx'])}" in x_box and g5(N["dx"]) == "2.0596"
    slider.fill("10")
    assert visible(page) == (10, "∂f/∂f = 1")
    page.click("[data-go=first]")
    assert visible(page)[0] == 0
    page.click("[data-go=play]")
    page.wait_for_function(
        "() => document.querySelector('.sg-counter').textContent === '23 / 23'", timeout=10_000)
    assert visible(page)[0] == 22
    assert page.locator("[data-go=play]").inner_text().endswith("play")  # stopped at the end

    assert errors == []
    assert requests == [path.as_uri()]  # the page itself, nothing else
    page.close()


def test_the_same_player_twice_on_one_page(browser, tmp_path) -> None:
    p = sg.player(circuit())
    page_path = tmp_path / "twice.html"
    page_path.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{p.fragment()}{p.fragment()}</body>",
                         encoding="utf-8")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri())
    players = page.locator(".sg-player")
    assert players.count() == 2
    players.nth(1).locator("[data-go=next]").click()
    players.nth(1).locator("[data-go=next]").click()
    counters = [players.nth(i).locator(".sg-counter").inner_text() for i in range(2)]
    assert counters == ["1 / 10", "3 / 10"]
    assert players.nth(1).locator(".sg-frame:not([hidden]) .sg-equation").inner_text() == "q = x + y = -2 + 5 = 3"
    assert errors == []
    page.close()


def test_nothing_to_play() -> None:
    with pytest.raises(sg.InputError, match="nothing to play"):
        sg.player(sg.Constant(2.0), mode="forward")
    assert len(sg.player(sg.Node(2.0, name="x"))) == 2  # x = 2, then ∂x/∂x = 1


def test_without_a_renderer_a_step_shows_its_latex(monkeypatch) -> None:
    import scalargraph.drawing.diagram

    def no_renderer(*args, **kwargs):
        raise sg.MissingDependencyError("Rendering a diagram needs Graphviz: pip install 'pygraphviz>=2.0'")

    monkeypatch.setattr(scalargraph.drawing.diagram, "render", no_renderer)
    step = sg.steps(circuit())[3]
    assert step._repr_html_() is None and step._repr_latex_().startswith("$$\\frac")
    q = sg.quiz(circuit())
    assert q._repr_html_().startswith('<div class="sg-quiz"><p><b>∂f/∂z = ?</b></p>')


def test_the_layout_holds_still_through_the_backward_frames(cs231n_player: sg.Player) -> None:
    def boxes(svg: str) -> dict[str, str]:  # each node's outline, by its DOT id
        return dict(re.findall(r"<title>(n\d+)</title>\n<path[^>]* d=\"([^\"]+)\"", svg))

    backward = [boxes(f.svg) for f in cs231n_player.frames[10:]]
    assert len(backward) == 13 and len(backward[0]) == 10  # every box but the two constants
    assert all(b == backward[0] for b in backward)
    sizes = {f.svg.split(">", 1)[0] for f in cs231n_player.frames}
    assert len(sizes) == 1  # one canvas size for every frame: nothing zooms while playing


def test_each_box_gets_its_largest_size_over_the_frames() -> None:
    """steady() measures each distinct box once, in one layout; the independent answer lays
    out every frame whole, as drawn, and takes each node's largest width and height."""
    import pygraphviz

    from scalargraph.teaching.player import steady

    walk = sg.steps(cs231n_staged().output, mode="both")
    expected: dict[str, tuple[float, float]] = {}
    for s in walk:
        frame = pygraphviz.AGraph(string=s.diagram().source)
        frame.layout(prog="dot")
        for n in frame.nodes():
            w, h = float(n.attr["width"]), float(n.attr["height"])
            old = expected.get(str(n), (0.0, 0.0))
            expected[str(n)] = (max(w, old[0]), max(h, old[1]))
    diagrams = [s.diagram() for s in walk]
    steady(diagrams)
    for d in (diagrams[0], diagrams[10], diagrams[-1]):
        widened = re.findall(r"\t(n\d+) \[height=([0-9.]+) width=([0-9.]+)\]", d.source)
        assert len(widened) == 10  # every box but the two constants, whose text never changes
        for n, h, w in widened:
            assert (float(w), float(h)) == pytest.approx(expected[n], abs=1e-4)
