# The player as it was before issue 14 (scalargraph at f2f3544): one whole SVG per frame.
# Kept only so that bench_player.py can time it beside today's player in the same run.
# Its imports are made absolute; nothing else is changed.
# ruff: noqa
# mypy: ignore-errors

"""Play the steps of backprop: a self-contained HTML player, an animated GIF, a widget.

``sg.player(f)`` draws one diagram per step of :func:`scalargraph.steps` (each
rendered once) and puts them in one HTML page with a slider, previous/next and
play buttons, arrow keys and each frame's equation. The page loads nothing:
no kernel, no network, no external script. ``.save("backprop.html")`` writes
it, ``.save("backprop.gif")`` writes an animated GIF with one frame per step,
and in Jupyter the player shows itself. ``sg.stepper(f)`` is the same as an
ipywidgets Play + slider (ipywidgets is optional).

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> p = player(((x + y).named("q") * z).named("f"))
>>> len(p), p.frames[-1].text
(10, '∂f/∂y += ∂f/∂q · ∂q/∂y = -4 · 1 = -4  (total -4)')
>>> page = p.html()
>>> page.count('<div class="sg-frame"'), "<script src" in page, "http://" in page.split("<svg")[0]
(10, False, False)
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from scalargraph.drawing.render import check_target, render, write_file
from scalargraph.errors import InputError, MissingDependencyError, RenderError
from scalargraph.teaching.steps import Step, steps, svg_element

__all__ = ["Frame", "Player", "player", "stepper"]

#: What :meth:`Player.save` writes, by file suffix.
SAVE_SUFFIXES = (".html", ".htm", ".gif")
#: Resolution of the GIF's diagrams (the cs231n example is about 1650 pixels wide).
GIF_DPI = 72


@dataclass(frozen=True)
class Frame:
    """One frame: the step, its diagram (a :class:`~scalargraph.Diagram`) and that diagram as
    an inline SVG element; ``text`` and ``latex`` are the step's equation."""

    step: Step
    svg: str
    diagram: Any

    @property
    def text(self) -> str:
        return self.step.text

    @property
    def latex(self) -> str:
        return self.step.latex


