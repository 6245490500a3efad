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
from conftest import smallest_text_px
from nbclient.exceptions import CellExecutionError

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((TUTORIALS / "solutions").glob("[0-9][0-9]_*.ipynb"))
EVERY = NOTEBOOKS + SOLUTIONS
#: The lessons whose exercises have worked solutions (every tutorial from 01 to 11).
WITH_EXERCISES = [p for p in NOTEBOOKS if 1 <= int(p.name[:2]) <= 11]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tutorials_build", TUTORIALS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def test_the_tutorials_are_numbered_from_01_without_gaps() -> None:
    numbers = [int(p.name[:2]) for p in build.notebooks()]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 11, (
        f"expected tutorials/01_*.ipynb ... 11_*.ipynb at least, found {[p.name for p in NOTEBOOKS]}"
    )


@pytest.mark.parametrize("path", EVERY, ids=[str(p.relative_to(TUTORIALS).with_suffix("")) for p in EVERY])
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
    for cell in code:  # every diagram reads in a notebook cell (880 px): smallest text >= 9 px
        for out in cell.outputs:
            svg = out.get("data", {}).get("image/svg+xml")
            if svg:
                assert smallest_text_px(svg) >= 9, f"{path.name} cell {cell.execution_count}: text too small"


@pytest.mark.parametrize("path", EVERY, ids=[str(p.relative_to(TUTORIALS).with_suffix("")) for p in EVERY])
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


def _exercises(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.stem for p in WITH_EXERCISES])
def test_every_lesson_asks_for_predictions_and_shows_no_answers(path: Path) -> None:
    exercises = _exercises(path)
    assert len(exercises) >= 2, f"{path.name}: fewer than two cells tagged 'exercise'"
    for cell in exercises:
        assert cell.cell_type == "code"
        assert "..." in cell.source or "answers = {}" in cell.source, (
            f"{path.name}: an exercise cell holds an answer instead of a blank:\n{cell.source}")
        shown = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
        assert "✓" not in shown and "wrong, it is" not in shown, f"{path.name}: a saved exercise shows its answer"
    solution = TUTORIALS / "solutions" / path.name
    assert solution.exists(), f"{path.name}: no worked solutions in tutorials/solutions/"
    asserted = nbformat.read(solution, as_version=4)
    checks = sum(c.source.count("assert") for c in asserted.cells if c.cell_type == "code")
    assert checks >= 1, f"solutions/{path.name} asserts nothing"


def test_the_checkers_ask_for_a_prediction_when_it_is_left_blank() -> None:
    import scalargraph as sg

    x = sg.Node(3.0, name="x")
    verdict = sg.exercise((x * x).named("g")).grad("x", ...)
    assert verdict.right is None and "6" not in str(verdict)
