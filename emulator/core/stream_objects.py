"""Stream metadata: what a stream is, stored as a catalog row of kind STREAM.

A stream stores no data (https://docs.snowflake.com/en/user-guide/streams-intro): only an
*offset* (a version of its source) and its options. The catalog row keeps the offset in
``version`` and the rest in ``properties``, so it is transactional with every other write
and survives reopening a persistent emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from emulator.core.catalog import STREAM, TABLE, CatalogObject, utc_aware, utc_naive
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: SHOW STREAMS ``type`` is "currently DELTA only" (show-streams).
STREAM_TYPE = "DELTA"


@dataclass(frozen=True)
class Stream:
    """A stream read from its catalog row."""

    obj: CatalogObject
    source_id: int
    source_name: ObjectName
    base_id: int  # the table whose change log feeds the stream (the source, or a view's table)
    source_kind: str
    mode: str
    initial_rows: bool
    stale_base: datetime
    #: change tracking on the base table was switched off (and maybe on) since creation
    tracking_reset: bool = False

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def name(self) -> ObjectName:
        return self.obj.name

    @property
    def offset(self) -> int:
        """The source version the stream's changes start after."""
        return self.obj.version

    @property
    def append_only(self) -> bool:
        return self.mode == "APPEND_ONLY"


def from_object(obj: CatalogObject) -> Stream:
    """The stream described by a catalog row of kind STREAM."""
    props = obj.properties
    source = props["source"]
    return Stream(
        obj=obj,
        source_id=int(props["source_id"]),
        source_name=ObjectName(source[0], source[1], source[2]),
        base_id=int(props.get("base_id", props["source_id"])),
        source_kind=str(props.get("source_kind", TABLE)),
        mode=str(props.get("mode", "DEFAULT")),
        initial_rows=bool(props.get("initial_rows", False)),
        stale_base=utc_aware(datetime.fromisoformat(props["stale_base"])),
        tracking_reset=bool(props.get("tracking_reset", False)),
    )


def properties(
    source: CatalogObject,
    base: CatalogObject,
    *,
    mode: str,
    initial_rows: bool,
    stale_base: datetime,
) -> dict[str, Any]:
    """The ``properties`` JSON of a stream's catalog row."""
    return {
        "source_id": source.id,
        "base_id": base.id,
        "base_name": list(base.name.parts),
        "source": list(source.name.parts),
        "source_kind": source.kind,
        "mode": mode,
        "initial_rows": initial_rows,
        "stale_base": utc_naive(stale_base).isoformat(),
    }


def load(emu: Engine, stream_id: int) -> Stream | None:
    """The stream with this catalog id, read in the current transaction."""
    obj = emu.catalog.by_id(stream_id)
    return from_object(obj) if obj is not None and obj.kind == STREAM else None


def save_offset(emu: Engine, stream: Stream, offset: int, *, consumed_at: datetime | None) -> None:
    """Move the offset; consumption (``consumed_at``) also moves STALE_AFTER forward and ends
    SHOW_INITIAL_ROWS' first read."""
    props = dict(stream.obj.properties)
    if consumed_at is not None:
        props["stale_base"] = utc_naive(consumed_at).isoformat()
        props["initial_rows"] = False
    emu.catalog.update_object(stream.id, version=offset, properties=props)


def touch(emu: Engine, stream: Stream, now: datetime) -> None:
    """Restart the staleness period without moving the offset (SYSTEM$STREAM_HAS_DATA on an
    empty stream, https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data)."""
    props = dict(stream.obj.properties)
    props["stale_base"] = utc_naive(now).isoformat()
    emu.catalog.update_object(stream.id, properties=props)


def mark_stale(emu: Engine, stream: Stream) -> None:
    """Make the stream stale for good: its base table's change tracking was reset."""
    props = dict(stream.obj.properties)
    props["tracking_reset"] = True
    emu.catalog.update_object(stream.id, properties=props)


def stale_after(stream: Stream, source: CatalogObject | None) -> datetime:
    """Last consumption + max(DATA_RETENTION_TIME_IN_DAYS, MAX_DATA_EXTENSION_TIME_IN_DAYS)
    (https://docs.snowflake.com/en/user-guide/streams-intro#data-retention-period-and-staleness)."""
    retention = source.retention_days if source is not None else 1
    extension = source.max_extension_days if source is not None else 14
    return stream.stale_base + timedelta(days=max(retention, extension))
