"""Numeric functions and number conversions, run through the translation on DuckDB."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import Run
from translate_helpers import one

from icebridge.errors import DataError


def test_to_decimal_with_a_format(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/to_decimal: the format parses
    the text, the scale (default 0) shapes the result: '99.9' gives 1, -12, 0, 0 and with
    scale 5 1.00000, -12.30000, 0.00000, -0.10000."""
    rows = run(
        "SELECT column1, TO_DECIMAL(column1, '99.9') AS d0, "
        "TO_DECIMAL(column1, '99.9', 9, 5) AS d5, TO_DECIMAL(column1, 'TM9', 9, 5) AS td5 "
        "FROM VALUES ('1.0'), ('-12.3'), ('0.0'), ('- 0.1')"
    )
    assert [r["D0"] for r in rows] == [1, -12, 0, 0]
    assert [r["D5"] for r in rows] == [
        Decimal("1.00000"),
        Decimal("-12.30000"),
        Decimal("0.00000"),
        Decimal("-0.10000"),
    ]
    assert [r["TD5"] for r in rows] == [r["D5"] for r in rows]


def test_number_format_elements(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql-format-models: ``$`` and ``,`` group
    separators, ``MI``/``S`` signs and ``X`` hexadecimal digits."""
    row = one(
        run(
            "SELECT TO_NUMBER('$1,234.50', '$9,999.99', 10, 2) AS money, "
            "TO_NUMBER('12.5-', '99.9MI', 5, 1) AS minus, TO_NUMBER('+7', 'S9') AS sign, "
            "TO_NUMBER('1F', 'XX') AS hex, TRY_TO_NUMBER('abc', '999') AS bad"
        )
    )
    assert row == {
        "MONEY": Decimal("1234.50"),
        "MINUS": Decimal("-12.5"),
        "SIGN": 7,
        "HEX": 31,
        "BAD": None,
    }
    with pytest.raises(DataError, match="Numeric value"):
        run("SELECT TO_NUMBER('abc', '999')")


def test_haversine(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/haversine: New York to Los
    Angeles is 3936.385096389 km."""
    row = one(run("SELECT HAVERSINE(40.7127, -74.0059, 34.0500, -118.2500) AS km"))
    assert row["KM"] == pytest.approx(3936.385096389, abs=1e-6)


def test_width_bucket(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/width_bucket: equal-width buckets
    1..n over [min, max); 0 below the range, n + 1 at or above its top."""
    rows = run(
        "SELECT WIDTH_BUCKET(column1, 200000, 600000, 4) AS b FROM VALUES "
        "(150000), (290000), (320000), (399999), (400000), (510000), (600000)"
    )
    assert [r["B"] for r in rows] == [0, 1, 2, 2, 3, 4, 5]


def test_getbit(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/getbit: 11 is 1011 in binary."""
    row = one(run("SELECT GETBIT(11, 3) AS b3, GETBIT(11, 2) AS b2, GETBIT(11, 0) AS b0"))
    assert row == {"B3": 1, "B2": 0, "B0": 1}


def test_ceil_and_floor_to_a_scale_stay_fixed_point(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/ceil,
    https://docs.snowflake.com/en/sql-reference/functions/floor"""
    row = one(run("SELECT CEIL(135.135, 1) AS c, FLOOR(-975.975, -1) AS f, CEIL(1.5) AS c0"))
    assert row == {"C": Decimal("135.2"), "F": -980, "C0": 2}
    assert isinstance(row["C"], Decimal)


def test_everyday_numeric_functions(run: Run) -> None:
    """Values from the function pages (round: half away from zero; mod keeps the dividend's
    sign; div0 / div0null give 0; square, sign, factorial, log(base, x))."""
    row = one(
        run(
            "SELECT ROUND(2.5) AS r1, ROUND(-2.5) AS r2, ROUND(135.135, 1) AS r3, "
            "MOD(-3, 2) AS m, DIV0(1, 0) AS d, DIV0NULL(1, NULL) AS dn, SQUARE(3) AS sq, "
            "SIGN(-5) AS sg, FACTORIAL(5) AS fa, LOG(10, 100) AS lg, TRUNC(135.135, 1) AS tr, "
            "BITAND(12, 10) AS ba, BITOR(12, 10) AS bo, BITXOR(12, 10) AS bx"
        )
    )
    assert row == {
        "R1": 3,
        "R2": -3,
        "R3": Decimal("135.1"),
        "M": -1,
        "D": 0,
        "DN": 0,
        "SQ": 9,
        "SG": -1,
        "FA": 120,
        "LG": pytest.approx(2.0),
        "TR": Decimal("135.1"),
        "BA": 8,
        "BO": 14,
        "BX": 6,
    }


def test_current_version_is_snowflake_shaped(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/current_version: a
    ``major.minor.patch`` version string (the emulator's own, not DuckDB's ``v1.x``)."""
    version = one(run("SELECT CURRENT_VERSION() AS v"))["V"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
