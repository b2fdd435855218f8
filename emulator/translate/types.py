"""Snowflake column types -> the DuckDB types that hold them.

Snowflake data types: https://docs.snowflake.com/en/sql-reference/intro-summary-data-types
- Fixed-point: NUMBER, DECIMAL, NUMERIC default to NUMBER(38,0); INT, INTEGER, BIGINT,
  SMALLINT, TINYINT, BYTEINT are synonyms of NUMBER(38,0)
  (https://docs.snowflake.com/en/sql-reference/data-types-numeric).
- FLOAT, FLOAT4, FLOAT8, DOUBLE, DOUBLE PRECISION, REAL are 64-bit floats.
- VARCHAR, STRING, TEXT, CHAR, CHARACTER are strings (the length only limits values).
- TIMESTAMP_NTZ keeps wallclock time; TIMESTAMP_LTZ and TIMESTAMP_TZ are instants
  (https://docs.snowflake.com/en/sql-reference/data-types-datetime). DuckDB's TIMESTAMP
  is microsecond precision; TIMESTAMP_NTZ(9) and plain TIMESTAMP_NTZ (precision 9 by
  default) are stored as microseconds as well, because Iceberg ``timestamp`` is µs and the
  pipeline's target tables are Iceberg. Nanoseconds beyond µs are truncated.
- VARIANT, OBJECT and ARRAY are stored as DuckDB JSON.
"""

from __future__ import annotations

import functools

from sqlglot import exp

from emulator import errors

T = exp.DataType.Type

_INTEGERS = {T.INT, T.BIGINT, T.SMALLINT, T.TINYINT, T.UTINYINT, T.MEDIUMINT, T.INT128}
_DECIMALS = {T.DECIMAL, T.BIGDECIMAL, T.UDECIMAL}
_FLOATS = {T.FLOAT, T.DOUBLE}
_STRINGS = {T.VARCHAR, T.NVARCHAR, T.CHAR, T.NCHAR, T.TEXT}
_SEMI = {T.VARIANT, T.OBJECT, T.ARRAY, T.JSON, T.STRUCT, T.MAP}
_BINARY = {T.BINARY, T.VARBINARY, T.BLOB}
_NTZ = {T.TIMESTAMP, T.TIMESTAMPNTZ, T.DATETIME, T.TIMESTAMP_S, T.TIMESTAMP_MS, T.TIMESTAMP_NS}
_LTZ = {T.TIMESTAMPLTZ, T.TIMESTAMPTZ}
_SIMPLE = {T.BOOLEAN: T.BOOLEAN, T.DATE: T.DATE, T.TIME: T.TIME}

MAX_PRECISION = 38
#: ``Cast.meta`` key of a cast the translation built with a DuckDB target type already.
DUCKDB_CAST = "duckdb_cast"


def _decimal(precision: int, scale: int) -> exp.DataType:
    return exp.DataType(
        this=T.DECIMAL,
        expressions=[
            exp.DataTypeParam(this=exp.Literal.number(precision)),
            exp.DataTypeParam(this=exp.Literal.number(scale)),
        ],
    )


def _params(dtype: exp.DataType) -> list[int]:
    values: list[int] = []
    for param in dtype.expressions:
        inner = param.this if isinstance(param, exp.DataTypeParam) else param
        if not isinstance(inner, exp.Literal) or inner.is_string:
            raise errors.unsupported(f"type parameter {inner.sql()} in {dtype.sql()}")
        values.append(int(inner.this))
    return values


def number_precision_scale(dtype: exp.DataType) -> tuple[int, int]:
    """Precision and scale of a Snowflake fixed-point type (NUMBER -> (38, 0))."""
    params = _params(dtype)
    precision = params[0] if params else MAX_PRECISION
    scale = params[1] if len(params) > 1 else 0
    if not 1 <= precision <= MAX_PRECISION or not 0 <= scale <= precision:
        raise errors.generic(
            f"SQL compilation error:\nInvalid precision/scale for type {dtype.sql()}",
            errno=2040,
            sqlstate="42601",
        )
    return precision, scale


def duckdb_type(dtype: exp.DataType) -> exp.DataType:
    """The DuckDB type that stores values of the Snowflake column type ``dtype``.

    Raises ``errors.unsupported`` for types the emulator cannot store (GEOGRAPHY,
    GEOMETRY, VECTOR, ...).
    """
    kind = dtype.this
    if kind in _INTEGERS:
        return _decimal(MAX_PRECISION, 0)
    if kind in _DECIMALS:
        return _decimal(*number_precision_scale(dtype))
    if kind in _FLOATS:
        return exp.DataType(this=T.DOUBLE)
    if kind in _STRINGS:
        return exp.DataType(this=T.VARCHAR)
    if kind in _NTZ:
        return exp.DataType(this=T.TIMESTAMP)
    if kind in _LTZ:
        return exp.DataType(this=T.TIMESTAMPTZ)
    if kind in _SEMI:
        return exp.DataType(this=T.JSON)
    if kind in _BINARY:
        return exp.DataType(this=T.BLOB)
    if kind in _SIMPLE:
        return exp.DataType(this=_SIMPLE[kind])
    raise errors.unsupported(f"data type {dtype.sql(dialect='snowflake')}")


def varchar_length(dtype: exp.DataType) -> int | None:
    """The declared maximum length of a VARCHAR(n)/CHAR(n) column, if any.

    Snowflake's default (16,777,216) is reported as ``None``: only an explicit length is
    worth validating.
    """
    if dtype.this not in _STRINGS:
        return None
    if not dtype.expressions:
        # CHAR without a length is CHAR(1) in Snowflake.
        return 1 if dtype.this in {T.CHAR, T.NCHAR} else None
    return _params(dtype)[0]


@functools.lru_cache(maxsize=64)
def _duck_type(text: str) -> exp.DataType:
    return exp.DataType.build(text, dialect="duckdb")


def duck_cast(value: exp.Expr, duck_type: str, *, safe: bool = False) -> exp.Cast:
    """A cast to a DuckDB type (``BIGINT``, ``HUGEINT``, ...) that the mapping of
    Snowflake cast targets leaves alone (Snowflake's BIGINT would be NUMBER(38,0))."""
    cls = exp.TryCast if safe else exp.Cast
    node = cls(this=value, to=_duck_type(duck_type).copy())
    node.meta[DUCKDB_CAST] = True
    return node
