"""The Python on the docs pages runs, and the numbers written beside it are the real ones.

Each page's ```python blocks run in order in one namespace (as a reader would paste them
one after the other), in a temporary folder (a block may save files). A line
``expression  # comment`` is checked when the comment starts with a Python literal
(``f.value  # 1.5456448841066441, computed as you write``) or with a repr
(``g.stats  # BackwardStats(nodes=12, derivatives_evaluated=12)``): the expression must
give exactly that. Comment lines right after a statement that prints (``# x = 3``) are
its output: the printed lines must be those, in order, where ``# ...`` stands for any
number of lines. Blocks in other languages (sh, plain text) are not run.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

import scalargraph as sg
from scalargraph.core.define import forget_op

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
PAGES = sorted(p for p in [*DOCS.rglob("*.md"), ROOT / "README.md"] if FENCE.search(p.read_text(encoding="utf-8")))
REPR = re.compile(r"^[A-Za-z_]\w*\(")


def claim(comment: str) -> tuple[str, Any] | None:
    """What a comment says an expression gives: ("literal", value), ("repr", text) or None.

    >>> claim("12.0 = 6·x"), claim("(1.5, 2.0)"), claim("-0.5: f again")
    (('literal', 12.0), ('literal', (1.5, 2.0)), ('literal', -0.5))
    >>> claim("BackwardStats(nodes=12)"), claim("df/d(every node)")
    (('repr', 'BackwardStats(nodes=12)'), None)
    """
    for text in (comment, re.split(r":\s| = |;\s|,\s", comment)[0]):
        try:
            return "literal", ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return ("repr", comment) if REPR.match(comment) else None


def comments(block: str) -> dict[int, str]:
    """Line number (from 1) -> the comment after ``  #`` on that line."""
    found = {}
    for number, line in enumerate(block.splitlines(), 1):
        code, sep, comment = line.partition("  #")
        if sep and code.strip():
            found[number] = comment.strip().lstrip("#").strip()
    return found


def shown_output(block: str, end: int) -> list[str]:
    """The comment-only lines right after line ``end`` (from 1), without their ``# ``."""
    shown = []
    for line in block.splitlines()[end:]:
        if not line.startswith("#"):
            break
        shown.append(line[2:] if line.startswith("# ") else line[1:])
    return shown


def matches(printed: list[str], shown: list[str]) -> bool:
    """``shown`` is ``printed`` with runs of lines replaced by ``...``.

    >>> matches(["a", "b", "c", "d"], ["a", "...", "d"]), matches(["a", "b"], ["b"])
    (True, False)
    """
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(printed[i:], shown[1:]) for i in range(len(printed) + 1))
    return bool(printed) and printed[0].rstrip() == shown[0].rstrip() and matches(printed[1:], shown[1:])


def run_page(page: Path) -> int:
    """Run every python block of ``page``; return how many commented results were checked."""
    namespace: dict[str, Any] = {}
    checked = 0
    for block in FENCE.findall(page.read_text(encoding="utf-8")):
        notes = comments(block)
        for statement in ast.parse(block).body:
            said = claim(notes[statement.lineno]) if statement.lineno in notes else None
            if _prints(statement) and said is not None:  # print(...)  # what it prints
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(ast.Module([statement], []), str(page), "exec"), namespace)
                assert out.getvalue().strip() == notes[statement.lineno], \
                    f"{page.name}: {ast.unparse(statement)} prints {out.getvalue().strip()!r}; " \
                    f"the page says {notes[statement.lineno]!r}"
                checked += 1
            elif isinstance(statement, ast.Expr) and said is not None:
                value = eval(compile(ast.Expression(statement.value), str(page), "eval"), namespace)
                where = f"{page.name}: {ast.unparse(statement)}"
                if said[0] == "literal":
                    got = value.value if isinstance(value, sg.Node) else value
                    assert type(got) is type(said[1]) and got == said[1], \
                        f"{where} gives {got!r}; the page says {said[1]!r}"
                else:
                    assert repr(value) == said[1], f"{where} gives {value!r}; the page says {said[1]}"
                checked += 1
            else:
                shown = shown_output(block, statement.end_lineno or statement.lineno)
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(ast.Module([statement], []), str(page), "exec"), namespace)
                if shown:
                    printed = out.getvalue().splitlines()
                    assert matches(printed, shown), \
                        f"{page.name}: the page shows\n" + "\n".join(shown) + \
                        "\nbut it prints\n" + "\n".join(printed)
                    checked += 1
    return checked


def _prints(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "print")


#: Pages whose code needs an optional package (installed with its extra, not by make test).
NEEDS = {"pytorch.md": "torch"}


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_the_code_on_the_page_runs_and_shows_real_numbers(
        page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if page.name in NEEDS:
        pytest.importorskip(NEEDS[page.name], reason=f"{page.name} needs pip install -e '.[torch]'")
    monkeypatch.chdir(tmp_path)
    table = set(sg.OPS)
    try:
        run_page(page)
    finally:  # a page's sg.define_op must not stay in the table for the tests that follow
        for name in set(sg.OPS) - table:
            forget_op(name)


def test_the_numbers_on_the_pages_are_checked() -> None:
    """The claim-reading above finds the numbers the pages show (it is not silently idle)."""
    counts = {p.relative_to(ROOT).as_posix(): len([c for c in comments("\n".join(FENCE.findall(
        p.read_text(encoding="utf-8")))).values() if claim(c)]) for p in PAGES}
    assert counts["docs/index.md"] >= 2 and counts["docs/guide/graph.md"] >= 5, counts
    assert counts["README.md"] >= 5, counts  # the first graph's numbers and micrograd's prints


@pytest.mark.parametrize("wrong", [
    "(x * x).value  # 5.0",                                    # a number
    "g = sg.Graph(x * x)\ng.backward()\ng.stats  # BackwardStats(nodes=9, derivatives_evaluated=9)",
    "print((x * x).value)\n# 5.0",                             # printed output
])
def test_a_page_with_a_wrong_number_fails(wrong: str, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"```python\nimport scalargraph as sg\nx = sg.Node(2.0)\n{wrong}\n```\n")
    with pytest.raises(AssertionError, match="page.md"):
        run_page(page)
    page.write_text(page.read_text().replace("5.0", "4.0").replace("nodes=9", "nodes=2")
                    .replace("derivatives_evaluated=9", "derivatives_evaluated=2"))
    assert run_page(page) == 1
