"""Catalog identifiers and Iceberg schemas of tables.

A table ``DB.SCHEMA.NAME`` is the catalog identifier ``("DB", "SCHEMA", "NAME")`` with
dots and percent signs escaped (the SQL catalog joins namespace levels with dots). Where
its files live is :mod:`emulator.iceberg.locations`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, FloatType, NestedField, PrimitiveType

from emulator import errors
from emulator.iceberg.types import V3_ONLY, IcebergColumn, iceberg_type
from icebridge.sql.identifiers import ObjectName

_ESCAPED = re.compile(r"%(25|2E)")


def catalog_identifier(name: ObjectName) -> tuple[str, str, str]:
    """The catalog identifier of a table (dots and ``%`` escaped in each part)."""
    db, schema, table = (p.replace("%", "%25").replace(".", "%2E") for p in name.parts)
    return (db, schema, table)


def object_name(identifier: Sequence[str]) -> ObjectName:
    """The table name of a catalog identifier (inverse of :func:`catalog_identifier`)."""
    parts = [_ESCAPED.sub(lambda m: "%" if m.group(1) == "25" else ".", p) for p in identifier]
    return ObjectName(parts[-3], parts[-2], parts[-1])


def build_schema(
    name: ObjectName,
    columns: Sequence[IcebergColumn],
    identifier_fields: Sequence[str],
    format_version: int,
) -> Schema:
    """The Iceberg schema of a new table; PRIMARY KEY columns become identifier fields.

    Iceberg requires identifier fields to be required and not float/double
    (https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake).
    """
    if not columns:
        raise errors.generic(f"Iceberg table {name.sql()} needs at least one column")
    seen: set[str] = set()
    fields: list[NestedField] = []
    nested_ids = itertools.count(len(columns) + 1).__next__  # after the top-level ids
    for pos, col in enumerate(columns, start=1):
        if col.name in seen:
            raise errors.generic(f"Duplicate column name '{col.name}' in {name.sql()}")
        seen.add(col.name)
        kind = iceberg_type(col.type, column=col.name, next_id=nested_ids)
        if col.type.strip().lower() in V3_ONLY and format_version < 3:
            raise errors.generic(
                f"Iceberg type '{col.type}' of column '{col.name}' needs ICEBERG_VERSION = 3"
            )
        is_key = col.name in identifier_fields
        if is_key and isinstance(kind, FloatType | DoubleType):
            raise errors.generic(
                f"Column '{col.name}' of {name.sql()}: a float column cannot be a PRIMARY KEY"
            )
        if is_key and not isinstance(kind, PrimitiveType):
            raise errors.generic(
                f"Column '{col.name}' of {name.sql()}: a nested column cannot be a PRIMARY KEY"
            )
        fields.append(
            NestedField(pos, col.name, kind, required=col.required or is_key, doc=col.doc)
        )
    for key in identifier_fields:
        if key not in seen:
            raise errors.invalid_identifier(key)
    ids = [f.field_id for f in fields if f.name in identifier_fields]
    return Schema(*fields, identifier_field_ids=ids)
