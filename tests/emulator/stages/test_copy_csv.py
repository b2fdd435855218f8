"""COPY INTO <table> from CSV files: the format type options of TYPE = CSV.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (Format type options, TYPE = CSV)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import DataError

Stage = Callable[..., None]


@pytest.fixture
def s(emu: Emulator) -> Emulator:
    emu.sql("CREATE STAGE s")
    return emu


def test_skip_header_and_field_delimiter(s: Emulator, staged: Stage) -> None:
    """SKIP_HEADER skips lines at the start; FIELD_DELIMITER separates fields (the pipe
    example of loading from a table stage).
    https://docs.snowflake.com/en/user-guide/data-load-local-file-system-copy"""
    s.sql("CREATE TABLE mytable (id INT, name STRING)")
    staged("data.csv", "ID|NAME\n1|Joe\n2|Tom\n", stage="@%mytable")
    s.sql("COPY INTO mytable FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1)")
    assert rows(s, "SELECT id, name FROM mytable ORDER BY id") == [
        {"ID": 1, "NAME": "Joe"},
        {"ID": 2, "NAME": "Tom"},
    ]


def test_record_delimiter_and_crlf(s: Emulator, staged: Stage) -> None:
    """RECORD_DELIMITER separates records; the default new line also ends a record at
    ``\\r\\n`` (a logical new line)."""
    s.sql("CREATE TABLE t (a INT, b STRING)")
    staged("semi.csv", "1,x;2,y;")
    staged("windows.csv", "3,z\r\n4,w\r\n")
    s.sql(
        "COPY INTO t FROM @s FILES = ('semi.csv.gz') "
        "FILE_FORMAT = (TYPE = CSV RECORD_DELIMITER = ';')"
    )
    s.sql("COPY INTO t FROM @s FILES = ('windows.csv.gz')")
    assert rows(s, "SELECT a, b FROM t ORDER BY a") == [
        {"A": 1, "B": "x"},
        {"A": 2, "B": "y"},
        {"A": 3, "B": "z"},
        {"A": 4, "B": "w"},
    ]


