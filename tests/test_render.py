"""Rendering: real SVG/PNG/PDF from Graphviz, in-process without `dot`, saving, and clear errors."""

from __future__ import annotations

import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import smallest_text_px

import scalargraph as sg
from scalargraph.drawing import render as render_module
from scalargraph.drawing.render import available_engines, render
from scalargraph.learning.examples import circuit, cs231n_staged

SVG = "{http://www.w3.org/2000/svg}"


def drawn_circuit() -> sg.Diagram:
    ex = circuit()
    ex.output.backward()
    return sg.draw(ex.output)


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_svg_is_xml_with_value_gradient_and_local_derivative():
    texts = svg_texts(drawn_circuit().svg())
    assert "value 3" in texts and "grad -4" in texts      # q = x + y = 3, ∂f/∂q = -4
    assert "∂f/∂q = z = -4" in texts                      # the edge q -> f
    assert "q" in texts and "+" in texts


def test_cs231n_svg_shows_the_notes_gradients():
    ex = cs231n_staged()
    ex.output.backward()
    texts = svg_texts(sg.draw(ex.output, digits=6).svg())
    assert "grad 2.05957" in texts and "grad 1.59223" in texts   # dx, dy from the notes


def test_png_and_pdf_magic_bytes():
    d = drawn_circuit()
    assert d.png().startswith(b"\x89PNG\r\n\x1a\n")
    assert d.pdf().startswith(b"%PDF-")


def test_renders_in_process_with_no_dot_on_path(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert shutil.which("dot") is None
    assert available_engines() == ("pygraphviz",)
    assert drawn_circuit().svg().lstrip().startswith("<?xml")


def test_without_pygraphviz_or_dot_one_error_gives_both_install_commands(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setitem(sys.modules, "pygraphviz", None)   # import pygraphviz now fails
    d = drawn_circuit()
    assert "∂f/∂q" in d.source                               # DOT text needs no renderer
    with pytest.raises(sg.MissingDependencyError) as err:
        d.svg()
    message = str(err.value)
    assert "pip install 'pygraphviz>=2.0'" in message and "apt-get install graphviz" in message
    with pytest.raises(sg.MissingDependencyError, match="dot executable is not on PATH"):
        render(d.source, "svg", engine="dot")
    bundle = circuit().output._repr_mimebundle_()              # a Node falls back to text
    assert list(bundle) == ["text/plain"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="no dot executable on PATH")
def test_dot_executable_engine_renders_the_same_labels():
    d = drawn_circuit()
    texts = svg_texts(render(d.source, "svg", engine="dot").decode("utf-8"))
    assert "∂f/∂q = z = -4" in texts


def test_bad_dot_format_and_engine_raise_render_errors():
    with pytest.raises(sg.RenderError, match="could not render"):
        render("digraph { a -> }", "svg")
    with pytest.raises(sg.RenderError, match="valid formats: svg, png, pdf"):
        render("digraph { a }", "gif")
    with pytest.raises(sg.RenderError, match="valid engines: auto, pygraphviz, dot"):
        render("digraph { a }", "svg", engine="cairo")


@pytest.mark.parametrize(("suffix", "magic"), [
    (".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF"), (".dot", b"digraph"), (".PNG", b"\x89PNG"),
])
def test_save_picks_the_format_from_the_suffix(tmp_path, suffix, magic):
    path = drawn_circuit().save(tmp_path / f"f{suffix}")
    assert path.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"f{suffix}"]   # no temporary left


def test_save_dot_is_the_source(tmp_path):
    d = drawn_circuit()
    assert d.save(tmp_path / "f.dot").read_text(encoding="utf-8") == d.source


def test_unknown_suffix_lists_the_valid_ones(tmp_path):
    with pytest.raises(sg.RenderError, match=r"'\.jpg'; valid suffixes: \.svg, \.png, \.pdf, \.dot, \.gv"):
        drawn_circuit().save(tmp_path / "f.jpg")
    with pytest.raises(sg.RenderError, match="no suffix"):
        drawn_circuit().save(tmp_path / "f")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_paths_raise_and_write_nothing(tmp_path, monkeypatch):
    d = drawn_circuit()

    def rendered(*args, **kwargs):
        raise AssertionError("rendered before the path was checked")

    monkeypatch.setattr("scalargraph.drawing.diagram.render", rendered)  # the path is checked first
    with pytest.raises(sg.RenderError, match="does not exist; create it first"):
        d.save(tmp_path / "missing" / "f.svg")
    (tmp_path / "dir.svg").mkdir()
    with pytest.raises(sg.RenderError, match="it is a folder"):
        d.save(tmp_path / "dir.svg")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(sg.RenderError, match="does not exist"):
        d.save(blocker / "f.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.svg", "file"]


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "f.svg"
    path.write_text("old")

    def broken(*args, **kwargs):
        raise sg.RenderError("boom")

    monkeypatch.setattr("scalargraph.drawing.diagram.render", broken)
    with pytest.raises(sg.RenderError, match="boom"):
        drawn_circuit().save(path)
    assert path.read_text() == "old"


def test_write_error_removes_the_partial_file(tmp_path, monkeypatch):
    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render_module.os, "replace", full_disk)
    with pytest.raises(sg.RenderError, match="No space left on device"):
        drawn_circuit().save(tmp_path / "f.svg")
    assert list(tmp_path.iterdir()) == []


def test_ipython_displays_a_node_and_a_diagram_as_svg():
    formatters = pytest.importorskip("IPython.core.formatters")
    fmt = formatters.DisplayFormatter()
    ex = circuit()
    ex.output.backward()
    for obj in (ex.output, sg.draw(ex.output)):
        data, _ = fmt.format(obj)
        assert "image/svg+xml" in data
        assert "∂f/∂q = z = -4" in svg_texts(data["image/svg+xml"])


