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

Reads are cached (:class:`_Cache`): every metadata write goes through this class, which
drops the cache (or, for version and row-id counters, updates it in place), and the
transaction path calls :meth:`Catalog.invalidate` on every ROLLBACK. So the cache always
holds what DuckDB would answer inside the current transaction, and a statement that
touches no metadata costs no catalog round trip. ``generation`` counts the changes, for
callers that cache something derived from the catalog.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
from sqlglot import exp

from emulator import errors
from emulator.core import catalog_sql as statements
from emulator.core import sql
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
    owned_sequences,
    utc_aware,
    utc_naive,
)
from emulator.core.catalog_sql import ROW_ID_BLOCK
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


@dataclasses.dataclass
class _Cache:
    """What the catalog has read in the current state (see the module docstring)."""

    by_name: dict[ObjectName, CatalogObject | None] = dataclasses.field(default_factory=dict)
    by_id: dict[int, CatalogObject | None] = dataclasses.field(default_factory=dict)
    listings: dict[tuple[str | None, ...], tuple[CatalogObject, ...]] = dataclasses.field(
        default_factory=dict
    )
    columns: dict[int, tuple[Column, ...]] = dataclasses.field(default_factory=dict)
    databases: dict[str, bool] = dataclasses.field(default_factory=dict)
    schemas: dict[tuple[str, str], str | None] = dataclasses.field(default_factory=dict)
    schema_lists: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    warehouses: dict[str, bool] = dataclasses.field(default_factory=dict)
    last_row_id: int | None = None  # handed out so far
    reserved_row_ids: int | None = None  # recorded in __ib.row_ids


