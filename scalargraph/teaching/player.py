"""Play the steps of backprop: a self-contained HTML player, an animated GIF, a widget.

``sg.player(f)`` lays the graph out once (one SVG from :func:`scalargraph.draw`)
and records, for each step of :func:`scalargraph.steps`, only what changes: the
texts of the value, gradient and derivative cells, and which box and edge are
highlighted (:mod:`scalargraph.teaching.frames`). The page grows with nodes +
steps, not nodes × steps. Without JavaScript (a saved notebook, a handout) the
page shows the final diagram and every step's equation; with JavaScript a small
inline script turns the same page into the player: slider, previous/next/play,
arrow keys, zoom (buttons, Ctrl + wheel, keys + and -) and drag to pan, the
active box kept in view. It opens with the whole graph in the window where its text
stays legible (at least 10 px), else at the diagram's own size (1:1), scrolled. Each
backward step writes on its edge the gradient it sends back, which stays there. The page
loads nothing: no kernel, no network.
``.save("backprop.html")`` writes it, ``.save("backprop.gif")`` writes an
animated GIF (every frame rendered from the same layout), and in Jupyter the
player shows itself. ``sg.stepper(f)`` is the same as an ipywidgets Play + slider.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> p = player(((x + y).named("q") * z).named("f"))
>>> len(p), p.frames[-1].text
(10, 'dy += dq · ∂q/∂y = -4 · 1 = -4  (total -4)')
>>> page = p.html()
>>> page.count("<svg"), page.count('<li class="sg-step"'), "<script src" in page
(1, 10, False)
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core.labels import as_graph
from ..core.node import Node
from ..drawing.diagram import THEMES
from ..drawing.render import as_path, check_target, render, write_file
from ..errors import InputError, MissingDependencyError, RenderError
from .frames import Plan, make_plan
from .steps import Step, steps

__all__ = ["Frame", "Player", "player", "stepper"]

#: What :meth:`Player.save` writes, by file suffix.
SAVE_SUFFIXES = (".html", ".htm", ".gif")
#: Resolution of the GIF's diagrams (the cs231n example is about 1650 pixels wide).
GIF_DPI = 72
#: Above this many frames ``player`` warns. Measured 2026-12-02: an MLP 2-16-16-1 (979 nodes,
#: 2228 frames) builds in 1.8 CPU-s, a 2-24-24-1 (2043 nodes, 4684 frames) in 12 (mostly the
#: Graphviz layout), each page under 5 MB.
FRAMES_WARN = 2000
#: Above this many frames a GIF is refused: each frame is one PNG render.
GIF_MAX_FRAMES = 400
#: ``sg.draw`` options the player sets itself for every frame.
_CHOSEN = ("values", "grads", "highlight", "tangents", "check", "sample")


@dataclass(frozen=True)
class Frame:
    """One frame: its step (``text`` and ``latex`` are the step's equation) and, made on
    demand from the player's one layout, ``svg``: the diagram at this step."""

    step: Step
    index: int
    plan: Plan

    @property
    def svg(self) -> str:
        return self.plan.svg(self.index)

    @property
    def text(self) -> str:
        return self.step.text

    @property
    def latex(self) -> str:
        return self.step.latex

    def diagram(self, **draw_options: Any) -> Any:
        """This step drawn on its own by :func:`scalargraph.draw` (its own layout)."""
        return self.step.diagram(**draw_options)

    @property
    def kind(self) -> str:
        """``forward`` or ``backward`` (the seed df = 1 starts the backward pass)."""
        return "forward" if self.step.kind == "forward" else "backward"


class Player:
    """Frames of a backprop walk-through over one layout: ``html()``, ``static_html()``,
    ``png()``, ``gif()``, ``save(path)``."""

    def __init__(self, plan: Plan, *, title: str, interval: float,
                 draw_options: dict[str, Any] | None = None) -> None:
        self.plan = plan
        self.frames = [Frame(s, i, plan) for i, s in enumerate(plan.frames)]
        self.title = title
        self.interval = interval
        self.draw_options = dict(draw_options or {})
        self._pngs: list[bytes] | None = None

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"Player({len(self.frames)} frames: .save('backprop.html'), .save('backprop.gif'))"

    # ------------------------------------------------------------------ HTML
    def _repr_html_(self) -> str:
        return self.fragment()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> Any:
        """Jupyter: the player, or where scripts do not run (an untrusted notebook) the last
        step's diagram as a PNG and the equations."""
        from ..drawing.display import player_bundle

        return player_bundle(self)

    @property
    def uid(self) -> str:
        """The player's HTML id: from its content, so the same graph gives the same page."""
        digest = hashlib.sha256((self.plan.template + "\n".join(f.text for f in self.frames)
                                 + json.dumps(self.plan.data())).encode("utf-8"))
        return "sg-player-" + digest.hexdigest()[:12]

    @property
    def theme(self) -> Any:
        return THEMES[self.draw_options.get("theme", "light")]

    def static_html(self) -> str:
        """What the player shows without JavaScript, as an HTML fragment with no script and
        no stylesheet: the title, the final diagram (inline SVG) and every step's equation."""
        return (f'<div class="sg-static"><p><b>{html.escape(self.title)}</b></p>\n'
                f'<div class="sg-view">{self.plan.svg()}</div>\n{self._step_list()}</div>')

    def _step_list(self) -> str:
        items = "\n".join(f'<li class="sg-step" data-kind="{f.kind}">{html.escape(f.text)}</li>'
                          for f in self.frames)
        skipped = (f"<p>({self.plan.skipped} steps inside collapsed groups or beyond max_nodes "
                   "are not shown.)</p>\n" if self.plan.skipped else "")
        return (f'<div class="sg-list"><p><b>Every step</b> (forward: each value in order; backward: '
                f"each edge's contribution to a gradient, with the running total)</p>\n{skipped}"
                f'<ol class="sg-steps">\n{items}\n</ol></div>')

    def fragment(self, *, page: bool = False) -> str:
        """The player as an HTML fragment (what Jupyter shows): without JavaScript the final
        diagram and the list of steps; the inline script makes it the player."""
        uid = self.uid
        t = self.theme
        last = len(self.frames) - 1
        controls = (
            '<div class="sg-controls" hidden>'
            '<button type="button" data-go="first" title="first step (Home)">|◀</button>'
            '<button type="button" data-go="prev" title="previous step (←)">◀</button>'
            '<button type="button" data-go="play" title="play / pause (space)">▶ play</button>'
            '<button type="button" data-go="next" title="next step (→)">▶</button>'
            '<button type="button" data-go="end" title="last step (End)">▶|</button>'
            f'<input type="range" min="0" max="{last}" value="0" step="1" aria-label="step">'
            f'<span class="sg-counter">1 / {last + 1}</span>'
            '<span class="sg-zoom">'
            '<button type="button" data-zoom="out" title="zoom out (-)">−</button>'
            '<span class="sg-scale" title="size of the text: 100% is the diagram\'s own size">100%</span>'
            '<button type="button" data-zoom="in" title="zoom in (+); Ctrl + wheel zooms too">+</button>'
            '<button type="button" data-zoom="fit" title="the whole graph in the window (0)">fit</button>'
            '<button type="button" data-zoom="one" '
            'title="the diagram\'s own size; scroll or drag to move (1)">1:1</button>'
            '</span></div>'
            '<div class="sg-equation" hidden></div>')
        css = _CSS.replace("#ID", "#" + uid)
        for name in ("background", "text", "muted", "highlight", "cluster", "line"):
            css = css.replace(f"$${name}", getattr(t, name))
        data = json.dumps(self.plan.data(), separators=(",", ":")).replace("</", "<\\/")
        return (f'<div class="sg-player{" sg-page" if page else ""}" id="{uid}" tabindex="0" '
                f'data-interval="{round(self.interval * 1000)}">\n<style>{css}</style>\n'
                f'<div class="sg-title">{html.escape(self.title)}</div>\n{controls}\n'
                f'<div class="sg-view">{self.plan.svg(marked=True)}</div>\n{self._step_list()}\n'
                f'<script type="application/json" class="sg-data">{data}</script>\n'
                f"<script>{_JS.replace('%ID%', uid)}</script>\n</div>")

    def html(self) -> str:
        """A complete offline HTML page holding the player; it fills the browser window."""
        t = self.theme
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{html.escape(self.title)}</title>\n"
                f"<style>html,body{{margin:0;background:{t.background};color:{t.text}}}</style>\n"
                f"</head>\n<body>\n{self.fragment(page=True)}\n"
                f"<script>document.getElementById(\"{self.uid}\").focus();</script>\n"
                "</body>\n</html>\n")

    def png(self, dpi: float = 96) -> bytes:
        """The final diagram (every value and gradient) as a PNG, drawn with the player's options."""
        from ..drawing.diagram import draw

        last = self.frames[-1].step
        d = draw(last.output, values=last.values, grads=last.grads, **self._diagram_options())
        digraph = d.digraph.copy()
        digraph.attr(dpi=f"{dpi:g}")
        return render(digraph.source, "png")

    def _diagram_options(self) -> dict[str, Any]:
        return {"digits": self.plan.digits, **self.draw_options}

    # ------------------------------------------------------------------- GIF
    # ------------------------------------------------------------------- GIF
    def pngs(self) -> list[bytes]:
        """Each frame's diagram as PNG at 72 dpi (rendered once, then kept).

        The graph is laid out once (the layout of the HTML page); each frame only changes
        texts and colours on it and renders it, with no new layout: nothing moves."""
        if self._pngs is None:
            self._pngs = _frame_pngs(self.plan, self.theme, GIF_DPI)
        return self._pngs

    def gif(self) -> bytes:
        """An animated GIF: one frame per step, its diagram above its equation."""
        try:
            from PIL import Image
        except ImportError:
            raise MissingDependencyError("saving a GIF needs Pillow: pip install pillow") from None
        if len(self.frames) > GIF_MAX_FRAMES:
            raise InputError(
                f"a GIF of {len(self.frames)} frames is too long to watch (and to render, one PNG "
                f"each); the limit is {GIF_MAX_FRAMES}. Save the HTML player instead "
                "(.save('backprop.html')), or play a part of the graph: "
                f"{_shorter_hint(self.frames[-1].step.output)}")

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

    def save(self, path: str | os.PathLike[str], force: bool = False) -> Path:
        """Write the player: ``.html`` (or ``.htm``) for the page, ``.gif`` for the animation.

        Nothing is written unless the whole file can be; a read-only file is replaced only
        with ``force=True``. Returns the path."""
        suffix = as_path(path).suffix.lower()
        if suffix not in SAVE_SUFFIXES:
            got = f"suffix {suffix!r}" if suffix else "no suffix"
            raise RenderError(f"cannot save a player as {os.fspath(path)!r}: {got}; "
                              f"valid suffixes: {', '.join(SAVE_SUFFIXES)}")
        check_target(path, force)  # before the frames are rendered
        data = self.gif() if suffix == ".gif" else self.html().encode("utf-8")
        return write_file(path, data, force)


