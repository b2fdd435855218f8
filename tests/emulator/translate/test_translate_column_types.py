"""Rewrites that depend on declared column types, given ``TranslateContext.column_types``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest
from sqlglot import exp
from translate_helpers import one, run_sql

from emulator.translate import duckdb_type
from icebridge.sql.dialect import parse_one

DECLARED = {
    "D": "DATE",
    "TS": "TIMESTAMP_NTZ",
    "S": "VARCHAR",
    "V": "VARIANT",
    "AMT": "NUMBER(10,2)",
    "QTY": "INT",
    "F": "FLOAT",
}


def dtype(text: str) -> exp.DataType:
    select = parse_one(f"SELECT CAST(x AS {text})")
    assert isinstance(select, exp.Select)
    cast = select.expressions[0]
    assert isinstance(cast, exp.Cast)
    return cast.to


def types_of(table: exp.Table) -> Mapping[str, exp.DataType] | None:
    return {name: dtype(text) for name, text in DECLARED.items()} if table.name == "T" else None


@pytest.fixture
def typed(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    columns = ", ".join(
        f'"{name}" {duckdb_type(dtype(text)).sql(dialect="duckdb")}'
        for name, text in DECLARED.items()
    )
    con.execute(f'CREATE TABLE "T" ({columns})')
    con.execute(
        """INSERT INTO "T" VALUES ('2024-01-31', '2024-01-31 10:00:00', '2024-02-02',
        '"plain"', 10.00, 4, 1.0)"""
    )
    return con


def test_dateadd_on_date_column_stays_date(typed: duckdb.DuckDBPyConnection) -> None:
    row = one(
        run_sql(
            typed,
            "SELECT DATEADD(month, 1, d) m, DATEADD(hour, 1, d) h, DATEADD(day, 1, t.ts) ts FROM t",
            column_types=types_of,
        )
    )
    assert row == {
        "M": date(2024, 2, 29),
        "H": datetime(2024, 1, 31, 1, 0),
        "TS": datetime(2024, 2, 1, 10, 0),
    }


def test_string_column_converts_in_datediff(typed: duckdb.DuckDBPyConnection) -> None:
    row = one(run_sql(typed, "SELECT DATEDIFF(day, d, s) n FROM t", column_types=types_of))
    assert row == {"N": 2}


def test_division_scale_from_column_types(typed: duckdb.DuckDBPyConnection) -> None:
    row = one(
        run_sql(
            typed,
            "SELECT amt / qty a, qty / 3 b, f / 4 c FROM (SELECT * FROM t) sub",
            column_types=types_of,
        )
    )
    assert row == {"A": Decimal("2.50000000"), "B": Decimal("1.333333"), "C": 0.25}


def test_variant_column_cast_to_string_unquotes(typed: duckdb.DuckDBPyConnection) -> None:
    row = one(run_sql(typed, "SELECT v::STRING s, v raw FROM t", column_types=types_of))
    assert row == {"S": "plain", "RAW": '"plain"'}


def test_dml_columns_are_typed(typed: duckdb.DuckDBPyConnection) -> None:
    run_sql(typed, "UPDATE t SET d = DATEADD(year, 1, d)", column_types=types_of)
    assert typed.execute('SELECT "D" FROM "T"').fetchone() == (date(2025, 1, 31),)


def test_date_trunc_on_date_column_stays_date(typed: duckdb.DuckDBPyConnection) -> None:
    row = one(run_sql(typed, "SELECT DATE_TRUNC('month', d) m FROM t", column_types=types_of))
    assert row == {"M": date(2024, 1, 1)}
