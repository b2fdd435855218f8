"""Table references that read history: streams, CHANGES clauses and AT | BEFORE.

Each is materialised into a session temporary table (its size is the delta's, not the
source's) and the query reads that table under the reference's alias. An insert-only stream
delta (plain ingest) is a session temporary view instead: a version filter on the change
log that later writes cannot change, read once by the consuming statement.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import duckdb
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE, STREAM, TABLE, CatalogObject
from emulator.core.changes import BEGINNING, NativeSource, source_for
from emulator.core.stream_objects import from_object
from emulator.features.streams.consume import tracker_of
from emulator.features.streams.staleness import require_source, stream_reader
from emulator.features.streams.time_travel import point_version

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def is_history_reference(obj: CatalogObject, table: exp.Table) -> bool:
    """Whether reading ``table`` needs this module (a stream, CHANGES or AT | BEFORE)."""
    return obj.kind == STREAM or bool(table.args.get("changes") or table.args.get("when"))


def relation(emu: Engine, obj: CatalogObject, table: exp.Table) -> exp.Expression:
    """The DuckDB relation for a stream read, a CHANGES clause or a time-travel read."""
    if obj.kind == STREAM:
        if table.args.get("changes") or table.args.get("when"):
            raise errors.unsupported("AT | BEFORE | CHANGES on a stream")
        return _stream(emu, obj, table)
    if obj.kind not in (TABLE, DYNAMIC_TABLE):  # a dynamic table keeps a native change log
        raise errors.unsupported(f"AT | BEFORE | CHANGES on a {obj.kind.lower()}")
    if not obj.change_tracking:
        raise errors.change_tracking_not_enabled(str(obj.name))
    changes = table.args.get("changes")
    if isinstance(changes, exp.Changes):
        return _changes(emu, obj, table, changes)
    point = table.args.get("when")
    assert isinstance(point, exp.HistoricalData)
    version = point_version(emu, obj, point)
    image = source_for(emu, obj).image_sql(version)
    return _materialise(emu, f"__ib_at_{obj.id}_{version}", image, table)


def _stream(emu: Engine, obj: CatalogObject, table: exp.Table) -> exp.Expression:
    stream = from_object(obj)
    source = require_source(emu, stream)
    reader = stream_reader(emu, stream, source)
    end = reader.current_version()
    start = BEGINNING if stream.initial_rows else stream.offset
    name = f"__ib_stream_{stream.id}"
    plain = reader.insert_delta_sql(start, end) if isinstance(reader, NativeSource) else None
    tracker_of(emu).read(stream.id, end)
    if plain is not None:
        # Insert-only deltas are a filter on log versions that no later write can change
        # (new records get newer versions), so a view reads them once, in the consuming
        # statement, computing only the columns it uses.
        return _materialise(emu, name, plain, table, view=True)
    delta = reader.delta_sql(start, end, append_only=stream.append_only)
    return _materialise(emu, name, delta, table)


def _changes(
    emu: Engine, obj: CatalogObject, table: exp.Table, changes: exp.Changes
) -> exp.Expression:
    """``CHANGES(INFORMATION => DEFAULT | APPEND_ONLY) AT|BEFORE(…) [END(…)]``: read-only,
    END inclusive, now without END (https://docs.snowflake.com/en/sql-reference/constructs/changes)."""
    info = changes.args.get("information")
    mode = str(info.name if isinstance(info, exp.Expression) else info or "DEFAULT").upper()
    if mode not in ("DEFAULT", "APPEND_ONLY"):
        raise errors.invalid_value("INFORMATION", mode)
    start_point = changes.args.get("at_before")
    if not isinstance(start_point, exp.HistoricalData):
        raise errors.generic(
            "SQL compilation error:\nCHANGES needs an AT or BEFORE clause.",
            errno=1003,
            sqlstate="42000",
        )
    reader = source_for(emu, obj)
    start = point_version(emu, obj, start_point)
    end_point = changes.args.get("end")
    end = (
        point_version(emu, obj, end_point)
        if isinstance(end_point, exp.HistoricalData)
        else reader.current_version()
    )
    delta = reader.delta_sql(start, max(start, end), append_only=mode == "APPEND_ONLY")
    name = f"__ib_changes_{obj.id}_{start}_{end}_{mode.lower()}"
    return _materialise(emu, name, delta, table)


def _materialise(
    emu: Engine, name: str, query: exp.Expression, table: exp.Table, *, view: bool = False
) -> exp.Expression:
    with contextlib.suppress(duckdb.Error):  # the name may hold the other kind
        sql.run(emu.con, sql.drop(name, view=not view))
    sql.run(emu.con, sql.create_temp(name, query, view=view))
    tracker_of(emu).materialised(name)
    alias = table.args.get("alias")
    if alias is None:
        alias = exp.TableAlias(this=sql.ident(table.name))
    # temp.main.<name>: explicit, so a session search path cannot shadow it.
    return exp.Table(
        this=sql.ident(name), db=sql.ident("main"), catalog=sql.ident("temp"), alias=alias.copy()
    )
