"""The emulator's catalog: Snowflake databases, schemas and objects stored in DuckDB.

Storage layout (all in one DuckDB database, so one transaction covers every write):

* every Snowflake ``DATABASE.SCHEMA`` is one DuckDB schema (its name is kept in
  ``__ib.schemas.duck_schema``; DuckDB cannot write two attached databases in one
  transaction, so databases are not DuckDB catalogs);
* a native table is a DuckDB base table ``__ib_t<id>`` holding the user columns plus the
  hidden, stable row id :data:`ROW_ID`, and a DuckDB VIEW under the user's name that
  excludes it — reads resolve to the view, writes to the base table, so the row id never
  appears in ``SELECT *``, DESCRIBE, INFORMATION_SCHEMA, CTAS or ``INSERT … SELECT *``;
* emulator metadata (object kinds, Snowflake column types and DEFAULT text, comments,
  parameters, creation times, table versions) lives in tables of the reserved schema
  :data:`META_SCHEMA`. Reopening a persistent emulator rebuilds everything from them.

The metadata tables have no keys or indexes on purpose: DuckDB rejects an UPDATE of an
indexed row that was written earlier in the same transaction, and uniqueness is enforced
here instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
from sqlglot import exp

from emulator import errors
from emulator.core.catalog_objects import (
    DYNAMIC_TABLE,
    FORMAT_VERSION,
    ICEBERG_TABLE,
    META_SCHEMA,
    ROW_ID,
    STREAM,
    TABLE,
    TASK,
    VIEW,
    CatalogObject,
    Column,
    duck_table,
    utc_aware,
    utc_naive,
)
from icebridge.sql.identifiers import ObjectName, join_parts

__all__ = [
    "DYNAMIC_TABLE",
    "ICEBERG_TABLE",
    "META_SCHEMA",
    "ROW_ID",
    "STREAM",
    "TABLE",
    "TASK",
    "VIEW",
    "Catalog",
    "CatalogObject",
    "Column",
    "duck_table",
    "utc_aware",
    "utc_naive",
]

_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}",
    f"CREATE SEQUENCE IF NOT EXISTS {META_SCHEMA}.object_ids",
    # The last row id handed out (global, so clones keep unique ids).
    f"CREATE TABLE IF NOT EXISTS {META_SCHEMA}.row_ids (last BIGINT)",
    f"CREATE TABLE IF NOT EXISTS {META_SCHEMA}.meta (key VARCHAR, value VARCHAR)",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.databases (
        name VARCHAR, comment VARCHAR, is_transient BOOLEAN, created_on TIMESTAMP,
        retention_days INTEGER)""",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.schemas (
        database VARCHAR, name VARCHAR, duck_schema VARCHAR, comment VARCHAR,
        is_transient BOOLEAN, created_on TIMESTAMP)""",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.objects (
        id BIGINT, database VARCHAR, schema VARCHAR, name VARCHAR, kind VARCHAR,
        duck_schema VARCHAR, duck_name VARCHAR, base_name VARCHAR, table_type VARCHAR,
        comment VARCHAR, created_on TIMESTAMP, last_altered TIMESTAMP,
        change_tracking BOOLEAN, retention_days INTEGER, max_extension_days INTEGER,
        version BIGINT, definition VARCHAR, properties VARCHAR)""",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.columns (
        object_id BIGINT, ordinal INTEGER, name VARCHAR, data_type VARCHAR,
        nullable BOOLEAN, default_sql VARCHAR, comment VARCHAR)""",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.table_versions (
        object_id BIGINT, version BIGINT, committed_at TIMESTAMP)""",
    f"""CREATE TABLE IF NOT EXISTS {META_SCHEMA}.warehouses (
        name VARCHAR, properties VARCHAR, created_on TIMESTAMP)""",
)

_OBJECT_COLUMNS = (
    "id, database, schema, name, kind, duck_schema, duck_name, base_name, table_type, "
    "comment, created_on, last_altered, change_tracking, retention_days, "
    "max_extension_days, version, definition, properties"
)


