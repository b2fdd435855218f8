"""Iceberg column types: the text contract, PyIceberg types, Arrow and DuckDB types.

The Snowflake DDL -> Iceberg mapping lives in ``icebridge.types.to_iceberg`` and yields
type strings such as ``"long"``, ``"decimal(10,2)"`` or ``"fixed[16]"``. This module turns
those strings into PyIceberg types (for the table schema), Arrow types (for writes) and
DuckDB types (for reads). The mapping follows
https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
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
    ListType,
    LongType,
    MapType,
    NestedField,
    PrimitiveType,
    StringType,
    StructType,
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


def _split_top(text: str) -> list[str]:
    """Split ``a, b<c, d>, e`` at the commas outside angle brackets and parentheses."""
    parts, depth, start = [], 0, 0
    for pos, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:pos].strip())
            start = pos + 1
    parts.append(text[start:].strip())
    return parts


def _primitive(text: str, where: str) -> PrimitiveType:
    key = text.strip().lower()
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
    if key.startswith(("variant", "geometry", "geography")):
        raise unsupported(f"Iceberg type '{text}'{where} (v3 semi-structured and spatial types)")
    raise generic(f"Unknown Iceberg type '{text}'{where}")


def iceberg_type(
    text: str, *, column: str | None = None, next_id: Callable[[], int] | None = None
) -> IcebergType:
    """Parse an Iceberg type string: ``"long"``, ``"decimal(10,2)"``, ``"fixed[16]"``,
    ``"list<string>"``, ``"map<string, long>"``, ``"struct<A: int, B: string>"``.

    Nested field ids come from ``next_id`` (tables renumber them on creation).
    """
    where = f" for column '{column}'" if column else ""
    ids = next_id or itertools.count(1).__next__
    body = text.strip()
    lowered = body.lower()
    for prefix in ("list<", "map<", "struct<"):
        if lowered.startswith(prefix):
            if not body.endswith(">"):
                raise generic(f"Invalid Iceberg type '{text}'{where}: missing '>'")
            inner = body[len(prefix) : -1]
            break
    else:
        return _primitive(body, where)
    if prefix == "list<":
        return ListType(
            ids(), iceberg_type(inner, column=column, next_id=ids), element_required=False
        )
    parts = _split_top(inner)
    if prefix == "map<":
        if len(parts) != 2:
            raise generic(f"Invalid Iceberg type '{text}'{where}: map needs a key and a value")
        key = iceberg_type(parts[0], column=column, next_id=ids)
        key_id, value_id = ids(), ids()
        value = iceberg_type(parts[1], column=column, next_id=ids)
        return MapType(key_id, key, value_id, value, value_required=False)
    fields = []
    for part in parts:
        name, sep, kind = part.partition(":")
        if not sep or not name.strip():
            raise generic(f"Invalid Iceberg type '{text}'{where}: struct fields are 'name: type'")
        field_id = ids()
        fields.append(
            NestedField(field_id, name.strip(), iceberg_type(kind, column=column, next_id=ids))
        )
    return StructType(*fields)


def type_text(kind: IcebergType) -> str:
    """The canonical type string of a PyIceberg type (inverse of :func:`iceberg_type`)."""
    if isinstance(kind, ListType):
        return f"list<{type_text(kind.element_type)}>"
    if isinstance(kind, MapType):
        return f"map<{type_text(kind.key_type)}, {type_text(kind.value_type)}>"
    if isinstance(kind, StructType):
        return (
            "struct<" + ", ".join(f"{f.name}: {type_text(f.field_type)}" for f in kind.fields) + ">"
        )
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
    if isinstance(parsed, ListType):
        return pa.list_(pa.field("element", arrow_type(parsed.element_type)))
    if isinstance(parsed, MapType):
        return pa.map_(arrow_type(parsed.key_type), arrow_type(parsed.value_type))
    if isinstance(parsed, StructType):
        return pa.struct(
            [pa.field(f.name, arrow_type(f.field_type), not f.required) for f in parsed.fields]
        )
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
    if isinstance(parsed, ListType):
        return f"{duckdb_type(parsed.element_type)}[]"
    if isinstance(parsed, MapType):
        return f"MAP({duckdb_type(parsed.key_type)}, {duckdb_type(parsed.value_type)})"
    if isinstance(parsed, StructType):
        inner = ", ".join(
            '"' + f.name.replace('"', '""') + '" ' + duckdb_type(f.field_type)
            for f in parsed.fields
        )
        return f"STRUCT({inner})"
    if isinstance(parsed, DecimalType):
        return f"DECIMAL({parsed.precision},{parsed.scale})"
    for cls, name in _DUCKDB.items():
        if isinstance(parsed, cls):
            return name
    raise unsupported(f"Iceberg type {parsed}")
