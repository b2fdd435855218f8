"""Where tables live: catalog identifiers, directories on volumes, and Iceberg schemas.

A table ``DB.SCHEMA.NAME`` is the catalog identifier ``("DB", "SCHEMA", "NAME")`` with
dots and percent signs escaped (the SQL catalog joins namespace levels with dots). Its
files go under ``BASE_LOCATION`` inside its external volume, or, without one, under
``<DB>/<SCHEMA>/<NAME>.<random id>`` as Snowflake derives a location from the table name
(https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake).

Name parts are percent-encoded into directory names, so a quoted identifier's slashes,
quotes, spaces or glob characters never reach a path. The store records table locations
as plain filesystem paths, never ``file://`` URIs: PyIceberg's file IO uses a URI's path
without percent-decoding while other readers decode it, so an escaped URI (a space in the
emulator's own directory, or in a name) would point the two at different files.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

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


def table_location(
    volumes: Mapping[str, Path],
    name: ObjectName,
    external_volume: str | None,
    base_location: str | None,
    default_volume: str,
) -> Path:
    """The directory of a new table, validated to stay inside its external volume."""
    volume = (external_volume or default_volume).upper()
    if volume not in volumes:
        raise errors.object_does_not_exist(volume, "External volume")
    root = volumes[volume]
    if base_location is None:
        parts = [quote(p, safe="") for p in name.parts]
        return root / parts[0] / parts[1] / f"{parts[2]}.{uuid.uuid4().hex[:8]}"
    relative = Path(base_location.strip("/"))
    if not base_location.strip("/") or relative.is_absolute() or ".." in relative.parts:
        raise errors.generic(
            f"Invalid BASE_LOCATION '{base_location}' for {name.sql()}: "
            "give a relative directory inside the external volume"
        )
    return root / relative


def remove_table_files(location: Path) -> None:
    """Delete a dropped table's ``data`` and ``metadata`` directories (nothing else)."""
    for sub in ("data", "metadata"):
        shutil.rmtree(location / sub, ignore_errors=True)
    with contextlib.suppress(OSError):  # not empty: other files or nested tables live there
        location.rmdir()


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
