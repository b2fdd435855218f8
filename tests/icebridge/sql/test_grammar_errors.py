"""Garbled statements with a prefix this grammar owns are syntax errors shaped like
Snowflake's, never a silent Command."""

from __future__ import annotations

import pytest
from sqlglot import exp

from icebridge.errors import ProgrammingError, SqlError
from icebridge.sql.dialect import parse, parse_one

GARBLED = [
    "CREATE STREAM s ON TABEL t",
    "CREATE STREAM s ON TABLE t FOO = 1",
    "CREATE STREAM s TABLE t",
    "CREATE STREAM s ON TABLE t AT (NOPE => 1)",
    "CREATE TASK t SCHEDULE = '1 MINUTE'",
    "CREATE TASK t AS",
    "CREATE TASK t AS BEGIN INSERT INTO a VALUES (1); DELETE FROM a",
    "CREATE TASK t AS BEGIN INSERT INTO a VALUES (1) END",
    "CREATE TASK t AS BEGIN FROB x; END",
    "CREATE TASK t AS BEGIN END",
    "CREATE TASK t AS 1",
    "ALTER TASK t FROB",
    "ALTER TASK t SET",
    "ALTER TASK t ADD AFTER",
    "EXECUTE TASK",
    "EXECUTE TASK t USING CONFIG = 1",
    "DROP STREAM",
    "DROP TASK",
    "DROP DYNAMIC TABLE",
    "DESC STREAM",
    "DESCRIBE TASK",
    "ALTER DYNAMIC TABLE d FROB",
    "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS",
    "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w",
    "DECLARE x; BEGIN SELECT 1; END",
    "SELECT 'unterminated",
]


@pytest.mark.parametrize("sql", GARBLED)
def test_garbled_statement_is_a_syntax_error(sql: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        parse(sql)
    err = info.value
    assert isinstance(err, SqlError)
    assert err.errno == 1003
    assert err.sqlstate == "42000"
    assert err.msg.startswith("SQL compilation error:\nsyntax error line ")
    assert str(err).startswith("001003 (42000): SQL compilation error:")


@pytest.mark.parametrize(
    ("sql", "line", "position", "near"),
    [
        ("CREATE STREAM s ON TABEL t", 1, 19, "TABEL"),
        ("ALTER TASK t FROB", 1, 13, "FROB"),
        ("SELECT 1;\nDROP TASK", 2, 9, "<EOF>"),
        ("CREATE TASK t\n  AS BEGIN FROB x; END", 2, 11, "FROB"),
    ],
)
def test_error_points_at_the_token(sql: str, line: int, position: int, near: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        parse(sql)
    assert info.value.msg == (
        f"SQL compilation error:\nsyntax error line {line} at position {position} "
        f"unexpected '{near}'."
    )


@pytest.mark.parametrize("sql", ["SHOW GRANTS", "EXECUTE IMMEDIATE 'SELECT 1'"])
def test_other_statements_still_parse(sql: str) -> None:
    # Statements outside this grammar keep sqlglot's behaviour.
    assert isinstance(parse_one(sql), exp.Expression)
