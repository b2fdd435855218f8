"""The ``icebridge`` command line (click for commands and options, rich for tables).

``icebridge plan [SOURCE]`` prints the Snowflake SQL of the pipelines in SOURCE (a .py
file or ``MODULE[:ATTR]``, the bundled orders example by default); with a target
(``--emulator DIR`` or ``--connection NAME``) it prints the changes a deploy would make
there. ``deploy`` executes that plan, ``status`` reports each pipeline, ``sql`` runs one
statement, ``advance`` moves an emulator's clock, ``demo`` runs the bundled demo.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO, TypeVar

import click

from icebridge.cli_load import DEFAULT_SOURCE, CliError, collect, format_plan, load
from icebridge.errors import IcebridgeError

__all__ = ["CliError", "collect", "format_plan", "load", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def _out() -> TextIO:
    obj: TextIO | None = click.get_current_context().obj
    return obj if obj is not None else sys.stdout


def _console() -> Any:
    from rich.console import Console

    out = _out()
    return Console(file=out, width=None if out.isatty() else 120, soft_wrap=False)


def _source(f: F) -> F:
    return click.argument("source", required=False, metavar="[SOURCE]")(f)


def _targets(f: F) -> F:
    f = click.option(
        "--connection", metavar="NAME", help="a connection of the Snowflake CLI's connections.toml"
    )(f)
    return click.option(
        "--emulator", "emulator_dir", metavar="DIR", help="an emulator directory (created if new)"
    )(f)


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


@click.group(help="Snowflake staging -> stream -> task -> Iceberg pipelines.")
@click.version_option(package_name="icebridge-sdk", prog_name="icebridge")
def cli() -> None:
    """The command group."""


@cli.command(
    help=f"Print the SQL of pipelines, or with a target the changes a deploy makes "
    f"there. SOURCE: a .py file or MODULE[:ATTR] (default {DEFAULT_SOURCE})."
)
@_source
@_targets
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    help="syntax highlighting (auto: only when stdout is a terminal)",
)
def plan(source: str | None, emulator_dir: str | None, connection: str | None, color: str) -> None:
    pipelines = load(source)
    out = _out()
    if emulator_dir is None and connection is None:
        from icebridge.render import render_all

        text = format_plan(render_all(pipelines, pretty=True))
        colored = color == "always" or (color == "auto" and out.isatty())
        out.write(_highlight(text) if colored else text)
        return
    from icebridge.cli_render import plan_renderable
    from icebridge.cli_targets import open_target
    from icebridge.plan_changes import plan as make_plan

    with open_target(emulator_dir, connection) as target:
        _console().print(plan_renderable(make_plan(pipelines, target)))


@cli.command(help="Deploy pipelines: execute the plan against the target.")
@_source
@_targets
@click.option(
    "--rebuild",
    multiple=True,
    metavar="TABLE",
    help="a table or stream that may be recreated (it loses its rows); repeatable",
)
@click.option("--allow-rebuild", is_flag=True, help="recreate every object a change needs")
@click.option(
    "--prune",
    is_flag=True,
    help="also drop icebridge tasks of pipelines not given (e.g. renamed ones)",
)
def deploy(
    source: str | None,
    emulator_dir: str | None,
    connection: str | None,
    rebuild: tuple[str, ...],
    allow_rebuild: bool,
    prune: bool,
) -> None:
    from icebridge.cli_render import plan_renderable
    from icebridge.cli_targets import open_target
    from icebridge.plan_changes import deploy as run_deploy

    pipelines = load(source)
    with open_target(emulator_dir, connection) as target:
        done = run_deploy(
            pipelines, target, rebuild=rebuild, allow_rebuild=allow_rebuild, prune=prune
        )
    console = _console()
    console.print(plan_renderable(done, show_sql=False))
    if done:
        console.print(f"Deployed: {len(done)} change(s).")


@cli.command(help="Report each pipeline: rows, lag, stream, runs, next run, last error.")
@_source
@_targets
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of tables")
def status(
    source: str | None, emulator_dir: str | None, connection: str | None, as_json: bool
) -> None:
    from icebridge.cli_render import jsonable
    from icebridge.cli_targets import open_target

    pipelines = load(source)
    with open_target(emulator_dir, connection) as target:
        reports = [p.status(target) for p in pipelines]
    if as_json:
        data = [jsonable(dataclasses.asdict(r)) for r in reports]
        _out().write(json.dumps(data, indent=2) + "\n")
        return
    console = _console()
    for report in reports:
        console.print(report)


@cli.command(help="Run one Snowflake SQL statement against the target and print its result.")
@click.argument("statement")
@_targets
@click.option("--json", "as_json", is_flag=True, help="print the rows as JSON")
def sql(statement: str, emulator_dir: str | None, connection: str | None, as_json: bool) -> None:
    from icebridge.cli_render import jsonable, result_renderable
    from icebridge.cli_targets import open_target

    with open_target(emulator_dir, connection) as target:
        result = target.query(statement)
    if as_json:
        _out().write(json.dumps(jsonable(result.to_pylist()), indent=2) + "\n")
    else:
        _console().print(result_renderable(result))


@cli.command(
    help="Move an emulator's clock by DURATION ('5 minutes'), running every task and "
    "refresh that falls due."
)
@click.argument("duration")
@click.option(
    "--emulator", "emulator_dir", metavar="DIR", required=True, help="the emulator directory"
)
def advance(duration: str, emulator_dir: str) -> None:
    from icebridge.cli_targets import open_target

    with open_target(emulator_dir, None) as target:
        runs = target.advance(duration)  # type: ignore[attr-defined]
        now = target.now  # type: ignore[attr-defined]
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.state] = counts.get(run.state, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "no runs"
    _out().write(f"now {now}: {summary}\n")


@cli.command(help="Run the bundled pipelines on the embedded emulator with simulated traffic.")
@click.option(
    "--path",
    default="icebridge-demo",
    show_default=True,
    help=(
        "emulator directory; it must be new, empty or an earlier demo lake (it holds the "
        ".icebridge-demo marker the demo writes), which is emptied first; any other directory "
        "is refused and nothing is deleted"
    ),
)
@click.option("--in-memory", is_flag=True, help="keep nothing on disk")
@click.option("--minutes", type=int, default=30, show_default=True, help="simulated minutes")
@click.option("--seed", type=int, default=7, show_default=True, help="traffic seed")
def demo(path: str, in_memory: bool, minutes: int, seed: int) -> None:
    from pathlib import Path

    from icebridge.demo import run_demo

    if minutes < 1:
        raise CliError("--minutes must be at least 1")
    where = None if in_memory else Path(path).expanduser()
    result = run_demo(_out(), path=where, minutes=minutes, seed=seed)
    if not result.ok:
        raise click.exceptions.Exit(1)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (2 for usage and icebridge errors)."""
    try:
        # standalone_mode=False: click returns exit codes (--version, demo failures) instead
        # of calling sys.exit, and lets icebridge errors through to be reported below.
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="icebridge",
            standalone_mode=False,
            obj=out,
        )
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as err:
        err.show(file=sys.stderr)
        return 2
    except click.exceptions.Abort:
        print("icebridge: aborted", file=sys.stderr)
        return 1
    except IcebridgeError as err:  # CliError included
        print(f"icebridge: error: {err}", file=sys.stderr)
        return 2
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
