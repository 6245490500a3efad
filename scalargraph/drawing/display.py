"""How pictures show in notebooks: SVG where the frontend trusts the output, a sharp PNG where not.

A notebook a user did not run is *untrusted*: JupyterLab then renders neither SVG
nor scripts from its outputs, only PNG, text and sanitized HTML (no ``<svg>``, no
``<script>``). So every picture is shown two ways at once:

- :func:`mimebundle` (a Diagram): ``image/svg+xml`` for trusted frontends and an
  ``image/png`` rendered at twice the display resolution, with the SVG's width and
  height in the metadata so that both show at the same size.
- :func:`picture_html` (inside HTML outputs: a step, a quiz): an ``<img>`` of that PNG,
  which sanitized HTML keeps, followed by the SVG in a ``<script type="text/plain">``
  (dropped whole by a sanitizer) and a script that puts the SVG in the image's place
  (runs only where scripts run: trusted JupyterLab, VS Code, nbconvert's HTML).

PNGs are reduced to a 256-colour palette (diagrams have a handful of colours plus
anti-aliasing): about a third of the bytes, no visible change.
"""

from __future__ import annotations

import base64
import html
import io
import re
from typing import Any

__all__ = ["DISPLAY_WIDTH", "SCALE", "mimebundle", "picture_html", "png_for_display"]

#: The PNG has SCALE pixels per CSS pixel (sharp on high-density screens).
SCALE = 2
#: Pictures wider than this (CSS pixels) are rendered for this width: a notebook column is about
#: 880 px and browsers shrink wider images to fit, so more pixels would only add bytes.
DISPLAY_WIDTH = 1000

_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)pt" height="([0-9.]+)pt"')


def svg_size(svg: str) -> tuple[float, float] | None:
    """The SVG's size in CSS pixels (Graphviz writes points: 1 pt = 4/3 px).

    >>> svg_size('<svg width="75pt" height="30pt" viewBox="0 0 75 30">')
    (100.0, 40.0)
    """
    m = _SIZE.search(svg)
    return None if m is None else (float(m.group(1)) * 4 / 3, float(m.group(2)) * 4 / 3)


def png_for_display(diagram: Any) -> tuple[bytes, tuple[float, float] | None]:
    """The diagram as a PNG of ``SCALE`` pixels per CSS pixel of its SVG (at most
    ``SCALE × DISPLAY_WIDTH`` pixels wide), and the SVG's size in CSS pixels."""
    size = svg_size(diagram.svg())
    width = size[0] if size else DISPLAY_WIDTH
    wanted = SCALE * min(width, DISPLAY_WIDTH)  # pixels
    dpi = max(96, round(96.0 * wanted / width))  # Graphviz draws no PNG below 96 dpi
    return _palette(diagram.png(dpi=dpi), max_width=round(wanted)), size


def _palette(png: bytes, max_width: int | None = None) -> bytes:
    """The PNG with a 256-colour palette (and at most ``max_width`` pixels wide), where Pillow
    is installed (matplotlib brings it); else the PNG as it is."""
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if max_width is not None and image.width > max_width + 2:
        image = image.resize((max_width, round(image.height * max_width / image.width)),
                             Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    small = out.getvalue()
    return small if len(small) < len(png) else png


def mimebundle(diagram: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, metadata)`` for ``_repr_mimebundle_``: SVG, the PNG sized like the SVG, text."""
    svg = diagram.svg()
    png, size = png_for_display(diagram)
    data = {"image/svg+xml": svg, "image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": repr(diagram)}
    metadata = {"image/png": {"width": round(size[0]), "height": round(size[1])}} if size else {}
    return data, metadata


def escape_script(text: str) -> str:
    r"""``text`` made safe inside a ``<script>`` element: every ``</script`` (any case) gets a
    backslash after ``<``, and one backslash more where there were some already, so that the
    page's script undoes it exactly (``_UNESCAPE``).

    >>> print(escape_script("a</script>"), escape_script(r"b<\/Script>"))
    a<\/script> b<\\/Script>
    """
    return re.sub(r"<(\\*)/(script)", lambda m: "<" + m.group(1) + "\\/" + m.group(2), text, flags=re.I)


#: JavaScript: the carrier's text with :func:`escape_script` undone.
_UNESCAPE = (r"c.textContent.replace(/<(\\+)\/(script)/gi,function(_,b,w){return '<'+b.slice(1)+'/'+w;})")

_SWAP = ("<script>(function(){var s=document.currentScript,c=s&&s.previousElementSibling,"
         "i=c&&c.previousElementSibling;if(!i||i.tagName!=='IMG')return;var t=document.createElement('div');"
         f"t.innerHTML={_UNESCAPE};var v=t.firstElementChild;if(v){{i.replaceWith(v);}}}})();</script>")


def picture_html(diagram: Any, alt: str = "computation graph diagram") -> str:
    """The diagram for an HTML output: a PNG ``<img>`` that untrusted (sanitized) HTML keeps,
    replaced by ``diagram.html()`` (the SVG, fitted to the cell) wherever scripts run."""
    png, size = png_for_display(diagram)
    width = f' width="{round(size[0])}"' if size else ""
    live = escape_script(diagram.html())
    return (f'<img class="sg-picture" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"'
            f'{width} alt="{html.escape(alt)}" style="max-width:100%;height:auto">'
            f'<script type="text/plain" class="sg-svg-source">{live}</script>{_SWAP}')


_LIVE = ("<script>(function(){var s=document.currentScript,c=s&&s.previousElementSibling,"
         "f=c&&c.previousElementSibling;if(!f)return;var t=document.createElement('div');"
         f"t.innerHTML={_UNESCAPE};f.replaceWith(t);"
         "t.querySelectorAll('script').forEach(function(o){"
         "var n=document.createElement('script');Array.prototype.forEach.call(o.attributes,function(a){"
         "n.setAttribute(a.name,a.value);});n.textContent=o.textContent;o.replaceWith(n);});})();"
         "</script>")


def live_or_static(live: str, static: str) -> str:
    """HTML that shows ``static`` where scripts do not run (an untrusted notebook, GitHub) and
    ``live`` (with its scripts) where they do: ``live`` travels in a ``<script type="text/plain">``,
    which a sanitizer drops whole, and a script puts it in ``static``'s place."""
    carrier = escape_script(live)
    return (f'<div class="sg-static">{static}</div>'
            f'<script type="text/plain" class="sg-live-source">{carrier}</script>{_LIVE}')


def player_bundle(player: Any) -> dict[str, Any]:
    """A player for Jupyter: the live player where scripts run; elsewhere the final diagram
    (a PNG, from ``player.png``) and every frame's equation, in order."""
    size = svg_size(player.plan.svg())  # the final diagram, as the player lays it out
    width = size[0] if size else DISPLAY_WIDTH
    png = _palette(player.png(dpi=96.0 * SCALE * min(1.0, DISPLAY_WIDTH / width)))
    shown = f' width="{round(size[0])}"' if size else ""
    img = (f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"{shown} '
           f'alt="{html.escape(player.title)}: the last step" style="max-width:100%;height:auto">')
    equations = "".join(f"<li>{html.escape(f.text)}</li>" for f in player.frames)
    static = (f"<p><b>{html.escape(player.title)}</b> (the player needs a trusted notebook: "
              f"run the cell; here, the last of its {len(player.frames)} steps)</p>{img}"
              f"<ol>{equations}</ol>")
    return {"text/html": live_or_static(player.fragment(), static), "text/plain": repr(player)}
