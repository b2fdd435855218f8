"""COPY INTO <table> with a transformation: ``FROM (SELECT $1, … FROM @stage)``.

https://docs.snowflake.com/en/user-guide/data-load-transform,
https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (Transformation parameters)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import DataError, SqlError

Stage = Callable[..., None]


@pytest.fixture
def s(emu: Emulator, staged: Stage) -> Emulator:
    emu.sql("CREATE STAGE mystage")
    staged("file1.csv", "1,Joe,20\n2,Tom,x\n", stage="@mystage")
    return emu


def test_reorder_and_omit_columns(s: Emulator) -> None:
    """The SELECT list maps file fields onto the listed columns, in any order; columns not
    listed take their DEFAULT (NULL when none)."""
    s.sql("CREATE TABLE t (id INT, name STRING, note STRING DEFAULT 'n/a', extra STRING)")
    s.sql("COPY INTO t (name, id) FROM (SELECT $2, $1 FROM @mystage/file1.csv.gz)")
    assert rows(s, "SELECT * FROM t ORDER BY id") == [
        {"ID": 1, "NAME": "Joe", "NOTE": "n/a", "EXTRA": None},
        {"ID": 2, "NAME": "Tom", "NOTE": "n/a", "EXTRA": None},
    ]


def test_alias_functions_and_metadata_columns(s: Emulator) -> None:
    """``d.$1`` reads through the FROM alias (the docs' ``SELECT d.$1 FROM @mystage/file1.csv.gz
    d``); functions apply; METADATA$FILENAME and METADATA$FILE_ROW_NUMBER give the staged
    file's name and the row's number in it.
    https://docs.snowflake.com/en/user-guide/querying-metadata"""
    s.sql("CREATE TABLE t1 (c1 INT, name STRING, file STRING, line INT)")
    s.sql(
        "COPY INTO t1 (c1, name, file, line) FROM (SELECT d.$1, UPPER(d.$2), "
        "METADATA$FILENAME, METADATA$FILE_ROW_NUMBER FROM @mystage/file1.csv.gz d)"
    )
    assert rows(s, "SELECT * FROM t1 ORDER BY c1") == [
        {"C1": 1, "NAME": "JOE", "FILE": "mystage/file1.csv.gz", "LINE": 1},
        {"C1": 2, "NAME": "TOM", "FILE": "mystage/file1.csv.gz", "LINE": 2},
    ]


def test_a_cast_in_the_transformation_fails_the_row(s: Emulator) -> None:
    """A value the transformation cannot cast is an error of that row, named by file, line
    and column: ABORT_STATEMENT fails the statement, CONTINUE loads the other rows."""
    s.sql("CREATE TABLE t (id INT, age INT)")
    query = "COPY INTO t FROM (SELECT $1, $3::INT FROM @mystage)"
    with pytest.raises(DataError) as caught:
        s.sql(query)
    message = str(caught.value)
    assert "Numeric value 'x' is not recognized" in message
    assert "File 'mystage/file1.csv.gz', line 2" in message
    assert 'column "T"["AGE":2]' in message
    assert rows(s, "SELECT count(*) AS n FROM t") == [{"N": 0}]
    result = s.sql(query + " ON_ERROR = CONTINUE").to_pylist()
    assert [(r["status"], r["rows_loaded"], r["errors_seen"]) for r in result] == [
        ("PARTIALLY_LOADED", 1, 1)
    ]
    assert rows(s, "SELECT * FROM t") == [{"ID": 1, "AGE": 20}]


def test_select_list_must_match_the_column_list(s: Emulator) -> None:
    """The SELECT list must match the target columns one for one."""
    s.sql("CREATE TABLE t (id INT, name STRING)")
    with pytest.raises(SqlError) as caught:
        s.sql("COPY INTO t (id, name) FROM (SELECT $1 FROM @mystage)")
    assert caught.value.errno == 2020


def test_match_by_column_name_with_a_transformation_is_an_error(s: Emulator) -> None:
    """ "match_by_column_name is not supported with copy transform."
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (MATCH_BY_COLUMN_NAME)"""
    s.sql("CREATE TABLE t (id INT)")
    with pytest.raises(SqlError) as caught:
        s.sql("COPY INTO t FROM (SELECT $1 FROM @mystage) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE")
    assert "match_by_column_name is not supported with copy transform" in str(caught.value)


def test_validation_mode_with_a_transformation_is_an_error(s: Emulator) -> None:
    """ "VALIDATION_MODE does not support COPY statements that transform data during a load.
    If the parameter is specified, the COPY statement returns an error."
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (VALIDATION_MODE)"""
    s.sql("CREATE TABLE t (id INT)")
    with pytest.raises(SqlError) as caught:
        s.sql("COPY INTO t FROM (SELECT $1 FROM @mystage) VALIDATION_MODE = RETURN_ERRORS")
    assert "VALIDATION_MODE" in str(caught.value)


def test_stage_read_with_file_format_and_pattern(s: Emulator, staged: Stage) -> None:
    """``FROM @stage (FILE_FORMAT => 'name', PATTERN => '…')`` picks the format and files.
    https://docs.snowflake.com/en/user-guide/querying-stage"""
    s.sql("CREATE FILE FORMAT pipes TYPE = CSV FIELD_DELIMITER = '|'")
    staged("p_1.txt", "5|five\n", stage="@mystage")
    s.sql("CREATE TABLE t (id INT, name STRING)")
    s.sql(
        "COPY INTO t FROM (SELECT $1, $2 FROM @mystage (FILE_FORMAT => 'pipes', "
        "PATTERN => '.*p_[0-9][.]txt.*'))"
    )
    assert rows(s, "SELECT * FROM t") == [{"ID": 5, "NAME": "five"}]
