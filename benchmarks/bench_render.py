"""Diagram speed: deep and wide graphs drawn to SVG, beside the code before issue 14 in the same run.

Each figure is the wall time of ``sg.draw(f).svg()`` (build the DOT, lay it out and render it
in-process with pygraphviz) with the default options, after one backward pass:

1. ``sum([x * k for k in range(n)], y)`` for n = 25, 50, 100, 200, 400: a neuron with n
   inputs, the graph of a micrograd-style course. The leaf ``x`` feeds every term; drawn
   as a chain of n additions it sent a long edge across every rank (9 s at n = 100 and 65 s
   at n = 400 on 2026-12-02). The sum is now one Σ box; with ``fold=False`` the chain is
   drawn and ``x`` gets a small copy beside each far consumer (rows "fold=False").
2. MLPs built with ``sg.nn.MLP`` (2-8-8-1, and 4-16-16-1 with its warning and 300 boxes),
   and a 1015-box MLP written with plain ops drawn whole (``max_nodes=None``).

The baseline is the package at commit ``BASELINE`` (``git archive``), run in a subprocess on
the same graph; a baseline slower than ``OLD_TIMEOUT`` is stopped and shown as that bound.
Run alone: ``python benchmarks/bench_render.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from common import main, row

__all__ = ["BASELINE", "GRAPHS", "old_seconds", "rows", "seconds"]

#: The commit whose diagram code the figures are compared with (main before issue 14).
BASELINE = "f2f3544"
#: A baseline run slower than this (seconds) is stopped: the figure is a lower bound.
OLD_TIMEOUT = 120.0
ROOT = Path(__file__).resolve().parent.parent

#: name -> (code that builds ``f`` after backward, draw keywords); the same code runs
#: against the working tree and against the baseline.
GRAPHS: dict[str, tuple[str, str]] = {
    **{f"{n}-term sum": (f"x, y = sg.Node(0.5, name='x'), sg.Node(1.0, name='y')\n"
                         f"f = sum([x * k for k in range({n})], y)", "")
       for n in (25, 50, 100, 200, 400)},
    **{f"{n}-term sum, fold=False": (f"x, y = sg.Node(0.5, name='x'), sg.Node(1.0, name='y')\n"
                                     f"f = sum([x * k for k in range({n})], y)", "fold=False")
       for n in (100, 400)},
    "MLP 2-8-8-1 (sg.nn)": ("m = sg.nn.MLP(2, [8, 8, 1], rng=0)\n"
                            "f = m([sg.Node(0.5, name='x1'), sg.Node(-1.0, name='x2')])", ""),
    "MLP 4-16-16-1 (sg.nn, 300 of its boxes)": (
        "m = sg.nn.MLP(4, [16, 16, 1], rng=0)\nf = m([sg.Node(0.1 * i, name=f'x{i}') for i in range(4)])",
        ""),
    "1015-box MLP, plain ops, max_nodes=None": (textwrap.dedent("""\
        xs = [sg.Node(0.1 * (i + 1), name=f"x{i}") for i in range(4)]
        k = 0
        for width in (16, 16, 10):
            layer = []
            for _ in range(width):
                acc = sg.Param(0.01 * k - 0.2, name=f"b{k}")
                k += 1
                for x in xs:
                    acc = acc + x * sg.Param(((k * 37) % 19 - 9) / 10, name=f"w{k}")
                    k += 1
                layer.append(sg.tanh(acc))
            xs = layer
        f = xs[0]
        for x in xs[1:]:
            f = f + x"""), "max_nodes=None"),
}

_TIMER = """
import sys, time, warnings, json
sys.path.insert(0, {path!r})
import scalargraph as sg
{build}
f.backward()
best = float("inf")
for _ in range({repeat}):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        sg.draw(f, {options}).svg()
        best = min(best, time.perf_counter() - start)
print(json.dumps(best))
"""


def _run(path: str, name: str, repeat: int, timeout: float, old: bool = False) -> float | None:
    """Seconds for one graph drawn by the package at ``path``; None if it took longer than
    ``timeout`` (the process is stopped). The baseline (``old``) has no ``fold`` option: it
    always drew the chain."""
    build, options = GRAPHS[name]
    if old:
        options = options.replace("fold=False", "")
    script = _TIMER.format(path=path, build=build, options=options, repeat=repeat)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


def seconds(name: str, repeat: int = 3) -> float:
    """Best of ``repeat`` draws of one graph by the working tree, in a fresh process."""
    value = _run(str(ROOT), name, repeat, timeout=600)
    assert value is not None
    return value


def old_seconds(name: str, old: str | None) -> float | None:
    """One draw by the baseline package (extracted at ``old``); None when it ran past the limit."""
    if old is None:
        return None
    return _run(old, name, 1, OLD_TIMEOUT, old=True)


def _baseline(folder: str) -> str | None:
    """The baseline package extracted into ``folder``; None where git or the commit is missing."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "scalargraph"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return folder


def rows() -> list[dict[str, Any]]:
    found = []
    with tempfile.TemporaryDirectory() as folder:
        old = _baseline(folder)
        for name in GRAPHS:
            new = seconds(name)
            before = old_seconds(name, old)
            if old is None:
                base, label = None, f"commit {BASELINE} not available"
            elif before is None:
                base, label = OLD_TIMEOUT, f"before issue 14: stopped after {OLD_TIMEOUT:g} s"
            else:
                base, label = before, "before issue 14"
            found.append(row(f"draw + SVG: {name}", new, base, label, "s", "<= 2 s"))
    return found


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main(rows)
