"""Colours, fonts and box shapes of a diagram: one :class:`Theme` per look, by name.

>>> theme("dark").background
'#111827'
>>> sorted(THEMES)
['dark', 'light', 'mono']
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

__all__ = ["SHAPES", "STYLES", "THEMES", "Theme", "theme"]


@dataclass(frozen=True)
class Theme:
    """Colours and font of a diagram, one fill per kind of node."""

    background: str
    text: str
    line: str
    muted: str  # "not computed", constants, collapsed groups
    input: str
    param: str
    const: str
    op: str
    output: str
    cluster: str
    highlight: str
    ok: str
    bad: str
    font: str = "Helvetica"


#: The built-in themes; pass one's name as ``theme=``.
THEMES: dict[str, Theme] = {
    "light": Theme(background="white", text="#1f2937", line="#4b5563", muted="#9ca3af",
                   input="#dbeafe", param="#fde68a", const="#f3f4f6", op="#ffffff",
                   output="#bbf7d0", cluster="#f9fafb", highlight="#dc2626", ok="#16a34a",
                   bad="#dc2626"),
    "dark": Theme(background="#111827", text="#e5e7eb", line="#9ca3af", muted="#6b7280",
                  input="#1e3a8a", param="#78350f", const="#374151", op="#1f2937",
                  output="#14532d", cluster="#1f2937", highlight="#f87171", ok="#4ade80",
                  bad="#f87171"),
    "mono": Theme(background="white", text="black", line="black", muted="#777777",
                  input="#e5e5e5", param="#cccccc", const="white", op="white",
                  output="#bbbbbb", cluster="#f5f5f5", highlight="black", ok="black",
                  bad="black"),
}

#: The Graphviz shape and style of each role of box.
SHAPES = {"input": "box", "param": "component", "const": "box", "op": "box", "output": "box"}
STYLES = {"input": "rounded,filled", "param": "filled", "const": "filled,dashed",
          "op": "rounded,filled", "output": "rounded,filled"}


def theme(name: str) -> Theme:
    """The built-in theme called ``name``; an :class:`InputError` lists the valid names."""
    try:
        return THEMES[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown theme {name!r}; valid themes: {', '.join(THEMES)}") from None
