"""The ``scalargraph`` command: draw, differentiate and step through expressions; run the demos.

- ``scalargraph draw EXPR --at x=3 y=-4 [--param a=1] -o out.svg [--rankdir TB]``
  (.svg .png .pdf .dot: the diagram after backward; .html .gif: the step player);
- ``scalargraph grad EXPR --at ...`` prints values and gradients (``--json`` for JSON);
- ``scalargraph steps EXPR --at ...`` prints the chain-rule steps of the backward pass;
- ``scalargraph demo [NAME] [--out DIR]`` runs a built-in worked example.

``EXPR`` is ``-`` to read it from standard input. Errors are one line on stderr
and exit code 2, with no traceback; nothing is written.

>>> main(["grad", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4"])
node  op     value  gradient
x     input     -2        -4
y     input      5        -4
add#2 add        3        -4
z     input     -4         3
f     mul      -12         1
0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from .core.graph import Graph
from .core.labels import format_number, kind, labels, value_table
from .core.node import Node
from .errors import InputError, ScalargraphError
from .learning.examples import EXAMPLES, Example

__all__ = ["build_parser", "main"]

#: Output suffixes of ``draw``: a diagram (after backward) or the step player.
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf", ".dot")
PLAYER_SUFFIXES = (".html", ".gif")
RANKDIRS = ("LR", "TB", "RL", "BT")


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line on stderr (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        if "EXPR" in message:  # "-x*y" looks like an option to argparse
            message += "; an EXPR that starts with - needs a space or brackets: '-x * y' or '(-x)*y'"
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (``--help`` on each)."""
    parser = _Parser(
        prog="scalargraph",
        description="Backpropagation on scalar computation graphs, number by number.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    draw = commands.add_parser(
        "draw", help="draw an expression's graph, or save its step player",
        description="Draw the graph of EXPR after a backward pass (.svg .png .pdf .dot), "
                    "or save its step player (.html .gif).")
    _expression_arguments(draw)
    draw.add_argument("-o", "--output", metavar="FILE", required=True,
                      help="where to write: .svg .png .pdf .dot (diagram) or .html .gif (step player)")
    draw.add_argument("--rankdir", choices=RANKDIRS, default=None,
                      help="direction the graph flows in (default: LR, left to right)")
    draw.set_defaults(run=_draw)

    grad = commands.add_parser(
        "grad", help="print the values and gradients of an expression",
        description="Print every node's value and gradient (d EXPR / d node) as a table.")
    _expression_arguments(grad)
    grad.add_argument("--json", action="store_true", help="print JSON instead of a table")
    grad.set_defaults(run=_grad)

    steps = commands.add_parser(
        "steps", help="print the chain-rule steps of the backward pass",
        description="Print the backward pass of EXPR step by step: one line per edge.")
    _expression_arguments(steps)
    steps.set_defaults(run=_steps)

    demo = commands.add_parser(
        "demo", help="run a built-in worked example",
        description="Run a built-in worked example: forward values and gradients as a table. "
                    "With --out DIR, also write the table, the diagram (SVG, PNG) and the step "
                    "player (HTML, GIF) into DIR.")
    demo.add_argument("name", nargs="?", default="cs231n", choices=sorted(EXAMPLES),
                      help="which example (default: cs231n, the staged example of the cs231n notes)")
    demo.add_argument("--out", metavar="DIR", default=None,
                      help="also write the example's files into DIR (created if missing)")
    demo.set_defaults(run=_demo)
    return parser


def _expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expr", metavar="EXPR",
                        help="an expression such as '(x + sigmoid(y)) * z', or - to read it from stdin")
    parser.add_argument("--at", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                        help="input values, e.g. --at x=3 y=-4")
    parser.add_argument("--param", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                        help="parameters (sg.Param leaves), e.g. --param a=1")


def _assignments(items: Sequence[str], option: str) -> dict[str, float]:
    """``["x=3", "y=-4"]`` as ``{"x": 3.0, "y": -4.0}``."""
    result: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"{option}: expected NAME=VALUE such as x=3, got {item!r}")
        if name in result:
            raise InputError(f"{option}: {name!r} is given twice")
        try:
            result[name] = float(text)
        except ValueError:
            raise InputError(f"{option} {name}: {text!r} is not a number") from None
    return result


