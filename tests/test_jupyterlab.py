"""The tutorials in a real JupyterLab, driven by headless Chromium.

A JupyterLab server runs on localhost (a free port, a token, its own settings and
workspace folders, stopped at the end) over a copy of tutorials/ in a temporary
folder, so nothing here rewrites the committed notebooks.

- Saved tutorials opened *without running them* (untrusted, as a new user sees them):
  every output cell that holds a scalargraph picture shows an image, and none shows
  the ``<scalargraph Diagram: ...>`` text alone.
- Tutorials 01 and 02 after Run All: no error outputs, the diagrams are visible SVGs,
  the player's slider changes the frame; ``sg.explore``'s slider changes a number in
  the diagram; no console errors.

Skips only where Chromium is missing (Debian: apt-get install chromium).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import labserver
import nbformat
import pytest

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
SAVED = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))
START_TIMEOUT = 90  # seconds for the server to answer
RUN_TIMEOUT = 300  # seconds for Run All on one notebook
EXPLORE_NOTEBOOK = [
    "import scalargraph as sg",
    "w = sg.explore(sg.examples.cs231n_staged())\nw",
]


@pytest.fixture(scope="module")
def lab(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A JupyterLab server over a copy of tutorials/: ``{"url", "token", "root"}``."""
    pytest.importorskip("jupyterlab")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(TUTORIALS, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in EXPLORE_NOTEBOOK])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "explore.ipynb")
    try:
        server = labserver.start(root, base, START_TIMEOUT)
    except RuntimeError as err:
        pytest.fail(str(err))
    try:
        yield {"url": server.url, "token": server.token, "root": root}
    finally:
        server.stop()


class Page:
    """A JupyterLab tab with one notebook open; console errors are collected."""

    def __init__(self, browser: Any, lab: dict[str, Any], name: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(f"{lab['url']}/lab/tree/{name}?token={lab['token']}&reset")
        count = len(nbformat.read(lab["root"] / name, as_version=4).cells)
        self.page.wait_for_function(  # every cell rendered (the notebook loads them in chunks)
            "(n) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')"
            ".length >= n", arg=count, timeout=60_000)

    def cells(self) -> Any:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")

    def run_all(self) -> None:
        page = self.page
        page.wait_for_function(  # the kernel has started
            "() => /Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')",
            timeout=60_000)
        # Clear the saved outputs first: their prompts [1], [2], ... would look like a finished run.
        page.locator(".lm-MenuBar-itemLabel", has_text="Edit").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Clear Outputs of All Cells").first.click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
            ".every(e => !/\\d/.test(e.textContent))", timeout=30_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_function(
            "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
            " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent))"
            " && /Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || ''); }",
            timeout=RUN_TIMEOUT * 1000)

    def close(self) -> None:
        self.page.close()


def _scalargraph_outputs(path: Path) -> dict[int, list[str]]:
    """Cell index -> the kinds of scalargraph pictures its saved outputs hold."""
    found: dict[int, list[str]] = {}
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html = data.get("text/html", "")
            if "image/svg+xml" in data:
                found.setdefault(i, []).append("svg")
            elif 'class="sg-' in html and ("<svg" in html or "<img" in html):
                found.setdefault(i, []).append("html")
            elif "image/png" in data:
                found.setdefault(i, []).append("png")
    return found


# ------------------------------------------------------------------ saved, not run
@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
def test_saved_tutorial_shows_its_pictures_untrusted(browser: Any, lab: dict[str, Any], path: Path) -> None:
    expected = _scalargraph_outputs(path)
    if not expected:
        pytest.skip(f"{path.name} saves no pictures")
    tab = Page(browser, lab, path.name)
    try:
        cells = tab.cells()
        assert cells.count() == len(nbformat.read(path, as_version=4).cells)
        missing = []
        for i in expected:
            area = cells.nth(i).locator(".jp-OutputArea-output")
            area.first.scroll_into_view_if_needed()
            images = area.locator("img")
            shown = [images.nth(k).evaluate("e => e.complete && e.naturalWidth > 0 && e.clientWidth > 50")
                     for k in range(images.count())]
            text = " ".join(area.all_inner_texts()).strip()
            if not any(shown) or text.startswith("<scalargraph Diagram"):
                missing.append((i, expected[i], text[:80]))
        assert not missing, f"{path.name}: output cells without an image (index, kinds, text): {missing}"
    finally:
        tab.close()


# ------------------------------------------------------------------ run in JupyterLab
@pytest.mark.parametrize("name", ["01_chain_rule.ipynb", "02_worked_examples.ipynb"])
def test_tutorial_runs_in_jupyterlab(browser: Any, lab: dict[str, Any], name: str) -> None:
    tab = Page(browser, lab, name)
    try:
        tab.run_all()
        page = tab.page
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                            ":has-text('Traceback')").count() == 0
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
        # The bundled Graphviz's Fontconfig line (a default kernel captures C-level stderr into cells).
        assert page.locator(".jp-OutputArea-output:has-text('Fontconfig')").count() == 0
        svgs = page.locator(".jp-RenderedSVG img, .jp-RenderedSVG svg, .jp-RenderedHTMLCommon svg")
        assert svgs.count() > 0, f"{name}: no SVG diagram after Run All"
        sizes = [svgs.nth(k).evaluate("e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]")
                 for k in range(svgs.count())
                 if svgs.nth(k).evaluate("e => !e.closest('[hidden]')")]  # a player's other frames
        assert all(w > 50 and h > 20 for w, h in sizes), f"{name}: an SVG drawn with no size: {sizes}"
        players = page.locator(".sg-player")
        for k in range(players.count()):
            player = players.nth(k)
            player.scroll_into_view_if_needed()
            before = player.inner_text()
            player.locator("input[type=range]").first.fill("2")  # sets the value, fires "input"
            assert player.inner_text() != before, f"{name}: the player's slider did not change the frame"
        assert name != "02_worked_examples.ipynb" or players.count() > 0, "tutorial 02 shows no player"
        assert not tab.errors, f"{name}: console errors: {tab.errors}"
    finally:
        tab.close()


