"""mkdocs hooks (mkdocs.yml ``hooks:``): bring tutorials/ and assets/ into the site, draw the layers.

The solutions (tutorials/solutions/) are pages too, listed on a generated Solutions page.

Also copies MathJax into the site (see docs/javascripts/mathjax.js), so the tutorials'
maths shows with no network.

The tutorials and images stay where the repository keeps them (``tutorials/``, ``assets/``,
read on GitHub as they are); this hook adds them to the site under the same paths, so a
page links ``../tutorials/01_chain_rule.ipynb`` or ``../assets/backprop.gif``.

The architecture picture (``architecture.svg``) is drawn at every build from the layers
contract in setup.cfg (the order ``lint-imports`` enforces) and the imports the code
really has (read by grimp, which import-linter uses), rendered by scalargraph's own
Graphviz renderer: the picture cannot disagree with the contract or the code.
"""

from __future__ import annotations

import configparser
import itertools
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "scalargraph"
LAYERS_SECTION = "importlinter:contract:layers"
ARCHITECTURE_SVG = "architecture.svg"
SOLUTIONS_INDEX = "tutorials/solutions/index.md"

#: One line under each layer's name in the picture.
ROLES = {
    "cli": "the scalargraph command",
    "learning": "nn, plots, examples",
    "teaching": "steps, player, quiz, tape, staged code, paths",
    "drawing": "diagrams, Graphviz render",
    "checks": "gradcheck, per-node check",
    "parsing": "text to graph",
    "bridges": "micrograd and PyTorch graphs in",
    "core": "node, op table, graph, backward, grad, jvp",
    "errors": "the exception classes",
}


def layers(setup_cfg: Path = ROOT / "setup.cfg") -> list[list[str]]:
    """The layers of the import-linter contract, top first; each a list of independent siblings.

    >>> layers()[0], layers()[-1]
    (['cli'], ['errors'])
    """
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")
    lines = config[LAYERS_SECTION]["layers"].split("\n")
    return [[part.strip() for part in line.split("|")] for line in lines if line.strip()]


def imports_between(names: list[str]) -> set[tuple[str, str]]:
    """``(importer, imported)`` for each pair of the top-level modules ``names`` (as packages)
    where the code has an import, direct, at module level or inside a function."""
    import grimp

    graph = grimp.build_graph(PACKAGE)
    found = set()
    for a in names:
        for b in names:
            if a != b and graph.direct_import_exists(
                    importer=f"{PACKAGE}.{a}", imported=f"{PACKAGE}.{b}", as_packages=True):
                found.add((a, b))
    return found


def layers_dot(order: list[list[str]], edges: set[tuple[str, str]]) -> str:
    """The DOT text of the layers picture: one row per layer, top first, an arrow per import."""
    lines = [
        "digraph layers {",
        '  graph [rankdir=TB, nodesep=0.35, ranksep=0.35, bgcolor="transparent", '
        'fontname="Helvetica"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3f8", color="#4a6785", '
        'fontname="Helvetica", fontsize=12, margin="0.15,0.06"];',
        '  edge [color="#6b7b8c", arrowsize=0.7];',
    ]
    for row in order:
        for name in row:
            role = ROLES.get(name, "")
            small = f'<br/><font point-size="10">{role}</font>' if role else ""  # no empty element
            label = f"<<b>{name}</b>{small}>"
            lines.append(f"  {name} [label={label}];")
        lines.append("  { rank=same; " + " ".join(f"{name};" for name in row) + " }")
    for a, b in sorted(edges):
        lines.append(f"  {a} -> {b};")
    # Keep the rows in contract order even where no import links two neighbouring rows.
    for upper, lower in itertools.pairwise(order):
        lines.append(f"  {upper[0]} -> {lower[0]} [style=invis];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def architecture_svg() -> bytes:
    """The layers picture as SVG, drawn with scalargraph's own renderer."""
    from scalargraph.drawing.render import render

    order = layers()
    return render(layers_dot(order, imports_between([n for row in order for n in row])), "svg")


def on_files(files: Any, config: Any) -> Any:
    """Add tutorials/ and assets/ (as they are in the repository) and the layers picture."""
    from mkdocs.structure.files import File

    for folder, pattern in (("tutorials", "*.ipynb"), ("tutorials", "README.md"),
                            ("tutorials/solutions", "*.ipynb"), ("assets", "*")):
        for path in sorted((ROOT / folder).glob(pattern)):
            files.append(File(f"{folder}/{path.name}", str(ROOT), config["site_dir"],
                              config["use_directory_urls"]))
    files.append(File.generated(config, SOLUTIONS_INDEX, content=solutions_index()))
    files.append(File.generated(config, ARCHITECTURE_SVG, content=architecture_svg()))
    files.append(File.generated(config, "javascripts/tex-svg-full.js", abs_src_path=mathjax_js()))
    return files


def solutions_index() -> str:
    """A page listing tutorials/solutions/ (the repository has the folder, the site a page)."""
    lines = ["# Solutions", "",
             "Worked solutions to the exercises of each tutorial, kept apart from the lessons so",
             "that the lessons show no answers. Try the exercise first.", ""]
    for path in sorted((ROOT / "tutorials" / "solutions").glob("*.ipynb")):
        lines.append(f"- [{path.stem.replace('_', ' ')}]({path.name})")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """tutorials/README.md links the folder ``solutions/``; on the site that is a page."""
    if page.file.src_uri == "tutorials/README.md":
        return markdown.replace("](solutions/)", "](solutions/index.md)")
    return markdown


FOLDER_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#?]*/)"')


def on_page_content(html: str, **kwargs: Any) -> str:
    """A link to a folder (``solutions/`` in a notebook) opens its index page: from disk, a
    folder would show a file listing (use_directory_urls is off)."""
    return FOLDER_LINK.sub(r'href="\1index.html"', html)


def mathjax_js() -> str:
    """MathJax 3's one-file build (TeX in, SVG out), from the django-static-mathjax package
    (no Django needed: the package is MathJax's files); docs/javascripts/mathjax.js loads it."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the docs need MathJax: pip install -e '.[docs]' (django-static-mathjax)")
    return str(Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5" /
               "tex-svg-full.js")


# Before mkdocs-jupyter's on_files, which turns the notebooks it finds into pages.
on_files.mkdocs_priority = 100  # type: ignore[attr-defined]
