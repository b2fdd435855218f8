"""Iceberg column types: the text contract, PyIceberg types, Arrow and DuckDB types.

The Snowflake DDL -> Iceberg mapping lives in ``icebridge.types.to_iceberg`` and yields
type strings such as ``"long"``, ``"decimal(10,2)"`` or ``"fixed[16]"``. This module turns
those strings into PyIceberg types (for the table schema), Arrow types (for writes) and
DuckDB types (for reads). The mapping follows
https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FixedType,
    FloatType,
    IcebergType,
    IntegerType,
    LongType,
    PrimitiveType,
    StringType,
    TimestampNanoType,
    TimestampType,
    TimestamptzNanoType,
    TimestamptzType,
    TimeType,
    UUIDType,
)

from emulator.errors import generic, unsupported

_SIMPLE: dict[str, PrimitiveType] = {
    "boolean": BooleanType(),
    "int": IntegerType(),
    "long": LongType(),
    "float": FloatType(),
    "double": DoubleType(),
    "date": DateType(),
    "time": TimeType(),
    "timestamp": TimestampType(),
    "timestamptz": TimestamptzType(),
    "timestamp_ns": TimestampNanoType(),
    "timestamptz_ns": TimestamptzNanoType(),
    "string": StringType(),
    "binary": BinaryType(),
    "uuid": UUIDType(),
}
# Types that exist only in Iceberg format version 3.
V3_ONLY = frozenset({"timestamp_ns", "timestamptz_ns"})

_DECIMAL = re.compile(r"decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)\Z")
_FIXED = re.compile(r"fixed[\[(]\s*(\d+)\s*[\])]\Z")

_DUCKDB: dict[type[PrimitiveType], str] = {
    BooleanType: "BOOLEAN",
    IntegerType: "INTEGER",
    LongType: "BIGINT",
    FloatType: "FLOAT",
    DoubleType: "DOUBLE",
    DateType: "DATE",
    TimeType: "TIME",
    TimestampType: "TIMESTAMP",
    TimestamptzType: "TIMESTAMP WITH TIME ZONE",
    TimestampNanoType: "TIMESTAMP_NS",
    TimestamptzNanoType: "TIMESTAMP WITH TIME ZONE",
    StringType: "VARCHAR",
    BinaryType: "BLOB",
    FixedType: "BLOB",
    UUIDType: "UUID",
}


@dataclass(frozen=True)
class IcebergColumn:
    """One column of an Iceberg table.

    ``name`` is the stored Snowflake identifier (``ORDER_ID``), kept exactly;
    ``type`` is an Iceberg type string (``"decimal(10,2)"``); ``required`` is NOT NULL.
    """

    name: str
    type: str
    required: bool = False
    doc: str | None = None


def iceberg_type(text: str, *, column: str | None = None) -> PrimitiveType:
    """Parse an Iceberg type string (``"long"``, ``"decimal(10,2)"``, ``"fixed[16]"``).

    Nested types (struct, list, map) are not supported by the emulator yet.
    """
    key = text.strip().lower()
    where = f" for column '{column}'" if column else ""
    if key in _SIMPLE:
        return _SIMPLE[key]
    if m := _DECIMAL.match(key):
        precision, scale = int(m.group(1)), int(m.group(2))
        if not 1 <= precision <= 38 or scale > precision:
            raise generic(
                f"Invalid Iceberg type '{text}'{where}: precision 1-38, scale <= precision"
            )
        return DecimalType(precision, scale)
    if m := _FIXED.match(key):
        length = int(m.group(1))
        if length < 1:
            raise generic(f"Invalid Iceberg type '{text}'{where}: fixed length must be >= 1")
        return FixedType(length)
    if key.startswith(("struct", "list", "map", "variant", "geometry", "geography")):
        raise unsupported(f"Iceberg type '{text}'{where} (nested and semi-structured types)")
    raise generic(f"Unknown Iceberg type '{text}'{where}")


def type_text(kind: IcebergType) -> str:
    """The canonical type string of a PyIceberg type (inverse of :func:`iceberg_type`)."""
    if isinstance(kind, DecimalType):
        return f"decimal({kind.precision},{kind.scale})"
    if isinstance(kind, FixedType):
        return f"fixed[{len(kind)}]"
    for text, known in _SIMPLE.items():
        if kind == known:
            return text
    raise unsupported(f"Iceberg type {kind}")


def arrow_type(kind: str | IcebergType) -> pa.DataType:
    """The Arrow type PyIceberg writes for an Iceberg type (``timestamptz`` is UTC)."""
    parsed = iceberg_type(kind) if isinstance(kind, str) else kind
    if isinstance(parsed, DecimalType):
        return pa.decimal128(parsed.precision, parsed.scale)
    if isinstance(parsed, FixedType):
        return pa.binary(len(parsed))
    simple: dict[str, pa.DataType] = {
        "boolean": pa.bool_(),
        "int": pa.int32(),
        "long": pa.int64(),
        "float": pa.float32(),
        "double": pa.float64(),
        "date": pa.date32(),
        "time": pa.time64("us"),
        "timestamp": pa.timestamp("us"),
        "timestamptz": pa.timestamp("us", tz="UTC"),
        "timestamp_ns": pa.timestamp("ns"),
        "timestamptz_ns": pa.timestamp("ns", tz="UTC"),
        "string": pa.string(),
        "binary": pa.binary(),
        "uuid": pa.uuid(),
    }
    return simple[type_text(parsed)]


def duckdb_type(kind: str | IcebergType) -> str:
    """The DuckDB type a read of this Iceberg type yields (``DECIMAL(10,2)``, ``BIGINT``...)."""
    parsed = iceberg_type(kind) if isinstance(kind, str) else kind
    if isinstance(parsed, DecimalType):
        return f"DECIMAL({parsed.precision},{parsed.scale})"
    for cls, name in _DUCKDB.items():
        if isinstance(parsed, cls):
            return name
    raise unsupported(f"Iceberg type {parsed}")
