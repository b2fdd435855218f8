"""Name resolution: a Snowflake name in a statement -> catalog object -> DuckDB relation.

This is the one place that applies the session's current database and schema to partial
names and the one place that raises "does not exist or not authorized"
(https://docs.snowflake.com/en/sql-reference/name-resolution).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import (
    DYNAMIC_TABLE,
    ICEBERG_TABLE,
    STREAM,
    TABLE,
    VIEW,
    Catalog,
    CatalogObject,
)
from emulator.core.registry import Registry
from emulator.core.state import SessionState
from emulator.translate.identifier_literal import name_parts
from icebridge.sql.identifiers import ObjectName, join_parts

#: Catalog property of a view whose query is translated at every read (core.views).
EXPANDS = "expands"

#: Object kinds a query can read.
READABLE = (TABLE, VIEW, STREAM, DYNAMIC_TABLE, ICEBERG_TABLE)
#: Kinds read through the change history for CHANGES and AT | BEFORE.
HISTORY_KINDS = (TABLE, VIEW, STREAM, DYNAMIC_TABLE)
#: The registry key of the relation provider for CHANGES and AT | BEFORE reads.
HISTORY = "CHANGES"
#: ``exp.Table.meta`` key: the catalog object a DML statement writes instead (see write_target).
WRITE_TARGET = "icebridge.write-target"


def stored(ident: exp.Expression | str | None) -> str | None:
    """The stored form of a parsed identifier: unquoted upper-cased, quoted kept."""
    if ident is None:
        return None
    if isinstance(ident, str):
        return ident.upper()
    if isinstance(ident, exp.Identifier):
        return str(ident.this) if ident.quoted else str(ident.this).upper()
    if isinstance(ident, exp.Var | exp.Column | exp.Literal):
        return str(ident.name).upper()
    return ident.sql(dialect="snowflake").upper()


def written_parts(table: exp.Table, variables: Mapping[str, Any] | None = None) -> list[str]:
    """The name parts as written (stored form), outermost first.

    ``IDENTIFIER('db.s.t')`` gives the parts its string names; ``IDENTIFIER($v)`` needs
    the session ``variables`` (https://docs.snowflake.com/en/sql-reference/identifier-literal).
    """
    if isinstance(table.this, exp.DynamicIdentifier):
        return name_parts(table.this, variables)
    parts = [table.args.get("catalog"), table.args.get("db"), table.this]
    return [p for p in (stored(x) for x in parts if x is not None) if p]


class Resolver:
    """Resolves names against the catalog using the session's current database/schema."""

    def __init__(self, catalog: Catalog, state: SessionState, registry: Registry[Any]) -> None:
        self.catalog = catalog
        self.state = state
        # Relation providers by object kind (streams, Iceberg tables), INFORMATION_SCHEMA
        # views and read checks come from the features through the registry.
        self.registry = registry
        #: Relations resolved through a feature (a provider, a read check, CHANGES / AT,
        #: INFORMATION_SCHEMA) so far: a translation that moved it is not reusable as is.
        self.feature_reads = 0

    def object_name(self, table: exp.Table, action: str) -> ObjectName:
        """Complete a (possibly partial) table name with the current database and schema."""
        parts = written_parts(table, self.state.variables)
        if len(parts) == 3:
            return ObjectName(*parts)
        database = self.state.database
        if database is None:
            raise errors.no_current_database(action)
        if len(parts) == 2:
            return ObjectName(database, parts[0], parts[1])
        if self.state.schema is None:
            raise errors.no_current_schema(action)
        return ObjectName(database, self.state.schema, parts[0])

    def schema_name(self, table: exp.Table, action: str) -> tuple[str, str]:
        """``(database, schema)`` of a schema reference (``db.s`` or ``s``)."""
        parts = [p for p in (stored(table.args.get("db")), stored(table.this)) if p]
        if table.args.get("catalog") is not None:
            parts.insert(0, stored(table.args["catalog"]) or "")
        if len(parts) >= 2:
            return parts[-2], parts[-1]
        if self.state.database is None:
            raise errors.no_current_database(action)
        return self.state.database, parts[0]

    def lookup(
        self,
        table: exp.Table,
        action: str,
        kinds: Iterable[str] | None = None,
        *,
        missing_ok: bool = False,
        label: str = "Object",
    ) -> CatalogObject | None:
        """The catalog object a name refers to, or Snowflake's does-not-exist error."""
        name = self.object_name(table, action)
        obj = self.catalog.find(name)
        allowed = tuple(kinds) if kinds is not None else None
        if obj is None or (allowed is not None and obj.kind not in allowed):
            if missing_ok:
                return None
            if not self.catalog.database_exists(name.database):
                raise errors.object_does_not_exist(join_parts([name.database]), "Database")
            if not self.catalog.schema_exists(name.database, name.schema):
                raise errors.object_does_not_exist(
                    join_parts([name.database, name.schema]), "Schema"
                )
            written = written_parts(table, self.state.variables)
            raise errors.object_does_not_exist(join_parts(written), label)
        return obj

    def require(
        self,
        table: exp.Table,
        action: str,
        kinds: Iterable[str] | None = None,
        label: str = "Object",
    ) -> CatalogObject:
        obj = self.lookup(table, action, kinds, label=label)
        assert obj is not None
        return obj

    def relation(self, table: exp.Table, action: str = "SELECT") -> exp.Expression:
        """The DuckDB relation a query reads for ``table`` (alias and sample kept)."""
        parts = written_parts(table, self.state.variables)
        registry = self.registry
        if len(parts) >= 2 and parts[-2] == "INFORMATION_SCHEMA":
            database = parts[0] if len(parts) == 3 else self.state.database
            if database is None:
                raise errors.no_current_database(action)
            if not self.catalog.database_exists(database):
                raise errors.object_does_not_exist(join_parts([database]), "Database")
            view = registry.information_schema.get(parts[-1])
            if view is None:
                raise errors.unsupported(f"INFORMATION_SCHEMA.{parts[-1]}")
            self.feature_reads += 1
            return view(database, table)
        obj = self.require(table, action, READABLE)
        history = registry.relations.get(HISTORY)
        point = table.args.get("changes") or table.args.get("when")
        if history is not None and point and obj.kind in HISTORY_KINDS:
            self.feature_reads += 1
            return history(obj, table)  # CHANGES / AT | BEFORE (Iceberg tables: their own)
        if obj.kind == VIEW:
            expand = registry.relations.get(VIEW) if obj.properties.get(EXPANDS) else None
            if expand is None:
                return _keep_extras(table, obj.relation())
            self.feature_reads += 1
            return expand(obj, table)  # a body read through a feature: translated again
        check = registry.read_checks.get(obj.kind)
        if check is not None:
            self.feature_reads += 1
            check(obj)
        provider = registry.relations.get(obj.kind)
        if provider is not None:
            self.feature_reads += 1
            return provider(obj, table)
        return _keep_extras(table, obj.relation())

    def write_target(self, table: exp.Table, action: str) -> CatalogObject:
        """The native table a DML statement writes (views and other kinds refused)."""
        obj = self.require(table, action)
        # A statement may name its target's stand-in explicitly (Iceberg DML runs the native
        # handler on a working copy): a catalog object of the same id on the table node.
        stand_in = table.meta.get(WRITE_TARGET)
        if isinstance(stand_in, CatalogObject) and stand_in.id == obj.id:
            obj = stand_in
        if obj.kind != TABLE:
            raise errors.generic(
                f"SQL compilation error:\nObject '{obj.name}' is a {obj.kind.lower()}; "
                f"{action} needs a table.",
                errno=2203,
                sqlstate="42601",
            )
        return obj


def _keep_extras(source: exp.Table, target: exp.Table) -> exp.Table:
    for key in ("alias", "sample", "joins", "laterals", "pivots", "version", "when"):
        value = source.args.get(key)
        if value is not None:
            target.set(key, value.copy() if isinstance(value, exp.Expression) else value)
    if source.args.get("alias") is None:
        # Keep the written name usable as a qualifier: FROM db.s.t lets t.col resolve.
        target.set("alias", exp.TableAlias(this=exp.to_identifier(source.name)))
    return target
