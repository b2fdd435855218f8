"""BEGIN / COMMIT / ROLLBACK, statement-level rollback, implicit commit before DDL."""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import DataError


@pytest.fixture
def t(emu: Emulator) -> Emulator:
    emu.sql("CREATE TABLE t (id INT NOT NULL, v VARCHAR)")
    return emu


def ids(emu: Emulator) -> list[int]:
    return [int(x) for x in emu.sql("SELECT id FROM t ORDER BY id").column(0).to_pylist()]


def test_commit_keeps_all_statements(t: Emulator) -> None:
    t.sql("BEGIN")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("INSERT INTO t VALUES (2, 'b')")
    t.sql("COMMIT")
    assert ids(t) == [1, 2]


def test_rollback_discards_all_statements(t: Emulator) -> None:
    t.sql("START TRANSACTION")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("UPDATE t SET v = 'z'")
    assert ids(t) == [1]  # the transaction sees its own writes
    t.sql("ROLLBACK")
    assert ids(t) == []


def test_failure_mid_transaction_rolls_back_only_that_statement(t: Emulator) -> None:
    t.sql("BEGIN TRANSACTION")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    with pytest.raises(DataError):
        t.sql("INSERT INTO t VALUES (2, 'b'), (NULL, 'c')")  # DuckDB aborts on this
    t.sql("INSERT INTO t VALUES (3, 'c')")
    t.sql("COMMIT")
    assert ids(t) == [1, 3]


def test_failed_overwrite_in_transaction_keeps_earlier_rows(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("BEGIN")
    t.sql("INSERT INTO t VALUES (2, 'b')")
    with pytest.raises(DataError):
        t.sql("INSERT OVERWRITE INTO t SELECT NULL, 'x'")
    t.sql("COMMIT")
    assert ids(t) == [1, 2]


def test_ddl_commits_open_transaction(t: Emulator) -> None:
    t.sql("BEGIN")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("CREATE TABLE other (a INT)")  # implicit COMMIT first
    t.sql("ROLLBACK")  # nothing left to roll back
    assert ids(t) == [1]


def test_execute_script_stops_at_first_error(t: Emulator) -> None:
    with pytest.raises(DataError):
        t.execute_script(
            [
                "INSERT INTO t VALUES (1, 'a')",
                "INSERT INTO t VALUES (NULL, 'b')",
                "INSERT INTO t VALUES (3, 'c')",
            ]
        )
    assert ids(t) == [1]


def test_session_statements_in_transaction_are_not_replayed(t: Emulator) -> None:
    t.sql("SET x = 1")
    t.sql("BEGIN")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("UNSET x")
    with pytest.raises(DataError):
        t.sql("INSERT INTO t VALUES (NULL, 'b')")
    t.sql("COMMIT")
    assert ids(t) == [1]
    assert "X" not in t.engine.state.variables
