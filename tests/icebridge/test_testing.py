"""``icebridge.testing.patch()``: code written for snowflake-connector-python, unchanged.

``snowflake.connector.connect(**kwargs)`` and ``SnowflakeConnection(**kwargs)`` are the
connector's entry points (``src/snowflake/connector/__init__.py``: ``Connect`` calls
``SnowflakeConnection(**kwargs)``); credentials are the connector's business and ignored;
unknown arguments are only warned about with ``validate_default_parameters=True``
(``SnowflakeConnection.__config``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import snowflake.connector
import snowflake.connector.connection
import snowflake.connector.errors as sf_errors
from snowflake.connector import connect as connect_imported_early

import icebridge.testing
from emulator import Emulator
from emulator.api.connector import Connection
from icebridge.errors import IcebridgeError

ORIGINAL = (
    snowflake.connector.connect,
    snowflake.connector.SnowflakeConnection,
    snowflake.connector.connection.SnowflakeConnection,
)


def _names() -> tuple[object, ...]:
    return (
        snowflake.connector.connect,
        snowflake.connector.SnowflakeConnection,
        snowflake.connector.connection.SnowflakeConnection,
    )


def test_connect_inside_the_patch_reaches_the_emulator() -> None:
    with icebridge.testing.patch() as emu:
        emu.execute("CREATE DATABASE shop; CREATE TABLE shop.public.t (id INT)")
        conn = snowflake.connector.connect(
            account="xy12345", user="me", password="secret", database="shop", warehouse="wh"
        )
        conn.cursor().execute("INSERT INTO t VALUES (%s)", (1,))
        assert emu.sql("SELECT id FROM shop.public.t").column(0).to_pylist() == [1]
        assert isinstance(conn, snowflake.connector.SnowflakeConnection)
        assert isinstance(conn, Connection)
    assert _names() == ORIGINAL
    assert emu.engine.closed  # the patch's own emulator is closed on exit
    assert conn.is_closed()


def test_connect_imported_before_the_patch_is_patched_too() -> None:
    """``from snowflake.connector import connect`` keeps the original function, which looks
    ``SnowflakeConnection`` up when called: that name is patched."""
    with icebridge.testing.patch():
        conn = connect_imported_early(database="nosuch")
        assert isinstance(conn, Connection)
        direct = snowflake.connector.connection.SnowflakeConnection(user="u")
        assert isinstance(direct, Connection)


def test_as_a_decorator_each_call_gets_a_fresh_emulator() -> None:
    seen: list[int] = []

    @icebridge.testing.patch()
    def count_tables() -> None:
        conn = snowflake.connector.connect()
        conn.cursor().execute("CREATE DATABASE d")
        conn.cursor().execute("CREATE TABLE t (id INT)")
        seen.append(len(conn.cursor().execute("SHOW TABLES").fetchall()))

    count_tables()
    count_tables()  # would fail with "already exists" if the emulator were shared
    assert seen == [1, 1]
    assert _names() == ORIGINAL


def test_an_emulator_passed_in_is_shared_and_left_open() -> None:
    with Emulator() as emu:
        emu.execute("CREATE DATABASE d")
        with icebridge.testing.patch(emulator=emu) as patched:
            assert patched is emu
            first = snowflake.connector.connect(database="d")
            second = snowflake.connector.connect(database="d")
            first.cursor().execute("CREATE TABLE t (id INT)")
            first.cursor().execute("INSERT INTO t VALUES (1)")
            assert second.cursor().execute("SELECT id FROM t").fetchall() == [(1,)]
            assert first.session_id != second.session_id
        assert not emu.engine.closed
        assert emu.sql("SELECT COUNT(*) FROM d.public.t").column(0).to_pylist() == [1]


def test_a_lake_path_persists_between_patches(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with icebridge.testing.patch(lake):
        snowflake.connector.connect().cursor().execute("CREATE DATABASE kept")
    with icebridge.testing.patch(lake):
        conn = snowflake.connector.connect(database="kept")
        assert conn.database == "KEPT"


def test_pandas_read_sql_goes_through_the_cursor() -> None:
    with icebridge.testing.patch() as emu:
        emu.execute("CREATE DATABASE d; CREATE TABLE d.public.t (id INT, name VARCHAR)")
        emu.execute("INSERT INTO d.public.t VALUES (1, 'a'), (2, 'b')")
        conn = snowflake.connector.connect(database="d")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pandas: "not tested" DBAPI2
            frame = pd.read_sql("SELECT id, name FROM t ORDER BY id", conn)
        assert list(frame.columns) == ["ID", "NAME"]
        assert frame["NAME"].tolist() == ["a", "b"]


def test_errors_are_caught_as_the_connectors() -> None:
    caught: list[Exception] = []
    with icebridge.testing.patch():
        conn = snowflake.connector.connect()
        try:
            conn.cursor().execute("SELECT * FROM nosuch")
        except snowflake.connector.errors.ProgrammingError as err:  # as users write it
            caught.append(err)
    (err,) = caught
    assert isinstance(err, IcebridgeError)
    assert (err.errno, err.sqlstate) == (90105, "22000")  # type: ignore[attr-defined]


def test_unknown_arguments_warn_only_when_validating() -> None:
    with icebridge.testing.patch():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            snowflake.connector.connect(not_a_parameter=1)
        with pytest.warns(UserWarning, match="'not_a_parameter' is an unknown connection"):
            snowflake.connector.connect(not_a_parameter=1, validate_default_parameters=True)


def test_session_parameters_and_autocommit_are_honoured() -> None:
    with icebridge.testing.patch() as emu:
        emu.execute("CREATE DATABASE d; CREATE TABLE d.public.t (id INT)")
        conn = snowflake.connector.connect(
            database="d", session_parameters={"QUERY_TAG": "etl", "AUTOCOMMIT": False}
        )
        row = conn.cursor().execute("SHOW PARAMETERS LIKE 'QUERY_TAG' IN SESSION").fetchone()
        assert row[1] == "etl"
        conn.cursor().execute("INSERT INTO t VALUES (1)")
        conn.rollback()
        assert emu.sql("SELECT COUNT(*) FROM d.public.t").column(0).to_pylist() == [0]
        with pytest.raises(sf_errors.ProgrammingError) as info:
            snowflake.connector.connect(session_parameters={"NOT_A_PARAMETER": 1})
        assert info.value.errno == 1006  # Snowflake's invalid parameter


def test_exit_restores_even_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), icebridge.testing.patch():
        raise RuntimeError("boom")
    assert _names() == ORIGINAL


def test_nested_patches_restore_in_order() -> None:
    with icebridge.testing.patch() as outer:
        with icebridge.testing.patch() as inner:
            snowflake.connector.connect().cursor().execute("CREATE DATABASE inner_only")
        conn = snowflake.connector.connect()
        conn.cursor().execute("SHOW DATABASES")
        assert "INNER_ONLY" not in [r[1] for r in conn.cursor().execute("SHOW DATABASES")]
        assert inner is not outer
    assert _names() == ORIGINAL


def test_connect_without_the_patch_needs_no_connector() -> None:
    """``icebridge.testing.connect(emu, ...)`` opens a session-owning connection directly."""
    with Emulator() as emu:
        emu.execute("CREATE DATABASE d")
        conn = icebridge.testing.connect(emu, database="d", schema="public")
        assert (conn.database, conn.schema) == ("D", "PUBLIC")
