"""Numbers: exact division, division by zero, overflow, cast rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import Run
from translate_helpers import one

from icebridge.errors import DataError


def test_integer_division_returns_a_decimal_with_scale_six(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/operators-arithmetic: the scale of
    # a division is max(S1, min(S1 + 6, 12)).
    row = one(run("SELECT 1/3 a, 7/2 b, 10.5/4 c, 1.123456789/1 d, 1/3 * 3 e"))
    assert row == {
        "A": Decimal("0.333333"),
        "B": Decimal("3.500000"),
        "C": Decimal("2.6250000"),
        "D": Decimal("1.123456789"),
        "E": Decimal("0.999999"),
    }


def test_float_division_stays_float(run: Run) -> None:
    assert one(run("SELECT 1::FLOAT / 4 f"))["F"] == 0.25


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1/0",
        "SELECT 1.5/0.0",
        "SELECT x / y FROM (SELECT 1 x, 0 y)",
        "SELECT 1::FLOAT / 0",
    ],
)
def test_division_by_zero_raises(run: Run, sql: str) -> None:
    with pytest.raises(DataError) as info:
        run(sql)
    assert (info.value.errno, info.value.sqlstate) == (100051, "22012")
    assert info.value.msg == "Division by zero"


def test_division_by_null_is_null(run: Run) -> None:
    assert one(run("SELECT 1 / NULL q"))["Q"] is None


def test_div0_and_div0null(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/div0
    row = one(run("SELECT DIV0(1, 0) a, DIV0NULL(1, NULL) b, DIV0NULL(1, 0) c, DIV0(6, 3) d"))
    assert row == {"A": 0, "B": 0, "C": 0, "D": 2}


def test_cast_to_number_rounds_and_overflows(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/data-types-numeric
    row = one(run("SELECT '3.7'::INT a, 2.5::NUMBER b, 12.345::NUMBER(5,2) c"))
    assert row == {"A": 4, "B": 3, "C": Decimal("12.35")}
    with pytest.raises(DataError) as info:
        run("SELECT 123.456::NUMBER(4,2)")
    assert info.value.errno == 100046
    with pytest.raises(DataError) as info:
        run("SELECT '123.456'::NUMBER(4,2)")
    assert info.value.errno == 100046


def test_non_numeric_text_is_not_recognized(run: Run) -> None:
    with pytest.raises(DataError) as info:
        run("SELECT 'abc'::NUMBER(10,2)")
    assert info.value.errno == 100038
    assert "'abc'" in info.value.msg


def test_to_char_number_formats(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/sql-format-models: fixed-position
    # formats are right-aligned with one position for the sign.
    row = one(
        run(
            "SELECT TO_CHAR(1234.5, '999,999.00') a, TO_CHAR(-3, '999,999.00') b, "
            "TO_CHAR(12, 'FM999.0') c, TO_CHAR(1234567, '999,999') d, "
            "TO_VARCHAR(42, '0000') e, TO_CHAR(7.5, '$99.99') f"
        )
    )
    assert row == {
        "A": "   1,234.50",
        "B": "      -3.00",
        "C": "12.0",
        "D": "########",
        "E": " 0042",
        "F": "  $7.50",
    }
