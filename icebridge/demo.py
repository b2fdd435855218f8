"""``icebridge demo``: the bundled pipelines running on the embedded emulator.

Deploys the orders and order_items pipelines (deduplicating MERGE tasks into Iceberg tables,
staging cleanup) to an emulator kept in a local directory, streams simulated order traffic
into the staging tables minute by minute (duplicates and late updates included), advances
the virtual clock so the tasks run, and prints what happened: rows staged and loaded, task
runs by state, lag, and where the Iceberg tables are. Finally it checks that each Iceberg
table holds exactly the latest version of every key.

The demo directory is replaced on each run, but only when it is safe: a directory that does
not exist or is empty is used as it is; a directory holding the marker file
:data:`MARKER` (written by an earlier demo run) is an earlier demo lake and is emptied first;
anything else (a non-empty directory without the marker, a file, the current or home
directory or one of their parents) is refused with :class:`DemoPathError` and nothing is
deleted.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlglot import exp

from icebridge.errors import IcebridgeError, LakeLockedError
from icebridge.examples import orders as example
from icebridge.examples.generator import OrderTraffic, Row
from icebridge.pipeline import Pipeline
from icebridge.pipeline.status import PipelineStatus
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName, column, identifier

if TYPE_CHECKING:
    from datetime import datetime

    from emulator import Emulator

DEFAULT_PATH = Path("icebridge-demo")
#: The file a demo run writes into its directory; only a directory holding it is ever emptied.
MARKER = ".icebridge-demo"
_MARKER_TEXT = (
    "This directory is an emulator lake written by `icebridge demo`.\n"
    "The next `icebridge demo` run with this path deletes everything in it.\n"
)
_BAR = 30


@dataclass(frozen=True)
class DemoResult:
    """What the demo ended with, per pipeline name."""

    statuses: tuple[PipelineStatus, ...]
    verified: Mapping[str, bool]
    metadata_locations: Mapping[str, str]

    @property
    def ok(self) -> bool:
        """True when every Iceberg table holds exactly the latest row per key."""
        return all(self.verified.values())


class DemoPathError(IcebridgeError):
    """The demo directory is not one the demo may replace; nothing was deleted."""


def _protected(path: Path) -> str | None:
    """Why ``path`` may never be the demo directory (it holds the user's own work)."""
    resolved = path.resolve()
    for what, place in (("the current directory", Path.cwd()), ("the home directory", Path.home())):
        place = place.resolve()
        if resolved == place:
            return f"it is {what}"
        if resolved in place.parents:
            return f"it contains {what}"
    return None


def prepare_path(path: Path) -> None:
    """Make ``path`` an empty demo directory holding :data:`MARKER`.

    A missing or empty directory is used as it is; an earlier demo lake (a directory holding
    the marker) is emptied. Anything else raises :class:`DemoPathError` naming the path, and
    nothing is deleted.
    """
    reason = _protected(path)
    if reason is None and path.exists() and not path.is_dir():
        reason = "it is not a directory"
    earlier = (path / MARKER).is_file()
    if reason is None and path.is_dir() and not earlier and any(path.iterdir()):
        reason = f"it is not empty and holds no {MARKER} marker of an earlier demo run"
    if reason is not None:
        raise DemoPathError(
            f"refusing to use {str(path)!r} as the demo directory: {reason}; "
            "pass --path with a new or empty directory"
        )
    if earlier:
        _refuse_if_open(path)
    if path.is_dir():
        for entry in path.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def _refuse_if_open(path: Path) -> None:
    """Raise :class:`DemoPathError` when an Emulator (a running demo) holds the lake."""
    from emulator import Emulator

    try:
        Emulator(path=path).close()
    except LakeLockedError as err:
        raise DemoPathError(
            f"refusing to reset {str(path)!r}: the demo lake is in use ({err})"
        ) from None


def setup_statements(pipelines: Sequence[Pipeline]) -> list[str]:
    """``CREATE DATABASE IF NOT EXISTS`` for the pipelines' databases (plans assume them)."""
    names = sorted({p.database for p in pipelines if p.database})
    return [
        generate(exp.Create(this=exp.Table(this=identifier(n)), kind="DATABASE", exists=True))
        for n in names
    ]


def _session_now(emu: Emulator) -> datetime:
    """The emulator's session-local wallclock, as ``_INGESTED_AT`` defaults store it."""
    now_ntz = exp.Cast(
        this=exp.CurrentTimestamp(), to=exp.DataType.build("TIMESTAMP_NTZ", dialect="snowflake")
    )
    value: datetime = emu.sql(generate(exp.select(now_ntz))).column(0)[0].as_py()
    return value


def holds_latest(emu: Emulator, table: ObjectName, key: str, expected: Mapping[int, Row]) -> bool:
    """True when ``table`` holds exactly one row per expected key, equal to the expected row."""
    query = exp.select(*(column(c) for c in next(iter(expected.values())))).from_(table.table())
    actual = emu.sql(generate(query)).to_pylist()
    if len(actual) != len(expected):
        return False
    for row in actual:
        want = expected.get(int(row[key]))
        if want is None or any(row[name] != value for name, value in want.items()):
            return False
    return True


def metadata_location(emu: Emulator, table: ObjectName) -> str:
    """The Iceberg metadata file of ``table`` (SYSTEM$GET_ICEBERG_TABLE_INFORMATION)."""
    call = exp.Anonymous(
        this="SYSTEM$GET_ICEBERG_TABLE_INFORMATION", expressions=[exp.Literal.string(table.sql())]
    )
    info = json.loads(emu.sql(generate(exp.select(call))).column(0)[0].as_py())
    return str(info.get("metadataLocation", ""))


def run_demo(
    out: TextIO,
    *,
    path: Path | None = DEFAULT_PATH,
    minutes: int = 30,
    seed: int = 7,
) -> DemoResult:
    """Run the demo, printing progress and a summary to ``out``.

    ``path`` is the emulator directory (``None``: in memory). An earlier demo lake there is
    replaced, so every run starts from the same state; any other non-empty directory raises
    :class:`DemoPathError` (see :func:`prepare_path`).
    """
    from emulator import Emulator

    if path is not None:
        prepare_path(path)
    pipelines = list(example.PIPELINES)
    orders, order_items = pipelines
    traffic = OrderTraffic(seed=seed)
    where = str(path) if path is not None else "memory"
    out.write(f"Deploying {len(pipelines)} pipelines to the embedded emulator ({where})\n")
    with Emulator(path=path) as emu:
        emu.execute_script(setup_statements(pipelines) + example.render_all(pipelines))
        staged = 0
        for minute in range(1, minutes + 1):
            batch = traffic.minute(_session_now(emu))
            staged += orders.ingest(emu, batch.orders)
            staged += order_items.ingest(emu, batch.order_items)
            emu.advance("1 minute")
            _progress(out, minute, minutes, staged)
        emu.advance("1 minute")  # one more tick loads the last batch
        statuses = tuple(p.status(emu) for p in pipelines)
        expected = {orders.name: traffic.latest_orders, order_items.name: traffic.latest_items}
        keys = {orders.name: "ORDER_ID", order_items.name: "ORDER_ITEM_ID"}
        verified: dict[str, bool] = {}
        locations: dict[str, str] = {}
        for p in pipelines:
            assert p.target is not None
            verified[p.name] = holds_latest(emu, p.target.table, keys[p.name], expected[p.name])
            locations[p.name] = metadata_location(emu, p.target.table)
    result = DemoResult(statuses=statuses, verified=verified, metadata_locations=locations)
    _print_summary(out, result)
    return result


def _progress(out: TextIO, minute: int, minutes: int, staged: int) -> None:
    """A progress bar redrawn in place on a terminal; a line per tenth when piped."""
    done = _BAR * minute // minutes
    line = f"  [{'#' * done}{'.' * (_BAR - done)}] minute {minute}/{minutes}  rows staged {staged}"
    if out.isatty():
        out.write("\r" + line + ("\n" if minute == minutes else ""))
        out.flush()
    elif minute == minutes or minute % max(1, minutes // 10) == 0:
        out.write(line + "\n")


def _print_summary(out: TextIO, result: DemoResult) -> None:
    for status in result.statuses:
        runs = ", ".join(f"{n} {s}" for s, n in sorted((status.runs_by_state or {}).items()))
        verdict = "yes" if result.verified[status.pipeline] else "NO"
        out.write(
            f"\n{status.pipeline}\n"
            f"  rows waiting in staging   {status.staged_rows}\n"
            f"  rows in the Iceberg table {status.target_rows}\n"
            f"  stream has data           {status.stream_has_data}\n"
            f"  lag                       {status.lag_seconds} s\n"
            f"  load task runs            {runs}\n"
            f"  latest row per key        {verdict}\n"
            f"  Iceberg metadata          {result.metadata_locations[status.pipeline]}\n"
        )
    out.write(
        "\nAny Iceberg reader can open the tables from their metadata files, e.g. DuckDB:\n"
        "  SELECT * FROM iceberg_scan('<metadata file>')\n"
    )