def player(f: Any, mode: str = "both", *, digits: int = 5, interval: float = 1.2,
           title: str | None = None, flow: bool = True, **draw_options: Any) -> Player:
    """A player of the steps of ``f`` (an output Node, a Graph or an example).

    ``mode``: ``"both"`` (forward then backward), ``"forward"`` or ``"backward"``.
    ``digits``: significant digits in equations and diagrams. ``interval``: seconds
    per frame when playing and in the GIF. ``flow``: each backward step writes on its edge
    the gradient it carries back (upstream × local, as ``draw(flow=True)``), which stays
    there; a parameter attached in several places shows what each place adds. Other keywords
    go to :func:`scalargraph.draw`
    (``theme``, ``rankdir``, ``edge_labels``, ``collapse``, ``max_nodes``, ...); the steps
    of nodes inside a collapsed group, or beyond ``max_nodes``, are left out.
    Above ``FRAMES_WARN`` frames it warns and says how to play a part of the graph.
    """
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 0.01 <= interval <= 60:
        raise InputError(f"interval is the seconds per frame, from 0.01 to 60, got {interval!r}")
    if not isinstance(flow, bool):
        raise InputError(f"flow is True (each edge shows the gradient it carries back, from its "
                         f"backward step on) or False, got {flow!r}")
    for bad in _CHOSEN:
        if bad in draw_options:
            raise InputError(f"player() chooses {bad}= for each frame itself; leave it out")
    walk = steps(as_graph(f, "player"), mode, digits=digits)
    if not walk:
        raise InputError(f"nothing to play: the {mode} pass of this graph has no steps "
                         "(its output is a constant); use mode='both' or 'backward'")
    draw_options["digits"] = draw_options.pop("precision", draw_options.get("digits", digits))
    # The player zooms and scrolls a wide graph itself; its frames keep one layout, which
    # edge labels that change length would move (see draw's rankdir="auto" for a notebook cell).
    draw_options.setdefault("rankdir", "LR")
    draw_options.setdefault("edge_labels", "full")
    draw_options.setdefault("compact", False)  # one row per attached parameter: one cell per frame
    plan = make_plan(walk, draw_options, flow=flow and mode != "forward")
    if len(plan.frames) > FRAMES_WARN:
        warnings.warn(
            f"player: {len(plan.frames)} steps to play, more than {FRAMES_WARN}: a long walk to "
            f"step through, over a graph slow to lay out. To play a part of the graph, "
            f"{_shorter_hint(walk[-1].output)}", UserWarning, stacklevel=2)
    name = walk[-1].output.name or "f"
    return Player(plan, title=title or f"Backpropagation through {name}, step by step",
                  interval=float(interval), draw_options=draw_options)


