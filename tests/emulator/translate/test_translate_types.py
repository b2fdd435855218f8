"""Snowflake column types -> DuckDB storage types, and DuckDB error mapping."""

from __future__ import annotations

import duckdb
import pytest
from sqlglot import exp

from emulator.translate import duckdb_type, map_duckdb_error
from emulator.translate.types import varchar_length
from icebridge.errors import DataError, UnsupportedError
from icebridge.sql.dialect import parse_one


def declared(text: str) -> exp.DataType:
    select = parse_one(f"SELECT CAST(x AS {text})")
    assert isinstance(select, exp.Select)
    cast = select.expressions[0]
    assert isinstance(cast, exp.Cast)
    return cast.to


@pytest.mark.parametrize(
    ("snowflake", "duck"),
    [
        ("NUMBER", "DECIMAL(38, 0)"),
        ("NUMBER(10,2)", "DECIMAL(10, 2)"),
        ("DECIMAL", "DECIMAL(38, 0)"),
        ("NUMERIC(5)", "DECIMAL(5, 0)"),
        ("INT", "DECIMAL(38, 0)"),
        ("INTEGER", "DECIMAL(38, 0)"),
        ("BIGINT", "DECIMAL(38, 0)"),
        ("SMALLINT", "DECIMAL(38, 0)"),
        ("TINYINT", "DECIMAL(38, 0)"),
        ("BYTEINT", "DECIMAL(38, 0)"),
        ("FLOAT", "DOUBLE"),
        ("DOUBLE", "DOUBLE"),
        ("REAL", "DOUBLE"),
        ("VARCHAR(10)", "TEXT"),
        ("STRING", "TEXT"),
        ("TEXT", "TEXT"),
        ("CHAR", "TEXT"),
        ("BOOLEAN", "BOOLEAN"),
        ("DATE", "DATE"),
        ("TIME", "TIME"),
        ("TIMESTAMP_NTZ(9)", "TIMESTAMP"),
        ("TIMESTAMP", "TIMESTAMP"),
        ("DATETIME", "TIMESTAMP"),
        ("TIMESTAMP_LTZ", "TIMESTAMPTZ"),
        ("TIMESTAMP_TZ", "TIMESTAMPTZ"),
        ("VARIANT", "JSON"),
        ("OBJECT", "JSON"),
        ("ARRAY", "JSON"),
        ("BINARY", "VARBINARY"),  # DuckDB's name for BLOB
        ("VARBINARY", "VARBINARY"),
    ],
)
def test_duckdb_type(snowflake: str, duck: str) -> None:
    result = duckdb_type(declared(snowflake))
    assert result.sql(dialect="duckdb") == duck
    # Every mapped type is valid DuckDB DDL.
    duckdb.connect().execute(f"CREATE TABLE t (c {result.sql(dialect='duckdb')})")


def test_geography_is_unsupported() -> None:
    with pytest.raises(UnsupportedError, match="GEOGRAPHY"):
        duckdb_type(declared("GEOGRAPHY"))


def test_varchar_length_recorded() -> None:
    assert varchar_length(declared("VARCHAR(10)")) == 10
    assert varchar_length(declared("CHAR")) == 1
    assert varchar_length(declared("STRING")) is None
    assert varchar_length(declared("NUMBER")) is None


@pytest.mark.parametrize(
    ("sql", "errno"),
    [
        ("SELECT 'x'::TIMESTAMP", 100035),
        ("SELECT 'x'::DATE", 100040),
        ("SELECT 'x'::TIME", 100108),
        ("SELECT strptime('x', '%Y')", 100035),
        ("SELECT 123.456::DECIMAL(4,2)", 100046),
        ("SELECT 'abc'::DECIMAL(4,2)", 100038),
        ("SELECT json('{bad')", 100069),
    ],
)
def test_map_duckdb_error(sql: str, errno: int) -> None:
    with pytest.raises(duckdb.Error) as info:
        duckdb.connect().execute(sql)
    mapped = map_duckdb_error(info.value)
    assert isinstance(mapped, DataError)
    assert mapped.errno == errno


def test_unrelated_errors_are_not_mapped() -> None:
    with pytest.raises(duckdb.Error) as info:
        duckdb.connect().execute("SELECT * FROM no_such_table")
    assert map_duckdb_error(info.value) is None
