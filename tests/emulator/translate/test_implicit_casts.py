"""Implicit casts (coercion) Snowflake performs where DuckDB would refuse or differ.

https://docs.snowflake.com/en/sql-reference/data-type-conversion: a function or operator
that needs a compatible type converts its argument.
"""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import DataError


@pytest.fixture
def typed(emu: Emulator) -> Emulator:
    emu.execute(
        "CREATE TABLE t (id INT, amount NUMBER(10, 2), code VARCHAR);"
        "INSERT INTO t VALUES (1, 1.50, '5'), (2, 2.25, '07'), (3, 10.00, '12.5')"
    )
    return emu


def test_sum_and_avg_of_varchar_read_numbers(typed: Emulator) -> None:
    """SUM/AVG need numbers: a VARCHAR argument is converted (5 + 7 + 12.5)."""
    row = typed.sql("SELECT SUM(code) AS s, AVG(code) AS a FROM t").to_pylist()[0]
    assert row["S"] == pytest.approx(24.5)
    assert row["A"] == pytest.approx(24.5 / 3)


def test_arithmetic_on_text_reads_numbers(typed: Emulator) -> None:
    """``'5' + 1`` is 6; a VARCHAR column in arithmetic is read as a number."""
    assert typed.sql("SELECT '5' + 1 AS six").to_pylist() == [{"SIX": 6}]
    rows = typed.sql("SELECT code * 2 AS twice FROM t ORDER BY id").to_pylist()
    assert [r["TWICE"] for r in rows] == pytest.approx([10, 14, 25])


def test_numbers_passed_to_string_functions_are_text(typed: Emulator) -> None:
    """The page's example coerces INTEGER to VARCHAR for ``||``; string functions do the
    same: TRIM(1) is '1', UPPER(5) is '5', and a NUMBER(10,2) keeps its scale ('1.50')."""
    row = typed.sql(
        "SELECT TRIM(1) AS t, UPPER(5) AS u, 17 || '76' AS c, "
        "LTRIM(amount) AS l, STARTSWITH(id, '1') AS s FROM t WHERE id = 1"
    ).to_pylist()[0]
    assert row == {"T": "1", "U": "5", "C": "1776", "L": "1.50", "S": True}


def test_numbers_compared_with_text_compare_as_numbers(typed: Emulator) -> None:
    """A number compared with text compares numbers: '07' = 7, '12.5' > 9, and
    ``id = '1.5'`` matches no integer (the text is not rounded to the column's scale)."""
    assert typed.sql("SELECT id FROM t WHERE code = 7").to_pylist() == [{"ID": 2}]
    assert typed.sql("SELECT id FROM t WHERE code > 9").to_pylist() == [{"ID": 3}]
    assert typed.sql("SELECT id FROM t WHERE id = '1.5'").to_pylist() == []
    assert typed.sql("SELECT id FROM t WHERE amount = '2.25'").to_pylist() == [{"ID": 2}]
    assert typed.sql("SELECT id FROM t WHERE id = '3'").to_pylist() == [{"ID": 3}]


def test_text_that_is_not_a_number_is_an_error(typed: Emulator) -> None:
    """A conversion that fails is Snowflake's "Numeric value 'x' is not recognized"."""
    typed.sql("INSERT INTO t VALUES (4, 0, 'abc')")
    with pytest.raises(DataError, match="Numeric value 'abc' is not recognized"):
        typed.sql("SELECT SUM(code) FROM t")


def test_a_select_alias_in_where(typed: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/constructs/where: a select-list alias may
    be used in WHERE; a column of the table with the same name wins over the alias."""
    assert typed.sql("SELECT id + 1 AS nxt FROM t WHERE nxt = 3").to_pylist() == [{"NXT": 3}]
    assert typed.sql("SELECT id * 10 AS id FROM t WHERE id = 1").to_pylist() == [{"ID": 10}]
