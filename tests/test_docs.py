"""The README stays a front page, and the docs site's architecture picture tells the truth.

The site itself is built by ``make test`` (``mkdocs build --strict``: a broken link, a page
missing from the nav or a docstring that does not render fails it).
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PACKAGE = ROOT / "scalargraph"


def test_the_readme_fits_on_a_few_screens() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail to docs/"


def test_the_readme_keeps_the_two_commands_and_one_picture() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    assert re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text) == ["assets/cs231n_staged.svg"]


def test_every_link_in_the_readme_leads_to_a_file() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#]+)\)", text) if "://" not in t]
    assert len(targets) > 20
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, missing


def test_the_readme_links_every_docs_page() -> None:
    text = README.read_text(encoding="utf-8")
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")}
    pages -= {"docs/index.md"} | {p for p in pages if p.startswith("docs/api/") and not p.endswith("index.md")}
    unlinked = sorted(p for p in pages if f"]({p})" not in text)
    assert not unlinked, f"README.md does not link {unlinked}"


def test_the_error_table_lives_in_the_docs_not_the_readme() -> None:
    """Rows of the bad-input table go to docs/errors.md, where tests/test_bad_inputs.py runs them."""
    row = re.compile(r"^\| `[^`]+`.* \| `\w+(Error|Warning)` \|", re.M)
    assert not row.search(README.read_text(encoding="utf-8"))
    assert len(row.findall((ROOT / "docs" / "errors.md").read_text(encoding="utf-8"))) >= 30


def test_make_test_builds_the_site_strictly() -> None:
    """`mkdocs build --strict --quiet` exits 0 with warnings (--quiet drops them before
    --strict counts them), so the recipe must not be quiet."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ntest:"):].split("\n\n")[0]
    build = [line for line in recipe.splitlines() if "mkdocs build" in line]
    assert len(build) == 1 and "--strict" in build[0], recipe
    assert not re.search(r"\s(--quiet|-q)\b", build[0]), build[0]


# ------------------------------------------------------------ the architecture picture
def hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def imports_by_ast(names: list[str]) -> set[tuple[str, str]]:
    """(importer, imported) between top-level parts of scalargraph, read from the source's
    import statements (absolute and relative, at any depth): independent of grimp."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts   # ('scalargraph', 'core', 'node')
        if len(parts) < 2 or parts[1] not in names:
            continue
        package = parts[:-1]   # the package a relative import starts from
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[tuple[str, ...]] = []
            if isinstance(node, ast.Import):
                targets = [tuple(a.name.split(".")) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else ()
                module = tuple(node.module.split(".")) if node.module else ()
                targets = [base + module + (a.name,) for a in node.names] if not module or \
                    len(base + module) < 2 else [base + module]
            for target in targets:
                if len(target) >= 2 and target[0] == "scalargraph" and target[1] in names \
                        and target[1] != parts[1]:
                    found.add((parts[1], target[1]))
    return found


def test_the_picture_has_the_contract_rows_and_the_real_imports() -> None:
    h = hooks()
    order = h.layers()
    names = [n for row in order for n in row]
    assert order == [["cli"], ["learning"], ["teaching"], ["drawing"], ["checks", "parsing", "bridges",
                     "tracebacks"], ["core"], ["errors"]]
    edges = h.imports_between(names)
    assert edges == imports_by_ast(names)
    # Known imports, found by reading the code: the player renders, the CLI parses.
    assert {("teaching", "drawing"), ("cli", "parsing"), ("drawing", "checks")} <= edges
    rank = {n: i for i, row in enumerate(order) for n in row}
    assert all(rank[a] < rank[b] for a, b in edges), "an import goes up the layers"
    dot = h.layers_dot(order, edges)
    for a, b in edges:
        assert f"  {a} -> {b};" in dot
    assert "{ rank=same; checks; parsing; bridges; tracebacks; }" in dot


def test_the_picture_renders() -> None:
    svg = hooks().architecture_svg().decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for name in ("cli", "learning", "teaching", "drawing", "checks", "parsing", "core", "errors"):
        assert f">{name}<" in svg


# ------------------------------------------------------------ the built site, from disk
SITE = ROOT / "site"
LOADS = re.compile(r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"([^\"]+)\"|<link\b[^>]*\bhref=\"([^\"]+)\"")


def built_pages() -> list[Path]:
    """The pages of site/ as `make test` / `make docs` built them (skips when there are none)."""
    index = SITE / "index.html"
    if not index.exists() or index.stat().st_mtime < (ROOT / "mkdocs.yml").stat().st_mtime:
        pytest.skip("no current site/: make docs builds it (make test builds it before pytest)")
    # 404.html is for a web server (its links start at /); from disk it is never shown.
    return sorted(p for p in SITE.rglob("*.html") if p.name != "404.html")


def test_the_site_loads_nothing_from_the_network() -> None:
    """Opened from disk with no network, every script, style sheet and image is in site/.

    (nbconvert's notebook template also holds a script that imports Mermaid from a CDN
    when a notebook has a Mermaid cell; the tutorials have none, so it fetches nothing.)"""
    remote = []
    for page in built_pages():
        for match in LOADS.finditer(page.read_text(encoding="utf-8")):
            url = match[1] or match[2]
            if not url.strip() or re.match(r"(https?:)?//", url):   # "" loads nothing at all
                remote.append((page.relative_to(SITE).as_posix(), url))
    assert not remote, remote[:5]


def test_every_link_of_the_site_opens_a_file() -> None:
    """use_directory_urls: false, so a link is a file (a folder link would show a listing)."""
    broken = []
    for page in built_pages():
        for href in re.findall(r"<a\b[^>]*\bhref=\"([^\"#?]+)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", href):
                continue
            target = (page.parent / href).resolve()
            if not target.is_file():
                broken.append((page.relative_to(SITE).as_posix(), href))
    assert not broken, broken[:5]