def test_an_image_is_rendered_once_until_the_dot_changes(monkeypatch):
    d = drawn_circuit()
    calls = []
    real = render_module.render

    def counting(source, fmt="svg", **kwargs):
        calls.append(fmt)
        return real(source, fmt, **kwargs)

    monkeypatch.setattr("scalargraph.drawing.diagram.render", counting)
    first = d.svg()
    assert d.svg() == first and calls == ["svg"]
    d.digraph.attr(bgcolor="pink")
    assert 'fill="pink"' in d.svg() and calls == ["svg", "svg"]


@pytest.mark.parametrize("name", ["cs231n_staged", "sigmoid_neuron", "param_attached"])
def test_committed_asset_images_show_what_draw_shows_now(name):
    """The images in assets/ (README and docs) are current: same texts (values, gradients,
    derivatives). Regenerate with the command in docs/guide/diagrams.md."""
    from scalargraph import examples

    ex = getattr(examples, name)()
    ex.output.backward()
    asset = (Path(__file__).parent.parent / "assets" / f"{name}.svg").read_text(encoding="utf-8")
    assert sorted(svg_texts(asset)) == sorted(svg_texts(sg.draw(ex.output).svg()))
    png = (Path(__file__).parent.parent / "assets" / f"{name}.png").read_bytes()
    assert png.startswith(b"\x89PNG")


# ------------------------------------------------------------------ legibility
ASSETS = Path(__file__).parent.parent / "assets"


def test_smallest_text_helper_on_a_known_svg():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="1760pt" height="10pt" viewBox="0 0 1760 10">'
           '<g transform="scale(1 1)"><text font-size="10">a</text><text font-size="14">b</text></g></svg>')
    assert smallest_text_px(svg) == pytest.approx(5.0)      # 10 units of 1760, shown 880 px wide
    assert smallest_text_px(svg.replace("1760pt", "600pt").replace("0 0 1760", "0 0 600")) == pytest.approx(
        10 * 4 / 3)                                         # narrower than 880 px: natural size


@pytest.mark.parametrize("name", sorted(p.name for p in ASSETS.glob("*.svg")))
def test_every_asset_reads_at_880_px(name):
    assert smallest_text_px((ASSETS / name).read_text(encoding="utf-8")) >= 9


def test_the_readme_diagrams_read_at_880_px_with_flow_too():
    from scalargraph import examples

    for make in (examples.cs231n_staged, examples.sigmoid_neuron, examples.param_attached, circuit):
        ex = make()
        ex.output.backward()
        for options in ({}, {"flow": True}, {"legend": True}):
            assert smallest_text_px(sg.draw(ex.output, **options).svg()) >= 9, (make.__name__, options)


def test_a_small_mlp_reads_at_880_px():
    model = sg.nn.MLP(2, [3, 1], rng=0)
    out = model([sg.Node(0.5, name="x1"), sg.Node(-1.0, name="x2")]).named("out")
    out.backward()
    for options in ({}, {"collapse": ["L1"]}):
        assert smallest_text_px(sg.draw(out, **options).svg()) >= 9


# ------------------------------------------------------------------ sizes
def png_size(data: bytes) -> tuple[int, int]:
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_png_resolution_follows_dpi(tmp_path):
    d = drawn_circuit()
    low, high = png_size(d.png(dpi=96)), png_size(d.png(dpi=288))
    assert high[0] == pytest.approx(3 * low[0], abs=3) and high[1] == pytest.approx(3 * low[1], abs=3)
    assert png_size(d.png()) == png_size(d.png(dpi=144))     # the default: 2 px per point
    saved = d.save(tmp_path / "c.png", dpi=96).read_bytes()
    assert png_size(saved) == low
    assert 'fill="white"' in d.svg() and "dpi" not in d.source   # SVG and DOT are unchanged
    with pytest.raises(sg.InputError, match="dpi"):
        d.png(dpi=72)


def test_html_shrinks_to_the_cell_but_not_below_legible():
    ex = cs231n_staged()
    ex.output.backward()
    d = sg.draw(ex.output, rankdir="LR")                     # wider than a cell on purpose
    page = d.html()
    m = re.search(r'<svg style="max-width:100%;height:auto;min-width:(\d+)px"', page)
    assert page.startswith('<div style="overflow-x:auto">') and m
    view_width = float(re.search(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)', page).group(1))
    smallest = min(float(s) for s in re.findall(r'font-size="([0-9.]+)"', page))
    assert smallest * int(m.group(1)) / view_width == pytest.approx(9, abs=0.05)  # 9 px at min-width


def test_what_graphviz_says_while_drawing_is_shown_but_its_harmless_font_line(recwarn) -> None:
    """A problem Graphviz reports while it still draws (here an empty <font> in a label,
    which it drops) reaches the user as a RenderWarning with Graphviz's words; the bundled
    Fontconfig's 'reset-dirs' line does not (tests/test_fontconfig.py: a first draw is silent)."""
    pytest.importorskip("pygraphviz")
    from scalargraph.drawing.render import harmless, render

    with pytest.warns(sg.RenderWarning, match=r"syntax error .* in label of edge a -> b"):
        svg = render('digraph { a -> b [label=<x<br/><font color="red"></font>>] }', "svg", engine="pygraphviz")
    assert svg.startswith(b"<?xml")
    render("digraph { a -> b [label=<x<br/>y>] }", "svg", engine="pygraphviz")
    assert not [w for w in recwarn if issubclass(w.category, sg.RenderWarning)]
    assert harmless('Fontconfig warning: "/usr/share/fontconfig/conf.avail/05-reset-dirs-sample.conf", '
                    'line 6: unknown element "reset-dirs"')