def _shorter_hint(output: Node) -> str:
    """How to play fewer steps: the options ``sg.draw`` offers (collapse groups, max_nodes)."""
    from ..core.graph import topological_order

    def outermost(node: Node) -> Any:
        g = node.group
        while g is not None and g.parent is not None:
            g = g.parent
        return g

    sizes: dict[str, int] = {}
    for node in topological_order(output):
        g = outermost(node)
        if g is not None:
            sizes[g.name] = sizes.get(g.name, 0) + 1
    last = outermost(output)  # collapsing the output's own group would hide the output
    biggest = sorted((name for name in sizes if last is None or name != last.name),
                     key=lambda name: (-sizes[name], name))[:2]
    how = (f"collapse groups, e.g. sg.player(out, collapse={biggest!r}), " if biggest else
           "build parts of the graph inside `with sg.group('layer 1'):` and pass "
           "collapse=['layer 1'], ")
    return f"{how}or keep the boxes nearest the output with max_nodes=50, or mode='backward'."


def _frame_pngs(plan: Plan, theme: Any, dpi: float) -> list[bytes]:
    """Every frame as PNG from one layout: texts and colours change, positions do not."""
    import pygraphviz

    layout = plan.layout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Graphviz layout remarks
        graph = pygraphviz.AGraph(string=layout.source)
        graph.graph_attr["dpi"] = f"{dpi:g}"
        graph.layout(prog="dot")
    edges: dict[str, Any] = {}
    for edge in graph.edges():
        title = f"{edge[0]}->{edge[1]}"
        k = sum(1 for key in edges if key.rsplit("#", 1)[0] == title)
        edges[f"{title}#{k}"] = edge
    label_attr = "xlabel" if any(e.attr.get("xlabel") for e in edges.values()) else "label"
    shown: dict[str, str] = {}
    hot_before: list[Any] = []
    pngs = []
    for i in range(len(plan.frames)):
        for node_id, marked in layout.labels.items():
            label = plan.dot_label(marked, i)
            if shown.get(node_id) != label:
                graph.get_node(node_id).attr["label"] = f"<{label}>"
                shown[node_id] = label
        for key, c in layout.edge_cells.items():
            text = "".join(plan.cells[c].at(i))
            if key in layout.flow_cells:  # a second line, in the colour of the gradient's flow
                flow = html.escape("".join(plan.cells[layout.flow_cells[key]].at(i)), quote=False) or "&#160;"
                text = f'<{html.escape(text, quote=False)}<br/><font color="{theme.flow}">{flow}</font>>'
            if shown.get(key) != text and key in edges:
                edges[key].attr[label_attr] = text
                shown[key] = text
        for element, saved in hot_before:
            element.attr.update(saved)
        hot_before = []
        for h in plan.hot[i]:
            dot_id = layout.dot_ids.get(h, "")
            element = edges.get(dot_id) if "->" in dot_id else graph.get_node(dot_id) if dot_id else None
            if element is None:
                continue
            keys = ("color", "penwidth", "fontcolor") if "->" in dot_id else ("color", "penwidth")
            hot_before.append((element, {k: element.attr.get(k) or "" for k in keys}))
            element.attr.update({k: "3" if k == "penwidth" else theme.highlight for k in keys})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            pngs.append(graph.draw(format="png"))
    return pngs


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
    return (f'<div class="sg-svg" style="overflow:auto;max-height:75vh">{frame.svg}</div>'
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
#ID{outline:none;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:$$text;
  background:$$background}
