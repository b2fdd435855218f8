"""The rows of ``INFORMATION_SCHEMA.DATABASES / SCHEMATA / TABLES / COLUMNS / VIEWS``.

Every documented column, in the documented order, with its documented type:
https://docs.snowflake.com/en/sql-reference/info-schema/databases, …/info-schema/schemata,
…/info-schema/tables, …/info-schema/columns and …/info-schema/views. Columns Snowflake
marks "not applicable for Snowflake" are NULL; booleans are ``YES`` / ``NO``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.core.catalog import DYNAMIC_TABLE, ICEBERG_TABLE, VIEW, CatalogObject
from emulator.core.object_facts import (
    OWNER,
    RELATION_KINDS,
    USER,
    byte_size,
    changed_at,
    cluster_by,
    last_altered,
    row_count,
)
from emulator.core.type_facts import type_facts
from emulator.statements.catalog_rows import databases, schemas

if TYPE_CHECKING:
    from emulator.core.engine import Engine

Row = tuple[Any, ...]

#: Snowflake column types of the views (the relation casts its values to them).
TEXT, NUMBER, INSTANT, OBJECT = "TEXT", "NUMBER", "TIMESTAMP_LTZ", "OBJECT"


@dataclass(frozen=True)
class View:
    """One INFORMATION_SCHEMA view: its columns and how to build its rows for a database."""

    columns: tuple[tuple[str, str], ...]
    rows: Callable[[Engine, str], list[Row]]


def _texts(names: str) -> list[tuple[str, str]]:
    return [(n, TEXT) for n in names.split()]


def _yes_no(flag: bool) -> str:
    return "YES" if flag else "NO"


def _objects(emu: Engine, database: str, kinds: Sequence[str]) -> list[CatalogObject]:
    return [o for o in emu.catalog.objects(database=database) if o.kind in kinds]


_DATABASES = (
    *_texts("DATABASE_NAME DATABASE_OWNER IS_TRANSIENT COMMENT"),
    ("CREATED", INSTANT),
    ("LAST_ALTERED", INSTANT),
    ("RETENTION_TIME", NUMBER),
    *_texts("TYPE OWNER_ROLE_TYPE"),
    ("OBJECT_VISIBILITY", OBJECT),
)


def database_rows(emu: Engine, database: str) -> list[Row]:
    """Every database of the account (whichever database's view is read)."""
    return [
        (
            d.name,
            OWNER,
            _yes_no(d.transient),
            d.comment,
            d.created_on,
            d.created_on,
            d.retention_days,
            "STANDARD",
            "ROLE",
            None,
        )
        for d in databases(emu)
    ]


_SCHEMATA = (
    *_texts("CATALOG_NAME SCHEMA_NAME SCHEMA_OWNER IS_TRANSIENT IS_MANAGED_ACCESS"),
    ("RETENTION_TIME", NUMBER),
    *_texts(
        "DEFAULT_CHARACTER_SET_CATALOG DEFAULT_CHARACTER_SET_SCHEMA DEFAULT_CHARACTER_SET_NAME"
        " SQL_PATH"
    ),
    ("CREATED", INSTANT),
    ("LAST_ALTERED", INSTANT),
    ("COMMENT", TEXT),
    ("OBJECT_VISIBILITY", OBJECT),
)


def schema_rows(emu: Engine, database: str) -> list[Row]:
    """The schemas of ``database``."""
    retention = {d.name: d.retention_days for d in databases(emu)}.get(database, 1)
    return [
        (
            s.database,
            s.name,
            OWNER,
            _yes_no(s.transient),
            "NO",
            retention,
            None,
            None,
            None,
            None,
            s.created_on,
            s.created_on,
            s.comment,
            None,
        )
        for s in schemas(emu, database)
    ]


_TABLES = (
    *_texts("TABLE_CATALOG TABLE_SCHEMA TABLE_NAME TABLE_OWNER TABLE_TYPE IS_TRANSIENT"),
    ("CLUSTERING_KEY", TEXT),
    ("ROW_COUNT", NUMBER),
    ("BYTES", NUMBER),
    ("RETENTION_TIME", NUMBER),
    *_texts(
        "SELF_REFERENCING_COLUMN_NAME REFERENCE_GENERATION USER_DEFINED_TYPE_CATALOG"
        " USER_DEFINED_TYPE_SCHEMA USER_DEFINED_TYPE_NAME IS_INSERTABLE_INTO IS_TYPED"
        " COMMIT_ACTION"
    ),
    ("CREATED", INSTANT),
    ("LAST_ALTERED", INSTANT),
    ("LAST_DDL", INSTANT),
    *_texts(
        "LAST_DDL_BY AUTO_CLUSTERING_ON COMMENT IS_TEMPORARY IS_ICEBERG IS_DYNAMIC"
        " IS_IMMUTABLE IS_HYBRID"
    ),
)


def _table_type(obj: CatalogObject) -> str:
    if obj.kind == VIEW:
        return "VIEW"
    return "TEMPORARY TABLE" if obj.table_type == "TEMPORARY" else "BASE TABLE"


def table_rows(emu: Engine, database: str) -> list[Row]:
    """The tables (native, Iceberg, dynamic) and views of ``database``."""
    changes = changed_at(emu)
    out: list[Row] = []
    for obj in _objects(emu, database, RELATION_KINDS):
        table = obj.kind != VIEW
        rows = row_count(emu, obj)
        clustered = cluster_by(obj)
        out.append(
            (
                obj.name.database,
                obj.name.schema,
                obj.name.name,
                OWNER,
                _table_type(obj),
                _yes_no(obj.table_type == "TRANSIENT"),
                clustered,
                rows,
                byte_size(emu, obj, rows),
                obj.retention_days if table else None,
                None,
                None,
                None,
                None,
                None,
                _yes_no(table),
                _yes_no(table),
                None,
                obj.created_on,
                last_altered(obj, changes),
                obj.last_altered,
                USER,
                _yes_no(clustered is not None),
                obj.comment,
                _yes_no(obj.table_type == "TEMPORARY"),
                _yes_no(obj.kind == ICEBERG_TABLE),
                _yes_no(obj.kind == DYNAMIC_TABLE),
                "NO",
                "NO",
            )
        )
    return out


_COLUMNS = (
    *_texts("TABLE_CATALOG TABLE_SCHEMA TABLE_NAME COLUMN_NAME"),
    ("ORDINAL_POSITION", NUMBER),
    *_texts("COLUMN_DEFAULT IS_NULLABLE DATA_TYPE"),
    *[
        (n, NUMBER)
        for n in [
            "CHARACTER_MAXIMUM_LENGTH",
            "CHARACTER_OCTET_LENGTH",
            "NUMERIC_PRECISION",
            "NUMERIC_PRECISION_RADIX",
            "NUMERIC_SCALE",
            "DATETIME_PRECISION",
        ]
    ],
    ("INTERVAL_TYPE", TEXT),
    ("INTERVAL_PRECISION", NUMBER),
    *_texts(
        "CHARACTER_SET_CATALOG CHARACTER_SET_SCHEMA CHARACTER_SET_NAME COLLATION_CATALOG"
        " COLLATION_SCHEMA COLLATION_NAME DOMAIN_CATALOG DOMAIN_SCHEMA DOMAIN_NAME UDT_CATALOG"
        " UDT_SCHEMA UDT_NAME SCOPE_CATALOG SCOPE_SCHEMA SCOPE_NAME"
    ),
    ("MAXIMUM_CARDINALITY", NUMBER),
    *_texts(
        "DTD_IDENTIFIER IS_SELF_REFERENCING IS_IDENTITY IDENTITY_GENERATION IDENTITY_START"
        " IDENTITY_INCREMENT IDENTITY_MAXIMUM IDENTITY_MINIMUM IDENTITY_CYCLE IDENTITY_ORDERED"
        " SCHEMA_EVOLUTION_RECORD DATA_TYPE_ALIAS COMMENT"
    ),
)


def column_rows(emu: Engine, database: str) -> list[Row]:
    """The columns of the tables and views of ``database``, in ordinal order."""
    out: list[Row] = []
    for obj in _objects(emu, database, RELATION_KINDS):
        for position, column in enumerate(emu.catalog.columns(obj.id), start=1):
            facts = type_facts(column.data_type)
            out.append(
                (
                    obj.name.database,
                    obj.name.schema,
                    obj.name.name,
                    column.name,
                    position,
                    column.default_sql,
                    _yes_no(column.nullable),
                    facts.data_type,
                    facts.char_length,
                    facts.octet_length,
                    facts.precision,
                    facts.radix,
                    facts.scale,
                    facts.datetime_precision,
                    *([None] * 18),  # INTERVAL_TYPE … MAXIMUM_CARDINALITY: not applicable
                    None,  # DTD_IDENTIFIER
                    "NO",  # IS_SELF_REFERENCING
                    "NO",  # IS_IDENTITY: the emulator has no AUTOINCREMENT columns
                    *([None] * 7),  # IDENTITY_GENERATION … IDENTITY_ORDERED
                    None,  # SCHEMA_EVOLUTION_RECORD
                    column.data_type,
                    column.comment,
                )
            )
    return out


_VIEWS = (
    *_texts(
        "TABLE_CATALOG TABLE_SCHEMA TABLE_NAME TABLE_OWNER VIEW_DEFINITION CHECK_OPTION"
        " IS_UPDATABLE INSERTABLE_INTO IS_SECURE"
    ),
    ("CREATED", INSTANT),
    ("LAST_ALTERED", INSTANT),
    ("LAST_DDL", INSTANT),
    *_texts("LAST_DDL_BY COMMENT"),
)


def view_rows(emu: Engine, database: str) -> list[Row]:
    """The views of ``database`` with the text that created them."""
    return [
        (
            obj.name.database,
            obj.name.schema,
            obj.name.name,
            OWNER,
            obj.definition,
            "NONE",
            "NO",
            "NO",
            "NO",
            obj.created_on,
            obj.last_altered,
            obj.last_altered,
            USER,
            obj.comment,
        )
        for obj in _objects(emu, database, (VIEW,))
    ]


#: The INFORMATION_SCHEMA views the emulator answers, by name.
VIEWS: dict[str, View] = {
    "DATABASES": View(_DATABASES, database_rows),
    "SCHEMATA": View(_SCHEMATA, schema_rows),
    "TABLES": View(_TABLES, table_rows),
    "COLUMNS": View(_COLUMNS, column_rows),
    "VIEWS": View(_VIEWS, view_rows),
}
