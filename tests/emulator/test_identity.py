"""AUTOINCREMENT / IDENTITY columns.

Source: https://docs.snowflake.com/en/sql-reference/sql/create-table (``DEFAULT …`` or
``AUTOINCREMENT …``): ``{ AUTOINCREMENT | IDENTITY } [ { ( start_num , step_num ) | START
num INCREMENT num } ] [ { ORDER | NOORDER } ]``, start and step default to 1, only numeric
columns, DEFAULT and AUTOINCREMENT are mutually exclusive, and a manually inserted value
can be generated again. The values come from a sequence, so the sequence rules of
https://docs.snowflake.com/en/user-guide/querying-sequences apply (no gap-free promise).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulator import Emulator
from icebridge.errors import SqlError, UnsupportedError


def rows(emu: Emulator, sql: str) -> list[tuple[Any, ...]]:
    """Result rows as tuples, NUMBER values as int."""
    return [
        tuple(int(v) if isinstance(v, Decimal) else v for v in r.values())
        for r in emu.sql(sql).to_pylist()
    ]


def test_autoincrement_fills_omitted_columns_from_one(emu: Emulator) -> None:
    """Start and step default to 1: rows inserted without the column get 1, 2, 3 …, from
    VALUES, INSERT … SELECT and the DEFAULT keyword alike."""
    emu.execute(
        "CREATE TABLE t (id NUMBER AUTOINCREMENT, v VARCHAR);"
        "INSERT INTO t (v) VALUES ('a'), ('b');"
        "INSERT INTO t (v) SELECT v || '2' FROM t;"
        "INSERT INTO t VALUES (DEFAULT, 'c')"
    )
    assert rows(emu, "SELECT id, v FROM t ORDER BY id") == [
        (1, "a"),
        (2, "b"),
        (3, "a2"),
        (4, "b2"),
        (5, "c"),
    ]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("IDENTITY(10, 5)", [10, 15, 20]),
        ("IDENTITY START 100 INCREMENT 10 ORDER", [100, 110, 120]),
        ("AUTOINCREMENT START 3 INCREMENT 4 NOORDER", [3, 7, 11]),
        ("AUTOINCREMENT (-1, -1)", [-1, -2, -3]),
    ],
)
def test_start_and_step_forms(emu: Emulator, spec: str, expected: list[int]) -> None:
    """``(start_num, step_num)`` and ``START num INCREMENT num``, with ORDER or NOORDER."""
    emu.execute(
        f"CREATE TABLE t (id INT {spec}, v VARCHAR); INSERT INTO t (v) VALUES ('a'), ('b'), ('c')"
    )
    assert [r[0] for r in rows(emu, "SELECT id FROM t ORDER BY v")] == expected


def test_a_manual_value_can_be_generated_again(emu: Emulator) -> None:
    """create-table: manually inserting 5 into an AUTOINCREMENT column can result in a later
    row getting 5 as its default: the column's sequence does not look at the values."""
    emu.execute(
        "CREATE TABLE t (id INT AUTOINCREMENT, v VARCHAR);"
        "INSERT INTO t VALUES (5, 'manual');"
        "INSERT INTO t (v) VALUES ('a'), ('b'), ('c'), ('d'), ('e')"
    )
    assert rows(emu, "SELECT id, v FROM t WHERE id = 5 ORDER BY v") == [(5, "e"), (5, "manual")]


def test_identity_needs_a_numeric_column_and_no_default(emu: Emulator) -> None:
    """Only numeric columns auto-increment; DEFAULT and AUTOINCREMENT are exclusive: both
    are Snowflake's compilation errors, not something the emulator lacks."""
    for bad in ("id VARCHAR AUTOINCREMENT", "id INT DEFAULT 1 AUTOINCREMENT"):
        with pytest.raises(SqlError) as info:
            emu.sql(f"CREATE TABLE bad ({bad})")
        assert not isinstance(info.value, UnsupportedError)
        assert "SQL compilation error" in info.value.msg
    assert emu.sql("SHOW TABLES LIKE 'BAD'").num_rows == 0


def test_merge_inserts_and_renamed_columns_keep_counting(emu: Emulator) -> None:
    """The column's values continue through MERGE … WHEN NOT MATCHED THEN INSERT and after
    ALTER TABLE … RENAME COLUMN (https://docs.snowflake.com/en/sql-reference/sql/merge)."""
    emu.execute(
        "CREATE TABLE t (id INT AUTOINCREMENT, v VARCHAR);"
        "INSERT INTO t (v) VALUES ('a');"
        "MERGE INTO t USING (SELECT 'b' AS v) s ON t.v = s.v"
        " WHEN NOT MATCHED THEN INSERT (v) VALUES (s.v);"
        "ALTER TABLE t RENAME COLUMN id TO key;"
        "INSERT INTO t (v) VALUES ('c')"
    )
    assert rows(emu, "SELECT key, v FROM t ORDER BY key") == [(1, "a"), (2, "b"), (3, "c")]


def test_replacing_the_table_starts_again(emu: Emulator) -> None:
    """CREATE OR REPLACE TABLE makes a new table, whose column starts at its start value."""
    emu.execute(
        "CREATE TABLE t (id INT AUTOINCREMENT, v VARCHAR);"
        "INSERT INTO t (v) VALUES ('a'), ('b');"
        "CREATE OR REPLACE TABLE t (id INT AUTOINCREMENT, v VARCHAR);"
        "INSERT INTO t (v) VALUES ('c')"
    )
    assert rows(emu, "SELECT id, v FROM t") == [(1, "c")]


def test_identity_values_survive_reopening_a_lake(tmp_path: Path) -> None:
    """A persistent emulator keeps the column's position: values continue after reopening."""
    with Emulator(path=tmp_path / "lake") as emu:
        emu.execute(
            "CREATE DATABASE db; CREATE TABLE t (id INT AUTOINCREMENT, v VARCHAR);"
            "INSERT INTO t (v) VALUES ('a')"
        )
    with Emulator(path=tmp_path / "lake") as emu:
        emu.execute("USE DATABASE db; INSERT INTO t (v) VALUES ('b')")
        assert rows(emu, "SELECT id, v FROM t ORDER BY id") == [(1, "a"), (2, "b")]