def _expression(args: argparse.Namespace) -> Node:
    from .parsing.parser import parse

    text = _stdin() if args.expr == "-" else args.expr
    values = _assignments(args.at, "--at")
    params = _assignments(args.param, "--param")
    if "params" in values:
        raise InputError("--at: the name 'params' is reserved; call the input something else")
    f = parse(text, params=params, **values)
    if f.op is not None and f.name is None and "f" not in values and "f" not in params:
        f.named("f")  # so that tables and steps say f and ∂f/∂x
    return f


def _stdin() -> str:
    """The expression on standard input, which must be UTF-8 text."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode(
        "utf-8", "surrogateescape")
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError as err:
        raise InputError(f"standard input is not UTF-8 text (byte {err.start + 1} is "
                         f"0x{data[err.start]:02x}); save the expression as UTF-8") from None


def _draw(args: argparse.Namespace) -> int:
    path = Path(args.output)
    suffix = path.suffix.lower()
    if suffix not in DIAGRAM_SUFFIXES + PLAYER_SUFFIXES:
        raise InputError(f"-o {args.output}: unknown file type {suffix or '(none)'!r}; use one of "
                         f"{' '.join(DIAGRAM_SUFFIXES + PLAYER_SUFFIXES)}")
    from .drawing.render import check_target

    check_target(path)  # a mistyped folder is reported before any work
    f = _expression(args)
    if suffix in PLAYER_SUFFIXES:
        if args.rankdir:
            raise InputError("--rankdir applies to diagrams (.svg .png .pdf .dot), not to the player")
        _save_player(f, path)
    else:
        f.backward()
        _save_diagram(f, path, args.rankdir)
    print(path.resolve())
    return 0


def _save_diagram(f: Node, path: Path, rankdir: str | None) -> None:
    from .drawing.diagram import draw

    options: dict[str, Any] = {"rankdir": rankdir} if rankdir else {}
    draw(f, **options).save(path)


def _save_player(f: Node, path: Path) -> None:
    from .teaching.player import player

    player(f).save(path)


def _grad(args: argparse.Namespace) -> int:
    f = _expression(args)
    graph = Graph(f)
    gradients = graph.backward()
    if args.json:
        names = labels(graph)
        nodes = [{"node": names[n], "op": kind(n), "value": n.value, "gradient": n.grad}
                 for n in graph.nodes if n.op is not None or n.grad is not None]
        print(json.dumps({"expression": _text(args), "value": f.value, "gradients": gradients,
                          "nodes": nodes}, indent=2))
    elif not gradients:
        print(f"{format_number(f.value)}  (a constant: the expression has no names to differentiate by)")
    else:
        print(value_table(graph))
    return 0


def _text(args: argparse.Namespace) -> str:
    return "(read from stdin)" if args.expr == "-" else str(args.expr)


def _steps(args: argparse.Namespace) -> int:
    from .teaching.steps import steps

    print("# dv: the gradient of f with respect to v, summed over every use of v;"
          " ∂q/∂v: the local derivative of the op q with respect to its input v")
    for step in steps(_expression(args), mode="backward"):
        print(step)
    return 0


def _demo(args: argparse.Namespace) -> int:
    example = EXAMPLES[args.name]()
    graph = Graph(example.output)
    graph.backward()
    table = value_table(graph)
    print(f"{example.title}\n\n{table}")
    if args.out:
        for path in _write_demo(example, table, Path(args.out)):
            print(f"wrote {path.resolve()}")
    return 0


def _write_demo(example: Example, table: str, out: Path) -> list[Path]:
    """Render everything first, then write: an error leaves no half-written set of files."""
    from .drawing.diagram import draw
    from .teaching.player import player

    diagram = draw(example.output)  # after the backward pass: values and gradients
    steps = player(EXAMPLES[example.name]().output)  # a fresh copy of the example
    files = {
        ".txt": f"{example.title}\n\n{table}\n".encode(),
        ".svg": diagram.svg().encode("utf-8"),
        ".png": diagram.png(),
        ".html": steps.html().encode("utf-8"),
        ".gif": steps.gif(),
    }
    from .drawing.render import write_files

    written = write_files(out, {f"{example.name}{suffix}": data for suffix, data in files.items()})
    print()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0, or 2 for a bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help (0) or a usage error (2), already printed
        return done.code if isinstance(done.code, int) else 2
    try:
        return int(args.run(args))
    except (ScalargraphError, OSError) as err:
        message = " ".join(str(err).split())  # one line
        print(f"scalargraph {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
