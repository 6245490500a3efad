"""The ``scalargraph`` command.

``scalargraph demo [NAME] [--out DIR]`` runs a built-in example: its forward
values and, after one backward pass, its gradients, as a table.

Errors are one line on stderr and exit code 2, with no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import ScalargraphError
from .examples import EXAMPLES
from .graph import Graph
from .report import value_table

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scalargraph",
        description="Backpropagation on scalar computation graphs, number by number.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo", help="run a built-in worked example",
        description="Run a built-in worked example: forward values and gradients as a table.",
    )
    demo.add_argument("name", nargs="?", default="cs231n", choices=sorted(EXAMPLES),
                      help="which example (default: cs231n, the staged example of the cs231n notes)")
    demo.add_argument("--out", metavar="DIR", default=None,
                      help="also write the example's files into DIR")
    demo.set_defaults(run=_demo)
    return parser


def _demo(args: argparse.Namespace) -> int:
    example = EXAMPLES[args.name]()
    graph = Graph(example.output)
    graph.backward()
    table = value_table(graph)
    print(f"{example.title}\n\n{table}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{example.name}.txt"
        path.write_text(f"{example.title}\n\n{table}\n", encoding="utf-8")
        print(f"\nwrote {path.resolve()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (ScalargraphError, OSError) as err:
        print(f"scalargraph {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
