"""Each connection is its own Snowflake session on one shared emulator.

https://docs.snowflake.com/en/sql-reference/sql/use: USE sets the current database / schema
"for the session"; https://docs.snowflake.com/en/sql-reference/session-variables: variables
belong to the session that SET them; https://docs.snowflake.com/en/sql-reference/transactions:
"A transaction is associated with a single session. Multiple sessions cannot share the same
transaction."
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError, SqlError, UnsupportedError
from icebridge.testing import connect


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        emulator.execute(
            "CREATE DATABASE shop; CREATE SCHEMA shop.raw; CREATE TABLE shop.raw.t (id INT);"
            "CREATE DATABASE other"
        )
        yield emulator


def test_login_database_and_schema_are_the_sessions_own(emu: Emulator) -> None:
    first = connect(emu, account="acct", user="me", database="shop", schema="raw")
    second = connect(emu, database="other")
    assert (first.database, first.schema) == ("SHOP", "RAW")
    assert (second.database, second.schema) == ("OTHER", "PUBLIC")
    first.cursor().execute("INSERT INTO t VALUES (1)")  # resolves in SHOP.RAW
    second.cursor().execute("USE SCHEMA shop.raw")
    assert (first.database, first.schema) == ("SHOP", "RAW")
    assert second.cursor().execute("SELECT id FROM t").fetchall() == [(1,)]
    # The emulator's own session (emu.execute) keeps its own current database.
    assert emu.sql("SELECT CURRENT_DATABASE()").column(0).to_pylist() == ["OTHER"]
    assert first.session_id != second.session_id


def test_use_in_one_session_leaves_the_other_alone(emu: Emulator) -> None:
    first, second = connect(emu, database="shop"), connect(emu, database="shop")
    first.cursor().execute("USE DATABASE other")
    assert first.database == "OTHER"
    assert second.database == "SHOP"
    row = second.cursor().execute("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").fetchone()
    assert row == ("SHOP", "PUBLIC")


def test_variables_and_parameters_are_per_session(emu: Emulator) -> None:
    first = connect(emu, session_parameters={"TIMEZONE": "UTC"})
    second = connect(emu, timezone="Asia/Tokyo")
    first.cursor().execute("SET v = 'mine'")
    assert first.cursor().execute("SELECT $v").fetchone() == ("mine",)
    with pytest.raises(ProgrammingError, match="'\\$V' does not exist") as info:
        second.cursor().execute("SELECT $v")
    assert (info.value.errno, info.value.sqlstate) == (2211, "02000")

    def timezone(conn: object) -> str:
        cursor = conn.cursor()  # type: ignore[attr-defined]
        cursor.execute("SHOW PARAMETERS LIKE 'TIMEZONE' IN SESSION")
        return str(cursor.fetchone()[1])

    assert timezone(first) == "UTC"
    assert timezone(second) == "Asia/Tokyo"
    assert timezone(emu.connect()) == "America/Los_Angeles"  # the default session


def test_a_session_without_login_names_has_no_current_database(emu: Emulator) -> None:
    """A login database that does not exist leaves the session without one (the connector
    only validates with validate_default_parameters=True)."""
    conn = connect(emu, database="nosuch")
    assert conn.database is None
    with pytest.raises(SqlError) as info:
        connect(emu, database="nosuch", validate_default_parameters=True)
    assert (info.value.errno, info.value.sqlstate) == (2003, "02000")


def test_a_second_session_cannot_run_inside_the_first_ones_transaction(emu: Emulator) -> None:
    """Sessions never share a transaction: while one session's BEGIN is open, another's
    statement is refused (the emulator has one DuckDB transaction at a time) instead of
    silently reading or writing inside it."""
    first, second = connect(emu, database="shop", schema="raw"), connect(emu, database="shop")
    first.cursor().execute("BEGIN")
    first.cursor().execute("INSERT INTO t VALUES (1)")
    for sql in ("SELECT COUNT(*) FROM shop.raw.t", "INSERT INTO shop.raw.t VALUES (2)", "COMMIT"):
        with pytest.raises(UnsupportedError, match="open transaction") as info:
            second.cursor().execute(sql)
        assert (info.value.errno, info.value.sqlstate) == (990001, "0A000")
    with pytest.raises(UnsupportedError, match="open transaction"):
        emu.execute("SELECT 1")  # the emulator's own session is another session too
    with pytest.raises(UnsupportedError, match="open transaction"):
        emu.advance("1 minute")
    first.cursor().execute("ROLLBACK")
    # The refused COMMIT committed nothing: the rollback undid session one's insert.
    assert second.cursor().execute("SELECT COUNT(*) FROM shop.raw.t").fetchone() == (0,)


def test_sessions_take_turns_once_the_transaction_ends(emu: Emulator) -> None:
    first = connect(emu, database="shop", schema="raw", autocommit=False)
    second = connect(emu, database="shop", schema="raw")
    first.cursor().execute("INSERT INTO t VALUES (1)")  # autocommit off: opens a transaction
    with pytest.raises(UnsupportedError):
        second.cursor().execute("SELECT COUNT(*) FROM t")
    first.commit()
    assert second.cursor().execute("SELECT COUNT(*) FROM t").fetchone() == (1,)
    second.cursor().execute("INSERT INTO t VALUES (2)")
    assert first.cursor().execute("SELECT COUNT(*) FROM t").fetchone() == (2,)
    first.rollback()


def test_closing_a_connection_rolls_its_transaction_back_and_frees_the_others(
    emu: Emulator,
) -> None:
    """Closing a connection ends its session; an open transaction is rolled back."""
    first, second = connect(emu, database="shop", schema="raw"), connect(emu, database="shop")
    first.cursor().execute("BEGIN")
    first.cursor().execute("INSERT INTO t VALUES (1)")
    first.close()
    assert first.is_closed()
    assert second.cursor().execute("SELECT COUNT(*) FROM raw.t").fetchone() == (0,)


def test_emu_connect_shares_the_emulators_own_session(emu: Emulator) -> None:
    """``emu.connect()`` is a connection on the emulator's own session (as before)."""
    conn = emu.connect()
    conn.cursor().execute("USE DATABASE shop")
    assert emu.sql("SELECT CURRENT_DATABASE()").column(0).to_pylist() == ["SHOP"]
    emu.execute("SET x = 5")
    assert conn.cursor().execute("SELECT $x").fetchone() == (5,)
    assert conn.session_id == emu.connect().session_id
