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
import errno
import io
import os
import shutil
import stat
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError, RenderError, RenderWarning

__all__ = [
    "ENGINES", "FORMATS", "SUFFIXES", "as_path", "available_engines", "check_target", "file_error",
    "harmless", "render", "suffix_format", "write_file", "write_files",
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
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), _quiet_fd2() as said:
            warnings.simplefilter("ignore", RuntimeWarning)
            graph = pygraphviz.AGraph(string=dot_source)
            data: Any = graph.draw(format=fmt, prog="dot")
    except (ValueError, TypeError, OSError, pygraphviz.DotError) as err:
        detail = " ".join(said) if said else ""
        raise RenderError(f"Graphviz (pygraphviz) could not render this DOT as {fmt}: {err} {detail}".rstrip()
                          ) from None
    problems = [line for line in said if not harmless(line)]
    if problems:
        warnings.warn(f"Graphviz drew this {fmt} but said: {' '.join(problems)}", RenderWarning, stacklevel=4)
    return bytes(data)


def harmless(line: str) -> bool:
    """The one line the bundled Graphviz prints on its first render on a newer system: its
    older Fontconfig does not know Debian's ``reset-dirs`` element (fonts are found anyway).

    >>> harmless('Fontconfig warning: "/usr/share/fontconfig/conf.avail/05-reset-dirs-sample.conf", '
    ...          'line 6: unknown element "reset-dirs"')
    True
    >>> harmless('Error: syntax error in line 1 ... <font color="red"></font> ...')
    False
    """
    return line.startswith("Fontconfig warning:") and '"reset-dirs"' in line


