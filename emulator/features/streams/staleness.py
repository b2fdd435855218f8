"""Stale streams and SYSTEM$STREAM_HAS_DATA.

A stream is stale when its source was replaced or dropped (CREATE OR REPLACE TABLE drops
the history: https://docs.snowflake.com/en/user-guide/streams-intro), when its table's change
tracking was switched off (and on again) since the stream was created, or when the emulator
clock is past STALE_AFTER. A stale stream cannot be read; it must be recreated.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE, ICEBERG_TABLE, TABLE, VIEW, CatalogObject
from emulator.core.changes import BEGINNING, ChangeSource, source_for
from emulator.core.stream_objects import Stream, stale_after
from emulator.features.streams.touches import touches_of

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Kinds of table a stream can read (its source or its view's table).
_SOURCE_KINDS = (TABLE, ICEBERG_TABLE, DYNAMIC_TABLE)


def live_source(emu: Engine, stream: Stream) -> CatalogObject | None:
    """The table feeding the stream (its source, or its view's table), or None when the
    source or that table was dropped or replaced."""
    if stream.tracking_reset:
        return None
    if stream.base_id != stream.source_id:
        view = emu.catalog.by_id(stream.source_id)
        if view is None or view.kind != VIEW:
            return None
    base = emu.catalog.by_id(stream.base_id)
    if base is not None and base.kind == VIEW:  # a view over several tables: all live
        from emulator.features.streams.view_points import live_bases

        return base if live_bases(emu, base) is not None else None
    if base is None or base.kind not in _SOURCE_KINDS or not base.change_tracking:
        return None
    return base


def stream_reader(emu: Engine, stream: Stream, base: CatalogObject) -> ChangeSource:
    """The change source a stream reads: its table, or its view over ``base``."""
    if stream.base_id == stream.source_id:
        return source_for(emu, base)
    from emulator.features.streams.views import ViewSource

    view = emu.catalog.by_id(stream.source_id)
    assert view is not None
    return ViewSource(emu, view, base)


def stale_time(emu: Engine, stream: Stream, source: CatalogObject | None) -> datetime:
    """STALE_AFTER, counting a staleness touch not yet written (:mod:`probe`)."""
    base = touches_of(emu).stale_base(stream)
    return stale_after(replace(stream, stale_base=base), source)


def is_stale(emu: Engine, stream: Stream) -> bool:
    """SHOW STREAMS ``stale``: the source is gone or the clock is past STALE_AFTER."""
    source = live_source(emu, stream)
    return source is None or emu.now > stale_time(emu, stream, source)


def require_source(
    emu: Engine, stream: Stream, source: CatalogObject | Literal[False] | None = False
) -> CatalogObject:
    """The source of a readable stream (looked up unless given); the stale error otherwise."""
    if source is False:
        source = live_source(emu, stream)
    if source is None or emu.now > stale_time(emu, stream, source):
        raise errors.stream_stale(str(stream.name))
    return source


def has_data(
    emu: Engine,
    stream: Stream,
    *,
    source: CatalogObject | Literal[False] | None = False,
    reader: ChangeSource | None = None,
) -> bool:
    """Whether the stream may have change records (never a false negative).

    Compares the source's current version with the offset and looks at the log only when
    they differ (https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data).
    FALSE restarts the staleness period, as calling it on an empty stream does in Snowflake.
    ``source`` and ``reader`` may come from a cache (:mod:`probe`); looked up otherwise.
    """
    table = require_source(emu, stream, source)
    if reader is None:
        reader = stream_reader(emu, stream, table)
    end = reader.current_version()
    start = BEGINNING if stream.initial_rows else stream.offset
    found = reader.has_changes(start, end, append_only=stream.append_only)
    if stream.initial_rows and not found:
        any_row = exp.select(exp.Literal.number(1)).from_(table.base()).limit(1)
        found = sql.run(emu.con, any_row).fetchone() is not None
    if not found:
        touches_of(emu).touch(stream, emu.now)
    return found
