"""The command line, run in-process through main([...]) and once through the installed entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scalargraph.cli import main

CS231N = "(x + sigmoid(y)) / (sigmoid(x) + (x + y)**2)"
BIN = Path(sys.executable).parent / "scalargraph"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(table: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in table.strip().splitlines()[1:]}


def test_grad_table_circuit(capsys):
    code, out, err = run(capsys, "grad", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4")
    assert code == 0 and err == ""
    rows = _rows(out)
    # the notes: f = -12, df/dx = df/dy = z = -4, df/dz = x + y = 3
    assert rows["x"] == ["input", "-2", "-4"] and rows["y"] == ["input", "5", "-4"]
    assert rows["z"] == ["input", "-4", "3"] and rows["f"] == ["mul", "-12", "1"]


def test_grad_json_cs231n_and_params(capsys):
    code, out, _ = run(capsys, "grad", CS231N, "--at", "x=3", "y=-4", "--json")
    data = json.loads(out)
    assert code == 0 and data["value"] == 1.5456448841066441
    assert data["gradients"]["x"] == pytest.approx(2.0595697955721652, rel=1e-12)
    assert data["gradients"]["y"] == pytest.approx(1.5922327514838093, rel=1e-12)
    assert data["nodes"][-1]["node"] == "f" and data["nodes"][-1]["gradient"] == 1.0
    code, out, _ = run(capsys, "grad", "x * a * a + a", "--at", "x=4", "--param", "a=1", "--json")
    data = json.loads(out)
    assert data["gradients"] == {"x": 1.0, "a": 9.0}  # a² and 2·x·a + 1
    assert {"node": "a", "op": "param", "value": 1.0, "gradient": 9.0} in data["nodes"]


def test_grad_of_a_constant_expression(capsys):
    code, out, _ = run(capsys, "grad", "2 * 3")
    assert code == 0 and out.startswith("6  (a constant")


def test_expression_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("(x + y) * z\n"))
    code, out, _ = run(capsys, "grad", "-", "--at", "x=-2", "y=5", "z=-4", "--json")
    assert code == 0 and json.loads(out)["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_leading_minus_with_a_space(capsys):
    code, out, _ = run(capsys, "grad", "-x * y", "--at", "x=1", "y=2", "--json")
    assert code == 0 and json.loads(out)["gradients"] == {"x": -2.0, "y": -1.0}


def test_steps(capsys):
    code, out, _ = run(capsys, "steps", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("# dv: the gradient of f with respect to v")  # the notation, said once
    assert lines[1] == "df = 1"
    assert len(lines) == 2 + 4  # the notation, the seed, then one line per edge
    assert any(line.startswith("dz +=") and "= 1 · 3 = 3  (total 3)" in line for line in lines)
    assert sum("(total -4)" in line for line in lines) == 3  # d(x+y), dx, dy


def test_steps_never_write_a_contribution_as_the_total(capsys):
    # f = x·y + x at x = 3, y = 2: df/dx = y + 1 = 3. The last edge into x is the add's, whose
    # local derivative is 1; written ∂f/∂x += ∂f/∂f · ∂f/∂x = 1, it read as if df/dx were 1.
    code, out, _ = run(capsys, "steps", "x*y + x", "--at", "x=3", "y=2")
    lines = out.strip().splitlines()[1:]
    assert code == 0 and lines[0] == "df = 1"
    into_x = [line for line in lines if line.startswith("dx += ")]
    assert len(into_x) == 2 and "(total 3)" in into_x[-1]
    for line in lines[1:]:
        gradient, right = line.split(" += ")
        assert gradient not in right.replace("·", " ").split()  # dx never on its own right side
        assert "∂" not in gradient                                # ∂ only for local derivatives
    assert "dx += df · ∂f/∂x = 1 · 1 = 1  (total 1)" in lines     # the add's edge, first
    assert "dx += d(mul#2) · ∂mul#2/∂x = 1 · 2 = 2  (total 3)  where ∂mul#2/∂x = y" in lines


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF"),
                                           (".dot", b"digraph")])
def test_draw_diagrams(capsys, tmp_path, suffix, magic):
    pytest.importorskip("pygraphviz")
    path = tmp_path / f"f{suffix}"
    code, out, _ = run(capsys, "draw", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4", "-o", str(path))
    assert code == 0 and out.strip() == str(path.resolve())
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_draw_dot_after_backward_and_rankdir(capsys, tmp_path):
    path = tmp_path / "f.dot"
    code, _, _ = run(capsys, "draw", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4", "-o", str(path),
                     "--rankdir", "TB")
    source = path.read_text(encoding="utf-8")
    assert code == 0 and "rankdir=TB" in source
    assert "grad -4" in source and "grad not computed" not in source


@pytest.mark.parametrize("suffix, magic", [(".html", b"<!DOCTYPE html>"), (".gif", b"GIF89a")])
def test_draw_player(capsys, tmp_path, suffix, magic):
    pytest.importorskip("PIL")
    path = tmp_path / f"steps{suffix}"
    code, out, _ = run(capsys, "draw", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4", "-o", str(path))
    assert code == 0 and out.strip() == str(path.resolve())
    data = path.read_bytes()
    assert data.startswith(magic)
    if suffix == ".html":
        assert data.count(b'<li class="sg-step"') == 10  # 5 forward steps, seed, 4 edges


def test_demo_prints_the_table(capsys):
    code, out, _ = run(capsys)
    assert code == 2  # a command is required
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "cs231n" in out
    assert _rows(out.split("\n\n", 1)[1])["x"][-1] == "2.0595697955721652"
    code, out, _ = run(capsys, "demo", "param")
    assert _rows(out.split("\n\n", 1)[1])["a"] == ["param", "1", "9"]


def test_demo_out_writes_every_file(capsys, tmp_path):
    pytest.importorskip("PIL")
    out_dir = tmp_path / "demo-output"
    code, out, _ = run(capsys, "demo", "circuit", "--out", str(out_dir))
    assert code == 0
    written = [Path(line.removeprefix("wrote ")) for line in out.splitlines() if line.startswith("wrote ")]
    assert [p.suffix for p in written] == [".txt", ".svg", ".png", ".html", ".gif"]
    assert all(p.is_absolute() and p.exists() and p.stat().st_size > 0 for p in written)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in written)
    assert "-12" in (out_dir / "circuit.txt").read_text(encoding="utf-8")
    assert (out_dir / "circuit.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("argv, message", [
    (["grad", "x.real", "--at", "x=1"], "column 2: attribute access"),
    (["grad", "x +* y", "--at", "x=1", "y=2"], "column 4: invalid syntax"),
    (["grad", "x + z", "--at", "x=1"], "the name 'z' has no value"),
    (["grad", "log(x)", "--at", "x=-1"], "log: the input must be positive"),
    (["grad", "x", "--at", "x=abc"], "'abc' is not a number"),
    (["grad", "x", "--at", "x"], "expected NAME=VALUE"),
    (["grad", "x", "--at", "x=nan"], "finite"),
    (["grad", "x", "--at", "x=1", "x=2"], "given twice"),
    (["grad", "x"], "the name 'x' has no value"),
    (["grad"], "the following arguments are required: EXPR"),
    (["grad", "-x*y", "--at", "x=1", "y=2"], "needs a space or brackets: '-x * y'"),
    (["draw", "x", "--at", "x=1", "-o", "{tmp}/f.jpg"], "unknown file type '.jpg'"),
    (["draw", "x", "--at", "x=1", "-o", "{tmp}/missing/f.svg"], "does not exist"),
    (["draw", "log(x)", "--at", "x=0", "-o", "{tmp}/f.svg"], "log: the input must be positive"),
    (["draw", "x", "--at", "x=1", "-o", "{tmp}/f.html", "--rankdir", "TB"], "not to the player"),
    (["draw", "x", "--at", "x=1", "-o", "{tmp}/f.svg", "--rankdir", "UP"], "invalid choice: 'UP'"),
    (["demo", "nope"], "invalid choice: 'nope'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_one_line_exit_2_nothing_written(capsys, tmp_path, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err
    assert err.count("\n") == 1 and err.startswith("scalargraph")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [[], ["draw"], ["grad"], ["steps"], ["demo"]])
def test_help_on_every_command(capsys, command):
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0 and out.startswith("usage: scalargraph")
    if command and command[0] in ("draw", "grad", "steps"):
        assert "--at NAME=VALUE" in out and "--param NAME=VALUE" in out and "stdin" in out


def test_installed_entry_point():
    assert BIN.exists(), f"{BIN} is missing: pip install -e . creates it"
    ok = subprocess.run([str(BIN), "grad", "-", "--at", "x=-2", "y=5", "z=-4", "--json"],
                        input="(x + y) * z", capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)["gradients"]["z"] == 3.0
    bad = subprocess.run([str(BIN), "grad", "__import__('os').system('echo hi')"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("scalargraph grad: error: column ")
