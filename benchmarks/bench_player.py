"""Player build time and page size against node and step count, beside the player of before
issue 14 (one whole SVG per frame: scalargraph at commit ``OLD_PLAYER``, loaded with
``baseline.load``), both run here in the same run.

Times are CPU seconds of this process. Graphs: the cs231n staged example, micrograd's README
example, and MLPs 2-4-4-1 and 2-8-8-1 on one sample (steps = forward + backward frames).
Rows per graph:

1. ``sg.player(f).html()``: build time, today's player vs the old one.
2. The page's size in MB, today vs old.

Then the GIF of the cs231n example (today: one layout, each frame re-rendered without a new
layout; old: one layout per frame). The old player on the 2-8-8-1 MLP takes about 70 s and
3.7 GB of memory, so it runs only with ``SG_BENCH_FULL=1``; without it that row's baseline
is the figure measured when issue 14 was filed (68 s, 337 MB).

Run alone: ``python benchmarks/bench_player.py`` (``SG_BENCH_FULL=1`` for the old 2-8-8-1 too).
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from common import best_of, main, row

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import load

__all__ = ["rows"]

#: The last commit with the player of before issue 14 (a whole SVG per frame).
OLD_PLAYER = "c28333e"

#: CPU time of this process: every row renders in-process (pygraphviz), and the machine is shared.
CLOCK = time.process_time
#: What the old player took on the 2-8-8-1 MLP when issue 14 was filed (2026-12-02).
ISSUE_MLP = {"build": 68.0, "size_mb": 337.0}


def micrograd_readme(sg: Any = sg) -> Any:
    """micrograd's README example: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773
    (built with ``sg``, this tree's package or the old commit's)."""
    a, b = sg.Node(-4.0, name="a"), sg.Node(2.0, name="b")
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + sg.relu(b + a))
    d = d + (3 * d + sg.relu(b - a))
    e = c - d
    f = e**2
    g = f / 2.0
    return (g + 10.0 / f).named("g")


def mlp(widths: list[int], sg: Any = sg) -> Any:
    return sg.nn.MLP(2, widths, rng=0)([0.5, -1.0])


def graphs(sg: Any = sg) -> list[tuple[str, Any, bool]]:
    """(name, output built with ``sg``, whether the old player runs on it here)."""
    full = os.environ.get("SG_BENCH_FULL") == "1"
    return [("cs231n example", sg.examples.cs231n_staged().output, True),
            ("micrograd README", micrograd_readme(sg), True),
            ("MLP 2-4-4-1", mlp([4, 4, 1], sg), True),
            ("MLP 2-8-8-1", mlp([8, 8, 1], sg), full)]


def build(module: Any, f: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # draw's max_nodes warning on the old player's frames
        return str(module.player(f).html())


def rows() -> list[dict[str, Any]]:
    out = []
    old = load(OLD_PLAYER, "scalargraph_old_player")
    build(sg, cs231n_staged().output)  # warm up: imports, fonts, the renderer
    for (name, f, run_old), (_, f_old, _) in zip(graphs(), graphs(old)):
        nodes = len(sg.Graph(f).nodes)
        frames = len(sg.steps(f, "both"))
        what = f"{name}: {nodes} nodes, {frames} steps"
        new_time = best_of(lambda: build(sg, f), repeat=3, clock=CLOCK)
        new_size = len(build(sg, f).encode("utf-8")) / 1e6
        if run_old:
            pages: list[str] = []
            old_time = best_of(lambda: pages.append(build(old, f_old)), repeat=1 if frames > 100 else 3,
                               clock=CLOCK)
            old_size = len(pages[-1].encode("utf-8")) / 1e6
            old_name = "the old player, this run"
        else:
            old_time, old_size = ISSUE_MLP["build"], ISSUE_MLP["size_mb"]
            old_name = "the old player when issue 14 was filed; SG_BENCH_FULL=1 runs it"
        big = name == "MLP 2-8-8-1"
        out.append(row(f"sg.player(f).html(), {what}", new_time, old_time, old_name, "s",
                       "<= 10 s" if big else ""))
        out.append(row(f"page size, {what}", new_size, old_size, old_name, "MB",
                       "< 15 MB" if big else ""))
    f = cs231n_staged().output
    fresh_new = lambda: (sg.player(f),)  # a new player: no PNGs kept yet
    f_old = old.examples.cs231n_staged().output
    fresh_old = lambda: (old.player(f_old),)
    gif_new = best_of(lambda p: p.gif(), repeat=2, setup=fresh_new, clock=CLOCK)
    gif_old = best_of(lambda p: p.gif(), repeat=2, setup=fresh_old, clock=CLOCK)
    out.append(row("player.gif(): cs231n example, 23 frames", gif_new, gif_old,
                   "the old player, this run", "s", ""))
    return out


if __name__ == "__main__":
    main(rows)
