"""Facts about catalog objects that SHOW, DESCRIBE and INFORMATION_SCHEMA report alike:
owner, row counts and sizes, keys, last change, and the DESCRIBE TABLE rows.

https://docs.snowflake.com/en/sql-reference/sql/desc-table (DESCRIBE columns),
https://docs.snowflake.com/en/sql-reference/sql/show-primary-keys (keys) and
https://docs.snowflake.com/en/sql-reference/info-schema/tables (ROW_COUNT, BYTES,
LAST_ALTERED). The emulator has one user and one owning role.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import (
    DYNAMIC_TABLE,
    ICEBERG_TABLE,
    TABLE,
    VIEW,
    CatalogObject,
    Column,
    utc_aware,
)
from emulator.core.resolve import stored
from emulator.core.type_facts import type_facts
from icebridge.sql.dialect import DIALECT

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: The role that owns every object, and the emulator's one user.
OWNER = "ACCOUNTADMIN"
USER = "ICEBRIDGE"
#: Kinds that hold rows, and everything TABLES / COLUMNS / SHOW OBJECTS list.
TABLE_KINDS = (TABLE, ICEBERG_TABLE, DYNAMIC_TABLE)
RELATION_KINDS = (*TABLE_KINDS, VIEW)
#: Bytes per value used for BYTES (Snowflake reports compressed micro-partition sizes,
#: which an emulator cannot reproduce; this keeps BYTES 0 when empty and growing with rows).
_WIDTHS = {"NUMBER": 8, "FLOAT": 8, "BOOLEAN": 1, "DATE": 4, "VARCHAR": 16, "BINARY": 16}
_NAMESPACE = uuid.UUID("6a1f5c3e-2b7d-4e8a-9c0f-1d2e3f405162")


def row_count(emu: Engine, obj: CatalogObject) -> int | None:
    """Rows of a table (exact; None for views)."""
    if obj.kind == ICEBERG_TABLE:
        return emu.lake.row_count(obj)
    if obj.kind not in TABLE_KINDS or obj.base_name is None:
        return None
    found = sql.run(emu.con, exp.select(exp.Count(this=exp.Star())).from_(obj.base())).fetchone()
    return int(found[0]) if found else 0


def byte_size(emu: Engine, obj: CatalogObject, rows: int | None) -> int | None:
    """BYTES: an Iceberg table's data file bytes; for native tables an estimate from the
    row count and column types; None for views."""
    if rows is None:
        return None
    if obj.kind == ICEBERG_TABLE:
        summary = emu.lake.store.current_summary(obj.name)
        return int(summary.get("total-files-size", "0"))
    width = sum(_WIDTHS.get(type_facts(c.data_type).base, 8) for c in emu.catalog.columns(obj.id))
    return rows * width


@dataclass(frozen=True)
class Key:
    """A PRIMARY KEY or UNIQUE constraint."""

    name: str
    columns: tuple[str, ...]


def _constraint(text: str, obj: CatalogObject, index: int) -> tuple[str, Key] | None:
    """``("PRIMARY KEY" | "UNIQUE", key)`` of one recorded constraint text."""
    try:
        item: exp.Expr | None = DIALECT.parse_into(exp.Constraint, text)[0]
    except (ParseError, TokenError):
        raise errors.generic(f"table {obj.name} records an unreadable constraint: {text}") from None
    name = None
    if isinstance(item, exp.Constraint):
        name = stored(item.this)
        item = item.expressions[0] if item.expressions else None
    if name is None:  # Snowflake names unnamed constraints SYS_CONSTRAINT_<uuid>
        name = f"SYS_CONSTRAINT_{uuid.uuid5(_NAMESPACE, f'{obj.id}.{index}')}"
    if isinstance(item, exp.PrimaryKey):
        columns = [e.this if isinstance(e, exp.Ordered) else e for e in item.expressions]
        return "PRIMARY KEY", Key(name, tuple(str(stored(c)) for c in columns))
    if isinstance(item, exp.UniqueColumnConstraint) and isinstance(item.this, exp.Schema):
        return "UNIQUE", Key(name, tuple(str(stored(c)) for c in item.this.expressions))
    return None


def keys(emu: Engine, obj: CatalogObject) -> dict[str, list[Key]]:
    """The PRIMARY KEY and UNIQUE constraints of a table, by constraint type."""
    found: dict[str, list[Key]] = {"PRIMARY KEY": [], "UNIQUE": []}
    if obj.kind == ICEBERG_TABLE:
        fields = emu.lake.store.identifier_fields(obj.name)
        if fields:  # Iceberg keeps identifier fields by name, not in key order
            name = f"SYS_CONSTRAINT_{uuid.uuid5(_NAMESPACE, str(obj.id))}"
            found["PRIMARY KEY"].append(Key(name, tuple(fields)))
        return found
    for index, text in enumerate(obj.properties.get("constraints") or []):
        parsed = _constraint(str(text), obj, index)
        if parsed is not None:
            found[parsed[0]].append(parsed[1])
    return found


def changed_at(emu: Engine) -> dict[int, datetime]:
    """The commit time of each change-tracked object's latest table version."""
    versions = sql.meta("table_versions")
    latest = exp.Max(this=sql.column("committed_at"))
    query = (
        exp.select(sql.column("object_id"), latest)
        .from_(versions)
        .group_by(sql.column("object_id"))
    )
    return {int(r[0]): utc_aware(r[1]) for r in sql.run(emu.con, query).fetchall()}


def last_altered(obj: CatalogObject, changes: dict[int, datetime]) -> datetime:
    """LAST_ALTERED: the last DDL, or a later committed write of a change-tracked table."""
    write = changes.get(obj.id)
    return max(obj.last_altered, write) if write is not None else obj.last_altered


def cluster_by(obj: CatalogObject) -> str | None:
    """The clustering key as SHOW TABLES prints it (``LINEAR(a, b)``), or None."""
    text = obj.properties.get("CLUSTER_BY")
    if not text:
        return None
    inner = str(text).strip()
    if inner.upper().startswith("CLUSTER BY"):
        inner = inner[len("CLUSTER BY") :].strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    return f"LINEAR({inner})"


#: DESCRIBE TABLE / VIEW columns, in order (desc-table).
DESCRIBE_COLUMNS = (
    "name",
    "type",
    "kind",
    "null?",
    "default",
    "primary key",
    "unique key",
    "check",
    "expression",
    "comment",
    "policy name",
    "privacy domain",
)


def describe_rows(emu: Engine, obj: CatalogObject) -> list[dict[str, Any]]:
    """The DESCRIBE TABLE rows of a table or view: one per column."""
    found = keys(emu, obj) if obj.kind in TABLE_KINDS else {"PRIMARY KEY": [], "UNIQUE": []}
    primary = {c for k in found["PRIMARY KEY"] for c in k.columns}
    unique = {c for k in found["UNIQUE"] for c in k.columns}
    return [
        _describe_row(c, c.name in primary, c.name in unique) for c in emu.catalog.columns(obj.id)
    ]


def _describe_row(column: Column, primary: bool, unique: bool) -> dict[str, Any]:
    return {
        "name": column.name,
        "type": column.data_type,
        "kind": "COLUMN",
        "null?": "Y" if column.nullable else "N",
        "default": column.default_sql,
        "primary key": "Y" if primary else "N",
        "unique key": "Y" if unique else "N",
        "check": None,
        "expression": None,
        "comment": column.comment,
        "policy name": None,
        "privacy domain": None,
    }
