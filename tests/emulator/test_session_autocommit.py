"""The AUTOCOMMIT session parameter (https://docs.snowflake.com/en/sql-reference/transactions,
section "AUTOCOMMIT"; https://docs.snowflake.com/en/sql-reference/parameters#autocommit)."""

from __future__ import annotations

import pytest
import snowflake.connector

from emulator import Emulator
from icebridge.testing import patch


@pytest.fixture
def t(emu: Emulator) -> Emulator:
    emu.sql("CREATE TABLE t (id INT)")
    return emu


def ids(emu: Emulator) -> list[int]:
    return [int(x) for x in emu.sql("SELECT id FROM t ORDER BY id").column(0).to_pylist()]


def test_dml_begins_a_transaction_that_lasts_until_commit_or_rollback(t: Emulator) -> None:
    """ "While AUTOCOMMIT is disabled: an implicit BEGIN TRANSACTION is executed at the first
    DML statement after disabling AUTOCOMMIT" and after a transaction ends (an explicit
    COMMIT or ROLLBACK); the statements up to COMMIT / ROLLBACK are one transaction."""
    t.sql("ALTER SESSION SET AUTOCOMMIT = FALSE")
    t.sql("INSERT INTO t VALUES (1)")
    t.sql("INSERT INTO t VALUES (2)")
    assert ids(t) == [1, 2]  # the transaction sees its own writes
    t.sql("ROLLBACK")
    assert ids(t) == []
    t.sql("INSERT INTO t VALUES (3)")
    t.sql("COMMIT")
    t.sql("INSERT INTO t VALUES (4)")
    t.sql("ROLLBACK")
    assert ids(t) == [3]


def test_setting_autocommit_commits_the_open_transaction(t: Emulator) -> None:
    """ "An implicit COMMIT is executed ... when an ALTER SESSION SET AUTOCOMMIT statement is
    executed, regardless of whether the new value is TRUE or FALSE, and whether the new value
    is different from the previous value"; with AUTOCOMMIT TRUE again each statement commits
    on its own."""
    t.sql("ALTER SESSION SET AUTOCOMMIT = FALSE")
    t.sql("INSERT INTO t VALUES (1)")
    t.sql("ROLLBACK")
    t.sql("INSERT INTO t VALUES (2)")
    t.sql("ALTER SESSION SET AUTOCOMMIT = FALSE")  # FALSE to FALSE still commits
    t.sql("ROLLBACK")
    assert ids(t) == [2]
    t.sql("INSERT INTO t VALUES (3)")
    t.sql("ALTER SESSION SET AUTOCOMMIT = TRUE")
    t.sql("ROLLBACK")
    t.sql("INSERT INTO t VALUES (4)")
    t.sql("ROLLBACK")  # autocommitted already
    assert ids(t) == [2, 3, 4]


def test_ddl_commits_and_the_next_dml_begins_a_new_transaction(t: Emulator) -> None:
    """ "An implicit COMMIT is executed ... when a DDL statement is executed", and the first DML
    statement after the transaction ends begins a new one."""
    t.sql("ALTER SESSION SET AUTOCOMMIT = FALSE")
    t.sql("INSERT INTO t VALUES (1)")
    t.sql("CREATE TABLE other (x INT)")
    t.sql("INSERT INTO t VALUES (2)")
    t.sql("ROLLBACK")
    assert ids(t) == [1]


def test_session_end_rolls_back_the_open_transaction() -> None:
    """ "An implicit ROLLBACK is executed ... at the end of a session": a connection closed with
    a transaction its AUTOCOMMIT = FALSE began leaves nothing behind, and other sessions go
    on."""
    with patch() as emu:
        emu.execute("CREATE DATABASE db; CREATE TABLE db.public.t (id INT)")
        connection = snowflake.connector.connect(account="acct", user="me", database="db")
        cursor = connection.cursor()
        cursor.execute("ALTER SESSION SET AUTOCOMMIT = FALSE")
        cursor.execute("INSERT INTO t VALUES (1)")
        assert cursor.execute("SELECT COUNT(*) FROM t").fetchall() == [(1,)]
        connection.close()
        assert emu.sql("SELECT COUNT(*) AS n FROM db.public.t").to_pylist() == [{"N": 0}]


def test_a_task_run_autocommits_whatever_the_callers_setting(t: Emulator) -> None:
    """A task runs in a session of its own (https://docs.snowflake.com/en/user-guide/tasks-intro),
    where AUTOCOMMIT keeps its default TRUE: its write commits although the session that ran
    EXECUTE TASK disabled AUTOCOMMIT, whose own later write a ROLLBACK undoes."""
    t.sql("CREATE TASK tk SCHEDULE = '1 minute' AS INSERT INTO t VALUES (1)")
    t.sql("ALTER SESSION SET AUTOCOMMIT = FALSE")
    t.sql("EXECUTE TASK tk")
    t.sql("INSERT INTO t VALUES (2)")
    t.sql("ROLLBACK")
    assert ids(t) == [1]
