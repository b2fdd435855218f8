"""Compaction of a tracked table's change log.

A change record is needed while some stream's offset or the time-travel window
(DATA_RETENTION_TIME_IN_DAYS) can still ask for the image before it, or a dynamic table's next
incremental refresh will read the changes after the version it last read. Once every stream has
moved past version M and M is older than the window, the log only needs, per row, its
latest image at or before M, and nothing for rows deleted by then. Purging after each
consumption keeps the log of a busy staging table (insert, consume, delete) bounded; the
work follows the records written since the previous purge.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import change_history as history
from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE, ROW_ID, STREAM, CatalogObject
from emulator.core.changes import (
    aliased,
    in_interval,
    log_action,
    log_version,
    row_number,
    up_to,
    using,
)
from emulator.core.stream_objects import from_object
from emulator.features.streams import view_points
from emulator.features.streams.time_travel import committed_version

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def horizon(emu: Engine, source: CatalogObject) -> int | None:
    """The newest version no reader can ask for an older image than; None: keep all."""
    offsets: list[int] = []
    for obj in emu.catalog.objects(kind=STREAM):
        stream = from_object(obj)
        if stream.base_id != source.id:
            continue
        if stream.initial_rows:
            return None  # the first read rebuilds everything
        offsets.append(stream.offset)
    offsets.extend(_dynamic_reads(emu, source))
    offsets.extend(view_points.table_offsets(emu, source.id))  # streams on join views
    cutoff = emu.now - timedelta(days=source.retention_days)
    window = committed_version(emu, source.id, cutoff) or 0
    if source.retention_days == 0:
        window = source.version
    return min([window, *offsets])


def _dynamic_reads(emu: Engine, source: CatalogObject) -> list[int]:
    """The versions of ``source`` dynamic tables last refreshed from: their next incremental
    refresh reads the changes after it, so compaction must not pass it (or they recompute)."""
    from emulator.core.dynamic_spec import spec_of

    key = str(source.id)
    return [
        spec_of(obj).versions[key]
        for obj in emu.catalog.objects(kind=DYNAMIC_TABLE)
        if key in spec_of(obj).versions
    ]


def purge(emu: Engine, source: CatalogObject) -> int:
    """Compact ``source``'s log up to its horizon; returns the number of records deleted."""
    if not source.change_tracking:
        return 0
    limit = horizon(emu, source)
    previous = history.since(emu, source)
    if limit is None or limit <= previous:
        return 0
    row = sql.run(emu.con, _compaction(source, previous, limit)).fetchone()
    history.set_since(emu, source, limit)
    return int(row[0]) if row else 0


def purge_after_consumption(emu: Engine, source_id: int) -> None:
    """Compact the log of a stream's source after its offset moved."""
    source = emu.catalog.by_id(source_id)
    if source is not None and source.change_tracking and source.base_name is not None:
        purge(emu, source)  # Iceberg sources keep no change log (snapshots are the history)


def _compaction(source: CatalogObject, previous: int, limit: int) -> exp.Delete:
    """DELETE of the records no reader needs among the rows changed in ``(previous, limit]``:
    every record at or before ``limit`` but a row's latest, and that one too when it is a
    DELETE."""
    log = source.log()
    changed = (
        exp.select(sql.column(ROW_ID))
        .distinct()
        .from_(log.copy())
        .where(in_interval(previous, limit))
    )
    rank = row_number(sql.column(ROW_ID, "l"), [log_version("l"), sql.column("rowid", "l")])
    ranked = (
        exp.select(
            exp.alias_(sql.column("rowid", "l"), sql.ident("r")),
            exp.alias_(log_action("l"), sql.ident("a")),
            exp.alias_(rank, sql.ident("n")),
        )
        .from_(aliased(log, "l"))
        .join(
            using(
                exp.Subquery(this=changed, alias=exp.TableAlias(this=sql.ident("c"))),
                ROW_ID,
                "SEMI",
            )
        )
        .where(up_to(limit, "l"))
    )
    dropped = (
        exp.select(sql.column("r"))
        .from_(exp.Subquery(this=ranked))
        .where(
            exp.or_(
                exp.GT(this=sql.column("n"), expression=exp.Literal.number(1)),
                exp.EQ(this=sql.column("a"), expression=exp.Literal.string("DELETE")),
            )
        )
    )
    return exp.delete(log.copy(), where=sql.column("rowid").isin(query=dropped))
