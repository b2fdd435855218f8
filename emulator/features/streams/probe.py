"""A cheap SYSTEM$STREAM_HAS_DATA for task ticks.

Every scheduled task tick may evaluate ``SYSTEM$STREAM_HAS_DATA`` in its WHEN clause, so
the check avoids catalog reads and writes where it can:

* stream metadata (the stream row, its table and change reader) is cached per committed
  generation (``emu.commit_count``) and never trusted inside an explicit transaction. A
  dynamic table's row is re-read every time, because scheduled refreshes commit on their
  own;
* the "touch" that restarts an empty stream's staleness period
  (https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data) is kept in
  memory and written with the next committed statement, at COMMIT or when the emulator
  closes; it is written at once when the stored value is :data:`WRITE_THROUGH` old, so a
  process that never commits again loses at most that much of the staleness period.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from emulator import errors
from emulator.core import stream_objects as objects
from emulator.core.catalog import DYNAMIC_TABLE, STREAM, CatalogObject
from emulator.core.changes import ChangeSource
from emulator.core.stream_objects import Stream
from emulator.features.streams.staleness import has_data, live_source, stream_reader
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: A deferred touch is written at once when the stored staleness base is this old.
WRITE_THROUGH = timedelta(days=1)


@dataclass
class _Entry:
    stream: Stream
    base: CatalogObject | None  # None: dropped, replaced or not tracked (stale)
    reader: ChangeSource | None


class StreamProbe:
    """Per-emulator cache of stream metadata and of pending staleness touches."""

    def __init__(self, emu: Engine) -> None:
        self.emu = emu
        self._generation: int | None = None
        self._entries: dict[ObjectName, _Entry] = {}
        self._touches: dict[int, datetime] = {}  # stream id -> last empty check

    # -- SYSTEM$STREAM_HAS_DATA ------------------------------------------------------------

    def has_data(self, name: ObjectName) -> bool:
        """SYSTEM$STREAM_HAS_DATA for ``name`` using cached metadata where it is current."""
        entry = self._entry(name)
        if entry.base is not None and entry.base.kind == DYNAMIC_TABLE:
            self._refresh_base(entry)
        return has_data(self.emu, entry.stream, source=entry.base, reader=entry.reader)

    def _entry(self, name: ObjectName) -> _Entry:
        emu = self.emu
        cacheable = not emu.in_transaction
        if not cacheable or self._generation != emu.commit_count:
            self._entries = {}
            self._generation = emu.commit_count if cacheable else None
        entry = self._entries.get(name)
        if entry is not None:
            return entry
        obj = emu.catalog.find(name)
        if obj is None or obj.kind != STREAM:
            raise errors.object_does_not_exist(str(name), "Stream")
        entry = self._load(objects.from_object(obj))
        if cacheable:
            self._entries[name] = entry
        return entry

    def _load(self, stream: Stream) -> _Entry:
        base = live_source(self.emu, stream)
        reader = stream_reader(self.emu, stream, base) if base is not None else None
        return _Entry(stream, base, reader)

    def _refresh_base(self, entry: _Entry) -> None:
        """Scheduled refreshes move a dynamic table's version without a counted commit."""
        assert entry.base is not None
        fresh = self.emu.catalog.by_id(entry.base.id)
        if fresh is None or fresh.kind != DYNAMIC_TABLE or not fresh.change_tracking:
            entry.base, entry.reader = None, None
        elif fresh.version != entry.base.version:
            entry.base, entry.reader = fresh, stream_reader(self.emu, entry.stream, fresh)

    # -- deferred touches ------------------------------------------------------------------

    def stale_base(self, stream: Stream) -> datetime:
        """The start of the stream's staleness period, counting a touch not yet written."""
        pending = self._touches.get(stream.id)
        return max(stream.stale_base, pending) if pending is not None else stream.stale_base

    def touch(self, stream: Stream, now: datetime) -> None:
        """Restart the staleness period (an empty SYSTEM$STREAM_HAS_DATA); written later."""
        if now - stream.stale_base < WRITE_THROUGH:
            self._touches[stream.id] = max(now, self._touches.get(stream.id, now))
            return
        objects.touch(self.emu, stream, now)
        self._touches.pop(stream.id, None)
        for entry in self._entries.values():  # the write is not a counted commit
            if entry.stream.id == stream.id:
                entry.stream = replace(entry.stream, stale_base=now)

    def flush(self) -> None:
        """Write pending touches in the caller's transaction (before a COMMIT, at close)."""
        touches, self._touches = self._touches, {}
        for stream_id, at in touches.items():
            stream = objects.load(self.emu, stream_id)
            if stream is not None and at > stream.stale_base:
                objects.touch(self.emu, stream, at)