class Catalog:
    """Reads and writes the metadata tables; the one place names are resolved.

    Reads are answered from a cache that every write here keeps exact and every ROLLBACK
    drops (:meth:`invalidate`), so metadata always follows the current transaction.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        #: Bumped by every metadata change and every invalidation.
        self.generation = 0
        self._cache = _Cache()
        # Versions of untracked tables counted in memory (see bump_version): committed
        # ones not yet in DuckDB, and those of the open transaction; plus the objects whose
        # version the open transaction wrote to DuckDB.
        self._unwritten: dict[int, int] = {}
        self._counted: dict[int, int] = {}
        self._written: set[int] = set()

    def invalidate(self) -> None:
        """Forget every cached read (called on ROLLBACK, when DuckDB's state moves back)."""
        self.generation += 1
        self._cache = _Cache()

    def rolled_back(self) -> None:
        """The transaction rolled back: forget its reads, counts and writes."""
        self._counted, self._written = {}, set()
        self.invalidate()

    def _changed(self) -> None:
        self.invalidate()

    # -- setup -----------------------------------------------------------------------------

    def install(self, feature_ddl: Iterable[str] = ()) -> None:
        """Create the reserved schema and metadata tables (the catalog's and those
        features keep, ``feature_ddl``) when missing."""
        self._changed()
        for node in statements.ddl():
            sql.run(self.con, node)
        for ddl in feature_ddl:
            self.con.execute(ddl)
        row = self.con.execute(
            statements.select("meta", ("value",), ("key",), ()), ["format"]
        ).fetchone()
        if row is None:
            self.con.execute(statements.insert("meta"), ["format", FORMAT_VERSION])
            self.con.execute(statements.insert("row_ids"), [0])
        elif row[0] != FORMAT_VERSION:
            raise errors.generic(f"unsupported emulator storage format {row[0]!r}")

    # -- databases and schemas -------------------------------------------------------------

    def database_exists(self, name: str) -> bool:
        """Whether database ``name`` exists."""
        found = self._cache.databases.get(name)
        if found is None:
            row = self.con.execute(
                statements.select("databases", ("name",), ("name",), ()), [name]
            ).fetchone()
            found = self._cache.databases[name] = row is not None
        return found

    def schema_exists(self, database: str, name: str) -> bool:
        """Whether schema ``database.name`` exists."""
        return self.duck_schema(database, name) is not None

    def duck_schema(self, database: str, name: str) -> str | None:
        """The DuckDB schema holding ``database.name``, or None when there is none."""
        key = (database, name)
        if key in self._cache.schemas:
            return self._cache.schemas[key]
        query = statements.select("schemas", ("duck_schema",), ("database", "name"), ())
        row = self.con.execute(query, [database, name]).fetchone()
        found = self._cache.schemas[key] = None if row is None else str(row[0])
        return found

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
        """Record a database."""
        self._changed()
        self.con.execute(
            statements.insert("databases"), [name, comment, transient, utc_naive(now), 1]
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
        self._changed()
        duck = f"{database}.{name}"
        query = statements.select("schemas", ("duck_schema",), ("duck_schema",), ())
        taken = self.con.execute(query, [duck]).fetchone()
        if taken is not None or duck == META_SCHEMA:
            # Dots inside quoted names can collide; fall back to a numbered name.
            duck = f"__ib_s{self.next_id()}"
        sql.run(self.con, exp.Create(kind="SCHEMA", this=statements.schema_node(duck)))
        self.con.execute(
            statements.insert("schemas"), [database, name, duck, comment, transient, utc_naive(now)]
        )
        return duck

    def set_database_comment(self, name: str, comment: str | None) -> None:
        """Set (or with None remove) a database's comment (COMMENT ON DATABASE)."""
        self._changed()
        self.con.execute(statements.update("databases", ("comment",), ("name",)), [comment, name])

    def set_schema_comment(self, database: str, name: str, comment: str | None) -> None:
        """Set (or with None remove) a schema's comment (COMMENT ON SCHEMA)."""
        self._changed()
        query = statements.update("schemas", ("comment",), ("database", "name"))
        self.con.execute(query, [comment, database, name])

    def drop_schema(self, database: str, name: str) -> None:
        """Forget a schema, its objects and its DuckDB schema."""
        duck = self.duck_schema(database, name)
        if duck is None:
            return
        for obj in self.objects(database=database, schema=name):
            self.forget_object(obj)
        self._changed()
        drop = exp.Drop(
            kind="SCHEMA", exists=True, cascade=True, tables=[statements.schema_node(duck)]
        )
        sql.run(self.con, drop)
        self.con.execute(statements.delete("schemas", ("database", "name")), [database, name])

    def drop_database(self, name: str) -> None:
        """Forget a database and everything in it."""
        for schema in self.schemas(name):
            self.drop_schema(name, schema)
        self._changed()
        self.con.execute(statements.delete("databases", ("name",)), [name])

    def schemas(self, database: str) -> list[str]:
        """The schema names of ``database``, sorted."""
        found = self._cache.schema_lists.get(database)
        if found is None:
            query = statements.select("schemas", ("name",), ("database",), ("name",))
            rows = self.con.execute(query, [database]).fetchall()
            found = self._cache.schema_lists[database] = tuple(str(r[0]) for r in rows)
        return list(found)

    # -- objects ---------------------------------------------------------------------------

    def next_id(self) -> int:
        """A new object id (ids are never reused)."""
        row = self.con.execute(statements.next_id()).fetchone()
        assert row is not None
        return int(row[0])

    def add_object(self, obj: CatalogObject, columns: list[Column]) -> None:
        """Record an object and its columns (the DuckDB relations are created by the caller)."""
        self._changed()
        self.con.execute(
            statements.insert("objects"),
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
        """Replace the recorded columns of an object."""
        self._changed()
        self.con.execute(statements.delete("columns", ("object_id",)), [object_id])
        if columns:
            self.con.executemany(
                statements.insert("columns"),
                [
                    [object_id, i + 1, c.name, c.data_type, c.nullable, c.default_sql, c.comment]
                    for i, c in enumerate(columns)
                ],
            )

    def columns(self, object_id: int) -> list[Column]:
        """The columns of an object, in order."""
        found = self._cache.columns.get(object_id)
        if found is None:
            fields = ("name", "data_type", "nullable", "default_sql", "comment")
            query = statements.select("columns", fields, ("object_id",), ("ordinal",))
            rows = self.con.execute(query, [object_id]).fetchall()
            found = tuple(Column(str(r[0]), str(r[1]), bool(r[2]), r[3], r[4]) for r in rows)
            self._cache.columns[object_id] = found
        return list(found)

    def update_object(self, object_id: int, **values: Any) -> None:
        """Set metadata fields of one object (names are this module's column names)."""
        unknown = set(values) - set(statements.OBJECT_FIELDS)
        if unknown:
            raise ValueError(f"not catalog object fields: {sorted(unknown)}")
        if "properties" in values:
            values["properties"] = json.dumps(values["properties"])
        for key, value in values.items():
            if isinstance(value, datetime):
                values[key] = utc_naive(value)
        counted = self._counted_version(object_id)
        if counted is not None and "version" not in values:
            values["version"] = counted  # a counted version goes with any metadata write
        self._changed()
        query = statements.update("objects", tuple(values), ("id",))
        self.con.execute(query, [*values.values(), object_id])
        if "version" in values:  # an explicit version replaces a counted one
            self._counted.pop(object_id, None)
            self._written.add(object_id)

    def forget_object(self, obj: CatalogObject) -> None:
        """Remove an object's metadata, change log and version history."""
        self._changed()
        self._counted.pop(obj.id, None)
        self._unwritten.pop(obj.id, None)
        self.con.execute(statements.delete("objects", ("id",)), [obj.id])
        self.con.execute(statements.delete("columns", ("object_id",)), [obj.id])
        self.con.execute(statements.delete("table_versions", ("object_id",)), [obj.id])
        sql.run(self.con, exp.Drop(kind="TABLE", exists=True, tables=[obj.log()]))
        for name in owned_sequences(obj):  # a sequence's values, identity columns'
            sql.run(self.con, exp.Drop(kind="SEQUENCE", exists=True, tables=[sql.meta(name)]))

    def find(self, name: ObjectName) -> CatalogObject | None:
        """The object called ``name``, or None."""
        cache = self._cache.by_name
        if name in cache:
            return cache[name]
        rows = self._objects(("database", "schema", "name"), list(name.parts))
        found = cache[name] = rows[0] if rows else None
        return found

    def by_id(self, object_id: int) -> CatalogObject | None:
        """The object with id ``object_id``, or None."""
        cache = self._cache.by_id
        if object_id in cache:
            return cache[object_id]
        rows = self._objects(("id",), [object_id])
        found = cache[object_id] = rows[0] if rows else None
        return found

    def objects(
        self, *, database: str | None = None, schema: str | None = None, kind: str | None = None
    ) -> list[CatalogObject]:
        """The objects matching every filter given, by name."""
        key = (database, schema, kind)
        found = self._cache.listings.get(key)
        if found is None:
            filters = {"database": database, "schema": schema, "kind": kind}
            given = {k: v for k, v in filters.items() if v is not None}
            found = self._cache.listings[key] = self._objects(tuple(given), list(given.values()))
        return list(found)

    def _objects(self, where: tuple[str, ...], params: list[Any]) -> tuple[CatalogObject, ...]:
        query = statements.select(
            "objects", statements.OBJECT_FIELDS, where, ("database", "schema", "name")
        )
        rows = self.con.execute(query, params).fetchall()
        found = tuple(self._with_counted(_to_object(r)) for r in rows)
        for obj in found:  # later lookups of the same objects are free
            self._cache.by_id.setdefault(obj.id, obj)
            self._cache.by_name.setdefault(obj.name, obj)
        return found

    def _with_counted(self, obj: CatalogObject) -> CatalogObject:
        counted = self._counted_version(obj.id)
        if counted is None or counted <= obj.version:
            return obj
        return dataclasses.replace(obj, version=counted)

    # -- versions ---------------------------------------------------------------------------

    def bump_version(self, obj: CatalogObject, now: datetime) -> int:
        """Give ``obj`` its next table version (inside the caller's transaction).

        The commit time of a version is recorded (``__ib.table_versions``) only while the
        object has change tracking: only its change log can travel back to a version. An
        untracked native table's version is only counted: kept in memory, it reaches
        DuckDB with the object's next metadata write or at :meth:`flush_versions` (at
        close), so plain DML pays no metadata round trip.
        """
        current = self.by_id(obj.id)
        if current is None:  # not an object of the catalog (any more): nothing to count
            raise errors.generic(f"{obj.kind} {obj.name} no longer exists")
        version = current.version + 1
        if current.kind == TABLE and not current.change_tracking:
            self._counted[obj.id] = version
        else:
            self._write_version(obj.id, version)
            if current.change_tracking:
                self.record_version(obj.id, version, now)
        self._set_cached_version(obj.id, version)
        return version

    def flush_versions(self) -> None:
        """Write the counted versions of untracked tables (in the caller's transaction)."""
        for object_id, version in {**self._unwritten, **self._counted}.items():
            self._write_version(object_id, version)

    def committed(self) -> None:
        """The transaction committed: what it counted and wrote is now the durable state."""
        self._unwritten.update(self._counted)
        for object_id in self._written:
            self._unwritten.pop(object_id, None)
        self._counted, self._written = {}, set()

    def _write_version(self, object_id: int, version: int) -> None:
        self.con.execute(statements.update("objects", ("version",), ("id",)), [version, object_id])
        self._counted.pop(object_id, None)
        self._written.add(object_id)

    def _counted_version(self, object_id: int) -> int | None:
        """The version counted in memory for an object (this transaction's first)."""
        found = self._counted.get(object_id)
        return found if found is not None else self._unwritten.get(object_id)

    def record_version(self, object_id: int, version: int, now: datetime) -> None:
        """Record that ``version`` of an object was committed at ``now``."""
        self.con.execute(statements.insert("table_versions"), [object_id, version, utc_naive(now)])

    def _set_cached_version(self, object_id: int, version: int) -> None:
        """Keep cached copies of the object exact after its version moved."""
        cache = self._cache
        cached = cache.by_id.get(object_id)
        if cached is None:
            return
        fresh = dataclasses.replace(cached, version=version)
        cache.by_id[object_id] = fresh
        if cache.by_name.get(cached.name) is cached:
            cache.by_name[cached.name] = fresh
        cache.listings.clear()

    # -- row ids ---------------------------------------------------------------------------

    def last_row_id(self) -> int:
        """The highest row id handed out so far (new rows get ids above it)."""
        cache = self._cache
        if cache.last_row_id is None:
            row = self.con.execute(statements.select("row_ids", ("last",), (), ())).fetchone()
            assert row is not None
            cache.last_row_id = cache.reserved_row_ids = int(row[0])
        return cache.last_row_id

    def set_last_row_id(self, value: int) -> None:
        """Hand out the row ids up to ``value``.

        ``__ib.row_ids`` records a reservation :data:`ROW_ID_BLOCK` ids ahead, written in
        the caller's transaction, so most inserts write nothing here; ids reserved and
        never used (after a ROLLBACK, or at close) are skipped, never reused.
        """
        cache = self._cache
        self.last_row_id()  # the reservation must be known
        if cache.reserved_row_ids is None or value > cache.reserved_row_ids:
            reserved = value + ROW_ID_BLOCK
            self.con.execute(statements.update("row_ids", ("last",), ()), [reserved])
            cache.reserved_row_ids = reserved
        cache.last_row_id = value

    # -- warehouses ------------------------------------------------------------------------

    def add_warehouse(self, name: str, properties: dict[str, str], now: datetime) -> None:
        """Record (or replace) a warehouse."""
        self._changed()
        self.con.execute(statements.delete("warehouses", ("name",)), [name])
        self.con.execute(
            statements.insert("warehouses"), [name, json.dumps(properties), utc_naive(now)]
        )

    def warehouse_exists(self, name: str) -> bool:
        """Whether warehouse ``name`` exists."""
        found = self._cache.warehouses.get(name)
        if found is None:
            row = self.con.execute(
                statements.select("warehouses", ("name",), ("name",), ()), [name]
            ).fetchone()
            found = self._cache.warehouses[name] = row is not None
        return found


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
