"""How far back a tracked table's change log reaches.

``__ib.change_history(object_id, since_version)`` records the first version the log can
rebuild: the version tracking was switched on by a stream, raised by :mod:`purge` when old
records are compacted. Tables whose tracking was switched on by ALTER TABLE have no row;
their log's first record (the BASELINE) marks the start instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.core.catalog import META_SCHEMA, CatalogObject

if TYPE_CHECKING:
    from emulator.core.engine import Engine

TABLE_NAME = f"{META_SCHEMA}.change_history"


def _exists(emu: Engine) -> bool:
    row = emu.con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'change_history'",
        [META_SCHEMA],
    ).fetchone()
    return row is not None


def _ensure(emu: Engine) -> None:
    emu.con.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE_NAME} (object_id BIGINT, since_version BIGINT)"
    )


def enable_tracking(emu: Engine, obj: CatalogObject) -> CatalogObject:
    """Switch CHANGE_TRACKING on for ``obj`` (creating a stream does this,
    https://docs.snowflake.com/en/sql-reference/sql/create-stream); returns the fresh row."""
    if not obj.change_tracking:
        emu.catalog.update_object(obj.id, change_tracking=True)
        emu.capture.enable(obj)
        set_since(emu, obj, obj.version)
    fresh = emu.catalog.by_id(obj.id)
    assert fresh is not None
    return fresh


def set_since(emu: Engine, obj: CatalogObject, version: int) -> None:
    """Record that the log rebuilds versions from ``version`` on."""
    _ensure(emu)
    emu.con.execute(f"DELETE FROM {TABLE_NAME} WHERE object_id = ?", [obj.id])
    emu.con.execute(f"INSERT INTO {TABLE_NAME} VALUES (?, ?)", [obj.id, version])


def since(emu: Engine, obj: CatalogObject) -> int:
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


def forget(emu: Engine, object_id: int) -> None:
    """Drop the record of a dropped table."""
    if _exists(emu):
        emu.con.execute(f"DELETE FROM {TABLE_NAME} WHERE object_id = ?", [object_id])
