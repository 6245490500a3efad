"""The tutorial notebooks run top to bottom in a fresh kernel, and their committed outputs are complete.

Each notebook is executed from a copy in a temporary directory (the committed file is never
rewritten here); a cell that raises fails the test with that cell's error. The notebooks
check their hand-computed numbers with ``assert``, so drifting numbers fail too.
Re-build the committed outputs with ``.venv/bin/python tutorials/build.py``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tutorials_build", TUTORIALS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def test_the_seven_tutorials_are_there() -> None:
    assert [p.name[:2] for p in build.notebooks()] == [f"{i:02d}" for i in range(1, 8)], (
        f"expected tutorials/01_*.ipynb ... 07_*.ipynb, found {[p.name for p in NOTEBOOKS]}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    committed = path.read_bytes()
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    nb = nbformat.read(copy, as_version=4)
    try:
        build.execute(nb, tmp_path)
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell raised\n{ANSI.sub('', str(error))}", pytrace=False)
    assert path.read_bytes() == committed, f"{path.name} was rewritten by the test"
    assert not list(TUTORIALS.glob("*.svg")) + list(TUTORIALS.glob("*.png")), "a notebook wrote into tutorials/"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_are_complete(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cells"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), (
        f"{path.name} was not saved after a clean top-to-bottom run: run tutorials/build.py"
    )
    for cell in code:
        assert all(o.output_type != "error" for o in cell.outputs), f"{path.name}: error output saved"
        assert "execution" not in cell.metadata, f"{path.name}: volatile timing metadata saved"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), (
        f"{path.name} should open with a markdown title"
    )


def test_the_index_lists_every_tutorial() -> None:
    index = (TUTORIALS / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\(([0-9][0-9]_[\w]+\.ipynb)\)", index)
    assert linked == [p.name for p in NOTEBOOKS], "tutorials/README.md and tutorials/ disagree"
