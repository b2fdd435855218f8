"""Every mistake a user can make reaches them as one IcebridgeError, shaped like Snowflake's.

Each case asserts the class, errno, SQLSTATE and message, and that nothing was printed to
stderr (sqlglot's "Falling back to parsing as a 'Command'" warning included).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pyarrow as pa
import pytest

from emulator import Emulator
from icebridge import Pipeline
from icebridge.errors import (
    DataError,
    IngestError,
    ProgrammingError,
    SqlError,
    UnsupportedError,
)
from icebridge.sql.dialect import parse_one
from icebridge.sql.identifiers import ObjectName

TOO_BIG = 10**38  # 39 digits: one more than NUMBER(38,0) holds


@pytest.fixture
def emu(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[Emulator]:
    """An in-memory emulator with database DB; each test ends with nothing on stderr and no
    sqlglot log record (pytest's log capture would otherwise keep those off stderr)."""
    with Emulator() as emulator:
        emulator.sql("CREATE DATABASE db")
        yield emulator
    assert capfd.readouterr().err == ""
    logged = caplog.get_records("setup") + caplog.get_records("call")
    assert [r.getMessage() for r in logged if r.name.startswith("sqlglot")] == []


def _raises(cls: type[SqlError], errno: int, sqlstate: str, run: object) -> SqlError:
    assert callable(run)
    with pytest.raises(cls) as info:
        run()
    assert info.value.errno == errno
    assert info.value.sqlstate == sqlstate
    return info.value


# -- UNSET --------------------------------------------------------------------------------


def test_unset_with_a_trailing_semicolon(emu: Emulator) -> None:
    """UNSET var / UNSET (a, b); a statement may end in ';'
    (https://docs.snowflake.com/en/sql-reference/sql/unset)."""
    emu.execute("SET v = 1; SET (a, b) = (2, 3)")
    emu.sql("UNSET v;")
    cursor = emu.connect().cursor()
    cursor.execute("UNSET (a, b) ;")
    err = _raises(ProgrammingError, 2211, "02000", lambda: emu.sql("SELECT $a"))
    assert "'$A' does not exist" in err.msg
    _raises(ProgrammingError, 2211, "02000", lambda: emu.sql("SELECT $v"))


@pytest.mark.parametrize(
    ("sql", "position", "near"),
    [
        ("UNSET a.b", 7, "."),
        ("UNSET x, y", 7, ","),
        ("UNSET (x,)", 10, "<EOF>"),
        ("UNSET", 5, "<EOF>"),
        ("UNSET 'x'", 6, "x"),
    ],
)
def test_a_bad_name_in_unset_is_a_syntax_error(
    emu: Emulator, sql: str, position: int, near: str
) -> None:
    """Not a DefinitionError: DB-API code catches SqlError (the connector's ProgrammingError)."""
    err = _raises(ProgrammingError, 1003, "42000", lambda: emu.sql(sql))
    assert err.msg == (
        f"SQL compilation error:\nsyntax error line 1 at position {position} unexpected '{near}'."
    )


def test_a_bad_name_in_a_system_function_is_a_sql_error(emu: Emulator) -> None:
    err = _raises(
        ProgrammingError,
        2003,
        "42S02",
        lambda: emu.sql("SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('\"unterminated')"),
    )
    assert "Task '\"unterminated' does not exist" in err.msg


# -- syntax errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "line", "position", "near"),
    [
        ("CREATE TABL x (a INT)", 1, 7, "TABL"),
        ("create or replace tabel x (a int)", 1, 18, "tabel"),
        ("CREATE TEMPOARY TABLE x (a INT)", 1, 7, "TEMPOARY"),
        ("DROP TABL x", 1, 5, "TABL"),
        ("ALTER TABL x RENAME TO y", 1, 6, "TABL"),
        ("DESCRIBE WIDGET x", 1, 9, "WIDGET"),
        ("SELEC 1", 1, 0, "SELEC"),
        ("FOO BAR", 1, 0, "FOO"),
        ("-- a comment\n  INSRT INTO t VALUES (1)", 2, 2, "INSRT"),
    ],
)
def test_unknown_statement_words_are_syntax_errors(
    emu: Emulator, sql: str, line: int, position: int, near: str
) -> None:
    """Snowflake's 001003 names the line, the 0-based position and the unexpected word
    (https://docs.snowflake.com/en/sql-reference/sql-all lists the commands and object kinds);
    not an UnsupportedError for a statement Snowflake does not have."""
    err = _raises(ProgrammingError, 1003, "42000", lambda: emu.sql(sql))
    assert str(err) == (
        "001003 (42000): SQL compilation error:\n"
        f"syntax error line {line} at position {position} unexpected '{near}'."
    )


