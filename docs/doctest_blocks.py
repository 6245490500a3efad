"""A griffe extension (mkdocs.yml, mkdocstrings ``extensions``) for the API pages.

The docstrings are plain text with doctests, as ``python -m pytest --doctest-modules``
runs them. Shown as Markdown, a doctest's output such as ``[1.0, 2.5]`` would read as a
link; this wraps each ``>>>`` block in a ``pycon`` code fence and turns a reST role such as
``:class:`LeafCheck``` into plain code, leaving the docstring in the source unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|obj|exc):`~?([^`]+)`")


def fence_doctests(text: str) -> str:
    """Wrap every doctest block (from a ``>>>`` line to the next blank line) in a fence.

    >>> fence_doctests("Adds.\\n\\n>>> 1 + 1\\n2\\n\\nDone.").splitlines()
    ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    out: list[str] = []
    indent: str | None = None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if indent is None and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
        elif indent is not None and not stripped:
            out.append(f"{indent}```")
            indent = None
        out.append(line)
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)


def plain_roles(text: str) -> str:
    """``:class:`Node``` -> ```Node```.

    >>> plain_roles("Rows of :class:`LeafCheck`.")
    'Rows of `LeafCheck`.'
    """
    return ROLE.sub(r"`\1`", text)


class DoctestBlocks(griffe.Extension):
    """Fence the doctests and flatten the reST roles of every docstring griffe loads."""

    def __init__(self) -> None:
        super().__init__()
        self.done: set[str] = set()

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and obj.path not in self.done:
            self.done.add(obj.path)
            obj.docstring.value = fence_doctests(plain_roles(obj.docstring.value))

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The top package (``scalargraph``) gets no ``on_object`` call of its own."""
        self.on_object(obj=pkg)
