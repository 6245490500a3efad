"""Shared test helpers: independent answers (central differences), clean state, a browser."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from chromium import CHROMIUM, LAUNCH_ARGS
from hypothesis import settings

# Hypothesis profiles. `ci` (the default, `make test`): a fixed seed, so every run checks
# the same examples; tests scale their counts from max_examples=100 (tests/strategies.py).
# `fuzz` (`make fuzz`): fresh random examples, 20 times as many, failures saved for replay.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=100,
                          print_blob=True)
settings.register_profile("fuzz", deadline=None, max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def central_diff(f: Callable[..., float], args: Sequence[float], k: int, h: float = 1e-6) -> float:
    """d f / d args[k] by central differences, computed with plain floats (no scalargraph)."""
    up = list(args)
    down = list(args)
    step = h * max(1.0, abs(args[k]))
    up[k] += step
    down[k] -= step
    return (f(*up) - f(*down)) / (2 * step)


@pytest.fixture
def close() -> Callable[[float, float, float], bool]:
    def check(a: float, b: float, rel: float = 1e-6) -> bool:
        return math.isclose(a, b, rel_tol=rel, abs_tol=rel)
    return check


def smallest_text_px(svg: str, shown_width: float = 880.0) -> float:
    """The height in CSS pixels of the smallest text of an SVG shown ``shown_width`` px wide,
    as a README column or a notebook cell shows it (never enlarged past its natural size:
    ``width`` in points, 4/3 px each). Read from the SVG alone: its size, its viewBox, the
    scale of its top group and the font sizes of its texts."""
    import re
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg.encode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    width = root.get("width", "")
    natural = float(width[:-2]) * 4 / 3 if width.endswith("pt") else float(width.rstrip("px"))
    view_width = float(root.get("viewBox", "").split()[2])
    shown = min(natural, shown_width)
    scale = 1.0
    top = root.find(f"{ns}g")
    if top is not None:
        m = re.search(r"scale\(([0-9.]+)", top.get("transform", ""))
        scale = float(m.group(1)) if m else 1.0
    sizes = [float(t.get("font-size", "14")) for t in root.iter(f"{ns}text")]
    return min(sizes) * scale * shown / view_width


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Playwright), one for the whole run; skips where there is none."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("no chromium here (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
