"""SHOW ICEBERG TABLES (https://docs.snowflake.com/en/sql-reference/sql/show-iceberg-tables)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core.catalog import ICEBERG_TABLE, CatalogObject
from emulator.core.engine import Outcome
from emulator.core.listing import like_filter, scoped_objects

if TYPE_CHECKING:
    from emulator.core.engine import Engine

OWNER = "ACCOUNTADMIN"
_STRING_COLUMNS = (
    "name",
    "database_name",
    "schema_name",
    "owner",
    "external_volume_name",
    "catalog_name",
    "iceberg_table_type",
    "catalog_table_name",
    "catalog_namespace",
    "base_location",
    "can_write_metadata",
    "invalid",
    "invalid_reason",
    "owner_role_type",
    "auto_refresh_status",
    "auto_refresh",
    "comment",
)


def show_iceberg_tables(
    emu: Engine, objs: list[CatalogObject], like: Callable[[str], bool]
) -> Outcome:
    """One row per Iceberg table, ordered by database, schema and name."""
    rows: list[dict[str, Any]] = []
    for o in sorted(objs, key=lambda o: o.name.parts):
        if not like(o.name.name):
            continue
        rows.append(
            {
                "created_on": o.created_on,
                "name": o.name.name,
                "database_name": o.name.database,
                "schema_name": o.name.schema,
                "owner": OWNER,
                "external_volume_name": o.properties.get("external_volume", "SNOWFLAKE_MANAGED"),
                "catalog_name": "SNOWFLAKE",
                "iceberg_table_type": "MANAGED",
                "catalog_table_name": None,
                "catalog_namespace": None,
                "base_location": o.properties.get("base_location") or "",
                "can_write_metadata": "Y",
                "invalid": "N",
                "invalid_reason": None,
                "owner_role_type": "ROLE",
                "last_refreshed_on": None,
                "auto_refresh_status": None,
                "auto_refresh": "false",
                "comment": o.comment or "",
            }
        )
    fields = [pa.field("created_on", pa.timestamp("us", tz="UTC"))]
    fields += [pa.field(n, pa.string()) for n in _STRING_COLUMNS[:15]]
    fields.append(pa.field("last_refreshed_on", pa.timestamp("us", tz="UTC")))
    fields += [pa.field(n, pa.string()) for n in _STRING_COLUMNS[15:]]
    schema = pa.schema(fields)
    table = pa.Table.from_pylist(rows, schema=schema)
    return Outcome(table, table.num_rows)


def run_show_iceberg(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW ICEBERG TABLES [LIKE '…'] [IN …]: Iceberg tables only."""
    objects = scoped_objects(emu, node, ICEBERG_TABLE)
    return show_iceberg_tables(emu, objects, like_filter(node.args.get("like")))