def test_null_if_and_empty_field_as_null(s: Emulator, staged: Stage) -> None:
    """NULL_IF strings become NULL (the default is ``\\N``); an empty field is NULL while
    EMPTY_FIELD_AS_NULL is TRUE (the default) and an empty string into a string column when
    it is FALSE; an enclosed empty string stays an empty string."""
    s.sql("CREATE TABLE t (id INT, v STRING)")
    staged("a.csv", '1,\\N\n2,NULL\n3,\n4,""\n')
    s.sql("COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"')")
    assert [r["V"] for r in rows(s, "SELECT v FROM t ORDER BY id")] == [None, "NULL", None, ""]
    s.sql("TRUNCATE TABLE t")
    s.sql(
        "COPY INTO t FROM @s FORCE = TRUE FILE_FORMAT = (TYPE = CSV NULL_IF = ('NULL') "
        "EMPTY_FIELD_AS_NULL = FALSE FIELD_OPTIONALLY_ENCLOSED_BY = '\"')"
    )
    assert [r["V"] for r in rows(s, "SELECT v FROM t ORDER BY id")] == ["\\N", None, "", ""]


def test_empty_field_into_a_number_with_empty_field_as_null_false(
    s: Emulator, staged: Stage
) -> None:
    """With EMPTY_FIELD_AS_NULL = FALSE an empty field is cast to the column type, and "for
    other column types, the COPY INTO <table> command produces an error"."""
    s.sql("CREATE TABLE t (id INT, n INT)")
    staged("a.csv", "1,\n")
    with pytest.raises(DataError) as caught:
        s.sql("COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV EMPTY_FIELD_AS_NULL = FALSE)")
    assert "Numeric value '' is not recognized" in str(caught.value)


def test_field_optionally_enclosed_by_and_trim_space(s: Emulator, staged: Stage) -> None:
    """FIELD_OPTIONALLY_ENCLOSED_BY reads enclosed fields (a delimiter or a doubled quote
    inside is data); TRIM_SPACE removes the spaces around them — the docs' example with
    ``|`` delimiters: ``"Hello world"``, ``" Hello world "`` and `` "Hello world" ``."""
    s.sql("CREATE TABLE t (c1 STRING, c2 STRING)")
    staged("a.csv", '"Hello world"|"a|b"\n" Hello world "|"say ""hi"""\n "Hello world" |x\n')
    s.sql(
        "COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' "
        "FIELD_OPTIONALLY_ENCLOSED_BY = '\"' TRIM_SPACE = TRUE)"
    )
    assert rows(s, "SELECT c1, c2 FROM t") == [
        {"C1": "Hello world", "C2": "a|b"},
        {"C1": " Hello world ", "C2": 'say "hi"'},
        {"C1": "Hello world", "C2": "x"},
    ]


def test_enclosure_given_as_hex(s: Emulator, staged: Stage) -> None:
    """A delimiter option may be given in hex: ``FIELD_OPTIONALLY_ENCLOSED_BY = '0x22'``
    (the docs' TRIM_SPACE example of data-load-considerations-load)."""
    s.sql("CREATE TABLE mytable (col1 STRING, col2 STRING, col3 STRING)")
    staged("v.csv", '"value1", "value2", "value3"\n', stage="@%mytable")
    s.sql(
        "COPY INTO mytable FROM @%mytable "
        "FILE_FORMAT = (TYPE = CSV TRIM_SPACE=true FIELD_OPTIONALLY_ENCLOSED_BY = '0x22')"
    )
    assert rows(s, "SELECT * FROM mytable") == [
        {"COL1": "value1", "COL2": "value2", "COL3": "value3"}
    ]


def test_compression_auto_detects_gzip_and_none_reads_raw(s: Emulator, staged: Stage) -> None:
    """COMPRESSION = AUTO (the default) detects a gzipped file; GZIP names it; a file that
    is not compressed loads with NONE."""
    s.sql("CREATE TABLE t (a INT)")
    staged("auto.csv", "1\n")  # gzipped by PUT
    staged("plain.csv", "2\n", options="AUTO_COMPRESS = FALSE")
    s.sql(
        "COPY INTO t FROM @s FILES = ('auto.csv.gz') FILE_FORMAT = (TYPE = CSV COMPRESSION = GZIP)"
    )
    s.sql("COPY INTO t FROM @s FILES = ('plain.csv') FILE_FORMAT = (TYPE = CSV COMPRESSION = NONE)")
    assert [r["A"] for r in rows(s, "SELECT a FROM t ORDER BY a")] == [1, 2]


def test_error_on_column_count_mismatch(s: Emulator, staged: Stage) -> None:
    """ERROR_ON_COLUMN_COUNT_MISMATCH (default TRUE) makes a record with another number of
    fields than the table has columns an error; with FALSE extra fields are not loaded and
    missing ones are NULL."""
    s.sql("CREATE TABLE t (a INT, b STRING)")
    staged("wide.csv", "1,x,extra\n")
    staged("narrow.csv", "2\n")
    with pytest.raises(DataError) as caught:
        s.sql("COPY INTO t FROM @s FILES = ('wide.csv.gz')")
    message = str(caught.value)
    assert (
        "Number of columns in file (3) does not match that of the corresponding table (2)"
        in message
    )
    assert "error_on_column_count_mismatch=false" in message
    s.sql("COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE)")
    assert rows(s, "SELECT a, b FROM t ORDER BY a") == [
        {"A": 1, "B": "x"},
        {"A": 2, "B": None},
    ]


def test_stage_file_format_and_named_format(s: Emulator, staged: Stage) -> None:
    """A stage's FILE_FORMAT applies when COPY gives none; ``FILE_FORMAT = (FORMAT_NAME =
    …)`` uses a named file format; the format given in COPY wins over the stage's.
    https://docs.snowflake.com/en/sql-reference/sql/create-stage"""
    s.sql("CREATE FILE FORMAT pipes TYPE = CSV FIELD_DELIMITER = '|'")
    s.sql("CREATE STAGE piped FILE_FORMAT = (FORMAT_NAME = 'pipes')")
    s.sql("CREATE TABLE t (a INT, b STRING)")
    staged("a.csv", "1|x\n", stage="@piped")
    staged("b.csv", "2;y\n", stage="@piped")
    s.sql("COPY INTO t FROM @piped FILES = ('a.csv.gz')")
    s.sql(
        "COPY INTO t FROM @piped FILES = ('b.csv.gz') "
        "FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ';')"
    )
    assert rows(s, "SELECT a, b FROM t ORDER BY a") == [{"A": 1, "B": "x"}, {"A": 2, "B": "y"}]


def test_typed_values_convert_as_snowflake_reads_them(s: Emulator, staged: Stage) -> None:
    """Text fields convert to the column types: numbers (rounded to the scale), booleans
    (``yes``/``no`` …), dates and timestamps."""
    s.sql("CREATE TABLE t (n NUMBER(10,2), b BOOLEAN, d DATE, ts TIMESTAMP_NTZ)")
    staged("a.csv", "1.239,yes,2024-02-29,2024-02-29 10:11:12\n-3,off,2024-01-01,2024-01-01\n")
    s.sql("COPY INTO t FROM @s")
    got = rows(s, "SELECT n, b, TO_CHAR(d) AS d, TO_CHAR(ts) AS ts FROM t ORDER BY n")
    assert [(str(r["N"]), r["B"]) for r in got] == [("-3.00", False), ("1.24", True)]
    assert got[1]["D"] == "2024-02-29"
    assert got[1]["TS"].startswith("2024-02-29 10:11:12")
