"""What notebooks show: SVG where trusted, a 2x PNG of the same display size where not."""

from __future__ import annotations

import base64
import io
import re

import pytest

import scalargraph as sg
from scalargraph.drawing import display
from scalargraph.learning.examples import circuit

Image = pytest.importorskip("PIL.Image")


def _png_size(data: str | bytes) -> tuple[int, int]:
    raw = base64.b64decode(data) if isinstance(data, str) else data
    return Image.open(io.BytesIO(raw)).size


def _svg_px(svg: str) -> tuple[float, float]:
    m = re.search(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    assert m is not None
    return float(m.group(1)) * 4 / 3, float(m.group(2)) * 4 / 3


def _sanitized(html: str) -> str:
    """What an HTML sanitizer (JupyterLab's, GitHub's) leaves: no <script> elements, no <svg>."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.S)


def test_a_diagram_carries_svg_and_a_png_twice_as_sharp_at_the_same_size() -> None:
    ex = circuit()
    ex.output.backward()
    data, metadata = sg.draw(ex.output)._repr_mimebundle_()
    width, height = _svg_px(data["image/svg+xml"])
    assert metadata["image/png"] == {"width": round(width), "height": round(height)}
    px_w, px_h = _png_size(data["image/png"])
    assert abs(px_w - 2 * width) <= 3 and abs(px_h - 2 * height) <= 3
    assert data["text/plain"].startswith("<scalargraph Diagram")


def test_a_wide_diagram_is_rendered_for_the_column_it_is_shown_in() -> None:
    f = sg.Node(0.5, name="x")
    for _ in range(12):  # a chain of 12 sines, left to right: about 2660 px wide
        f = sg.sin(f)
    f.backward()
    data, metadata = sg.draw(f, rankdir="LR")._repr_mimebundle_()
    width, _ = _svg_px(data["image/svg+xml"])
    assert width > display.DISPLAY_WIDTH
    assert metadata["image/png"]["width"] == round(width)  # shown as wide as the SVG
    assert abs(_png_size(data["image/png"])[0] - display.SCALE * display.DISPLAY_WIDTH) <= 3


def test_a_node_displays_like_its_diagram() -> None:
    ex = circuit()
    data, metadata = ex.output._repr_mimebundle_()
    assert {"image/svg+xml", "image/png", "text/plain"} <= set(data) and "image/png" in metadata


def test_step_and_quiz_html_keep_a_picture_when_sanitized() -> None:
    step = sg.steps(circuit())[-1]
    q = sg.quiz(circuit())
    for html in (step._repr_html_(), q._repr_html_()):
        assert html is not None
        kept = _sanitized(html)
        assert "<svg" not in kept and re.search(r'<img [^>]*src="data:image/png;base64,', kept)
        carried = re.search(r'<script type="text/plain" class="sg-svg-source">(.*?)</script>', html, re.S)
        assert carried is not None and "<svg" in carried.group(1)  # the SVG, for scripts


def test_the_player_bundle_holds_the_live_player_and_a_static_last_frame() -> None:
    p = sg.player(circuit())
    bundle = p._repr_mimebundle_()
    html = bundle["text/html"]
    kept = _sanitized(html)
    assert "<svg" not in kept and kept.count("<img ") == 1
    assert all(f.text.replace("'", "&#x27;") in kept for f in p.frames)  # every equation, in order
    carried = re.search(r'<script type="text/plain" class="sg-live-source">(.*?)</script>', html, re.S)
    assert carried is not None
    assert re.sub(r"<(\\+)/(script)", lambda m: "<" + m.group(1)[1:] + "/" + m.group(2), carried.group(1),
                  flags=re.I) == p.fragment()


@pytest.mark.parametrize("scripts", [True, False])
def test_in_a_browser_scripts_swap_in_the_svg_and_the_live_player(browser, scripts: bool) -> None:
    step_html = sg.steps(circuit())[-1]._repr_html_()
    x = sg.Node(2.0, name="x</script><b>")  # a name that must not end the carrier's script
    player_html = sg.player((x * 3.0 + x).named("f<\\/script>"))._repr_mimebundle_()["text/html"]
    context = browser.new_context(java_script_enabled=scripts)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<html><body><div id=s>{step_html}</div><div id=p>{player_html}</div></body></html>")
    if scripts:
        assert page.locator("#s svg").count() == 1 and page.locator("#s img").count() == 0
        assert page.locator("#p .sg-player").count() == 1 and page.locator("#p .sg-static").count() == 0
        counter = page.locator("#p .sg-counter")
        before = counter.inner_text()
        page.locator("#p input[type=range]").fill("3")
        assert counter.inner_text() != before  # the player's own script runs
    else:
        shown = page.locator("#s img").evaluate("e => e.naturalWidth > 0 && e.clientWidth > 50")
        assert shown and page.locator("#p .sg-static img").count() == 1
        assert page.locator("#p .sg-static li").count() == 7
    assert not errors
    context.close()
