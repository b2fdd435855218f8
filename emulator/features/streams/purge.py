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

from emulator.core import change_history as history
from emulator.core.catalog import DYNAMIC_TABLE, META_SCHEMA, STREAM, CatalogObject, utc_naive
from emulator.core.changes import q
from emulator.core.stream_objects import from_object
from emulator.features.streams import view_points

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
    row = emu.con.execute(
        f"SELECT max(version) FROM {META_SCHEMA}.table_versions "
        "WHERE object_id = ? AND committed_at <= ?",
        [source.id, utc_naive(cutoff)],
    ).fetchone()
    window = int(row[0]) if row and row[0] is not None else 0
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
    log = source.log().sql(dialect="duckdb")
    rid = q("__ib_row_id")
    row = emu.con.execute(
        f"DELETE FROM {log} WHERE rowid IN (SELECT r FROM ("
        f"SELECT l.rowid AS r, l.__ib_action AS a, row_number() OVER (PARTITION BY l.{rid} "
        "ORDER BY l.__ib_version DESC, l.rowid DESC) AS n "
        f"FROM {log} l SEMI JOIN (SELECT DISTINCT {rid} FROM {log} "
        f"WHERE __ib_version > ? AND __ib_version <= ?) c USING ({rid}) "
        "WHERE l.__ib_version <= ?) WHERE n > 1 OR a = 'DELETE')",
        [previous, limit, limit],
    ).fetchone()
    history.set_since(emu, source, limit)
    return int(row[0]) if row else 0


def purge_after_consumption(emu: Engine, source_id: int) -> None:
    """Compact the log of a stream's source after its offset moved."""
    source = emu.catalog.by_id(source_id)
    if source is not None and source.change_tracking and source.base_name is not None:
        purge(emu, source)  # Iceberg sources keep no change log (snapshots are the history)
