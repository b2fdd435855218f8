"""Shape Arrow rows to a table schema before writing: names, types, NOT NULL.

Columns are matched by their exact stored name; a missing nullable column is written
as NULL; timestamps are cut to the column's unit (Snowflake writes TIMESTAMP_NTZ(9)
into an Iceberg ``timestamp`` as microseconds:
https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types).
"""

from __future__ import annotations

import uuid

import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.schema import Schema

from emulator.errors import invalid_identifier, not_null_violation, numeric_overflow
from emulator.iceberg.types import arrow_type
from icebridge.errors import DataError


def _to_uuid(values: pa.ChunkedArray, column: str) -> pa.Array:
    if pa.types.is_fixed_size_binary(values.type) and values.type.byte_width == 16:
        return pa.ExtensionArray.from_storage(pa.uuid(), values.combine_chunks())
    items: list[bytes | None] = []
    for value in values.to_pylist():
        if value is None:
            items.append(None)
        elif isinstance(value, uuid.UUID):
            items.append(value.bytes)
        elif isinstance(value, bytes) and len(value) == 16:
            items.append(value)
        else:
            try:
                items.append(uuid.UUID(str(value)).bytes)
            except ValueError:
                raise DataError(
                    f"Value {value!r} is not a valid UUID for column '{column}'"
                ) from None
    return pa.ExtensionArray.from_storage(pa.uuid(), pa.array(items, pa.binary(16)))


def _cast(values: pa.ChunkedArray, target: pa.DataType, column: str) -> pa.ChunkedArray | pa.Array:
    if values.type == target:
        return values
    if isinstance(target, pa.UuidType):
        return _to_uuid(values, column)
    try:
        if pa.types.is_timestamp(target) or pa.types.is_time(target):
            options = pc.CastOptions(target, allow_time_truncate=True)
            return pc.cast(values, options=options)
        return pc.cast(values, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        text = str(err)
        if "overflow" in text.lower() or "out of bounds" in text.lower():
            raise numeric_overflow(f"column '{column}': {text}") from None
        raise DataError(
            f"Cannot write {values.type} values into column '{column}' of type {target}: {text}"
        ) from None


def conform(rows: pa.Table, schema: Schema, table: str) -> pa.Table:
    """``rows`` with exactly the columns of ``schema``, in order, cast to their types.

    Raises a Snowflake-shaped error naming the column for an unknown column, a NULL in
    a required column, or a value that does not fit.
    """
    known = {f.name for f in schema.columns}
    for name in rows.column_names:
        if name not in known:
            raise invalid_identifier(name)
    if len(set(rows.column_names)) != len(rows.column_names):
        raise DataError(f"Duplicate column names in rows written to {table}")
    arrays: list[pa.ChunkedArray | pa.Array] = []
    fields: list[pa.Field] = []
    for col in schema.columns:
        target = arrow_type(col.field_type)
        if col.name in rows.column_names:
            values = _cast(rows.column(col.name), target, col.name)
        else:
            values = pa.nulls(rows.num_rows, target)
        if col.required and values.null_count:
            raise not_null_violation(col.name)
        arrays.append(values)
        fields.append(pa.field(col.name, target, nullable=not col.required))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