def test_the_cursor_reports_the_same_syntax_error(emu: Emulator) -> None:
    cursor = emu.connect().cursor()
    err = _raises(ProgrammingError, 1003, "42000", lambda: cursor.execute("CREATE TABL x (a INT)"))
    assert err.msg.endswith("syntax error line 1 at position 7 unexpected 'TABL'.")
    assert err.sfqid is not None


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("CREATE ROLE analyst", "CREATE ROLE"),
        ("CREATE SECRET s", "CREATE SECRET"),
        ("GRANT SELECT ON TABLE t TO ROLE r", "GRANT"),
        ("ALTER WAREHOUSE wh SET WAREHOUSE_SIZE = SMALL", "ALTER WAREHOUSE"),
    ],
)
def test_real_statements_the_emulator_lacks_stay_unsupported(
    emu: Emulator, sql: str, name: str
) -> None:
    """Valid Snowflake that sqlglot reads as an opaque Command: unsupported, never a syntax
    error, and without sqlglot's warning on stderr (checked by the fixture)."""
    err = _raises(UnsupportedError, 990001, "0A000", lambda: emu.sql(sql))
    assert name in err.msg


def test_statements_run_through_commands_still_work(emu: Emulator) -> None:
    emu.sql("SET x = 1")
    emu.sql("UNSET x")
    params = emu.sql("SHOW PARAMETERS LIKE 'TIMEZONE' IN SESSION")
    assert params.column("key").to_pylist() == ["TIMEZONE"]


def test_parse_one_of_two_statements_is_a_sql_error() -> None:
    with pytest.raises(ProgrammingError) as info:
        parse_one("SELECT 1; SELECT 2")
    assert (info.value.errno, info.value.sqlstate) == (8, "0A000")
    assert "Actual statement count 2" in info.value.msg


# -- numeric overflow ---------------------------------------------------------------------


def test_overflow_through_insert_and_the_cursor(emu: Emulator) -> None:
    """A number wider than NUMBER(p,s) is 100046 (22003) Number out of representable range
    (https://docs.snowflake.com/en/sql-reference/data-types-numeric: precision limits what
    can be inserted into a column)."""
    emu.sql("CREATE TABLE t (n NUMBER(38,0), m NUMBER(10,2))")
    expected = f"Number out of representable range: type NUMBER(38,0), value {TOO_BIG}"
    err = _raises(
        DataError, 100046, "22003", lambda: emu.execute(f"INSERT INTO t (n) VALUES ({TOO_BIG})")
    )
    assert err.msg == expected
    cursor = emu.connect().cursor()
    for value in (TOO_BIG, Decimal(TOO_BIG)):
        bound = _raises(
            DataError,
            100046,
            "22003",
            lambda v=value: cursor.execute("INSERT INTO t (n) VALUES (%s)", (v,)),
        )
        assert bound.msg == expected
    many = [(1,), (TOO_BIG,)]
    _raises(
        DataError,
        100046,
        "22003",
        lambda: cursor.executemany("INSERT INTO t (n) VALUES (%s)", many),
    )
    narrow = _raises(
        DataError, 100046, "22003", lambda: emu.sql("INSERT INTO t (m) VALUES (123456789)")
    )
    assert "type NUMBER(10,2)" in narrow.msg
    assert emu.sql("SELECT COUNT(*) AS c FROM t").column("C").to_pylist() == [0]


def test_overflow_through_ingest_and_insert_rows(emu: Emulator) -> None:
    pipeline = (
        Pipeline("p", database="DB", warehouse="WH")
        .stage("RAW.T", columns={"N": "NUMBER(38,0)"})
        .stream()
        .to_iceberg("LAKE.T", merge_on="N")
    )
    emu.sql("CREATE WAREHOUSE wh")
    pipeline.deploy(emu)
    assert pipeline.ingest(emu, [{"N": 10**37}, {"N": str(10**30)}]) == 2  # 38 and 31 digits fit
    for rows in ([{"N": 1}, {"N": TOO_BIG}], [{"N": 1}, {"N": str(TOO_BIG)}]):
        with pytest.raises(IngestError) as info:
            pipeline.ingest(emu, rows)
        assert (info.value.row, info.value.column) == (1, "N")
        assert str(info.value) == (
            "row 1: column N: Number out of representable range: type NUMBER(38,0), "
            f"value {TOO_BIG}"
        )
    emu.sql("CREATE TABLE db.public.w (n NUMBER(38,0))")
    with pytest.raises(IngestError) as rows_info:
        emu.insert_rows(ObjectName("DB", "PUBLIC", "W"), pa.table({"N": [1.0, 1e40]}))
    assert (rows_info.value.row, rows_info.value.column) == (1, "N")
    assert "Number out of representable range: type NUMBER(38,0), value 1e+40" in str(
        rows_info.value
    )
    staged = emu.sql("SELECT COUNT(*) AS c FROM db.raw.t").column("C").to_pylist()
    assert staged == [2]  # nothing of a rejected batch was written