@contextlib.contextmanager
def _quiet_fd2() -> Any:
    """What the Graphviz library prints straight to file descriptor 2 (its C stderr: syntax
    errors, font warnings), kept instead of printed; the list it yields gets the lines.
    (Process-wide for the few milliseconds of a render: another thread's writes to fd 2 in
    that time are kept too.)"""
    said: list[str] = []
    try:
        if sys.__stderr__ is not None:  # what Python buffered for fd 2 goes out first
            sys.__stderr__.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2 (some embedded hosts)
        yield said
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield said
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            said.extend(line.strip() for line in sink.read().decode("utf-8", "replace").splitlines()
                        if line.strip())


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
    suffix = as_path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        valid = ", ".join(SUFFIXES)
        got = f"suffix {suffix!r}" if suffix else "no suffix"
        where = os.fspath(as_path(path))
        raise RenderError(f"cannot save {where!r}: {got}; valid suffixes: {valid}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: What to do about a failed write, by errno (the rest: choose a writable location).
_FIXES = {
    errno.ENAMETOOLONG: "choose a shorter file name (most systems allow 255 bytes per name)",
    errno.ENOSPC: "free some disk space or choose another disk",
    errno.EDQUOT: "free some of your disk quota or choose another disk",
    errno.EROFS: "the file system is read-only; choose a writable location",
    errno.EACCES: "you may not write there; choose a writable location",
    errno.EPERM: "you may not write there; choose a writable location",
}


def file_error(path: str | os.PathLike[str], err: OSError | ValueError) -> RenderError:
    """A failed file operation as a :class:`RenderError` that names the path and the fix.

    >>> import errno
    >>> print(file_error("f.svg", OSError(errno.ENOSPC, "No space left on device")))
    cannot save 'f.svg': No space left on device; free some disk space or choose another disk
    """
    if isinstance(err, ValueError):  # e.g. an embedded null character
        return RenderError(f"cannot save {os.fspath(path)!r}: {err}; choose a file name without it")
    fix = _FIXES.get(err.errno or 0, "choose a writable location")
    return RenderError(f"cannot save {os.fspath(path)!r}: {err.strerror or err}; {fix}")


def as_path(path: Any) -> Path:
    """``path`` (a str, bytes or ``os.PathLike``) as a Path; anything else is a RenderError."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise RenderError(f"cannot save to {path!r}: a file name must be a str or a pathlib.Path, "
                          f"got {type(path).__name__}")
    return Path(path)


def check_target(path: str | os.PathLike[str], force: bool = False) -> Path:
    """The file ``path`` as a Path, if it names a file in an existing folder that may be
    replaced; otherwise the error :func:`write_file` would raise. Savers call it before
    rendering, so a mistyped folder is reported at once, not after a long render.

    >>> check_target("no/such/folder/f.svg")
    Traceback (most recent call last):
    ...
    scalargraph.errors.RenderError: cannot save 'no/such/folder/f.svg': the folder ... does not exist; ...
    """
    target = as_path(path)
    folder = target.parent
    try:
        if not folder.is_dir():
            raise RenderError(f"cannot save {os.fspath(target)!r}: the folder {os.fspath(folder)!r} does "
                              "not exist; create it first (e.g. Path(...).mkdir(parents=True))")
        if target.is_dir():
            raise RenderError(f"cannot save {os.fspath(target)!r}: it is a folder; give a file name such "
                              f"as {os.fspath(target / 'diagram.svg')!r}")
        if not force and target.exists() and not os.access(target, os.W_OK):
            raise RenderError(f"cannot save {os.fspath(target)!r}: the file is read-only; choose another "
                              "name, make it writable, or pass force=True to replace it")
    except (OSError, ValueError) as err:
        raise file_error(target, err) from None
    return target


def _mode(target: Path) -> int:
    """The permissions to give a new ``target``: its old ones, or the umask's default."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _temporary(folder: Path, data: bytes, mode: int) -> str:
    """``data`` in a new file with a short name in ``folder`` (removed if this fails)."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sg-", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)  # mkstemp makes it private; keep the target's mode
    except BaseException:
        if tmp is not None:
            os.unlink(tmp)
        raise
    return tmp


def write_file(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` all at once: a temporary file in the same folder, then a
    rename, so a failure or an interrupt never leaves a partial file behind. A file that
    is there keeps its permissions; a read-only one is replaced only with ``force=True``."""
    target = check_target(path, force)
    tmp = None
    try:
        tmp = _temporary(target.parent, data, _mode(target))
        os.replace(tmp, target)
    except BaseException as err:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
        if isinstance(err, (OSError, ValueError)):
            raise file_error(target, err) from None
        raise
    return target


def write_files(folder: str | os.PathLike[str], files: dict[str, bytes], force: bool = False) -> list[Path]:
    """Write every file of ``files`` (name: data) into ``folder`` (made if missing), or none.

    All files are written to a temporary folder first, then moved in by renames; an
    error or an interrupt while moving puts back what was there before."""
    out = as_path(folder)
    targets = [out / name for name in files]
    made: list[Path] = []
    tmp: str | None = None
    moved: list[tuple[Path, Path | None]] = []  # (target, its old file moved aside)
    try:
        if out.exists():
            for target in targets:
                check_target(target, force)
        for parent in reversed([out, *out.parents]):
            if not parent.exists():
                made.append(parent)  # first: an interrupt just after mkdir still removes it
                parent.mkdir()
        tmp = tempfile.mkdtemp(prefix=".sg-", dir=out)
        for i, (target, data) in enumerate(zip(targets, files.values())):
            os.replace(_temporary(Path(tmp), data, _mode(target)), Path(tmp, f"{i}.new"))
        for i, target in enumerate(targets):
            old = Path(tmp, f"{i}.old") if os.path.lexists(target) else None
            moved.append((target, old))  # first, so that an interrupt from here on is undone
            if old is not None:
                os.replace(target, old)
            os.replace(Path(tmp, f"{i}.new"), target)
        shutil.rmtree(tmp)
    except BaseException as err:
        for target, old in reversed(moved):
            if os.path.lexists(target) and (old is None or os.path.lexists(old)):
                os.unlink(target)
            if old is not None and os.path.lexists(old):
                os.replace(old, target)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for parent in reversed(made):
            with contextlib.suppress(OSError):
                parent.rmdir()
        if isinstance(err, (OSError, ValueError)):
            raise file_error(getattr(err, "filename", None) or out, err) from None
        raise
    return targets
