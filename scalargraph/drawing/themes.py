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
    """Colours and font of a diagram, one fill per kind of node.

    Text colours (``text``, ``muted``, ``highlight_text``, ``flow``, ``ok``, ``bad``) keep a
    contrast of at least 4.5:1 (WCAG AA) on every fill, highlighted rows included."""

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
    highlight: str  # lines and borders of what is emphasised
    highlight_fill: str  # the fill of an emphasised row
    highlight_text: str  # the text of an emphasised edge label
    flow: str  # the gradient flowing along an edge (cs231n draws it in red)
    ok: str
    bad: str
    font: str = "Helvetica"

    def fills(self) -> dict[str, str]:
        """Every fill text is drawn on, by role."""
        return {role: getattr(self, role) for role in
                ("background", "input", "param", "const", "op", "output", "cluster", "highlight_fill")}

    def text_colours(self) -> dict[str, str]:
        """Every colour text is drawn in, by role."""
        roles = ("text", "muted", "highlight_text", "flow", "ok", "bad")
        return {role: getattr(self, role) for role in roles}


#: The built-in themes; pass one's name as ``theme=``.
THEMES: dict[str, Theme] = {
    "light": Theme(background="white", text="#1f2937", line="#4b5563", muted="#4b5563",
                   input="#dbeafe", param="#fde68a", const="#f3f4f6", op="#ffffff",
                   output="#bbf7d0", cluster="#f9fafb", highlight="#dc2626",
                   highlight_fill="#fee2e2", highlight_text="#991b1b", flow="#b91c1c",
                   ok="#166534", bad="#b91c1c"),
    "dark": Theme(background="#111827", text="#e5e7eb", line="#9ca3af", muted="#d1d5db",
                  input="#1e3a8a", param="#78350f", const="#374151", op="#1f2937",
                  output="#14532d", cluster="#1f2937", highlight="#f87171",
                  highlight_fill="#450a0a", highlight_text="#fecaca", flow="#fca5a5",
                  ok="#86efac", bad="#fca5a5"),
    "mono": Theme(background="white", text="black", line="black", muted="#333333",
                  input="#e5e5e5", param="#cccccc", const="white", op="white",
                  output="#bbbbbb", cluster="#f5f5f5", highlight="black",
                  highlight_fill="#eeeeee", highlight_text="black", flow="black",
                  ok="black", bad="black"),
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
