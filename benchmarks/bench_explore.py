"""``sg.explore`` redraw latency on the cs231n example: in the kernel, and key press to redrawn
diagram in JupyterLab (target: under 100 ms).

1. In the kernel: ``w.set(x=...)`` with the widget built (forward, backward, the plot's
   curve, the diagram's DOT, layout and SVG, and the widgets' new values), over ``CHANGES``
   changes of x by one slider step; median and 90th percentile, wall and CPU seconds; then
   its parts.
2. In JupyterLab with headless Chromium (skipped when Chromium, Playwright or JupyterLab is
   missing): a notebook showing ``sg.explore(sg.examples.cs231n_staged())``; the slider is
   focused and ArrowRight pressed ``CHANGES`` times, each after the last redraw. Measured in
   the page (``performance.now()``): from the keydown to the diagram's text changing in the
   DOM, and to the next frame painted after it. The page's load average is in the figure:
   the round trip crosses the browser, the server and the kernel, all on this machine.

Run alone: ``python benchmarks/bench_explore.py``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import main, row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # chromium.py, labserver.py

from chromium import CHROMIUM, LAUNCH_ARGS

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged

__all__ = ["browser_latencies", "kernel_latencies", "rows"]

#: Slider changes measured (each one slider step).
CHANGES = 30
NOTEBOOK = ["import scalargraph as sg", "w = sg.explore(sg.examples.cs231n_staged())\nw"]


def quantiles(samples: list[float]) -> tuple[float, float]:
    """(median, 90th percentile)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def kernel_latencies(changes: int = CHANGES) -> dict[str, list[float]]:
    """Seconds per ``w.set(x=...)`` (wall and CPU) and per part, the widget built."""
    w = sg.explore(cs231n_staged())
    w.widget  # noqa: B018 (builds the widget: set() then updates it)
    lo, hi = w.ranges["x"]
    step = (hi - lo) / 200
    x0 = w.values["x"]
    out: dict[str, list[float]] = {"wall": [], "cpu": [], "forward + backward": [], "plot": [],
                                   "diagram: draw + SVG": []}
    for i in range(changes):
        x = x0 + step * (i + 1)
        wall, cpu = time.perf_counter(), time.process_time()
        w.set(x=x)
        out["wall"].append(time.perf_counter() - wall)
        out["cpu"].append(time.process_time() - cpu)
        for part, run in (("forward + backward", w._update), ("plot", w._plot_svg),
                          ("diagram: draw + SVG", lambda: w.diagram().html())):
            start = time.perf_counter()
            run()
            out[part].append(time.perf_counter() - start)
    return out


# ------------------------------------------------------------------ JupyterLab
def _start_lab(base: Path) -> Any:
    """A JupyterLab server (tests/labserver.py) over ``base/notebooks``, holding explore.ipynb."""
    import nbformat
    from labserver import start

    root = base / "notebooks"
    root.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in NOTEBOOK])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "explore.ipynb")
    return start(root, base)


#: In the page: the keydown's time, and the time the diagram's text changed and the frame after.
_PROBE = """() => {
  const box = document.querySelector('.sg-explore');
  const probe = window.__sgProbe = {keydown: 0, changed: 0, painted: 0, count: 0, painted_count: 0,
    text: box.querySelector('.sg-explore-diagram svg').textContent};
  document.addEventListener('keydown', () => { probe.keydown = performance.now(); }, true);
  new MutationObserver(() => {
    const svg = box.querySelector('.sg-explore-diagram svg');
    const text = svg ? svg.textContent : '';
    if (text === probe.text) return;
    probe.text = text; probe.changed = performance.now(); probe.count++;
    requestAnimationFrame(() => setTimeout(() => {
      probe.painted = performance.now(); probe.painted_count++; }, 0));
  }).observe(box, {subtree: true, childList: true, characterData: true});
}"""


def browser_latencies(changes: int = CHANGES) -> dict[str, Any] | None:
    """Seconds from keydown to the diagram's new text in the DOM, and to the frame painted after
    it, per change; None when Chromium, Playwright or JupyterLab is missing."""
    try:
        import jupyterlab  # noqa: F401
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists(CHROMIUM):
        return None
    base = Path(tempfile.mkdtemp(prefix="sg-bench-explore-"))
    lab = _start_lab(base)
    url, token = lab.url, lab.token
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/lab/tree/explore.ipynb?token={token}&reset")
            page.wait_for_function(
                "() => /Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')",
                timeout=90_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            page.locator(".sg-explore .sg-explore-diagram svg").wait_for(timeout=90_000)
            page.evaluate(_PROBE)
            handle = page.locator(".sg-explore .noUi-handle, .sg-explore [role=slider]").first
            handle.focus()
            load = [os.getloadavg()[0]]
            to_dom, to_paint, text = [], [], []
            for i in range(changes):
                page.keyboard.press("ArrowRight")
                page.wait_for_function(f"() => window.__sgProbe.painted_count > {i}", timeout=30_000)
                probe = page.evaluate("() => window.__sgProbe")
                to_dom.append((probe["changed"] - probe["keydown"]) / 1e3)
                to_paint.append((probe["painted"] - probe["keydown"]) / 1e3)
                text.append(probe["text"])
                time.sleep(0.1)  # kernel and page idle before the next change
            load.append(os.getloadavg()[0])
            browser.close()
    finally:
        lab.stop()
        shutil.rmtree(base, ignore_errors=True)
    if len(set(text)) != changes:
        raise AssertionError("a key press did not give the diagram new text")
    return {"dom": to_dom, "paint": to_paint, "load": load}


def rows() -> list[dict[str, Any]]:
    out = []
    kernel = kernel_latencies()
    for key, what in (("wall", "w.set(x=...) with the widget, wall"), ("cpu", "the same, CPU seconds")):
        median, p90 = quantiles(kernel[key])
        out.append(row(f"sg.explore, cs231n example, in the kernel: {what}, median of {CHANGES}",
                       median, None, "", "s", "< 0.1 s"))
        out.append(row(f"  ... 90th percentile ({what})", p90, None, "", "s", "< 0.1 s"))
    for part in ("forward + backward", "plot", "diagram: draw + SVG"):
        out.append(row(f"  ... of which {part}, median", quantiles(kernel[part])[0], None, "", "s", ""))
    found = browser_latencies()
    if found is None:
        out.append(row("JupyterLab round trip: skipped (no Chromium, Playwright or JupyterLab)",
                       None, None, "", "", ""))  # type: ignore[arg-type]
        return out
    load = "-".join(f"{v:.1f}" for v in found["load"])
    for key, what in (("dom", "key press to the diagram's new text in the DOM"),
                      ("paint", "key press to the next frame painted")):
        median, p90 = quantiles(found[key])
        out.append(row(f"JupyterLab + Chromium: {what}, median of {CHANGES} (load average {load})",
                       median, None, "", "s", "< 0.1 s"))
        out.append(row(f"  ... 90th percentile ({what})", p90, None, "", "s", "< 0.1 s"))
    return out


if __name__ == "__main__":
    main(rows)
