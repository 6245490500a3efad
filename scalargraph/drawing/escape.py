r"""Text in DOT: every string the DOT writer emits goes through one of these two functions.

Names reach Graphviz in two ways: in quoted DOT strings (cluster titles, edge labels) and
in HTML-like labels (the boxes). Graphviz reads character entities (``&amp;``, ``&#955;``)
and the escapes ``\N``, ``\G``, ``\l`` in both, so ``&`` and ``\`` are escaped in both, and
``"`` in quoted strings. Control characters, lone surrogates and U+FFFE/U+FFFF cannot be
shown by any target and are refused when a node or group is named
(:func:`scalargraph.core.node.check_name`).

>>> print(dot_string(r'say "hi" & \N'))
"say \"hi\" &amp; \\N"
>>> print(html_text(r"a<b & 'c' \N"))
a&lt;b &amp; &#x27;c&#x27; \\N
>>> dot_string_text(dot_string(r'say "hi" & \N')), html_text_plain(html_text(r"a<b & \N"))
('say "hi" & \\N', 'a<b & \\N')

The DOT writer (``drawing/diagram.py``) calls the first two; readers of its DOT text (the
step player's frames) call the last two, their inverses.
"""

from __future__ import annotations

import html
import re

__all__ = ["dot_string", "dot_string_text", "html_text", "html_text_plain"]


def dot_string(text: str) -> str:
    """``text`` as a quoted DOT string that Graphviz shows exactly as written."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;") + '"'


def html_text(text: str) -> str:
    """``text`` inside a Graphviz HTML-like label (and so in the SVG), shown as written."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def dot_string_text(quoted: str) -> str:
    """The text of a quoted DOT string made by :func:`dot_string` (its inverse)."""
    return re.sub(r"\\(.)", r"\1", quoted[1:-1].replace("&amp;", "&"))


def html_text_plain(escaped: str) -> str:
    """The text of :func:`html_text`'s output (its inverse; markup already removed)."""
    return html.unescape(escaped.replace("\\\\", "\\"))
