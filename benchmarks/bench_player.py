"""Player speed: the cs231n staged example stepped through (23 frames), side by side with
drawing the same 23 frames one by one.

Rows:

1. ``sg.player(f)`` (steps, then every frame's diagram rendered once to SVG); the baseline is
   23 separate ``step.diagram().svg()`` calls, the rendering alone: the ratio is what the
   player adds on top of drawing each frame once.
2. ``player.gif()`` (PNG per frame, captions, one palette, GIF); the baseline is the 23 PNG
   renders alone.
3. ``sg.steps(f, "both")``: the equations, for scale.

Run alone: ``python benchmarks/bench_player.py``.
"""

from __future__ import annotations

from typing import Any

from common import best_of, main, row

import scalargraph as sg
from scalargraph.learning.examples import cs231n_staged

__all__ = ["rows"]


def rows() -> list[dict[str, Any]]:
    f = cs231n_staged().output
    walk = sg.steps(f, mode="both")
    frames = len(walk)
    sg.player(f)  # warm up: imports, fonts, the renderer
    build = best_of(lambda: sg.player(f), repeat=3)
    draw_only = best_of(lambda: [s.diagram().svg() for s in walk], repeat=3)
    fresh = lambda: (sg.player(f),)  # a new player: no PNGs kept yet
    gif = best_of(lambda p: p.gif(), repeat=2, setup=fresh)
    pngs = best_of(lambda p: p.pngs(), repeat=2, setup=fresh)
    steps = best_of(lambda: sg.steps(f, mode="both"), repeat=5)
    return [
        row(f"sg.player: cs231n example, {frames} frames (HTML)", build, draw_only,
            f"{frames} separate step.diagram().svg()", "s", "<= 1.5x"),
        row(f"player.gif(): {frames} frames", gif, pngs, f"{frames} PNG renders alone", "s",
            "<= 1.5x"),
        row(f"sg.steps: cs231n example, {frames} steps with equations", steps, None, "", "s",
            "<= 0.01 s"),
    ]


if __name__ == "__main__":
    main(rows)
