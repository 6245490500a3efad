"""The layering contract (setup.cfg ``[importlinter:...]``) holds, and it has teeth.

``make test`` runs ``lint-imports`` on the package. These tests also break the contract
on purpose, in a copy of the package in a temporary folder, and check that
``lint-imports`` fails there naming the contract that was broken: a contract that never
fails would be no check at all.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contract_names() -> dict[str, str]:
    """Contract id -> its name, read from setup.cfg."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    prefix = "importlinter:contract:"
    return {s[len(prefix):]: config[s]["name"] for s in config.sections() if s.startswith(prefix)}


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the scalargraph package found in ``folder`` (its setup.cfg)."""
    if not LINT_IMPORTS.exists():
        pytest.skip(f"no lint-imports beside {sys.executable}")
    env = {**os.environ, "PYTHONPATH": str(folder), "COLUMNS": "200"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "scalargraph", tmp_path / "scalargraph",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    return tmp_path


def test_the_package_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    names = contract_names()
    assert set(names) == {"layers", "core", "drawing", "cli"}
    for name in names.values():
        assert f"{name} KEPT" in result.stdout


# (module to edit, the line added to it, contracts it must break)
BREAKS = [
    ("core/labels.py", "import scalargraph.drawing", {"core", "layers"}),
    ("core/graph.py", "from ..learning import nn", {"core", "layers"}),
    ("drawing/render.py", "from ..teaching import steps", {"drawing", "layers"}),
    ("teaching/tape.py", "from .. import cli", {"cli", "layers"}),
    ("parsing/parser.py", "from ..checks import gradcheck", {"layers"}),
    ("errors.py", "from .core import node", {"layers"}),
    ("core/node.py", "from .. import tracebacks", {"core", "layers"}),
    ("tracebacks.py", "from . import parsing", {"layers"}),
]


@pytest.mark.parametrize(("module", "line", "broken"), BREAKS, ids=[b[0] + ": " + b[1] for b in BREAKS])
def test_an_import_against_the_layers_fails_naming_the_contract(
        package_copy: Path, module: str, line: str, broken: set[str]) -> None:
    path = package_copy / "scalargraph" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # against the layers\n",
                    encoding="utf-8")
    result = lint_imports(package_copy)
    assert result.returncode != 0, result.stdout
    names = contract_names()
    for contract, name in names.items():
        verdict = "BROKEN" if contract in broken else "KEPT"
        assert f"{name} {verdict}" in result.stdout, (contract, result.stdout)
    assert f"{module[:-3].replace('/', '.')} -> " in result.stdout.replace("scalargraph.", "")


def test_a_new_module_outside_the_layers_is_refused(package_copy: Path) -> None:
    (package_copy / "scalargraph" / "stray.py").write_text('"""Belongs to no layer."""\n')
    result = lint_imports(package_copy)
    assert result.returncode != 0
    assert "scalargraph.stray" in result.stdout + result.stderr
