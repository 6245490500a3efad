"""Shared benchmark helpers: best-of-N timing, allocated bytes, rows and their printing.

Every ``benchmarks/bench_<topic>.py`` defines ``rows() -> list[dict]``; each row has the keys
of :func:`row`. Ratios are measured side by side in one run, never asserted in tests.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["KEYS", "allocated_bytes", "best_of", "best_of_each", "format_table", "main", "row"]

#: The keys of every row, in table order.
KEYS = ("figure", "scalargraph", "baseline", "baseline_name", "ratio", "unit", "target")

# Benchmarks import the working tree's scalargraph even when run as plain scripts.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))


def best_of(run: Callable[..., Any], repeat: int = 5, setup: Callable[[], Any] | None = None,
            gc_off: bool = False, clock: Callable[[], float] = time.perf_counter) -> float:
    """The fastest of ``repeat`` timed calls of ``run(*setup())`` in seconds.

    ``setup`` (untimed) returns the arguments of one run, so every run starts
    from fresh state; ``gc.collect()`` runs before each timed call, so one run's
    garbage is not collected in the next one's time. ``gc_off`` switches the
    cyclic garbage collector off during the timed call (to measure its share).
    ``clock=time.process_time`` counts this process's CPU time only, which stays
    steady when other processes load the machine.
    """
    best = float("inf")
    for _ in range(repeat):
        args = setup() if setup is not None else ()
        gc.collect()
        if gc_off:
            gc.disable()
        try:
            start = clock()
            result = run(*args)
            elapsed = clock() - start
        finally:
            gc.enable()
        del result, args
        best = min(best, elapsed)
    return best


def best_of_each(runs: dict[str, tuple[Callable[..., Any], Callable[[], Any] | None]],
                 repeat: int = 5, gc_off: bool = False,
                 clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """:func:`best_of` for several contenders, interleaved: round after round, each
    contender runs once, so a burst of load on a shared machine hits them all alike.

    ``runs`` maps a name to ``(run, setup)`` as for :func:`best_of`.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, (run, setup) in runs.items():
            best[name] = min(best[name], best_of(run, 1, setup, gc_off, clock))
    return best


def allocated_bytes(build: Callable[[], Any]) -> int:
    """Bytes still allocated (tracemalloc) after ``build()``, while its result is alive."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del result
    return after - before


def row(figure: str, scalargraph: float, baseline: float | None, baseline_name: str,
        unit: str, target: str) -> dict[str, Any]:
    """One table row; ``ratio`` is scalargraph / baseline (None without a baseline)."""
    ratio = scalargraph / baseline if baseline else None
    return {"figure": figure, "scalargraph": scalargraph, "baseline": baseline,
            "baseline_name": baseline_name, "ratio": ratio, "unit": unit, "target": target}


def target_met(r: dict[str, Any]) -> str:
    """"yes"/"no" for a target such as "<= 0.1x" (on the ratio) or "<= 2 s" (on the value)."""
    target = str(r.get("target") or "").strip()
    parts = target.split()
    if len(parts) < 2 or parts[0] not in ("<=", "<", ">=", ">"):
        return "-"
    bound_text = parts[1]
    on_ratio = bound_text.endswith("x")
    try:
        bound = float(bound_text.rstrip("x"))
    except ValueError:
        return "-"
    value = r.get("ratio") if on_ratio else r.get("scalargraph")
    if value is None:
        return "-"
    ok = {"<=": value <= bound, "<": value < bound, ">=": value >= bound, ">": value > bound}[parts[0]]
    return "yes" if ok else "NO"


def _number(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    text = f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return f"{text} {unit}".rstrip()


def format_table(rows: list[dict[str, Any]]) -> str:
    """Rows as a Markdown table: figure, scalargraph, baseline, ratio, target, met."""
    lines = ["| figure | scalargraph | baseline | ratio | target | met |",
             "|---|---:|---:|---:|---|---|"]
    for r in rows:
        unit = r.get("unit", "")
        base = r.get("baseline")
        base_text = "-" if base is None else f"{_number(base, unit)} ({r.get('baseline_name', '')})"
        if base is None and r.get("baseline_name"):
            base_text = f"- ({r['baseline_name']})"
        ratio = r.get("ratio")
        ratio_text = "-" if ratio is None else (f"{ratio:.3f}x" if ratio >= 0.01 else f"{ratio:.2g}x")
        lines.append(f"| {r.get('figure', '?')} | {_number(r.get('scalargraph'), unit)} | {base_text} "
                     f"| {ratio_text} | {r.get('target', '')} | {target_met(r)} |")
    return "\n".join(lines)


def main(rows: Callable[[], list[dict[str, Any]]]) -> None:
    """Run one bench module alone: print its rows as a table."""
    print(format_table(rows()))
