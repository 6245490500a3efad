"""The bundled Graphviz's harmless Fontconfig ``reset-dirs`` line is dropped; every other message stays."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scalargraph.drawing import fontconfig

KNOWN = ('Fontconfig warning: "/usr/share/fontconfig/conf.avail/05-reset-dirs-sample.conf", '
         'line 6: unknown element "reset-dirs"\n')
DRAW = ("import scalargraph as sg\n"
        "x = sg.Node(3.0, name='x'); f = sg.exp(x) * x; f.backward()\n"
        "assert sg.draw(f).svg().startswith('<?xml')\n")


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_the_filter_drops_only_the_known_line(monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    monkeypatch.setattr(fontconfig, "_started", False)
    with fontconfig.first_render():
        os.write(2, KNOWN.encode())
        os.write(2, b"Fontconfig error: something real\n")
    assert capfd.readouterr().err == "Fontconfig error: something real\n"
    with fontconfig.first_render():  # after the first render: no filtering at all
        os.write(2, KNOWN.encode())
    assert capfd.readouterr().err == KNOWN


def test_a_failed_first_render_leaves_the_filter_on(monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    monkeypatch.setattr(fontconfig, "_started", False)
    with pytest.raises(ValueError), fontconfig.first_render():
        raise ValueError("bad DOT")
    assert fontconfig._started is False
    with fontconfig.first_render():
        os.write(2, KNOWN.encode())
    assert capfd.readouterr().err == ""


def test_a_first_draw_prints_nothing() -> None:
    pytest.importorskip("pygraphviz")
    done = _run(DRAW)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_real_fontconfig_error_still_shows() -> None:
    pytest.importorskip("pygraphviz")
    done = _run(DRAW, FONTCONFIG_FILE="/no/such/fonts.conf")
    assert done.returncode == 0, done.stderr
    assert "Fontconfig error" in done.stderr and "reset-dirs" not in done.stderr