def test_explore_slider_changes_the_diagram(browser: Any, lab: dict[str, Any]) -> None:
    tab = Page(browser, lab, "explore.ipynb")
    try:
        tab.run_all()
        page = tab.page
        box = page.locator(".sg-explore")
        box.wait_for(timeout=60_000)
        diagram = box.locator(".sg-explore-diagram svg")
        diagram.wait_for(timeout=60_000)
        before = diagram.inner_html()
        assert "grad 2.0596" in before  # df/dx at (3, -4), as the cs231n notes have it
        handle = box.locator(".noUi-handle, .slider-container input, [role=slider]").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "(old) => { const s = document.querySelector('.sg-explore .sg-explore-diagram svg');"
            " return s && s.innerHTML !== old; }", arg=before, timeout=30_000)
        after = diagram.inner_html()
        assert "grad 2.0596" not in after
        assert not tab.errors, f"console errors: {tab.errors}"
    finally:
        tab.close()


# ------------------------------------------------------------------ nbconvert's HTML
@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
def test_nbconvert_html_shows_every_picture(browser: Any, path: Path, tmp_path: Path) -> None:
    """What notebook viewers show: ``jupyter nbconvert --to html``, opened in Chromium."""
    pytest.importorskip("nbconvert")
    expected = _scalargraph_outputs(path)
    done = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(tmp_path),
                           str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((tmp_path / path.with_suffix(".html").name).as_uri())
        shown = page.evaluate("""() => [...document.querySelectorAll('.jp-Cell')].map(cell => {
            const pics = [...cell.querySelectorAll('.jp-OutputArea-output img, .jp-OutputArea-output svg')]
              .filter(e => !e.closest('[hidden]') && e.getBoundingClientRect().width > 50
                           && (e.tagName !== 'IMG' || e.naturalWidth > 0));
            return pics.length > 0; })""")
        missing = [i for i in expected if not shown[i]]
        assert not missing, f"{path.name}: cells whose pictures nbconvert's HTML does not show: {missing}"
        assert not errors, f"{path.name}: script errors: {errors}"
    finally:
        page.close()
