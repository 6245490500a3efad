"""Keep the bundled Graphviz's one harmless Fontconfig warning out of notebooks and terminals.

pygraphviz's wheels bundle an older fontconfig. When it starts (on the first render
in a process) it parses every file in the system's ``conf.avail`` folder, whatever
``FONTCONFIG_FILE`` says, and Debian 12's fontconfig ships a sample there using an
element the old parser does not know::

    Fontconfig warning: "/usr/share/fontconfig/conf.avail/05-reset-dirs-sample.conf",
    line 6: unknown element "reset-dirs"

The sample is not even active (it is not in ``conf.d``), so fonts are unaffected.
:func:`first_render` catches what the C library writes to stderr during the first
render only, drops exactly that line, and writes everything else back to stderr:
any other Fontconfig or Graphviz message still shows.

>>> harmless('Fontconfig warning: "/usr/share/fontconfig/conf.avail/05-reset-dirs-sample.conf", '
...          'line 6: unknown element "reset-dirs"')
True
>>> harmless('Fontconfig error: Cannot load default config file')
False
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator

__all__ = ["first_render", "harmless"]

_HARMLESS = re.compile(r'Fontconfig warning: "[^"]*reset-dirs[^"]*", line \d+: unknown element "reset-dirs"')
_lock = threading.Lock()
_started = False  # True once a render has run (fontconfig has read its configuration)


def harmless(line: str) -> bool:
    """True for the known, harmless ``reset-dirs`` line, False for anything else."""
    return _HARMLESS.fullmatch(line.strip()) is not None


@contextlib.contextmanager
def first_render() -> Iterator[None]:
    """Around a render: the first time in a process, filter the C-level stderr as described
    above; afterwards (fontconfig has started and says nothing more) do nothing."""
    global _started
    if _started:
        yield
        return
    with _lock:
        if _started:
            yield
            return
        try:
            saved = os.dup(2)
        except OSError:  # no stderr to guard
            _started = True
            yield
            return
        with tempfile.TemporaryFile() as caught:
            try:
                sys.stderr.flush()
                os.dup2(caught.fileno(), 2)
                yield
                _started = True  # a render that failed may not have started fontconfig
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                caught.seek(0)
                _write_back(caught.read().decode("utf-8", "replace"))


def _write_back(text: str) -> None:
    kept = [line for line in text.splitlines(keepends=True) if not harmless(line)]
    if kept:
        sys.stderr.write("".join(kept))
        sys.stderr.flush()
