"""How far back a tracked table's change log reaches.

``__ib.change_history(object_id, since_version)`` records the first version the log can
rebuild: the version tracking was switched on by a stream, raised by :mod:`purge` when old
records are compacted. Tables whose tracking was switched on by ALTER TABLE have no row;
their log's first record (the BASELINE) marks the start instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import META_SCHEMA, CatalogObject
from emulator.core.change_queries import action_is, log_version

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: The table's name in the reserved schema.
NAME = "change_history"


def _object_is(object_id: exp.Expression) -> exp.Expression:
    return exp.EQ(this=sql.column("object_id"), expression=object_id)


def _exists(emu: Engine) -> bool:
    found = (
        exp.select(exp.Literal.number(1))
        .from_(exp.Table(this=exp.Anonymous(this="duckdb_tables")))
        .where(
            exp.and_(
                exp.EQ(this=sql.column("schema_name"), expression=sql.param()),
                exp.EQ(this=sql.column("table_name"), expression=sql.param()),
            )
        )
    )
    return sql.run(emu.con, found, [META_SCHEMA, NAME]).fetchone() is not None


def _ensure(emu: Engine) -> None:
    columns = [sql.column_def("object_id", "BIGINT"), sql.column_def("since_version", "BIGINT")]
    create = exp.Create(
        kind="TABLE", exists=True, this=exp.Schema(this=sql.meta(NAME), expressions=columns)
    )
    sql.run(emu.con, create)


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
    sql.run(emu.con, exp.delete(sql.meta(NAME), where=_object_is(sql.param())), [obj.id])
    row = exp.Values(expressions=[exp.Tuple(expressions=[sql.param(), sql.param()])])
    sql.run(emu.con, exp.insert(row, sql.meta(NAME)), [obj.id, version])


def since(emu: Engine, obj: CatalogObject) -> int:
    """The first version of ``obj`` its change log can rebuild."""
    if _exists(emu):
        recorded = (
            exp.select(sql.column("since_version"))
            .from_(sql.meta(NAME))
            .where(_object_is(sql.param()))
        )
        row = sql.run(emu.con, recorded, [obj.id]).fetchone()
        if row is not None:
            return int(row[0])
    if not obj.change_tracking:
        return obj.version + 1  # no history at all
    # Tracking switched on by CREATE / ALTER TABLE: the BASELINE version, or (an empty table
    # then) the table's creation.
    row = sql.run(emu.con, baseline_version(obj, latest=False)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def baseline_version(obj: CatalogObject, *, latest: bool) -> exp.Select:
    """``SELECT min|max(__ib_version) FROM <log> WHERE __ib_action = 'BASELINE'``: the
    first or last version tracking was switched on at (by CREATE or ALTER TABLE)."""
    pick = exp.Max(this=log_version()) if latest else exp.Min(this=log_version())
    return exp.select(pick).from_(obj.log()).where(action_is("BASELINE"))


def forget(emu: Engine, object_id: int) -> None:
    """Drop the record of a dropped table."""
    if _exists(emu):
        sql.run(emu.con, exp.delete(sql.meta(NAME), where=_object_is(sql.param())), [object_id])
