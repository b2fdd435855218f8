"""Column types of Iceberg tables: Snowflake DDL type -> Iceberg type and catalog text.

https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types: ``int`` is reported as
NUMBER(10,0), ``long`` as NUMBER(19,0), ``string`` as VARCHAR(134217728), timestamps with
microseconds. Illegal types (VARCHAR(n), TIMESTAMP_TZ, v3-only types on v2) are
Snowflake-shaped compilation errors naming the column.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import Column
from emulator.core.coltypes import snowflake_type
from icebridge.errors import DefinitionError
from icebridge.types import iceberg_column_type, to_iceberg

_SNOWFLAKE = {
    "boolean": "BOOLEAN",
    "int": "NUMBER(10,0)",
    "long": "NUMBER(19,0)",
    "float": "FLOAT",
    "double": "FLOAT",
    "date": "DATE",
    "time": "TIME(6)",
    "timestamp": "TIMESTAMP_NTZ(6)",
    "timestamptz": "TIMESTAMP_LTZ(6)",
    "timestamp_ns": "TIMESTAMP_NTZ(9)",
    "timestamptz_ns": "TIMESTAMP_LTZ(9)",
    "string": "VARCHAR(134217728)",
    "binary": "BINARY(67108864)",
    "uuid": "UUID",
}
_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)\Z")
_FIXED = re.compile(r"fixed\[(\d+)\]\Z")


@dataclass(frozen=True)
class TypedColumn:
    """A catalog column (Snowflake type text) with its Iceberg type string."""

    column: Column
    iceberg: str


def iceberg_type_of(dtype: exp.DataType, column: str, version: int) -> str:
    """The Iceberg type of a column declared ``dtype``; Snowflake's error when illegal."""
    try:
        return to_iceberg(dtype, column=column, iceberg_version=version)
    except DefinitionError as err:
        raise errors.generic(
            f"SQL compilation error:\nUnsupported data type for Iceberg table column "
            f"'{column}': {err}",
            errno=2040,
            sqlstate="0A000",
        ) from None


def snowflake_text(iceberg: str, dtype: exp.DataType) -> str:
    """How Snowflake reports a column of Iceberg type ``iceberg`` (DESCRIBE, COLUMNS)."""
    if iceberg in _SNOWFLAKE:
        return _SNOWFLAKE[iceberg]
    match = _DECIMAL.match(iceberg)
    if match:
        return f"NUMBER({match.group(1)},{match.group(2)})"
    match = _FIXED.match(iceberg)
    if match:
        return f"BINARY({match.group(1)})"
    return snowflake_type(dtype)


def declared(column: Column, dtype: exp.DataType, version: int) -> TypedColumn:
    """A declared column: its Iceberg type and its catalog text."""
    iceberg = iceberg_type_of(dtype, column.name, version)
    text = snowflake_text(iceberg, dtype)
    return TypedColumn(
        Column(column.name, text, column.nullable, column.default_sql, column.comment), iceberg
    )


def from_query(name: str, snowflake: str, version: int) -> TypedColumn:
    """A CTAS column: the query's type widened to an Iceberg-legal one (VARCHAR(n) ->
    STRING, TIMESTAMP_NTZ(9) -> microseconds)."""
    dtype = exp.DataType.build(snowflake, dialect="snowflake")
    with contextlib.suppress(DefinitionError):  # reported with Snowflake's shape below
        dtype = iceberg_column_type(dtype, column=name, iceberg_version=version)
    return declared(Column(name, snowflake), dtype, version)
