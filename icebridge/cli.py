"""The ``icebridge`` command line.

``icebridge plan [FILE.py | MODULE[:ATTR]]`` prints the Snowflake SQL of the pipelines
found there (the bundled orders example by default): one statement per block, each
ending in ``;``, syntax-highlighted when stdout is a terminal.

``icebridge demo`` runs the bundled pipelines on the embedded emulator (see
:mod:`icebridge.demo`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import runpy
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from icebridge.errors import IcebridgeError
from icebridge.pipeline import Pipeline

DEFAULT_SOURCE = "icebridge.examples.orders"


class CliError(Exception):
    """A usage problem reported as ``icebridge: error: ...``."""


def _pipelines_in(value: object) -> list[Pipeline] | None:
    if isinstance(value, Pipeline):
        return [value]
    if isinstance(value, list | tuple) and value and all(isinstance(v, Pipeline) for v in value):
        return list(value)
    return None


def collect(namespace: Mapping[str, Any]) -> list[Pipeline]:
    """The pipelines a module defines: its ``PIPELINES`` if present, else every attribute
    that is a Pipeline or a list/tuple of Pipelines (in definition order, without repeats)."""
    if "PIPELINES" in namespace:
        found = _pipelines_in(namespace["PIPELINES"])
        if found is None:
            raise CliError("PIPELINES must be a Pipeline or a list/tuple of Pipelines")
        return found
    out: list[Pipeline] = []
    for key, value in namespace.items():
        if key.startswith("_"):
            continue
        for p in _pipelines_in(value) or []:
            if p not in out:
                out.append(p)
    return out


def load(source: str | None) -> list[Pipeline]:
    """Load pipelines from a file path, ``module:attr`` or a module name."""
    source = source or DEFAULT_SOURCE
    if source.endswith(".py") or os.path.isfile(source):
        if not os.path.isfile(source):
            raise CliError(f"no such file: {source}")
        found = collect(runpy.run_path(source, run_name="__icebridge_plan__"))
    else:
        module_name, _, attr = source.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise CliError(f"cannot import {module_name}: {err}") from None
        if attr:
            value: Any = module
            for part in attr.split("."):
                if not hasattr(value, part):
                    raise CliError(f"{module_name} has no attribute {attr}")
                value = getattr(value, part)
            selected = _pipelines_in(value)
            if selected is None:
                raise CliError(f"{source} is not a Pipeline or a list/tuple of Pipelines")
            found = selected
        else:
            found = collect(vars(module))
    if not found:
        raise CliError(f"no Pipeline found in {source}")
    return found


def format_plan(statements: Iterable[str]) -> str:
    """Statements as text blocks, each ending in ``;``, separated by blank lines."""
    return "".join(f"{s};\n\n" for s in statements).rstrip("\n") + "\n"


def _highlight(text: str) -> str:
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound
    except ImportError:  # pygments is optional: plain text then
        return text
    try:
        lexer = get_lexer_by_name("snowflake")
    except ClassNotFound:
        lexer = get_lexer_by_name("sql")
    return str(highlight(text, lexer, TerminalFormatter()))


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from icebridge.render import render_all

    text = format_plan(render_all(load(args.source), pretty=True))
    color = args.color == "always" or (args.color == "auto" and out.isatty())
    out.write(_highlight(text) if color else text)
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from icebridge.demo import run_demo

    if args.minutes < 1:
        raise CliError("--minutes must be at least 1")
    path = None if args.in_memory else Path(args.path)
    result = run_demo(out, path=path, minutes=args.minutes, seed=args.seed)
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per action."""
    parser = argparse.ArgumentParser(
        prog="icebridge", description="Snowflake staging -> stream -> task -> Iceberg pipelines."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plan = commands.add_parser("plan", help="print the Snowflake SQL of pipelines")
    plan.add_argument(
        "source",
        nargs="?",
        help=f"a .py file or MODULE[:ATTR] defining pipelines (default: {DEFAULT_SOURCE})",
    )
    plan.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="syntax highlighting (auto: only when stdout is a terminal)",
    )
    plan.set_defaults(handler=_plan)
    demo = commands.add_parser(
        "demo", help="run the bundled pipelines on the embedded emulator with simulated traffic"
    )
    demo.add_argument(
        "--path",
        default="icebridge-demo",
        help="emulator directory, replaced on each run (default: ./icebridge-demo)",
    )
    demo.add_argument("--in-memory", action="store_true", help="keep nothing on disk")
    demo.add_argument("--minutes", type=int, default=30, help="simulated minutes (default 30)")
    demo.add_argument("--seed", type=int, default=7, help="traffic seed (default 7)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    stream = out or sys.stdout
    try:
        status: int = args.handler(args, stream)
    except (CliError, IcebridgeError) as err:
        print(f"icebridge: error: {err}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
