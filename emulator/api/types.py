"""Result metadata and Python values the way snowflake-connector-python presents them.

Type codes are the indexes of the connector's ``FIELD_TYPES`` table (``FIXED`` = 0,
``TIMESTAMP_LTZ`` = 6, ``TIMESTAMP_TZ`` = 7, ``TIMESTAMP_NTZ`` = 8 … ``BOOLEAN`` = 13 …
``INTERVAL_DAY_TIME`` = 20; see ``snowflake/connector/constants.py``). A result column's
Snowflake type comes from the Arrow field metadata key ``snowflake_type`` when the emulator
sets it (e.g. ``NUMBER(10,2)``, ``VARIANT``), otherwise it is inferred from the Arrow type.

Values follow the connector's defaults
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api#data-type-mappings-for-qmark-and-numeric-bindings):
NUMBER with scale 0 -> ``int``, other NUMBER -> ``Decimal``, FLOAT -> ``float``, TEXT -> ``str``,
DATE -> ``date``, TIME -> ``time``, timestamps -> ``datetime`` (aware for LTZ/TZ), BOOLEAN ->
``bool``, BINARY -> ``bytes``, VARIANT / OBJECT / ARRAY -> JSON text indented by two spaces.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import time as _time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import pyarrow as pa

FIELD_TYPES = (
    "FIXED",
    "REAL",
    "TEXT",
    "DATE",
    "TIMESTAMP",
    "VARIANT",
    "TIMESTAMP_LTZ",
    "TIMESTAMP_TZ",
    "TIMESTAMP_NTZ",
    "OBJECT",
    "ARRAY",
    "BINARY",
    "TIME",
    "BOOLEAN",
    "GEOGRAPHY",
    "GEOMETRY",
    "VECTOR",
    "MAP",
    "FILE",
    "INTERVAL_YEAR_MONTH",
    "INTERVAL_DAY_TIME",
)
TYPE_CODE = {name: code for code, name in enumerate(FIELD_TYPES)}
METADATA_KEY = b"snowflake_type"
MAX_VARCHAR = 16777216
_SEMI = ("VARIANT", "OBJECT", "ARRAY")
_SYNONYMS = {
    "NUMBER": "FIXED",
    "DECIMAL": "FIXED",
    "NUMERIC": "FIXED",
    "INT": "FIXED",
    "INTEGER": "FIXED",
    "BIGINT": "FIXED",
    "FLOAT": "REAL",
    "DOUBLE": "REAL",
    "VARCHAR": "TEXT",
    "STRING": "TEXT",
    "CHAR": "TEXT",
    "TIMESTAMP": "TIMESTAMP_NTZ",
}
_TYPE_TEXT = re.compile(r"\s*([A-Z_]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*\Z")


class DBAPITypeObject:
    """A PEP 249 type object: equal to each of the type codes it groups."""

    def __init__(self, *names: str) -> None:
        self.codes = frozenset(TYPE_CODE[n] for n in names)

    def __eq__(self, other: object) -> bool:
        return other in self.codes if isinstance(other, int) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.codes)


# The connector's grouping of type codes (``dbapi_type`` in its FIELD_TYPES).
STRING = DBAPITypeObject("TEXT")
BINARY = DBAPITypeObject("VARIANT", "OBJECT", "ARRAY", "BINARY")
NUMBER = DBAPITypeObject("FIXED", "REAL")
DATETIME = DBAPITypeObject(
    "DATE", "TIMESTAMP", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "TIMESTAMP_NTZ", "TIME"
)
ROWID = DBAPITypeObject()


# PEP 249 constructors.
Date = _dt.date
Time = _dt.time
Timestamp = _dt.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> _dt.date:
    """The local date of a POSIX timestamp."""
    return Date(*_time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> _dt.time:
    """The local time of a POSIX timestamp."""
    return Time(*_time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> _dt.datetime:
    """The local date and time of a POSIX timestamp."""
    return Timestamp(*_time.localtime(ticks)[:6])


class ResultMetadata(NamedTuple):
    """One column of ``Cursor.description`` (the connector's 7-tuple)."""

    name: str
    type_code: int
    display_size: int | None
    internal_size: int | None
    precision: int | None
    scale: int | None
    is_nullable: bool


def describe(field: pa.Field) -> ResultMetadata:
    """The connector's metadata for one result column."""
    declared = (field.metadata or {}).get(METADATA_KEY)
    if declared is not None:
        parsed = _from_text(declared.decode())
        if parsed is not None:
            kind, precision, scale = parsed
            return _metadata(field, kind, precision, scale)
    kind, precision, scale = _from_arrow(field.type)
    return _metadata(field, kind, precision, scale)


def _metadata(
    field: pa.Field, kind: str, precision: int | None, scale: int | None
) -> ResultMetadata:
    internal = MAX_VARCHAR if kind in ("TEXT", *_SEMI) else None
    if kind == "BINARY":
        internal = 8388608
    return ResultMetadata(
        field.name, TYPE_CODE[kind], None, internal, precision, scale, field.nullable
    )


def _from_text(text: str) -> tuple[str, int | None, int | None] | None:
    match = _TYPE_TEXT.match(text.upper())
    if match is None:
        return None
    name = _SYNONYMS.get(match.group(1), match.group(1))
    if name not in TYPE_CODE:
        return None
    first = int(match.group(2)) if match.group(2) else None
    second = int(match.group(3)) if match.group(3) else None
    if name == "FIXED":
        return name, first if first is not None else 38, second if second is not None else 0
    if name.startswith("TIMESTAMP") or name == "TIME":
        return name, 0, first if first is not None else 9
    return name, None, None


def _from_arrow(dtype: pa.DataType) -> tuple[str, int | None, int | None]:
    if pa.types.is_integer(dtype):
        return "FIXED", 38, 0
    if pa.types.is_decimal(dtype):
        return "FIXED", dtype.precision, dtype.scale
    if pa.types.is_floating(dtype):
        return "REAL", None, None
    if pa.types.is_boolean(dtype):
        return "BOOLEAN", None, None
    if pa.types.is_date(dtype):
        return "DATE", None, None
    if pa.types.is_timestamp(dtype):
        return ("TIMESTAMP_LTZ" if dtype.tz else "TIMESTAMP_NTZ"), 0, 9
    if pa.types.is_time(dtype):
        return "TIME", 0, 9
    if pa.types.is_binary(dtype) or pa.types.is_large_binary(dtype):
        return "BINARY", None, None
    if pa.types.is_struct(dtype) or pa.types.is_map(dtype):
        return "OBJECT", None, None
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return "ARRAY", None, None
    if isinstance(dtype, pa.ExtensionType) and "json" in dtype.extension_name.lower():
        return "VARIANT", None, None
    return "TEXT", None, None


def converter(meta: ResultMetadata) -> Callable[[Any], Any] | None:
    """The per-value conversion after Arrow's ``to_pylist`` (None: keep Arrow's value)."""
    kind = FIELD_TYPES[meta.type_code]
    if kind == "FIXED":
        return _to_int if meta.scale == 0 else _to_decimal
    if kind in _SEMI:
        return _to_json_text
    if kind == "TEXT":
        return _to_str
    return None


def _to_int(value: Any) -> Any:
    return int(value) if value is not None else None


def _to_decimal(value: Any) -> Any:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _to_str(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _to_json_text(value: Any) -> Any:
    """Semi-structured values as Snowflake prints them: JSON indented by two spaces."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        value = dict(value)  # an Arrow map arrives as (key, value) pairs
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


def rows(table: pa.Table, metadata: list[ResultMetadata]) -> list[tuple[Any, ...]]:
    """All rows of ``table`` as tuples of connector-style Python values."""
    columns: list[list[Any]] = []
    for index, meta in enumerate(metadata):
        values = table.column(index).to_pylist()
        convert = converter(meta)
        if convert is not None:
            values = [convert(v) for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(table.num_rows)]
