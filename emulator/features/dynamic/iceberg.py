"""The Iceberg side of dynamic Iceberg tables: the table in the Iceberg store, one snapshot
per refresh that changes it.

``CREATE DYNAMIC ICEBERG TABLE`` (https://docs.snowflake.com/en/user-guide/dynamic-tables/create-iceberg)
makes a Snowflake-managed Iceberg table: CATALOG must be 'SNOWFLAKE', EXTERNAL_VOLUME and
BASE_LOCATION place its files (both optional: the SNOWFLAKE_MANAGED volume), IF NOT EXISTS is
not allowed. Column types follow the Iceberg type mapping of Iceberg tables
(:mod:`emulator.core.iceberg_typing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import CatalogObject, Column
from emulator.core.iceberg_typing import from_query
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_table import CreateDynamicTable

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_ALLOWED = {
    "TARGET_LAG",
    "WAREHOUSE",
    "EXTERNAL_VOLUME",
    "CATALOG",
    "BASE_LOCATION",
    "ICEBERG_VERSION",
    "REFRESH_MODE",
    "INITIALIZE",
    "DATA_RETENTION_TIME_IN_DAYS",
    "MAX_DATA_EXTENSION_TIME_IN_DAYS",
    "SCHEDULER",
    "INITIALIZATION_WAREHOUSE",
    "TARGET_FILE_SIZE",
    "PATH_LAYOUT",
}


def check_options(emu: Engine, node: CreateDynamicTable) -> None:
    """Refuse what a dynamic Iceberg table cannot have, naming it."""
    if node.if_not_exists:
        # [DCI]: IF NOT EXISTS is not supported for dynamic Iceberg tables (a syntax error).
        raise errors.syntax_error(1, 0, "IF")
    catalog = node.catalog
    if catalog is not None and catalog.upper() != "SNOWFLAKE":
        raise errors.unsupported(f"CATALOG = '{catalog}' (dynamic Iceberg tables are managed)")
    volume = node.external_volume
    if volume is not None and not emu.lake.volume_exists(volume):
        raise errors.external_volume_does_not_exist(volume)
    for option in node.option_names():
        if option and option not in _ALLOWED:
            raise errors.unsupported(f"DYNAMIC ICEBERG TABLE option {option}")
    if node.partition_by:
        raise errors.unsupported("PARTITION BY on a dynamic Iceberg table")


def iceberg_columns(columns: list[Column], version: int) -> list[Column]:
    """The columns with Iceberg-legal types (VARCHAR(n) -> STRING, NUMBER kept, …)."""
    out: list[Column] = []
    for column in columns:
        typed = from_query(column.name, column.data_type, version).column
        out.append(Column(column.name, typed.data_type, True, None, column.comment))
    return out


def create_storage(
    emu: Engine, node: CreateDynamicTable, name: ObjectName, columns: list[Column]
) -> None:
    """Create (or replace) the Iceberg table of a dynamic Iceberg table."""
    from emulator.iceberg import IcebergColumn

    version = node.iceberg_version or 2
    ice = [
        IcebergColumn(c.name, from_query(c.name, c.data_type, version).iceberg, False, c.comment)
        for c in columns
    ]
    store = emu.lake.store
    store.create_table(
        name,
        ice,
        external_volume=node.external_volume,
        base_location=node.base_location,
        replace=store.exists(name),
        format_version=version,
    )


def drop_storage(emu: Engine, obj: CatalogObject) -> None:
    """Drop the Iceberg table of a dynamic Iceberg table."""
    store = emu.lake.store
    if store.exists(obj.name):
        store.drop_table(obj.name)


def commit_rows(emu: Engine, obj: CatalogObject, rows: pa.Table) -> int | None:
    """Make ``rows`` the Iceberg table's content in one write; the new snapshot id (None:
    the table was and stays empty, nothing committed)."""
    summary = {"icebridge.dynamic-table-version": str(emu.capture.version_for(obj))}
    with emu.lake.write(obj, summary=summary) as unit:
        unit.replace(rows)
    return unit.snapshot_id


def publish(emu: Engine, obj: CatalogObject) -> int | None:
    """Commit the dynamic table's current rows as one snapshot (None: no rows, no commit)."""
    rows = sql.fetch_arrow(emu.con, exp.select(exp.Star()).from_(obj.relation()))
    if rows.num_rows == 0 and not emu.lake.store.scan_files(obj.name):
        return None  # empty and staying empty: no table version taken, no snapshot
    return commit_rows(emu, obj, rows)
