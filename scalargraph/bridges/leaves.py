"""Names for the leaves of a converted graph: the ones given, then x0, x1, ... for the rest.

>>> names = LeafNames(["x1", "a"])
>>> [names.take(None), names.take("a"), names.take("a"), names.take(None)]
['x0', 'a', 'a_2', 'x2']
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["LeafNames"]


class LeafNames:
    """Hands out distinct leaf names: a wanted name once (then ``name_2`` ...), else ``x<i>``."""

    def __init__(self, wanted: Iterable[str]) -> None:
        self.reserved = set(wanted)
        self.used: set[str] = set()
        self.counter = 0

    def take(self, wanted: str | None) -> str:
        if wanted is None:
            while f"x{self.counter}" in self.reserved | self.used:
                self.counter += 1
            wanted = f"x{self.counter}"
        name, n = wanted, 2
        while name in self.used:
            name, n = f"{wanted}_{n}", n + 1
        self.used.add(name)
        return name
