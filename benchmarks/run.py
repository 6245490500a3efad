"""Run every ``benchmarks/bench_*.py`` and print their rows as ONE table (``make bench``).

Each bench module runs in its own Python process (so one module's imports, garbage or
crash cannot change another's numbers); a module that fails gets a row with its error.

    python benchmarks/run.py                 # every bench_*.py
    python benchmarks/run.py core numpy      # only bench_core.py and bench_numpy.py
    python benchmarks/run.py --baseline main core   # and this tree against main, side by side
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from baseline import ENV
from common import KEYS, format_table

HERE = Path(__file__).resolve().parent
TIMEOUT = 1800  # seconds per bench module


def modules(names: list[str] | None = None) -> list[Path]:
    """The bench modules, sorted by name; ``names`` ("core", "bench_numpy.py" ...) selects some."""
    found = sorted(HERE.glob("bench_*.py"))
    if not names:
        return found
    wanted = {n.removeprefix("bench_").removesuffix(".py") for n in names}
    unknown = wanted - {p.stem.removeprefix("bench_") for p in found}
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(p.stem.removeprefix('bench_') for p in found)}")
    return [p for p in found if p.stem.removeprefix("bench_") in wanted]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header() -> str:
    """Date, machine and versions: the numbers mean nothing without them."""
    try:
        import numpy
        numpy_version = numpy.__version__
    except ImportError:
        numpy_version = "not installed"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = f" | load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"{now} | {cpu_model()}, {os.cpu_count()} cores | Python {platform.python_version()} "
            f"| numpy {numpy_version}{load}")


def _error_row(module: Path, message: str) -> dict[str, Any]:
    lines = [line for line in message.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else "failed without a message"
    return {"figure": f"{module.name}: ERROR {last}", "scalargraph": None, "baseline": None,
            "baseline_name": "", "ratio": None, "unit": "", "target": ""}


def run_module(module: Path) -> list[dict[str, Any]]:
    """The rows of one bench module, run in a fresh interpreter; an error becomes a row."""
    try:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rows-of", str(module)],
                              capture_output=True, text=True, timeout=TIMEOUT, cwd=HERE)
    except subprocess.TimeoutExpired:
        return [_error_row(module, f"timed out after {TIMEOUT} s")]
    if done.returncode != 0:
        return [_error_row(module, done.stderr or done.stdout or f"exit status {done.returncode}")]
    try:
        rows = json.loads(done.stdout.strip().splitlines()[-1])
        if not isinstance(rows, list) or not rows:
            raise ValueError("rows() returned no rows")
        for r in rows:
            missing = [k for k in KEYS if k not in r]
            if missing:
                raise ValueError(f"a row has no {', '.join(missing)}")
    except (ValueError, IndexError) as exc:
        return [_error_row(module, f"bad rows: {exc}")]
    return rows


def _print_rows_of(path: str) -> None:
    """Child process: import one bench module and print its rows as JSON on the last line."""
    import importlib.util

    sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look the module up by name
    spec.loader.exec_module(module)
    rows = module.rows()
    print(json.dumps(rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="bench modules to run (default: all)")
    parser.add_argument("--baseline", metavar="COMMIT",
                        help="also time this tree against scalargraph at COMMIT, side by side "
                             "(bench modules that support it, e.g. core)")
    parser.add_argument("--rows-of", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline:
        os.environ[ENV] = args.baseline  # read by the bench modules, in their own processes
    if args.rows_of:
        _print_rows_of(args.rows_of)
        return
    selected = modules(args.names)
    print(header())
    print()
    rows: list[dict[str, Any]] = []
    for module in selected:
        print(f"running {module.name} ...", file=sys.stderr, flush=True)
        rows.extend(run_module(module))
    print(format_table(rows))


if __name__ == "__main__":
    main()