class Player:
    """Frames of a backprop walk-through; ``html()``, ``gif()``, ``save(path)``."""

    def __init__(self, frames: list[Frame], *, title: str, interval: float) -> None:
        self.frames = frames
        self.title = title
        self.interval = interval
        self._pngs: list[bytes] | None = None

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"Player({len(self.frames)} frames: .save('backprop.html'), .save('backprop.gif'))"

    # ------------------------------------------------------------------ HTML
    def _repr_html_(self) -> str:
        return self.fragment()

    @property
    def uid(self) -> str:
        """The player's HTML id: from its content, so the same graph gives the same page."""
        digest = hashlib.sha256("".join(f.svg + f.text for f in self.frames).encode("utf-8"))
        return "sg-player-" + digest.hexdigest()[:12]

    def fragment(self) -> str:
        """The player as an HTML fragment (what Jupyter shows): styles, frames, controls, script."""
        uid = self.uid
        frames = "\n".join(
            f'<div class="sg-frame" data-index="{i}"{"" if i == 0 else " hidden"}>'
            f'<div class="sg-svg">{f.svg}</div>'
            f'<div class="sg-equation">{html.escape(f.text)}</div></div>'
            for i, f in enumerate(self.frames))
        last = len(self.frames) - 1
        controls = (
            '<div class="sg-controls">'
            '<button type="button" data-go="first" title="first step (Home)">|◀</button>'
            '<button type="button" data-go="prev" title="previous step (←)">◀</button>'
            '<button type="button" data-go="play" title="play / pause (space)">▶ play</button>'
            '<button type="button" data-go="next" title="next step (→)">▶</button>'
            f'<input type="range" min="0" max="{last}" value="0" step="1" aria-label="step">'
            f'<span class="sg-counter">1 / {last + 1}</span></div>')
        return (f'<div class="sg-player" id="{uid}" tabindex="0" data-interval="'
                f'{round(self.interval * 1000)}">\n<style>{_CSS.replace("#ID", "#" + uid)}</style>\n'
                f"{controls}\n<div class=\"sg-frames\">\n{frames}\n</div>\n"
                f"<script>{_JS.replace('%ID%', uid)}</script>\n</div>")

    def html(self) -> str:
        """A complete offline HTML page holding the player."""
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{html.escape(self.title)}</title>\n"
                "<style>body{font-family:system-ui,sans-serif;margin:1.5em;color:#1f2937}</style>\n"
                f"</head>\n<body>\n<h1 style=\"font-size:1.2em\">{html.escape(self.title)}</h1>\n"
                f"{self.fragment()}\n"
                f"<script>document.getElementById(\"{self.uid}\").focus();</script>\n"
                "</body>\n</html>\n")

    # ------------------------------------------------------------------- GIF
    def pngs(self) -> list[bytes]:
        """Each frame's diagram as PNG at 72 dpi (rendered once, then kept)."""
        if self._pngs is None:
            self._pngs = []
            for f in self.frames:
                digraph = f.diagram.digraph.copy()  # the same graph as the HTML frame
                digraph.attr(dpi=str(GIF_DPI))
                self._pngs.append(render(digraph.source, "png"))
        return self._pngs

    def gif(self) -> bytes:
        """An animated GIF: one frame per step, its diagram above its equation."""
        try:
            from PIL import Image
        except ImportError:
            raise MissingDependencyError("saving a GIF needs Pillow: pip install pillow") from None

        images = _captioned(self.pngs(), [f.text for f in self.frames])
        # One palette for every frame, from the first and the last (every colour in use).
        both = Image.new("RGB", (images[0].width, 2 * images[0].height), "white")
        both.paste(images[0], (0, 0))
        both.paste(images[-1], (0, images[0].height))
        palette = both.quantize(colors=128, method=Image.Quantize.FASTOCTREE)
        frames = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
        out = io.BytesIO()
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:],
                       duration=round(self.interval * 1000), loop=0)
        return out.getvalue()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the player: ``.html`` (or ``.htm``) for the page, ``.gif`` for the animation.

        Nothing is written unless the whole file can be; returns the path."""
        suffix = Path(path).suffix.lower()
        if suffix not in SAVE_SUFFIXES:
            got = f"suffix {suffix!r}" if suffix else "no suffix"
            raise RenderError(f"cannot save a player as {os.fspath(path)!r}: {got}; "
                              f"valid suffixes: {', '.join(SAVE_SUFFIXES)}")
        check_target(path)  # before the frames are rendered
        data = self.gif() if suffix == ".gif" else self.html().encode("utf-8")
        return write_file(path, data)


def player(f: Any, mode: str = "both", *, digits: int = 5, interval: float = 1.2,
           title: str | None = None, **draw_options: Any) -> Player:
    """A player of the steps of ``f`` (an output Node, a Graph or an example).

    ``mode``: ``"both"`` (forward then backward), ``"forward"`` or ``"backward"``.
    ``digits``: significant digits in equations and diagrams. ``interval``: seconds
    per frame when playing and in the GIF. Other keywords go to :func:`scalargraph.draw`
    (``theme``, ``rankdir``, ``edge_labels``, ...).
    """
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 0.01 <= interval <= 60:
        raise InputError(f"interval is the seconds per frame, from 0.01 to 60, got {interval!r}")
    for bad in ("values", "grads", "highlight"):
        if bad in draw_options:
            raise InputError(f"player() chooses {bad}= for each frame itself; leave it out")
    walk = steps(f, mode, digits=digits)
    if not walk:
        raise InputError(f"nothing to play: the {mode} pass of this graph has no steps "
                         "(its output is a constant); use mode='both' or 'backward'")
    diagrams = [s.diagram(**draw_options) for s in walk]
    steady(diagrams)
    svgs = same_canvas([svg_element(d.svg()) for d in diagrams])
    frames = [Frame(s, svg, d) for s, svg, d in zip(walk, svgs, diagrams)]
    name = walk[-1].output.name or "f"
    return Player(frames, title=title or f"Backpropagation through {name}, step by step",
                  interval=float(interval))


def steady(diagrams: list[Any]) -> None:
    """Give every node its largest size over all the frames, so that boxes keep their size
    and the layout holds still wherever only the numbers change (all the backward frames).

    Graphviz takes a node's ``width``/``height`` as a minimum, so each frame gets them added
    (the numbers inside a box may leave it a little room). Only boxes whose statement changes
    from frame to frame need it, and each distinct statement is measured once: all of them
    go into one graph, laid out once with pygraphviz (a player of 23 frames measures some 20
    boxes instead of 23 whole frames). Without pygraphviz the frames are left as they are.
    """
    try:
        import pygraphviz
    except ImportError:
        return
    import graphviz

    variants: dict[str, list[str]] = {}  # node id -> its distinct statements, in frame order
    for d in diagrams:
        for name, attrs in _node_statements(d.digraph.body):
            seen = variants.setdefault(name, [])
            if attrs not in seen:
                seen.append(attrs)
    changing = [(name, attrs) for name, seen in variants.items() if len(seen) > 1 for attrs in seen]
    if not changing:
        return
    first = diagrams[0].digraph
    boxes = graphviz.Digraph("sizes", node_attr=first.node_attr)
    boxes.body += [line for line in first.body if line.startswith("\tnode [")]  # top-level defaults
    boxes.body += [f"\tm{i} [{attrs}]\n" for i, (_, attrs) in enumerate(changing)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Graphviz layout remarks
        graph = pygraphviz.AGraph(string=boxes.source)
        graph.layout(prog="osage")  # every engine sizes the nodes alike; osage is quickest
    sizes: dict[str, tuple[float, float]] = {}
    for i, (name, _) in enumerate(changing):
        box = graph.get_node(f"m{i}")
        w, h = float(box.attr["width"]), float(box.attr["height"])
        old = sizes.get(name, (0.0, 0.0))
        sizes[name] = (max(w, old[0]), max(h, old[1]))
    for d in diagrams:
        for name, (w, h) in sizes.items():
            d.digraph.node(name, width=f"{w:.4f}", height=f"{h:.4f}")


#: A node statement as the graphviz package writes it, one per line: ``\tn3 [label=... ]``
#: (more tabs inside a cluster); edges (``n1 -> n2 [...]``) and defaults do not match.
_NODE_STATEMENT = re.compile(r"^\t+(?!(?:graph|node|edge) )([A-Za-z_][A-Za-z_0-9]*) \[(.*)\]$")


def _node_statements(body: list[str]) -> list[tuple[str, str]]:
    """``(node id, attributes)`` of every node statement in a DOT body.

    >>> _node_statements(['\\tn0 [label=x shape=box]\\n', '\\tn0 -> n1\\n', '\\tnode [fontsize=10]\\n'])
    [('n0', 'label=x shape=box')]
    """
    found = []
    for line in body:
        m = _NODE_STATEMENT.match(line.rstrip("\n"))
        if m:
            found.append((m.group(1), m.group(2)))
    return found


def same_canvas(svgs: list[str]) -> list[str]:
    """Give every SVG the size of the largest (blank space right and below), so that every
    frame is drawn at the same scale and the diagram does not zoom in and out as it plays.

    >>> same_canvas(['<svg width="10pt" height="4pt"\\n viewBox="0.00 0.00 10.00 4.00">',
    ...              '<svg width="8pt" height="6pt"\\n viewBox="0.00 0.00 8.00 6.00">'])[1]
    '<svg width="10pt" height="6pt" viewBox="0.00 0.00 10.00 6.00">'
    """
    sizes = [_SIZE.match(svg) for svg in svgs]
    if not svgs or not all(sizes):
        return svgs
    width = max(float(m.group(1)) for m in sizes if m)
    height = max(float(m.group(2)) for m in sizes if m)
    head = f'<svg width="{width:g}pt" height="{height:g}pt" viewBox="0.00 0.00 {width:.2f} {height:.2f}"'
    return [head + svg[m.end():] for svg, m in zip(svgs, sizes) if m]


_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"\s+viewBox="0\.00 0\.00 [0-9.]+ [0-9.]+"')


def stepper(f: Any, mode: str = "both", **options: Any) -> Any:
    """An ipywidgets Play button and slider over the frames of :func:`player`, with each
    frame's equation rendered as LaTeX. Needs ipywidgets (``pip install ipywidgets``)."""
    try:
        import ipywidgets as widgets
    except ImportError:
        raise MissingDependencyError(
            "sg.stepper needs ipywidgets: pip install ipywidgets "
            "(sg.player(f) needs nothing and works without a kernel)") from None
    p = player(f, mode, **options)
    last = len(p) - 1
    play = widgets.Play(value=0, min=0, max=last, step=1, interval=round(p.interval * 1000))
    slider = widgets.IntSlider(value=0, min=0, max=last, step=1, description="step")
    widgets.jslink((play, "value"), (slider, "value"))
    view = widgets.HTMLMath(value=_frame_html(p.frames[0]))

    def show(change: dict[str, Any]) -> None:
        view.value = _frame_html(p.frames[change["new"]])

    slider.observe(show, names="value")
    box = widgets.VBox([widgets.HBox([play, slider]), view])
    box.player = p
    return box


