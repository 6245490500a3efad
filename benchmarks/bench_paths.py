"""Memoized reverse pass vs the sum over paths (``sg.backward_paths``, ``sg.cost``).

A diamond ladder (``h = sin(h) + cos(h)``, repeated) has 2^depth paths from the
output to its input but only 4·depth edges: the reverse pass does one local
derivative per edge, the sum over paths one product per path.

Run alone: ``python benchmarks/bench_paths.py``.
"""

from __future__ import annotations

import math
from typing import Any

from common import best_of, main, row

import scalargraph as sg
from scalargraph.teaching.paths import diamond_ladder

__all__ = ["rows"]

DEPTH = 16  # 65,536 paths


def rows() -> list[dict[str, Any]]:
    f = diamond_ladder(DEPTH)
    g = sg.Graph(f)
    memoized = g.backward()["x"]
    by_paths = sg.backward_paths(f)["x"]
    if not math.isclose(memoized, by_paths, rel_tol=1e-9):
        raise AssertionError(f"memoized {memoized} and sum over paths {by_paths} disagree")
    c = sg.cost(f)
    t_memo = best_of(g.backward)
    t_paths = best_of(lambda: sg.backward_paths(f), repeat=3)
    figure = f"diamond ladder, depth {DEPTH} ({c.edges} edges, {c.paths:,} paths)"
    return [
        row(f"{figure}: local derivatives / path products", c.reverse, c.multiplications,
            "sum over paths (multiplications)", "", "-"),
        row(f"{figure}: memoized backward vs sg.backward_paths", t_memo, t_paths,
            "sum over paths", "s", "-"),
    ]


if __name__ == "__main__":
    main(rows)
