"""scalargraph as it was at a git commit, imported next to the working tree's for side-by-side timing.

``make bench BASELINE=main`` (or ``python benchmarks/run.py --baseline main``) sets
``SG_BASELINE``; bench modules that support it then time the working tree against
that commit in one process, round after round, and print the ratio. Two runs on a
shared machine differ by more than the few percent a change should be held to;
interleaved in one process they see the same load.

The commit's ``scalargraph/`` is extracted with ``git archive`` into a temporary
directory and imported as the package ``scalargraph_baseline`` (its modules import
each other relatively, so the two copies never mix).
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from types import ModuleType

__all__ = ["ENV", "baseline_ref", "load"]

#: The environment variable naming the commit to compare with.
ENV = "SG_BASELINE"
_REPO = Path(__file__).resolve().parent.parent


def baseline_ref() -> str | None:
    """The commit asked for (``SG_BASELINE``), or None."""
    return os.environ.get(ENV) or None


def load(ref: str, name: str = "scalargraph_baseline") -> ModuleType:
    """The ``scalargraph`` package of commit ``ref``, imported as ``name``."""
    try:
        archive = subprocess.run(["git", "-C", str(_REPO), "archive", ref, "scalargraph"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        raise SystemExit(f"cannot read scalargraph at {ref!r} with git archive: "
                         f"{detail.decode(errors='replace').strip() or error}") from None
    root = Path(tempfile.mkdtemp(prefix="sg-baseline-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.10.12
        tar.extractall(root, **safe)  # type: ignore[arg-type]
    package = root / "scalargraph"
    spec = importlib.util.spec_from_file_location(name, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    hook = sys.excepthook
    try:
        spec.loader.exec_module(module)
    finally:  # a package that installs a traceback hook on import (sg.hints) leaves this process's alone
        sys.excepthook = hook
    return module
