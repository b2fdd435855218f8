"""SHOW ICEBERG TABLES (https://docs.snowflake.com/en/sql-reference/sql/show-iceberg-tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core.catalog import ICEBERG_TABLE, CatalogObject
from emulator.core.engine import Outcome
from emulator.core.listing import Listing, clauses_of, objects_in, show, show_scope

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


def iceberg_table_rows(objs: list[CatalogObject]) -> list[dict[str, Any]]:
    """One row per Iceberg table, ordered by database, schema and name."""
    rows: list[dict[str, Any]] = []
    for o in sorted(objs, key=lambda o: o.name.parts):
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
                "kind": "ICEBERG TABLE",
            }
        )
    return rows


_FIELDS = [pa.field("created_on", pa.timestamp("us", tz="UTC"))]
_FIELDS += [pa.field(n, pa.string()) for n in _STRING_COLUMNS[:15]]
_FIELDS.append(pa.field("last_refreshed_on", pa.timestamp("us", tz="UTC")))
_FIELDS += [pa.field(n, pa.string()) for n in _STRING_COLUMNS[15:]]
#: SHOW ICEBERG TABLES output; TERSE shows ``kind`` (always ICEBERG TABLE).
LISTING = Listing(
    pa.schema(_FIELDS), ("created_on", "name", "kind", "database_name", "schema_name")
)


def run_show_iceberg(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW [TERSE] ICEBERG TABLES [LIKE …] [IN …] [STARTS WITH …] [LIMIT …]: Iceberg
    tables only."""
    clauses = clauses_of(node, sql)
    objects = objects_in(emu, show_scope(emu, clauses, "SHOW ICEBERG TABLES"), (ICEBERG_TABLE,))
    return show(node, sql, LISTING, iceberg_table_rows(objects), clauses)
