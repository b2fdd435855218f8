"""How far back a tracked table's change log reaches.

``__ib.change_history(object_id, since_version)`` records the first version the log can
rebuild: the version tracking was switched on by a stream, raised by :mod:`purge` when old
records are compacted. Tables whose tracking was switched on by ALTER TABLE have no row;
their log's first record (the BASELINE) marks the start instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.core.catalog import META_SCHEMA, STREAM, VIEW, CatalogObject

if TYPE_CHECKING:
    from emulator.api.emulator import Emulator

TABLE_NAME = f"{META_SCHEMA}.change_history"


def _exists(emu: Emulator) -> bool:
    row = emu.con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'change_history'",
        [META_SCHEMA],
    ).fetchone()
    return row is not None


def _ensure(emu: Emulator) -> None:
    emu.con.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE_NAME} (object_id BIGINT, since_version BIGINT)"
    )


def enable_tracking(emu: Emulator, obj: CatalogObject) -> CatalogObject:
    """Switch CHANGE_TRACKING on for ``obj`` (creating a stream does this,
    https://docs.snowflake.com/en/sql-reference/sql/create-stream); returns the fresh row."""
    if not obj.change_tracking:
        emu.catalog.update_object(obj.id, change_tracking=True)
        emu.capture.enable(obj)
        set_since(emu, obj, obj.version)
    fresh = emu.catalog.by_id(obj.id)
    assert fresh is not None
    return fresh


def set_since(emu: Emulator, obj: CatalogObject, version: int) -> None:
    """Record that the log rebuilds versions from ``version`` on."""
    _ensure(emu)
    emu.con.execute(f"DELETE FROM {TABLE_NAME} WHERE object_id = ?", [obj.id])
    emu.con.execute(f"INSERT INTO {TABLE_NAME} VALUES (?, ?)", [obj.id, version])


def since(emu: Emulator, obj: CatalogObject) -> int:
    """The first version of ``obj`` its change log can rebuild."""
    if _exists(emu):
        row = emu.con.execute(
            f"SELECT since_version FROM {TABLE_NAME} WHERE object_id = ?", [obj.id]
        ).fetchone()
        if row is not None:
            return int(row[0])
    if not obj.change_tracking:
        return obj.version + 1  # no history at all
    # Tracking switched on by CREATE / ALTER TABLE: the BASELINE version, or (an empty table
    # then) the table's creation.
    row = emu.con.execute(
        f"SELECT min(__ib_version) FROM {obj.log().sql('duckdb')} WHERE __ib_action = 'BASELINE'"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def forget(emu: Emulator, object_id: int) -> None:
    """Drop the record of a dropped table."""
    if _exists(emu):
        emu.con.execute(f"DELETE FROM {TABLE_NAME} WHERE object_id = ?", [object_id])


def tracking_toggled(emu: Emulator, obj: CatalogObject) -> None:
    """ALTER TABLE … SET CHANGE_TRACKING switched tracking off or on for ``obj``.

    Turning it off drops the change data, and turning it back on may give rows new ids, so
    the log starts again at the new BASELINE (the since-marker is reset) and every stream on
    the table becomes stale: its offset predates the re-enable and cannot be read
    (https://docs.snowflake.com/en/user-guide/streams-intro#data-retention-period-and-staleness).
    """
    from emulator.features.streams.objects import from_object, mark_stale

    forget(emu, obj.id)
    for row in emu.catalog.objects(kind=STREAM):
        stream = from_object(row)
        if not stream.tracking_reset and _reads(emu, stream.base_id, stream.offset, obj.id):
            mark_stale(emu, stream)


def _reads(emu: Emulator, base_id: int, offset: int, table_id: int) -> bool:
    """Whether a stream with this base and offset reads ``table_id``'s log (directly, or
    through a view over several tables, whose offset names one version per table)."""
    if base_id == table_id:
        return True
    base = emu.catalog.by_id(base_id)
    if base is None or base.kind != VIEW:
        return False
    from emulator.features.streams.view_points import versions_at

    return table_id in versions_at(emu, base_id, offset)
