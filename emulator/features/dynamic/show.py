"""SHOW DYNAMIC TABLES and DESCRIBE DYNAMIC TABLE.

Columns of https://docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables (those the
emulator can fill; ``bytes``, ``immutable_where`` and ``execute_as_user`` are omitted rather
than invented) and
https://docs.snowflake.com/en/sql-reference/sql/desc-dynamic-table.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE
from emulator.core.dynamic_spec import spec_of
from emulator.core.engine import Outcome
from emulator.core.listing import Listing, clauses_of, objects_in, show, show_scope
from emulator.core.object_facts import DESCRIBE_COLUMNS, describe_rows

if TYPE_CHECKING:
    from emulator.core.engine import Engine

OWNER = "ACCOUNTADMIN"

_SCHEMA = pa.schema(
    [
        ("created_on", pa.timestamp("us", tz="UTC")),
        ("name", pa.string()),
        ("database_name", pa.string()),
        ("schema_name", pa.string()),
        ("cluster_by", pa.string()),
        ("rows", pa.int64()),
        ("owner", pa.string()),
        ("target_lag", pa.string()),
        ("scheduler", pa.string()),
        ("refresh_mode", pa.string()),
        ("refresh_mode_reason", pa.string()),
        ("warehouse", pa.string()),
        ("comment", pa.string()),
        ("text", pa.string()),
        ("automatic_clustering", pa.string()),
        ("scheduling_state", pa.string()),
        ("last_suspended_on", pa.timestamp("us", tz="UTC")),
        ("is_clone", pa.string()),
        ("is_replica", pa.string()),
        ("is_iceberg", pa.string()),
        ("data_timestamp", pa.timestamp("us", tz="UTC")),
        ("owner_role_type", pa.string()),
    ]
)


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


#: SHOW DYNAMIC TABLES output (no TERSE form is documented).
LISTING = Listing(_SCHEMA)


def dynamic_table_rows(emu: Engine, objects: list[Any]) -> list[dict[str, Any]]:
    """Rows of SHOW DYNAMIC TABLES for ``objects`` (already scoped)."""
    rows: list[dict[str, Any]] = []
    for obj in objects:
        if obj.kind != DYNAMIC_TABLE:
            continue
        spec = spec_of(obj)
        count = exp.select(exp.Count(this=exp.Star())).from_(obj.base())
        row = sql.run(emu.con, count).fetchone()
        rows.append(
            {
                "created_on": obj.created_on,
                "name": obj.name.name,
                "database_name": obj.name.database,
                "schema_name": obj.name.schema,
                "cluster_by": "",
                "rows": int(row[0]) if row else 0,
                "owner": OWNER,
                "target_lag": spec.target_lag,
                "scheduler": spec.scheduler,
                "refresh_mode": spec.refresh_mode,
                "refresh_mode_reason": spec.refresh_mode_reason,
                "warehouse": spec.warehouse,
                "comment": obj.comment or "",
                "text": spec.text,
                "automatic_clustering": "OFF",
                "scheduling_state": "SUSPENDED" if spec.suspended else "RUNNING",
                "last_suspended_on": _instant(spec.last_suspended_on),
                "is_clone": "false",
                "is_replica": "false",
                "is_iceberg": "true" if spec.is_iceberg else "false",
                "data_timestamp": _instant(spec.data_timestamp),
                "owner_role_type": "ROLE",
            }
        )
    return rows


def describe_dynamic_table(emu: Engine, table: exp.Table) -> Outcome:
    """DESCRIBE DYNAMIC TABLE: one row per column, like DESCRIBE TABLE."""
    obj = emu.resolver.require(table, "DESCRIBE DYNAMIC TABLE", (DYNAMIC_TABLE,), "Dynamic table")
    schema = pa.schema([(c, pa.string()) for c in DESCRIBE_COLUMNS])
    result = pa.Table.from_pylist(describe_rows(emu, obj), schema=schema)
    return Outcome(result, result.num_rows)


def run_show(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW DYNAMIC TABLES [LIKE …] [IN …] [STARTS WITH …] [LIMIT … [FROM …]]."""
    clauses = clauses_of(node, sql)
    objects = objects_in(emu, show_scope(emu, clauses, "SHOW DYNAMIC TABLES"), (DYNAMIC_TABLE,))
    return show(node, sql, LISTING, dynamic_table_rows(emu, objects), clauses)


def run_describe(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DESCRIBE DYNAMIC TABLE <name>."""
    assert isinstance(node.this, exp.Table)
    return describe_dynamic_table(emu, node.this)
