"""Catalog value types: object kinds, columns, catalog objects and their DuckDB relations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlglot import exp

from emulator import errors
from emulator.quoting import ident
from icebridge.sql.identifiers import ObjectName

META_SCHEMA = "__ib"
ROW_ID = "__ib_row_id"
FORMAT_VERSION = "1"

#: Object kinds known to the catalog; later features add rows of their own kind.
TABLE = "TABLE"
VIEW = "VIEW"
ICEBERG_TABLE = "ICEBERG TABLE"
STREAM = "STREAM"
TASK = "TASK"
DYNAMIC_TABLE = "DYNAMIC TABLE"
SEQUENCE = "SEQUENCE"
TAG = "TAG"
#: Table property: identity column name -> the DuckDB sequence of its values.
IDENTITY = "identity"


@dataclass(frozen=True)
class Column:
    """A user-visible column: Snowflake type text, nullability, DEFAULT as Snowflake SQL."""

    name: str
    data_type: str
    nullable: bool = True
    default_sql: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class CatalogObject:
    """One catalog row: a table, view or later kind, with where DuckDB keeps it."""

    id: int
    name: ObjectName
    kind: str
    duck_schema: str
    duck_name: str
    base_name: str | None
    table_type: str
    comment: str | None
    created_on: datetime
    last_altered: datetime
    change_tracking: bool
    retention_days: int
    max_extension_days: int
    version: int
    definition: str | None
    properties: dict[str, Any] = field(default_factory=dict)

    def relation(self) -> exp.Table:
        """The user-visible DuckDB relation (a view for tables: no row id)."""
        return exp.Table(
            this=ident(self.duck_name),
            db=ident(self.duck_schema),
        )

    def base(self) -> exp.Table:
        """The DuckDB base table written by DML (has the row id column)."""
        if self.base_name is None:
            raise errors.generic(f"{self.kind} {self.name} has no base table")
        return exp.Table(
            this=ident(self.base_name),
            db=ident(self.duck_schema),
        )

    def log(self) -> exp.Table:
        """The change-log table of a tracked table."""
        return exp.Table(
            this=ident(f"log_{self.id}"),
            db=ident(META_SCHEMA),
        )


def duck_table(schema: str, name: str) -> exp.Table:
    """A quoted DuckDB ``schema.name`` table node."""
    return exp.Table(this=ident(name), db=ident(schema))


def utc_naive(instant: datetime) -> datetime:
    """Metadata stores instants as naive UTC TIMESTAMPs (read back with :func:`utc_aware`)."""
    return instant.astimezone(UTC).replace(tzinfo=None)


def utc_aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def owned_sequences(obj: CatalogObject) -> list[str]:
    """The DuckDB sequences (in the reserved schema) a catalog object owns: a sequence's
    own, a table's identity columns'; they are dropped with it."""
    if obj.kind == SEQUENCE:
        return [str(obj.properties.get("duck") or f"seq_{obj.id}")]
    return [str(d) for d in (obj.properties.get(IDENTITY) or {}).values()]
