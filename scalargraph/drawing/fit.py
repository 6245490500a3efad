"""Choosing a layout that reads at the width a diagram is shown (about 880 px in a
notebook cell or a README column): the direction the graph flows in and how long the edge
labels are, from the estimated size of each box and label.

The smallest text is :data:`~.dot.SMALL` points; shown ``width`` pixels wide, a diagram
``w`` points wide draws it at ``SMALL · width / w`` pixels, so it must be at most
``SMALL · width / 9`` points wide for that text to be 9 px tall. The first of these that
fits is chosen: full labels before short ones (the number alone, the formula on hover), a
layout shown at its natural size before one shrunk to the width, left to right before top to
bottom; when none fits, the narrowest.

>>> estimate({"a": (50, 30), "b": (50, 30)}, [("a", "b", 40.0)], "LR") > estimate(
...     {"a": (50, 30), "b": (50, 30)}, [("a", "b", 40.0)], "TB")
True
"""

from __future__ import annotations

__all__ = ["SHOWN_WIDTH", "budget", "estimate", "natural", "ranks"]

#: The width in pixels a diagram is designed for: a notebook cell, a README column.
SHOWN_WIDTH = 880
#: Gaps Graphviz leaves (points): between ranks, between boxes of a rank (see the DOT writer).
RANKSEP = 0.35 * 72
NODESEP = 0.25 * 72


def budget(smallest: float, width: int = SHOWN_WIDTH, legible: float = 9.0) -> float:
    """The widest diagram (points) whose ``smallest`` text still shows ``legible`` px tall at
    ``width`` px, with a 10% margin for the estimate.

    >>> round(budget(10))
    880
    """
    return 0.9 * smallest * width / legible


def natural(width: int = SHOWN_WIDTH) -> float:
    """The widest diagram (points) shown at its natural size, 4/3 px per point, unshrunk.

    >>> natural()
    660.0
    """
    return width * 3 / 4


def ranks(units: list[str], edges: list[tuple[str, str, float]]) -> dict[str, int]:
    """Each box's rank: the longest path to it from a box with no input (edges in order)."""
    rank = dict.fromkeys(units, 0)
    for _ in range(2):  # edges come in topological order of their heads; twice settles copies
        for tail, head, _ in edges:
            if tail != head and rank.get(tail, 0) + 1 > rank.get(head, 0):
                rank[head] = rank.get(tail, 0) + 1
    return rank


def estimate(sizes: dict[str, tuple[float, float]], edges: list[tuple[str, str, float]],
             rankdir: str) -> float:
    """The estimated width in points of the layout flowing in ``rankdir``."""
    rank = ranks(list(sizes), edges)
    across = rankdir in ("LR", "RL")
    per_rank: dict[int, list[float]] = {}
    for uid, (w, _) in sizes.items():
        per_rank.setdefault(rank[uid], []).append(w)
    labels: dict[int, list[float]] = {}
    for _, head, width in edges:
        if width:
            labels.setdefault(rank.get(head, 0), []).append(width)
    if across:  # ranks side by side; a labelled gap holds its widest label
        total = sum(max(ws) for ws in per_rank.values()) + RANKSEP * (len(per_rank) - 1)
        return total + sum(max(ws) + RANKSEP for ws in labels.values())
    widest = 0.0
    for r in set(per_rank) | set(labels):
        boxes = [sizes[u][0] for u in sizes if rank[u] == r]
        row = sum(boxes) + NODESEP * max(len(boxes) - 1, 0)
        gap = sum(labels.get(r, [])) + NODESEP * len(labels.get(r, []))
        widest = max(widest, row, gap)
    return widest
