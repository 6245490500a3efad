"""Diagram speed: a 1000-box graph to SVG in-process (pygraphviz), beside the dot executable.

The graph is a small MLP written with plain ops (each neuron ``b + w_1*x_1 + ... + w_n*x_n``,
tanh), its parameters attached to their nodes, after one backward pass: 1015 boxes with
values, gradients and a local derivative on every edge. Rows:

1. ``sg.draw(out)``: building the DOT text (no renderer involved).
2. Rendering that DOT to SVG in-process with pygraphviz's bundled Graphviz; the baseline is
   the same DOT through the ``dot`` executable when one is on PATH.
3. The same render in CPU seconds (this process plus children), which other jobs on the
   machine disturb less than wall time.
4. The cs231n staged example, draw + SVG, for scale.

Run alone: ``python benchmarks/bench_render.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from typing import Any

from common import best_of, main, row

import scalargraph as sg
from scalargraph.drawing.render import render
from scalargraph.learning.examples import cs231n_staged

__all__ = ["boxes", "mlp_graph", "rows"]


def mlp_graph(inputs: int = 4, widths: tuple[int, ...] = (16, 16, 10)) -> sg.Node:
    """An MLP's output (summed last layer) with deterministic weights, after backward."""
    xs = [sg.Node(0.1 * (i + 1), name=f"x{i}") for i in range(inputs)]
    k = 0
    for width in widths:
        layer = []
        for _ in range(width):
            acc: sg.Node = sg.Param(0.01 * k - 0.2, name=f"b{k}")
            k += 1
            for x in xs:
                acc = acc + x * sg.Param(((k * 37) % 19 - 9) / 10, name=f"w{k}")
                k += 1
            layer.append(sg.tanh(acc))
        xs = layer
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    out.backward()
    return out


def cpu_seconds(run: Any, repeat: int = 3) -> float:
    """The least CPU time (this process and its children, e.g. ``dot``) of ``repeat`` runs:
    steadier than wall time when other jobs share the cores."""
    best = float("inf")
    for _ in range(repeat):
        before = os.times()
        run()
        after = os.times()
        used = sum(after[i] - before[i] for i in range(4))  # user, system, children's user, system
        best = min(best, used)
    return best


def boxes(source: str) -> int:
    """The boxes (one per drawn node) in a diagram's DOT text."""
    return len(re.findall(r"^\s*n\d+ \[label=", source, flags=re.M))


def rows() -> list[dict[str, Any]]:
    out = mlp_graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pygraphviz notes "graph has > 1000 nodes" on stderr only
        source = sg.draw(out, max_nodes=None).source
    count = boxes(source)
    build = best_of(lambda: sg.draw(out, max_nodes=None).source, repeat=3)
    inproc = best_of(lambda: render(source, "svg", engine="pygraphviz"), repeat=3)
    inproc_cpu = cpu_seconds(lambda: render(source, "svg", engine="pygraphviz"))
    external: float | None = None
    external_cpu: float | None = None
    name = "no dot on PATH (apt-get install graphviz to compare)"
    if shutil.which("dot"):
        external = best_of(lambda: render(source, "svg", engine="dot"), repeat=3)
        external_cpu = cpu_seconds(lambda: render(source, "svg", engine="dot"))
        name = "dot executable"
    small = cs231n_staged()
    small.output.backward()
    tiny = best_of(lambda: sg.draw(small.output).svg(), repeat=5)
    return [
        row(f"sg.draw: DOT text of a {count}-box MLP graph", build, None, "", "s", "<= 0.2 s"),
        row(f"SVG of that {count}-box graph, in-process (pygraphviz)", inproc, external, name, "s",
            "<= 1 s"),
        row("the same render, CPU seconds (steady under load)", inproc_cpu, external_cpu, name, "s",
            "<= 1 s"),
        row("cs231n staged example: draw + SVG in-process", tiny, None, "", "s", "<= 0.1 s"),
    ]


if __name__ == "__main__":
    main(rows)