class Catalog:
    """Reads and writes the metadata tables; the one place names are resolved.

    Every read goes to DuckDB (no cache), so metadata always follows the current
    transaction, including rollbacks.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    # -- setup -----------------------------------------------------------------------------

    def install(self, feature_ddl: Iterable[str] = ()) -> None:
        """Create the reserved schema and metadata tables (the catalog's and those
        features keep, ``feature_ddl``) when missing."""
        for ddl in (*_DDL, *feature_ddl):
            self.con.execute(ddl)
        row = self.con.execute(
            f"SELECT value FROM {META_SCHEMA}.meta WHERE key = 'format'"
        ).fetchone()
        if row is None:
            self.con.execute(
                f"INSERT INTO {META_SCHEMA}.meta VALUES ('format', ?)", [FORMAT_VERSION]
            )
            self.con.execute(f"INSERT INTO {META_SCHEMA}.row_ids VALUES (0)")
        elif row[0] != FORMAT_VERSION:
            raise errors.generic(f"unsupported emulator storage format {row[0]!r}")

    # -- databases and schemas -------------------------------------------------------------

    def database_exists(self, name: str) -> bool:
        row = self.con.execute(
            f"SELECT 1 FROM {META_SCHEMA}.databases WHERE name = ?", [name]
        ).fetchone()
        return row is not None

    def schema_exists(self, database: str, name: str) -> bool:
        return self.duck_schema(database, name) is not None

    def duck_schema(self, database: str, name: str) -> str | None:
        row = self.con.execute(
            f"SELECT duck_schema FROM {META_SCHEMA}.schemas WHERE database = ? AND name = ?",
            [database, name],
        ).fetchone()
        return None if row is None else str(row[0])

    def require_schema(self, database: str, name: str) -> str:
        """The DuckDB schema of ``database.name``; Snowflake's error when either is missing."""
        if not self.database_exists(database):
            raise errors.object_does_not_exist(join_parts([database]), "Database")
        duck = self.duck_schema(database, name)
        if duck is None:
            raise errors.object_does_not_exist(join_parts([database, name]), "Schema")
        return duck

    def add_database(
        self, name: str, now: datetime, *, comment: str | None = None, transient: bool = False
    ) -> None:
        self.con.execute(
            f"INSERT INTO {META_SCHEMA}.databases VALUES (?, ?, ?, ?, 1)",
            [name, comment, transient, utc_naive(now)],
        )

    def add_schema(
        self,
        database: str,
        name: str,
        now: datetime,
        *,
        comment: str | None = None,
        transient: bool = False,
    ) -> str:
        """Record a schema and create its DuckDB schema; returns the DuckDB schema name."""
        duck = f"{database}.{name}"
        taken = self.con.execute(
            f"SELECT 1 FROM {META_SCHEMA}.schemas WHERE duck_schema = ?", [duck]
        ).fetchone()
        if taken is not None or duck == META_SCHEMA:
            # Dots inside quoted names can collide; fall back to a numbered name.
            seq = self.con.execute(f"SELECT nextval('{META_SCHEMA}.object_ids')").fetchone()
            assert seq is not None
            duck = f"__ib_s{seq[0]}"
        self.con.execute(f"CREATE SCHEMA {exp.to_identifier(duck, quoted=True).sql('duckdb')}")
        self.con.execute(
            f"INSERT INTO {META_SCHEMA}.schemas VALUES (?, ?, ?, ?, ?, ?)",
            [database, name, duck, comment, transient, utc_naive(now)],
        )
        return duck

    def drop_schema(self, database: str, name: str) -> None:
        duck = self.duck_schema(database, name)
        if duck is None:
            return
        for obj in self.objects(database=database, schema=name):
            self.forget_object(obj)
        self.con.execute(
            f"DROP SCHEMA IF EXISTS {exp.to_identifier(duck, quoted=True).sql('duckdb')} CASCADE"
        )
        self.con.execute(
            f"DELETE FROM {META_SCHEMA}.schemas WHERE database = ? AND name = ?",
            [database, name],
        )

    def drop_database(self, name: str) -> None:
        for schema in self.schemas(name):
            self.drop_schema(name, schema)
        self.con.execute(f"DELETE FROM {META_SCHEMA}.databases WHERE name = ?", [name])

    def schemas(self, database: str) -> list[str]:
        rows = self.con.execute(
            f"SELECT name FROM {META_SCHEMA}.schemas WHERE database = ? ORDER BY name",
            [database],
        ).fetchall()
        return [str(r[0]) for r in rows]

    # -- objects ---------------------------------------------------------------------------

    def next_id(self) -> int:
        row = self.con.execute(f"SELECT nextval('{META_SCHEMA}.object_ids')").fetchone()
        assert row is not None
        return int(row[0])

    def add_object(self, obj: CatalogObject, columns: list[Column]) -> None:
        """Record an object and its columns (the DuckDB relations are created by the caller)."""
        self.con.execute(
            f"INSERT INTO {META_SCHEMA}.objects VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                obj.id,
                obj.name.database,
                obj.name.schema,
                obj.name.name,
                obj.kind,
                obj.duck_schema,
                obj.duck_name,
                obj.base_name,
                obj.table_type,
                obj.comment,
                utc_naive(obj.created_on),
                utc_naive(obj.last_altered),
                obj.change_tracking,
                obj.retention_days,
                obj.max_extension_days,
                obj.version,
                obj.definition,
                json.dumps(obj.properties),
            ],
        )
        self.set_columns(obj.id, columns)

    def set_columns(self, object_id: int, columns: list[Column]) -> None:
        self.con.execute(f"DELETE FROM {META_SCHEMA}.columns WHERE object_id = ?", [object_id])
        if columns:
            self.con.executemany(
                f"INSERT INTO {META_SCHEMA}.columns VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    [object_id, i + 1, c.name, c.data_type, c.nullable, c.default_sql, c.comment]
                    for i, c in enumerate(columns)
                ],
            )

    def columns(self, object_id: int) -> list[Column]:
        rows = self.con.execute(
            f"SELECT name, data_type, nullable, default_sql, comment FROM {META_SCHEMA}.columns "
            "WHERE object_id = ? ORDER BY ordinal",
            [object_id],
        ).fetchall()
        return [Column(str(r[0]), str(r[1]), bool(r[2]), r[3], r[4]) for r in rows]

    def update_object(self, object_id: int, **values: Any) -> None:
        """Set metadata fields of one object (names are this module's column names)."""
        if "properties" in values:
            values["properties"] = json.dumps(values["properties"])
        for key, value in values.items():
            if isinstance(value, datetime):
                values[key] = utc_naive(value)
        assignments = ", ".join(f"{key} = ?" for key in values)
        self.con.execute(
            f"UPDATE {META_SCHEMA}.objects SET {assignments} WHERE id = ?",
            [*values.values(), object_id],
        )

    def forget_object(self, obj: CatalogObject) -> None:
        """Remove an object's metadata, change log and version history."""
        self.con.execute(f"DELETE FROM {META_SCHEMA}.objects WHERE id = ?", [obj.id])
        self.con.execute(f"DELETE FROM {META_SCHEMA}.columns WHERE object_id = ?", [obj.id])
        self.con.execute(f"DELETE FROM {META_SCHEMA}.table_versions WHERE object_id = ?", [obj.id])
        self.con.execute(f"DROP TABLE IF EXISTS {obj.log().sql('duckdb')}")

    def find(self, name: ObjectName) -> CatalogObject | None:
        rows = self._select("database = ? AND schema = ? AND name = ?", list(name.parts))
        return rows[0] if rows else None

    def by_id(self, object_id: int) -> CatalogObject | None:
        rows = self._select("id = ?", [object_id])
        return rows[0] if rows else None

    def objects(
        self, *, database: str | None = None, schema: str | None = None, kind: str | None = None
    ) -> list[CatalogObject]:
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        for column_name, value in (("database", database), ("schema", schema), ("kind", kind)):
            if value is not None:
                where.append(f"{column_name} = ?")
                params.append(value)
        return self._select(" AND ".join(where), params)

    def _select(self, where: str, params: list[Any]) -> list[CatalogObject]:
        rows = self.con.execute(
            f"SELECT {_OBJECT_COLUMNS} FROM {META_SCHEMA}.objects WHERE {where} "
            "ORDER BY database, schema, name",
            params,
        ).fetchall()
        return [_to_object(r) for r in rows]

    # -- versions ---------------------------------------------------------------------------

    def bump_version(self, obj: CatalogObject, now: datetime) -> int:
        """Give ``obj`` its next table version (inside the caller's transaction)."""
        row = self.con.execute(
            f"UPDATE {META_SCHEMA}.objects SET version = version + 1 WHERE id = ? "
            "RETURNING version",
            [obj.id],
        ).fetchone()
        assert row is not None
        version = int(row[0])
        self.con.execute(
            f"INSERT INTO {META_SCHEMA}.table_versions VALUES (?, ?, ?)",
            [obj.id, version, utc_naive(now)],
        )
        return version

    # -- row ids ---------------------------------------------------------------------------

    def last_row_id(self) -> int:
        """The highest row id handed out so far (new rows get ids above it)."""
        row = self.con.execute(f"SELECT last FROM {META_SCHEMA}.row_ids").fetchone()
        assert row is not None
        return int(row[0])

    def set_last_row_id(self, value: int) -> None:
        self.con.execute(f"UPDATE {META_SCHEMA}.row_ids SET last = ?", [value])

    # -- warehouses ------------------------------------------------------------------------

    def add_warehouse(self, name: str, properties: dict[str, str], now: datetime) -> None:
        self.con.execute(f"DELETE FROM {META_SCHEMA}.warehouses WHERE name = ?", [name])
        self.con.execute(
            f"INSERT INTO {META_SCHEMA}.warehouses VALUES (?, ?, ?)",
            [name, json.dumps(properties), utc_naive(now)],
        )

    def warehouse_exists(self, name: str) -> bool:
        row = self.con.execute(
            f"SELECT 1 FROM {META_SCHEMA}.warehouses WHERE name = ?", [name]
        ).fetchone()
        return row is not None


def _to_object(r: tuple[Any, ...]) -> CatalogObject:
    return CatalogObject(
        id=int(r[0]),
        name=ObjectName(str(r[1]), str(r[2]), str(r[3])),
        kind=str(r[4]),
        duck_schema=str(r[5]),
        duck_name=str(r[6]),
        base_name=None if r[7] is None else str(r[7]),
        table_type=str(r[8]),
        comment=r[9],
        created_on=utc_aware(r[10]),
        last_altered=utc_aware(r[11]),
        change_tracking=bool(r[12]),
        retention_days=int(r[13]),
        max_extension_days=int(r[14]),
        version=int(r[15]),
        definition=r[16],
        properties=json.loads(r[17]) if r[17] else {},
    )
