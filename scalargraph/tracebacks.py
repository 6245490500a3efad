"""Hints where learners see errors: ``x.rleu()`` -> "... Did you mean .relu()?".

``import scalargraph`` installs two hooks, both documented extension points, both
chained to what was there before and both removed by ``sg.hints(False)``:

- ``sys.excepthook`` (the traceback of a script or of the plain ``python`` prompt): the
  hint is added as a note of the exception (``add_note``, Python 3.11+), so it prints
  under the error line; on 3.10 it is printed after the traceback.
- IPython / Jupyter (when IPython is already imported and a shell runs, never importing
  it): ``shell.set_custom_exc((AttributeError,), handler)``, whose handler shows IPython's
  usual traceback, with the hint as a note under the error line for a misspelled Node
  attribute. It is installed only if no other custom exception handler is set (IPython
  keeps one), and only in the shell that runs when ``scalargraph`` is imported.

A ``__getattr__`` on ``Node`` would find the hint too, but costs every attribute read of
every node (CPython stops specialising them): the hooks cost nothing until an error is shown.

>>> import scalargraph as sg
>>> sg.hints(False); _shows_hints()
False
>>> sg.hints(); _shows_hints()
True
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from .core.suggest import attribute_hint

__all__ = ["hints"]

_on = False  # hints(True/False); our hooks pass errors through unchanged when False
_previous_hook: Any = None  # the sys.excepthook ours chains to (None: ours is not installed)
_shell: Any = None  # the IPython shell our handler is registered with


def _excepthook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: the hint as a note of a misspelled Node attribute's error, then the
    hook that was there before."""
    previous = _previous_hook if _previous_hook is not None else sys.__excepthook__
    hint = _hint(value)
    noted = hint is not None and _add_note(value, hint) and sys.version_info >= (3, 11)
    previous(etype, value, tb)
    if hint is not None and not noted:  # Python 3.10's traceback prints no notes
        print(hint, file=sys.stderr)


def _ipython_handler(shell: Any, etype: type[BaseException], value: BaseException,
                     tb: TracebackType | None, tb_offset: int | None = None) -> None:
    """IPython's custom exception handler (``set_custom_exc``): IPython's usual traceback, with
    the hint as a note (IPython prints notes under the error line) for a misspelled Node
    attribute; any other AttributeError is shown unchanged.

    It shows the traceback itself and returns None: IPython (9.x) discards what a handler
    returns, so a handler that only returned the traceback would hide the error."""
    hint = _hint(value)
    if hint is not None:
        _add_note(value, hint)
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)


def _add_note(value: BaseException, hint: str) -> bool:
    """``value.add_note(hint)`` once (on 3.10, where there is no add_note, ``__notes__`` as
    3.11 keeps it, which IPython reads); False if the exception takes no notes."""
    notes = getattr(value, "__notes__", None)
    if isinstance(notes, list) and hint in notes:
        return True
    try:
        if hasattr(value, "add_note"):
            value.add_note(hint)
        else:
            setattr(value, "__notes__", [*(notes or ()), hint])  # noqa: B010 (mypy knows no __notes__ on 3.10)
    except (AttributeError, TypeError):
        return False
    return True


def _hint(value: BaseException) -> str | None:
    if not _on:
        return None
    try:
        return attribute_hint(value)
    except Exception:  # a hint must never hide the error it explains
        return None


def _shows_hints() -> bool:
    """Whether our sys.excepthook is in the chain and adds hints."""
    return _on and _previous_hook is not None


def _running_ipython() -> Any:
    """The running IPython shell, or None; never imports IPython."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    try:
        return get() if get is not None else None
    except Exception:
        return None


def hints(on: bool = True) -> None:
    """Show (default) or stop showing "Did you mean .relu()?" under a misspelled Node attribute's
    error, in scripts, the Python prompt, IPython and Jupyter. ``import scalargraph`` calls
    ``hints()``; calling it again changes nothing. ``hints(False)`` puts back the hooks that were
    there before (a hook installed after ours, which chains to ours, is left alone)."""
    global _on, _previous_hook, _shell
    _on = bool(on)
    if on:
        if _previous_hook is None:  # not in the chain yet (never twice: it would call itself)
            _previous_hook = sys.excepthook
            sys.excepthook = _excepthook
        shell = _running_ipython()
        if shell is not None and shell is not _shell and not getattr(shell, "custom_exceptions", True):
            shell.set_custom_exc((AttributeError,), _ipython_handler)
            _shell = shell
        return
    if sys.excepthook is _excepthook:
        sys.excepthook = _previous_hook
        _previous_hook = None
    if _shell is not None:
        if _is_ours(_shell):  # not a handler someone set after ours
            _shell.set_custom_exc((), None)
        _shell = None


def _is_ours(shell: Any) -> bool:
    """Whether the shell's custom exception handler is ours (IPython wraps it in a closure)."""
    wrapped = getattr(getattr(shell, "CustomTB", None), "__func__", None)
    for cell in getattr(wrapped, "__closure__", None) or ():
        try:
            if cell.cell_contents is _ipython_handler:
                return True
        except ValueError:  # an empty cell
            continue
    return False
