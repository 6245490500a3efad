"""Old module paths that point at the new ones (``scalargraph.nn`` is ``scalargraph.learning.nn``)."""

from __future__ import annotations

import importlib
import sys

__all__ = ["alias"]


def alias(old: str, new: str) -> None:
    """Make ``old`` (and its loaded submodules) the same module objects as ``new``.

    >>> import scalargraph.learning.nn
    >>> alias("scalargraph._doctest_alias", "scalargraph.learning.nn")
    >>> sys.modules["scalargraph._doctest_alias.losses"] is sys.modules["scalargraph.learning.nn.losses"]
    True
    """
    module = importlib.import_module(new)
    sys.modules[old] = module
    for name, sub in list(sys.modules.items()):
        if name.startswith(new + "."):
            sys.modules[old + name[len(new):]] = sub