#ID.sg-page{padding:.4em .8em;box-sizing:border-box}
#ID.sg-page.sg-js{display:flex;flex-direction:column;height:100vh}
#ID .sg-title{font-weight:600;font-size:1.1em;margin:.15em 0}
#ID .sg-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.35em;margin:.2em 0}
#ID .sg-controls button{font-size:1em;padding:.1em .55em;cursor:pointer}
#ID .sg-controls input[type=range]{flex:1;min-width:8em;max-width:30em}
#ID .sg-counter{font-variant-numeric:tabular-nums;min-width:6em}
#ID .sg-zoom{display:inline-flex;align-items:center;gap:.25em;margin-left:auto}
#ID .sg-scale{font-variant-numeric:tabular-nums;min-width:3.2em;text-align:center}
#ID .sg-equation{font-family:"DejaVu Sans","Segoe UI Symbol",system-ui,sans-serif;font-size:1.05em;
  margin:.2em 0 .3em;padding:.35em .6em;border-left:4px solid $$highlight;background:$$cluster;
  white-space:pre-wrap;min-height:1.3em}
#ID .sg-view{overflow:auto;border:1px solid $$muted;border-radius:3px;background:$$background}
#ID.sg-js .sg-view{cursor:grab;user-select:none;-webkit-user-select:none;max-height:75vh}
#ID.sg-page.sg-js .sg-view{flex:1;min-height:0;max-height:none}
#ID .sg-view.sg-dragging{cursor:grabbing}
#ID .sg-view svg{display:block}
#ID .sg-list ol{font-family:"DejaVu Sans","Segoe UI Symbol",system-ui,sans-serif;line-height:1.5}
#ID [hidden]{display:none !important}
"""

_JS = """
(function () {
  var here = document.currentScript;  /* the same player shown twice has one id twice */
  var root = (here && here.closest(".sg-player")) || document.getElementById("%ID%");
  if (!root || root.classList.contains("sg-js")) { return; }
  var data = JSON.parse(root.querySelector("script.sg-data").textContent);
  var view = root.querySelector(".sg-view"), svg = view.querySelector("svg");
  var controls = root.querySelector(".sg-controls"), equation = root.querySelector(".sg-equation");
  var items = root.querySelectorAll("li.sg-step"), title = root.querySelector(".sg-title");
  var slider = root.querySelector("input[type=range]"), counter = root.querySelector(".sg-counter");
  var play = root.querySelector("[data-go=play]"), scale = root.querySelector(".sg-scale");
  var delay = parseInt(root.getAttribute("data-interval"), 10) || 1200;
  var page = root.classList.contains("sg-page"), heading = title.textContent;
  var NS = "http://www.w3.org/2000/svg", NATURAL = 4 / 3, LEGIBLE = 10;
  var cells = [], hots = [], shown = [], hotNow = [], current = 0, timer = null, zoom = NATURAL;
  svg.querySelectorAll("[data-c]").forEach(function (el) { cells[+el.getAttribute("data-c")] = el; });
  svg.querySelectorAll("[data-h]").forEach(function (el) {
    var h = +el.getAttribute("data-h");
    (hots[h] = hots[h] || []).push(el);
  });
  root.classList.add("sg-js");
  controls.hidden = false;
  equation.hidden = false;
  root.querySelector(".sg-list").hidden = true;

  function setText(el, plain, muted) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
    if (plain) { el.appendChild(document.createTextNode(plain)); }
    if (muted) {
      var span = document.createElementNS(NS, "tspan");
      span.setAttribute("class", "sg-nc");
      span.setAttribute("fill", data.muted);
      span.setAttribute("font-style", "italic");
      span.textContent = muted;
      el.appendChild(span);
    }
  }
  function stateAt(t, i) {  /* t: [frame, plain, muted, frame, ...]; the last state begun by i */
    var k = 0;
    for (var j = 3; j < t.length && t[j] <= i; j += 3) { k = j; }
    return k;
  }
  function show(i) {
    i = Math.max(0, Math.min(items.length - 1, i));
    data.cells.forEach(function (t, c) {
      var k = stateAt(t, i);
      if (shown[c] !== k && cells[c]) { shown[c] = k; setText(cells[c], t[k + 1], t[k + 2]); }
    });
    hotNow.forEach(function (el) { el.classList.remove("sg-hot"); });
    hotNow = [];
    data.hot[i].forEach(function (h) {
      (hots[h] || []).forEach(function (el) { el.classList.add("sg-hot"); hotNow.push(el); });
    });
    current = i;
    equation.textContent = items[i].textContent;
    title.textContent = heading + ": " + (data.kinds[i] === "f" ? "forward" : "backward") + " pass";
    slider.value = String(i);
    counter.textContent = (i + 1) + " / " + items.length;
    keepInView(data.focus[i]);
  }
  function keepInView(h) {
    var els = hots[h];
    if (!els || !els.length) { return; }
    var r = els[0].getBoundingClientRect(), v = view.getBoundingClientRect(), m = 16;
    var left = v.left + view.clientLeft, top = v.top + view.clientTop;
    var width = view.clientWidth, height = view.clientHeight;
    if (r.left < left + m || r.right > left + width - m) {
      view.scrollLeft += r.width > width - 2 * m ? r.left - left - m : (r.left + r.right - width) / 2 - left;
    }
    if (r.top < top + m || r.bottom > top + height - m) {
      view.scrollTop += r.height > height - 2 * m ? r.top - top - m : (r.top + r.bottom - height) / 2 - top;
    }
  }

  /* zoom: CSS pixels per unit of the SVG's viewBox (its points); 4/3 is the diagram's own size */
  var box = svg.viewBox.baseVal, W = box.width, H = box.height, smallest = Infinity;
  svg.querySelectorAll("text").forEach(function (t) {
    var size = parseFloat(t.getAttribute("font-size"));
    if (size > 0 && size < smallest) { smallest = size; }
  });
  if (!isFinite(smallest)) { smallest = 9; }
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  function setZoom(z, cx, cy) {
    z = Math.max(0.05, Math.min(8, z));
    if (cx === undefined) { cx = view.clientWidth / 2; cy = view.clientHeight / 2; }
    var ux = (view.scrollLeft + cx) / zoom, uy = (view.scrollTop + cy) / zoom;
    zoom = z;
    svg.style.width = (W * z) + "px";
    svg.style.height = (H * z) + "px";
    view.scrollLeft = ux * z - cx;
    view.scrollTop = uy * z - cy;
    scale.textContent = Math.round(100 * z / NATURAL) + "%";
  }
  function fit() { return Math.min((view.clientWidth - 2) / W, (view.clientHeight - 2) / H); }
  /* the whole graph where its text stays legible; a graph too wide for that at its own size
     (1:1), scrolled, the active box kept in view */
  function opening(z) { return z * smallest >= LEGIBLE ? Math.min(NATURAL, z) : NATURAL; }
  if (!page) {  /* in a notebook: as tall as the diagram at its opening size, at most 75% of the window */
    var tall = H * opening((view.clientWidth - 2) / W) + 24;
    view.style.height = Math.min(tall, window.innerHeight * 0.75) + "px";
  }
  setZoom(opening(fit()), 0, 0);

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25b6 play";
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (current === items.length - 1) { show(0); }
    play.textContent = "\\u275a\\u275a pause";
    timer = setInterval(function () {
      show(current + 1);
      if (current >= items.length - 1) { stop(); }  /* the last frame: play turns back on */
    }, delay);
  }
  var moves = {
    first: function () { stop(); show(0); },
    prev: function () { stop(); show(current - 1); },
    next: function () { stop(); show(current + 1); },
    end: function () { stop(); show(items.length - 1); },
    play: toggle
  };
  var zooms = {
    "in": function () { setZoom(zoom * 1.25); },
    out: function () { setZoom(zoom / 1.25); },
    fit: function () { setZoom(fit(), 0, 0); },
    one: function () { setZoom(NATURAL); keepInView(data.focus[current]); }
  };
  root.querySelectorAll("button[data-go]").forEach(function (button) {
    button.addEventListener("click", function () { moves[button.getAttribute("data-go")](); });
  });
  root.querySelectorAll("button[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () { zooms[button.getAttribute("data-zoom")](); });
  });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  root.addEventListener("keydown", function (event) {
    if (event.target === slider || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var keys = {ArrowLeft: "prev", ArrowRight: "next", Home: "first", End: "end", " ": "play"};
    var zoomKeys = {"+": "in", "=": "in", "-": "out", "0": "fit", "1": "one"};
    if (keys[event.key] && !(event.key === " " && event.target.tagName === "BUTTON")) {
      moves[keys[event.key]]();
      event.preventDefault();
    } else if (zoomKeys[event.key]) {
      zooms[zoomKeys[event.key]]();
      event.preventDefault();
    }
  });
  view.addEventListener("wheel", function (event) {  /* Ctrl + wheel (or a pinch) zooms */
    if (!event.ctrlKey && !event.metaKey) { return; }
    event.preventDefault();
    var v = view.getBoundingClientRect();
    setZoom(zoom * Math.exp(-event.deltaY * 0.002), event.clientX - v.left, event.clientY - v.top);
  }, {passive: false});
  var drag = null;  /* drag to pan */
  view.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    drag = {x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop};
    view.setPointerCapture(event.pointerId);
    view.classList.add("sg-dragging");
  });
  view.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    view.scrollLeft = drag.left - (event.clientX - drag.x);
    view.scrollTop = drag.top - (event.clientY - drag.y);
  });
  function release() { drag = null; view.classList.remove("sg-dragging"); }
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  show(0);
})();
"""
