"""Turn DOT text into SVG, PNG or PDF: in-process with pygraphviz, else the ``dot`` executable.

pygraphviz (``>=2.0``) wheels bundle Graphviz, so a plain ``pip install`` renders
with no system package. Without pygraphviz, the ``graphviz`` package runs the
``dot`` executable. Building DOT text needs neither.

>>> suffix_format("diagram.SVG"), suffix_format("f.dot")
('svg', 'dot')
>>> render("digraph { a -> b }", "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError, RenderError

__all__ = [
    "ENGINES", "FORMATS", "SUFFIXES", "available_engines", "check_target", "render", "suffix_format",
    "write_file",
]

#: Image formats :func:`render` produces.
FORMATS = ("svg", "png", "pdf")
#: File suffixes :meth:`Diagram.save` understands, and the format each one means.
SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
#: ``auto`` tries pygraphviz (in-process) first, then the ``dot`` executable.
ENGINES = ("auto", "pygraphviz", "dot")

_INSTALL = (
    "Rendering a diagram needs Graphviz. Either install pygraphviz, whose wheels bundle "
    "Graphviz and render in-process:\n    pip install 'pygraphviz>=2.0'\n"
    "or install the dot executable (Debian/Ubuntu: apt-get install graphviz; macOS: "
    "brew install graphviz; Windows: winget install graphviz) and the Python package:\n"
    "    pip install graphviz\n"
    "(d.source, the DOT text, needs neither.)"
)


def render(dot_source: str, fmt: str = "svg", *, engine: str = "auto") -> bytes:
    """The image of ``dot_source`` in ``fmt`` (``svg``, ``png`` or ``pdf``) as bytes.

    ``engine``: ``"pygraphviz"`` (in-process), ``"dot"`` (the executable) or
    ``"auto"`` (the first of these that is installed).
    """
    if fmt not in FORMATS:
        raise RenderError(f"cannot render format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    if engine not in ENGINES:
        raise RenderError(f"unknown render engine {engine!r}; valid engines: {', '.join(ENGINES)}")
    if engine == "pygraphviz" or (engine == "auto" and _has_pygraphviz()):
        return _render_pygraphviz(dot_source, fmt)
    return _render_dot(dot_source, fmt, asked=engine == "dot")


def available_engines() -> tuple[str, ...]:
    """The engines that can render on this machine, in the order ``auto`` tries them."""
    found = []
    if _has_pygraphviz():
        found.append("pygraphviz")
    if _dot_executable() is not None:
        found.append("dot")
    return tuple(found)


def _has_pygraphviz() -> bool:
    try:
        import pygraphviz  # noqa: F401
    except ImportError:
        return False
    return True


def _dot_executable() -> str | None:
    import shutil

    return shutil.which("dot")


def _render_pygraphviz(dot_source: str, fmt: str) -> bytes:
    try:
        import pygraphviz
    except ImportError:
        raise MissingDependencyError(f"the pygraphviz engine is not installed. {_INSTALL}") from None
    try:
        # Graphviz reports layout remarks (not errors) as RuntimeWarnings, and pygraphviz prints
        # "layout may take a long time" above 1000 nodes (draw's max_nodes already warned); errors raise.
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore", RuntimeWarning)
            graph = pygraphviz.AGraph(string=dot_source)
            data: Any = graph.draw(format=fmt, prog="dot")
    except (ValueError, TypeError, OSError, pygraphviz.DotError) as err:
        raise RenderError(f"Graphviz (pygraphviz) could not render this DOT as {fmt}: {err}") from None
    return bytes(data)


def _render_dot(dot_source: str, fmt: str, asked: bool) -> bytes:
    try:
        import graphviz
    except ImportError:
        raise MissingDependencyError(_INSTALL) from None
    try:
        return bytes(graphviz.pipe("dot", fmt, dot_source.encode("utf-8"), quiet=True))
    except graphviz.ExecutableNotFound:
        what = "the dot executable is not on PATH" if asked else "neither pygraphviz nor dot is installed"
        raise MissingDependencyError(f"{what}. {_INSTALL}") from None
    except graphviz.CalledProcessError as err:
        detail = (err.stderr or b"").decode("utf-8", "replace").strip()
        raise RenderError(f"dot could not render this DOT as {fmt}: {detail}") from None


def suffix_format(path: str | os.PathLike[str]) -> str:
    """The save format a file name asks for, from its suffix (case-insensitive)."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        valid = ", ".join(SUFFIXES)
        got = f"suffix {suffix!r}" if suffix else "no suffix"
        raise RenderError(f"cannot save {os.fspath(path)!r}: {got}; valid suffixes: {valid}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(path: str | os.PathLike[str]) -> Path:
    """The file ``path`` as a Path, if it names a file in an existing folder; otherwise the
    error :func:`write_file` would raise. Savers call it before rendering, so a mistyped
    folder is reported at once, not after a long render.

    >>> check_target("no/such/folder/f.svg")
    Traceback (most recent call last):
    ...
    scalargraph.errors.RenderError: cannot save 'no/such/folder/f.svg': the folder ... does not exist; ...
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise RenderError(f"cannot save {os.fspath(target)!r}: the folder {os.fspath(folder)!r} does "
                          "not exist; create it first (e.g. Path(...).mkdir(parents=True))")
    if target.is_dir():
        raise RenderError(f"cannot save {os.fspath(target)!r}: it is a folder; give a file name such as "
                          f"{os.fspath(target / 'diagram.svg')!r}")
    return target


def write_file(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once: a temporary file in the same folder,
    then a rename, so a failure never leaves a partial file behind."""
    target = check_target(path)
    folder = target.parent
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a saved image is not
        os.replace(tmp, target)
    except OSError as err:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise RenderError(f"cannot save {os.fspath(target)!r}: {err.strerror or err}; choose a "
                          "writable location") from None
    return target