def _frame_html(frame: Frame) -> str:
    return (f'<div class="sg-svg">{frame.svg}</div>'
            f'<div class="sg-equation">$${html.escape(frame.latex)}$$</div>')


@cache
def _font(size: int) -> Any:
    """DejaVu Sans (it has ∂, σ, ·, −), shipped with matplotlib (found without importing
    it); Pillow's own font otherwise."""
    from importlib.util import find_spec

    from PIL import ImageFont

    spec = find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            path = os.path.join(folder, "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _captioned(pngs: list[bytes], texts: list[str]) -> list[Any]:
    """One RGB image per frame, all the same size: the diagram, then the equation."""
    from PIL import Image, ImageDraw
    diagrams = [Image.open(io.BytesIO(data)).convert("RGB") for data in pngs]
    font = _font(18)
    pad = 16
    lines = [_lines(text) for text in texts]
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    text_width = max(measure.textlength(line, font=font) for group in lines for line in group)
    width = int(max(max(d.width for d in diagrams), text_width + 2 * pad))
    line_height = 26
    caption = pad + line_height * max(len(group) for group in lines) + pad
    height = max(d.height for d in diagrams) + caption
    frames = []
    for i, (diagram, group) in enumerate(zip(diagrams, lines)):
        image = Image.new("RGB", (width, height), "white")
        image.paste(diagram, (0, 0))  # top left, as in the HTML player: nodes do not slide
        draw = ImageDraw.Draw(image)
        top = height - caption + pad
        draw.text((pad, top - pad), f"step {i + 1} / {len(diagrams)}", fill="#6b7280",
                  font=_font(12))
        for k, line in enumerate(group):
            draw.text((pad, top + k * line_height), line, fill="#111827", font=font)
        frames.append(image)
    return frames


def _lines(text: str) -> list[str]:
    """An equation on one line, or two: the chain rule, then what the local derivative is."""
    head, sep, tail = text.partition("  where ")
    return [head, "where " + tail] if sep else [head]


_CSS = """
#ID{outline:none;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937}
#ID .sg-controls{display:flex;align-items:center;gap:.4em;margin:.3em 0}
#ID .sg-controls button{font-size:1em;padding:.15em .6em;cursor:pointer}
#ID .sg-controls input[type=range]{flex:1;max-width:32em}
#ID .sg-counter{font-variant-numeric:tabular-nums;min-width:5em}
#ID .sg-svg{overflow-x:auto}
#ID .sg-svg svg{max-width:100%;height:auto}
#ID .sg-equation{font-family:"DejaVu Sans","Segoe UI Symbol",system-ui,sans-serif;font-size:1.1em;
  margin:.5em 0;padding:.4em .6em;background:#f3f4f6;border-radius:4px;white-space:pre-wrap}
#ID [hidden]{display:none}
"""

_JS = """
(function () {
  var here = document.currentScript;  /* the same player shown twice has one id twice */
  var root = (here && here.closest(".sg-player")) || document.getElementById("%ID%");
  if (!root) { return; }
  var frames = root.querySelectorAll(".sg-frame");
  var slider = root.querySelector("input[type=range]");
  var counter = root.querySelector(".sg-counter");
  var play = root.querySelector("[data-go=play]");
  var delay = parseInt(root.getAttribute("data-interval"), 10) || 1200;
  var current = 0, timer = null;
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    frames[current].hidden = true;
    frames[i].hidden = false;
    current = i;
    slider.value = String(i);
    counter.textContent = (i + 1) + " / " + frames.length;
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25b6 play";
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (current === frames.length - 1) { show(0); }
    play.textContent = "\\u275a\\u275a pause";
    timer = setInterval(function () {
      show(current + 1);
      if (current >= frames.length - 1) { stop(); }  /* the last frame: play turns back on */
    }, delay);
  }
  var moves = {
    first: function () { stop(); show(0); },
    prev: function () { stop(); show(current - 1); },
    next: function () { stop(); show(current + 1); },
    play: toggle
  };
  root.querySelectorAll("button[data-go]").forEach(function (button) {
    button.addEventListener("click", function () { moves[button.getAttribute("data-go")](); });
  });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  root.addEventListener("keydown", function (event) {
    if (event.target === slider) { return; }  /* the slider moves itself */
    var keys = {ArrowLeft: "prev", ArrowRight: "next", Home: "first", " ": "play"};
    if (event.key === "End") { stop(); show(frames.length - 1); event.preventDefault(); return; }
    if (keys[event.key] && !(event.key === " " && event.target.tagName === "BUTTON")) {
      moves[keys[event.key]]();
      event.preventDefault();
    }
  });
})();
"""
