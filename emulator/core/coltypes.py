"""Snowflake type names as DESCRIBE / INFORMATION_SCHEMA print them.

https://docs.snowflake.com/en/sql-reference/intro-summary-data-types: integer synonyms are
NUMBER(38,0), strings default to VARCHAR(16777216), timestamps default to precision 9.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlglot import exp

T = exp.DataType.Type
MAX_VARCHAR = 16777216


def _params(dtype: exp.DataType) -> list[int]:
    out: list[int] = []
    for param in dtype.expressions:
        inner = param.this if isinstance(param, exp.DataTypeParam) else param
        if isinstance(inner, exp.Literal) and not inner.is_string:
            out.append(int(inner.this))
    return out


def snowflake_type(dtype: exp.DataType) -> str:
    """Canonical Snowflake text of a parsed column type, e.g. ``NUMBER(38,0)``."""
    kind = dtype.this
    params = _params(dtype)
    if kind in (T.INT, T.BIGINT, T.SMALLINT, T.TINYINT, T.MEDIUMINT, T.INT128):
        return "NUMBER(38,0)"
    if kind in (T.DECIMAL, T.BIGDECIMAL, T.UDECIMAL):
        precision = params[0] if params else 38
        scale = params[1] if len(params) > 1 else 0
        return f"NUMBER({precision},{scale})"
    if kind in (T.FLOAT, T.DOUBLE):
        return "FLOAT"
    if kind in (T.VARCHAR, T.NVARCHAR, T.TEXT):
        return f"VARCHAR({params[0] if params else MAX_VARCHAR})"
    if kind in (T.CHAR, T.NCHAR):
        return f"VARCHAR({params[0] if params else 1})"
    if kind in (T.BINARY, T.VARBINARY, T.BLOB):
        return f"BINARY({params[0] if params else 8388608})"
    precision = params[0] if params else 9
    if kind in (T.TIMESTAMP, T.TIMESTAMPNTZ, T.DATETIME):
        return f"TIMESTAMP_NTZ({precision})"
    if kind == T.TIMESTAMPLTZ:
        return f"TIMESTAMP_LTZ({precision})"
    if kind == T.TIMESTAMPTZ:
        return f"TIMESTAMP_TZ({precision})"
    if kind == T.TIME:
        return f"TIME({precision})"
    if kind in (T.VARIANT, T.OBJECT, T.ARRAY, T.BOOLEAN, T.DATE):
        return str(kind.value).upper()
    return dtype.sql(dialect="snowflake").upper()


_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def from_duckdb(duck_type: str) -> str:
    """Snowflake type text for a DuckDB column type (used for CTAS and views)."""
    text = duck_type.upper()
    match = _DECIMAL.fullmatch(text)
    if match:
        return f"NUMBER({match.group(1)},{match.group(2)})"
    simple = {
        "TINYINT": "NUMBER(38,0)",
        "SMALLINT": "NUMBER(38,0)",
        "INTEGER": "NUMBER(38,0)",
        "BIGINT": "NUMBER(38,0)",
        "HUGEINT": "NUMBER(38,0)",
        "UBIGINT": "NUMBER(38,0)",
        "UINTEGER": "NUMBER(38,0)",
        "USMALLINT": "NUMBER(38,0)",
        "UTINYINT": "NUMBER(38,0)",
        "FLOAT": "FLOAT",
        "DOUBLE": "FLOAT",
        "VARCHAR": f"VARCHAR({MAX_VARCHAR})",
        "BOOLEAN": "BOOLEAN",
        "DATE": "DATE",
        "TIME": "TIME(9)",
        "TIMESTAMP": "TIMESTAMP_NTZ(9)",
        "TIMESTAMP_NS": "TIMESTAMP_NTZ(9)",
        "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_LTZ(9)",
        "JSON": "VARIANT",
        "BLOB": "BINARY",
    }
    if text in simple:
        return simple[text]
    if text.endswith("[]"):
        return "ARRAY"
    if text.startswith(("STRUCT", "MAP")):
        return "OBJECT"
    return text


def snowflake_datatype(text: str) -> exp.DataType:
    """The sqlglot type of a catalog type text (``NUMBER(38,0)``): parsed once per text, a
    fresh copy per call (callers may attach it to a tree)."""
    return _parsed_type(text).copy()


@lru_cache(maxsize=512)
def _parsed_type(text: str) -> exp.DataType:
    return exp.DataType.build(text, dialect="snowflake")