def test_insert_rows_takes_a_table_name_as_text(emu: Emulator) -> None:
    emu.sql("CREATE TABLE w (n INT)")
    assert emu.insert_rows("w", pa.table({"N": [1]})) == 1  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="unterminated quoted identifier"):
        emu.insert_rows('"w', pa.table({"N": [1]}))  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="expected a pyarrow Table"):
        emu.insert_rows("w", [{"N": 1}])  # type: ignore[arg-type]


# -- column names that differ only in case --------------------------------------------------


def test_column_names_differing_only_in_case_are_refused(emu: Emulator) -> None:
    """ID and "id" are two columns in Snowflake, ID and "ID" one
    (https://docs.snowflake.com/en/sql-reference/identifiers-syntax); DuckDB cannot hold the
    first pair, so the emulator refuses it naming both (a documented fidelity difference)."""
    message = (
        'Unsupported by the icebridge emulator: column names that differ only in case (ID and "id")'
    )
    err = _raises(
        UnsupportedError, 990001, "0A000", lambda: emu.sql('CREATE TABLE t (ID INT, "id" INT)')
    )
    assert err.msg.startswith(message)
    iceberg = 'CREATE ICEBERG TABLE i (ID INT, "id" INT)'
    assert _raises(UnsupportedError, 990001, "0A000", lambda: emu.sql(iceberg)).msg.startswith(
        message
    )
    emu.sql("CREATE TABLE u (ID INT, B INT)")
    added = _raises(
        UnsupportedError, 990001, "0A000", lambda: emu.sql('ALTER TABLE u ADD COLUMN "id" INT')
    )
    assert added.msg.startswith(message)
    renamed = 'ALTER TABLE u RENAME COLUMN B TO "id"'
    assert _raises(UnsupportedError, 990001, "0A000", lambda: emu.sql(renamed)).msg.startswith(
        message
    )
    ctas = _raises(
        UnsupportedError,
        990001,
        "0A000",
        lambda: emu.sql('CREATE TABLE c AS SELECT 1 AS a, 2 AS "a"'),
    )
    assert 'differ only in case ("a" and another)' in ctas.msg
    assert emu.sql("SHOW TABLES").column("name").to_pylist() == ["U"]


def test_a_column_named_twice_is_snowflakes_duplicate_column_error(emu: Emulator) -> None:
    err = _raises(
        ProgrammingError, 2025, "42S21", lambda: emu.sql('CREATE TABLE t (ID INT, "ID" INT)')
    )
    assert err.msg == "SQL compilation error:\nduplicate column name 'ID'"
    iceberg = 'CREATE ICEBERG TABLE i (id INT, "ID" INT)'
    _raises(ProgrammingError, 2025, "42S21", lambda: emu.sql(iceberg))


@pytest.mark.parametrize(
    ("statement", "position"),
    [
        ('CREATE TABLE "" (A INT)', 13),
        ('CREATE ICEBERG TABLE X ("" INT)', 24),
        ('SELECT 1 AS ""', 12),
        ('SELECT 1\nFROM "" ', 5),
    ],
)
def test_an_empty_quoted_identifier_is_a_syntax_error(
    emu: Emulator, statement: str, position: int
) -> None:
    """A double-quoted identifier names at least one character
    (https://docs.snowflake.com/en/sql-reference/identifiers-syntax); ``""`` is a syntax
    error at its position, not a raw IndexError. ``""`` inside a name or a string is fine."""
    with pytest.raises(ProgrammingError) as caught:
        emu.execute(statement)
    assert caught.value.errno == 1003
    assert caught.value.sqlstate == "42000"
    assert f"at position {position} unexpected '\"\"'" in str(caught.value)
    assert emu.sql('SELECT \'""\' AS "a""b"').to_pylist() == [{'a"b': '""'}]
