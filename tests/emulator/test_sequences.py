"""Sequences: CREATE / ALTER / DROP / SHOW / DESCRIBE SEQUENCE and ``<name>.NEXTVAL``.

Sources: https://docs.snowflake.com/en/sql-reference/sql/create-sequence (Examples),
https://docs.snowflake.com/en/user-guide/querying-sequences (Sequences as expressions,
Column default expressions, Altering a sequence) and
https://docs.snowflake.com/en/sql-reference/sql/alter-sequence. Snowflake does not promise
gap-free values; the tests assert only what the docs show or state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError


def rows(emu: Emulator, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(int(v) if v is not None else None for v in r.values()) for r in _dicts(emu, sql)]


def _dicts(emu: Emulator, sql: str) -> list[dict[str, object]]:
    return emu.sql(sql).to_pylist()


def test_nextval_in_select_and_insert_follows_the_create_sequence_example(emu: Emulator) -> None:
    """``SELECT seq_01.nextval`` returns column NEXTVAL = 1, then 2; an INSERT … VALUES
    (seq_01.nextval) stores 3."""
    emu.execute(
        "CREATE OR REPLACE SEQUENCE seq_01 START = 1 INCREMENT = 1;"
        "CREATE OR REPLACE TABLE sequence_test_table (i INTEGER)"
    )
    first = emu.sql("SELECT seq_01.nextval")
    assert first.column_names == ["NEXTVAL"]
    assert first.column(0).to_pylist() == [1]
    assert rows(emu, "SELECT seq_01.nextval") == [(2,)]
    emu.sql("INSERT INTO sequence_test_table (i) VALUES (seq_01.nextval)")
    assert rows(emu, "SELECT i FROM sequence_test_table") == [(3,)]


def test_each_nextval_occurrence_draws_its_own_value(emu: Emulator) -> None:
    """seq_5 (START 1 INCREMENT 5): ``SELECT seq_5.nextval a, … d`` returns 1, 6, 11, 16.
    Run again, the values are higher than before and still one step apart (the docs show
    36, 41, 46, 51: Snowflake may skip values, which the docs allow)."""
    emu.sql("CREATE OR REPLACE SEQUENCE seq_5 START = 1 INCREMENT = 5")
    query = "SELECT seq_5.nextval a, seq_5.nextval b, seq_5.nextval c, seq_5.nextval d"
    assert rows(emu, query) == [(1, 6, 11, 16)]
    [(a, b, c, d)] = rows(emu, query)
    assert a > 16
    assert (b - a, c - b, d - c) == (5, 5, 5)


def test_a_subquery_value_is_shared_by_the_columns_reading_it(emu: Emulator) -> None:
    """querying-sequences: ``SELECT seqRef.a a, seqRef.a b FROM (SELECT seq1.NEXTVAL a …)
    seqRef`` returns the same value twice (the docs read FROM DUAL; one row either way)."""
    emu.sql("CREATE OR REPLACE SEQUENCE seq1")
    [(a, b)] = rows(emu, "SELECT seqRef.a a, seqRef.a b FROM (SELECT seq1.NEXTVAL a) seqRef")
    assert a == b == 1


def test_column_default_gives_each_inserted_row_a_value(emu: Emulator) -> None:
    """create-sequence: a DEFAULT seq90.nextval column doubled ten times holds 1024 distinct
    values, the first ten 1 to 10."""
    emu.execute(
        "CREATE OR REPLACE SEQUENCE seq90;"
        "CREATE OR REPLACE TABLE sequence_demo (i INTEGER DEFAULT seq90.nextval, dummy SMALLINT);"
        "INSERT INTO sequence_demo (dummy) VALUES (0)"
    )
    for _ in range(10):
        emu.sql("INSERT INTO sequence_demo (dummy) SELECT dummy FROM sequence_demo")
    assert rows(emu, "SELECT i FROM sequence_demo ORDER BY i LIMIT 10") == [
        (i,) for i in range(1, 11)
    ]
    assert rows(emu, "SELECT COUNT(i), COUNT(DISTINCT i) FROM sequence_demo") == [(1024, 1024)]


def test_default_keyword_and_insert_select_use_the_sequence(emu: Emulator) -> None:
    """querying-sequences, Column default expressions: the docs' foo table ends as
    (1, 100), (2, 101), (3, 100), (4, 101), (1000, 1001)."""
    emu.execute(
        "CREATE OR REPLACE SEQUENCE seq1;"
        "CREATE OR REPLACE TABLE foo (k NUMBER DEFAULT seq1.NEXTVAL, v NUMBER);"
        "INSERT INTO foo (v) VALUES (100);"
        "INSERT INTO foo VALUES (DEFAULT, 101);"
        "INSERT INTO foo (v) SELECT v FROM foo;"
        "INSERT INTO foo VALUES (1000, 1001)"
    )
    assert rows(emu, "SELECT * FROM foo ORDER BY k") == [
        (1, 100),
        (2, 101),
        (3, 100),
        (4, 101),
        (1000, 1001),
    ]


def test_a_dropped_default_sequence_fails_the_insert(emu: Emulator) -> None:
    """querying-sequences: once the DEFAULT's sequence is dropped, an insert using the
    default fails; explicit values still insert."""
    emu.execute(
        "CREATE SEQUENCE seq1; CREATE TABLE foo (k NUMBER DEFAULT seq1.NEXTVAL, v NUMBER);"
        "DROP SEQUENCE seq1"
    )
    with pytest.raises(ProgrammingError) as info:
        emu.sql("INSERT INTO foo (v) VALUES (1)")
    assert info.value.errno == 2003
    emu.sql("INSERT INTO foo VALUES (7, 1)")
    assert rows(emu, "SELECT * FROM foo") == [(7, 1)]


def test_alter_increment_takes_effect_after_the_precomputed_value(emu: Emulator) -> None:
    """querying-sequences, Altering a sequence: after 1, 2, 3 and SET INCREMENT = -4, the
    next two rows get 4 and 0."""
    emu.execute(
        "CREATE OR REPLACE SEQUENCE test_sequence_wraparound_low START = 1 INCREMENT = 1;"
        "CREATE or replace TABLE test_seq_wrap_low ("
        " i int, j int default test_sequence_wraparound_low.nextval);"
        "INSERT INTO test_seq_wrap_low (i) VALUES (1), (2), (3)"
    )
    assert rows(emu, "SELECT * FROM test_seq_wrap_low ORDER BY i") == [(1, 1), (2, 2), (3, 3)]
    emu.execute(
        "ALTER SEQUENCE test_sequence_wraparound_low SET INCREMENT = -4;"
        "INSERT INTO test_seq_wrap_low (i) VALUES (4), (5)"
    )
    assert rows(emu, "SELECT * FROM test_seq_wrap_low ORDER BY i") == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 0),
    ]


def test_show_and_describe_sequences(emu: Emulator) -> None:
    """SHOW SEQUENCES lists a sequence with its next value, interval, comment and ORDER
    flag; NOORDER is the default (release-notes/bcr-bundles/2024_01/bcr-1483);
    DESCRIBE SEQUENCE returns the same row; LIKE filters by name."""
    emu.execute(
        "CREATE SEQUENCE seq_a START WITH 10 INCREMENT BY 2 ORDER COMMENT = 'ids';"
        "CREATE SEQUENCE seq_b;"
        "SELECT seq_a.nextval"
    )
    shown = {r["name"]: r for r in _dicts(emu, "SHOW SEQUENCES")}
    assert set(shown) == {"SEQ_A", "SEQ_B"}
    a = shown["SEQ_A"]
    assert (a["next_value"], a["interval"], a["comment"], a["ordered"]) == (12, 2, "ids", "Y")
    assert (a["database_name"], a["schema_name"]) == ("DB", "PUBLIC")
    assert shown["SEQ_B"]["ordered"] == "N"
    assert [r["name"] for r in _dicts(emu, "SHOW SEQUENCES LIKE '%_b'")] == ["SEQ_B"]
    described = _dicts(emu, "DESCRIBE SEQUENCE seq_a")
    assert described == [a]


def test_alter_sequence_comment_rename_and_order(emu: Emulator) -> None:
    """alter-sequence: SET COMMENT / UNSET COMMENT, RENAME TO (values continue) and a
    NOORDER sequence cannot be set to ORDER."""
    emu.execute("CREATE SEQUENCE myseq; SELECT myseq.nextval")
    emu.sql("ALTER SEQUENCE myseq SET COMMENT = 'hello'")
    assert _dicts(emu, "SHOW SEQUENCES")[0]["comment"] == "hello"
    emu.sql("ALTER SEQUENCE myseq UNSET COMMENT")
    assert _dicts(emu, "SHOW SEQUENCES")[0]["comment"] == ""
    emu.sql("ALTER SEQUENCE myseq RENAME TO newseq")
    assert rows(emu, "SELECT newseq.nextval") == [(2,)]
    with pytest.raises(ProgrammingError):
        emu.sql("SELECT myseq.nextval")
    with pytest.raises(ProgrammingError):
        emu.sql("ALTER SEQUENCE newseq SET ORDER")


def test_create_if_not_exists_or_replace_and_drop(emu: Emulator) -> None:
    """create-sequence: IF NOT EXISTS keeps the sequence, OR REPLACE starts it again;
    DROP SEQUENCE [IF EXISTS] (drop-sequence)."""
    emu.execute("CREATE SEQUENCE s START = 5; SELECT s.nextval")
    emu.sql("CREATE SEQUENCE IF NOT EXISTS s START = 100")
    assert rows(emu, "SELECT s.nextval") == [(6,)]
    with pytest.raises(ProgrammingError) as info:
        emu.sql("CREATE SEQUENCE s")
    assert info.value.errno == 2002
    emu.sql("CREATE OR REPLACE SEQUENCE s START = 100")
    assert rows(emu, "SELECT s.nextval") == [(100,)]
    assert _dicts(emu, "DROP SEQUENCE s")[0]["status"] == "S successfully dropped."
    assert "already dropped" in str(_dicts(emu, "DROP SEQUENCE IF EXISTS s")[0]["status"])
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SELECT s.nextval")
    assert info.value.errno == 2003


def test_negative_increment_counts_down(emu: Emulator) -> None:
    """create-sequence: a negative interval generates decreasing values."""
    emu.sql("CREATE SEQUENCE down START WITH -1 INCREMENT BY -3")
    assert rows(emu, "SELECT down.nextval a, down.nextval b") == [(-1, -4)]


def test_nextval_in_update_and_insert_select_gives_one_value_per_row(emu: Emulator) -> None:
    """querying-sequences: values within one query are always distinct."""
    emu.execute(
        "CREATE SEQUENCE s; CREATE TABLE t (id INT, v VARCHAR);"
        "INSERT INTO t SELECT s.nextval, 'x' FROM TABLE(GENERATOR(ROWCOUNT => 5))"
    )
    assert rows(emu, "SELECT COUNT(DISTINCT id), MIN(id), MAX(id) FROM t") == [(5, 1, 5)]
    emu.sql("UPDATE t SET id = s.nextval")
    assert rows(emu, "SELECT COUNT(DISTINCT id), MIN(id) FROM t") == [(5, 6)]


def test_sequences_survive_reopening_a_lake(tmp_path: Path) -> None:
    """A persistent emulator restores its sequences: values continue after reopening."""
    with Emulator(path=tmp_path / "lake") as emu:
        emu.execute("CREATE DATABASE db; CREATE SEQUENCE s START = 10 INCREMENT = 10")
        assert rows(emu, "SELECT s.nextval") == [(10,)]
    with Emulator(path=tmp_path / "lake") as emu:
        emu.sql("USE DATABASE db")
        assert rows(emu, "SELECT s.nextval") == [(20,)]
        assert _dicts(emu, "SHOW SEQUENCES")[0]["next_value"] == 30
