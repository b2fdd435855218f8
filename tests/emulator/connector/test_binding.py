"""Client-side parameter binding: placeholders become literal nodes, never spliced text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import pytest
import sqlglot

from emulator.api.binding import bind, number_placeholders
from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import DIALECT


def evaluate(sql: str) -> tuple[Any, ...]:
    """Run bound Snowflake SQL on DuckDB (through sqlglot) and return the single row."""
    duck = sqlglot.transpile(sql, read=DIALECT, write="duckdb")[0]
    row = duckdb.sql(duck).fetchone()
    assert row is not None
    return row


HOSTILE = "it's \\ a 'quote' $$ and\nnewline'); DROP TABLE t; --"


def test_strings_are_literals_whatever_they_contain() -> None:
    sql = bind("SELECT %s AS a, %s AS b", (HOSTILE, "%s"))
    assert evaluate(sql) == (HOSTILE, "%s")


def test_pyformat_named_parameters_may_repeat() -> None:
    sql = bind("SELECT %(x)s + %(y)s AS a, %(x)s AS b", {"x": 2, "y": 40})
    assert evaluate(sql) == (42, 2)


@pytest.mark.parametrize(
    ("sql", "params"),
    [("SELECT ? AS a, ? AS b", [1, "two"]), ("SELECT :2 AS b2, :1 AS a1", [1, "two"])],
)
def test_qmark_and_numeric_styles(sql: str, params: list[Any]) -> None:
    row = evaluate(bind(sql, params))
    assert sorted(map(str, row)) == ["1", "two"]


def test_numeric_style_binds_by_number() -> None:
    assert evaluate(bind("SELECT :2 AS b, :1 AS a", ["first", "second"])) == ("second", "first")


def test_placeholders_in_strings_comments_and_identifiers_are_left_alone() -> None:
    sql = bind("SELECT '%s ?' AS a, 1 AS \"x%s\", %s AS c -- %s ?\n /* %(n)s */", (5,))
    assert evaluate(sql) == ("%s ?", 1, 5)
    assert '"x%s"' in sql


def test_percent_percent_is_a_modulo_in_pyformat() -> None:
    assert evaluate(bind("SELECT 7 %% %s AS m", (4,))) == (3,)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (12345678901234567890, 12345678901234567890),
        (1.25, 1.25),
        (Decimal("12.345"), Decimal("12.345")),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (dt.datetime(2024, 1, 2, 3, 4, 5, 678901), dt.datetime(2024, 1, 2, 3, 4, 5, 678901)),
        (dt.time(13, 14, 15), dt.time(13, 14, 15)),
        (b"\x00\xffA", b"\x00\xffA"),
    ],
)
def test_python_values_become_typed_literals(value: Any, expected: Any) -> None:
    assert evaluate(bind("SELECT %s AS v", (value,))) == (expected,)


def test_aware_datetime_is_a_timestamp_tz_literal() -> None:
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    sql = bind("SELECT %s AS v", (when,))
    assert "TIMESTAMPTZ" in sql.upper() or "TIMESTAMP_TZ" in sql.upper()
    assert "2024-01-02 03:04:05+02:00" in sql


def test_binding_keeps_the_rest_of_the_statement() -> None:
    sql = bind("INSERT INTO t (a, b) VALUES (%s, %s)", ("x", 1))
    assert sql == "INSERT INTO t (a, b) VALUES ('x', 1)"


@pytest.mark.parametrize(
    ("sql", "params", "message"),
    [
        ("SELECT %s, %s", (1,), "not enough parameters"),
        ("SELECT %s", (1, 2), "not all parameters were used"),
        ("SELECT %s", {"a": 1}, "needs a sequence"),
        ("SELECT %(a)s", (1,), "needs a mapping"),
        ("SELECT %(a)s", {"b": 1}, "no value given for parameter %(a)s"),
        ("SELECT ?, ?", (1,), "no value bound for placeholder :2"),
        ("SELECT :3", (1,), "no value bound for placeholder :3"),
        ("SELECT 1", (1,), "1 parameters given but the statement uses 0"),
        ("SELECT %s", ({"a": 1},), "cannot bind a value of type dict"),
        ("SELECT 1; SELECT %s", (1,), "execute() runs one statement"),
    ],
)
def test_binding_errors(sql: str, params: Any, message: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        bind(sql, params)
    assert message in str(info.value)


def test_numbering_is_done_outside_quotes_only() -> None:
    text, values = number_placeholders("SELECT '?', ? , \"?\"", ["v"])
    assert text == "SELECT '?',  :1  , \"?\""
    assert values == ["v"]
