"""Reading Iceberg tables in queries: the current snapshot, or an older one with AT.

DuckDB reads the snapshot's Parquet files (``IcebergStore.relation``).
``AT(TIMESTAMP => …)`` / ``AT(OFFSET => …)`` / ``BEFORE(…)`` pick the snapshot current
at that instant on the emulator clock
(https://docs.snowflake.com/en/sql-reference/constructs/at-before).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import CatalogObject
from emulator.core.points import point_instant
from emulator.translate.relations import SCRATCH_PREFIX

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def relation(emu: Engine, obj: CatalogObject, table: exp.Table) -> exp.Expression:
    """The DuckDB relation for a reference to the Iceberg table ``obj``."""
    if table.args.get("changes"):
        raise errors.unsupported(f"CHANGES on Iceberg table {obj.name.sql()}")
    store = emu.lake.store
    point = table.args.get("when")
    if isinstance(point, exp.HistoricalData):
        snapshot = snapshot_at_point(emu, obj, point)
        if snapshot is None:  # the table existed but had no rows yet
            rel = store.file_relation(obj.name, [])
        else:
            rel = store.relation(obj.name, snapshot_id=snapshot)
        key = f"s{snapshot}"
    else:
        rel = store.relation(obj.name)
        key = "current"
    # A temporary view keeps the DuckDB relation opaque to the Snowflake translation.
    view = f"{SCRATCH_PREFIX}ice_{obj.id}_{key}"
    sql.run(emu.con, sql.create_temp(view, rel.this, view=True))
    alias = table.args.get("alias")
    return exp.Table(
        this=sql.ident(view),
        alias=alias.copy()
        if alias is not None
        else exp.TableAlias(this=exp.to_identifier(table.name)),
    )


def snapshot_at_point(emu: Engine, obj: CatalogObject, point: exp.HistoricalData) -> int | None:
    """The snapshot an AT | BEFORE (TIMESTAMP | OFFSET) clause designates."""
    which = str(point.this).upper()
    kind = str(point.args.get("kind")).upper()
    if kind not in ("TIMESTAMP", "OFFSET"):
        raise errors.unsupported(f"{which} ({kind} => …) on Iceberg table {obj.name.sql()}")
    now = emu.now
    instant = point_instant(emu, kind, point.expression)
    if which == "BEFORE":
        instant -= timedelta(microseconds=1)
    if instant > now or instant < now - timedelta(days=obj.retention_days):
        raise errors.time_travel_not_available(str(obj.name))
    return emu.lake.store.snapshot_at(obj.name, instant)
