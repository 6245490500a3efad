"""The bundled Graphviz's harmless Fontconfig ``reset-dirs`` line does not reach the terminal."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

DRAW = ("import scalargraph as sg\n"
        "x = sg.Node(3.0, name='x'); f = sg.exp(x) * x; f.backward()\n"
        "assert sg.draw(f).svg().startswith('<?xml')\n")


def test_a_first_draw_prints_nothing() -> None:
    pytest.importorskip("pygraphviz")
    done = subprocess.run([sys.executable, "-c", DRAW], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
