"""The benchmark harness (benchmarks/common.py, benchmarks/run.py): targets, table, failures."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import common  # noqa: E402
import run  # noqa: E402


@pytest.mark.parametrize(("target", "ratio", "value", "met"), [
    ("<= 0.1x", 0.05, 9.0, "yes"),
    ("<= 0.1x", 0.2, 0.01, "NO"),     # the ratio decides, not the value
    ("<= 1 s", None, 1.5, "NO"),      # no x: the value decides
    ("<= 1 s", None, 0.5, "yes"),
    (">= 50x", 60.0, 1.0, "yes"),
    ("-", 0.5, 1.0, "-"),
    ("<= 0.3x", None, 1.0, "-"),      # no baseline measured: cannot say
])
def test_target_met_reads_the_ratio_or_the_value(target, ratio, value, met):
    r = {"target": target, "ratio": ratio, "scalargraph": value}
    assert common.target_met(r) == met


def test_row_ratio_is_scalargraph_over_baseline_and_none_without_baseline():
    assert common.row("f", 0.5, 2.0, "b", "s", "<= 1x")["ratio"] == 0.25
    assert common.row("f", 0.5, None, "b", "s", "<= 1x")["ratio"] is None
    assert set(common.row("f", 1.0, None, "", "", "")) == set(common.KEYS)


def test_best_of_takes_the_fastest_run_and_restores_the_gc():
    ticks = iter([0.0, 3.0, 10.0, 11.0, 20.0, 22.0])  # runs of 3, 1 and 2 ticks
    assert common.best_of(lambda: None, repeat=3, clock=lambda: next(ticks)) == 1.0
    with pytest.raises(ZeroDivisionError):
        common.best_of(lambda: 1 / 0, repeat=1, gc_off=True)
    assert gc.isenabled()


def test_best_of_each_interleaves_the_contenders():
    calls: list[str] = []
    common.best_of_each({"a": (lambda: calls.append("a"), None),
                         "b": (lambda: calls.append("b"), None)}, repeat=2)
    assert calls == ["a", "b", "a", "b"]


def test_a_failing_module_becomes_a_row_with_its_error(tmp_path):
    good = tmp_path / "bench_good.py"
    good.write_text("from common import row\n"
                    "def rows():\n    return [row('two', 2.0, 4.0, 'four', 's', '<= 0.6x')]\n")
    bad = tmp_path / "bench_bad.py"
    bad.write_text("def rows():\n    raise RuntimeError('no data here')\n")
    rows = run.run_module(good) + run.run_module(bad)
    assert rows[0]["figure"] == "two" and rows[0]["ratio"] == 0.5
    assert rows[1]["figure"] == "bench_bad.py: ERROR RuntimeError: no data here"
    table = common.format_table(rows)
    assert "| two | 2 s | 4 s (four) | 0.500x | <= 0.6x | yes |" in table
    assert "ERROR RuntimeError: no data here" in table


def test_run_finds_every_bench_module_and_refuses_unknown_names():
    names = [p.name for p in run.modules()]
    assert "bench_core.py" in names and "bench_numpy.py" in names
    assert [p.name for p in run.modules(["numpy"])] == ["bench_numpy.py"]
    with pytest.raises(SystemExit, match="no benchmark named nope"):
        run.modules(["nope"])


def test_a_baseline_commit_is_imported_next_to_the_working_tree():
    import shutil

    import baseline

    import scalargraph as sg

    if shutil.which("git") is None or not (BENCH.parent / ".git").exists():
        pytest.skip("needs a git checkout")
    base = baseline.load("HEAD", "scalargraph_head_for_test")
    x = base.Node(3.0)
    (x * x + x).backward()
    assert x.grad == 7.0 and base.Node is not sg.Node and base.__file__ != sg.__file__
    with pytest.raises(SystemExit, match="cannot read scalargraph at 'no-such-commit'"):
        baseline.load("no-such-commit")
