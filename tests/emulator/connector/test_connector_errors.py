"""Errors are the connector's classes when it is installed, and icebridge's always.

The connector's cursor raises IntegrityError for 100072 (NULL in a non-nullable column) and
ProgrammingError for every other failed statement (``SnowflakeCursor.execute`` in
snowflakedb/snowflake-connector-python ``src/snowflake/connector/cursor.py``); its Error
carries ``errno``, ``sqlstate``, ``sfqid``, ``msg``/``raw_msg`` and ``query``
(``src/snowflake/connector/errors.py``).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest
import snowflake.connector
import snowflake.connector.errors as sf_errors

from emulator import Emulator
from emulator.api.connector_errors import as_connector_error, combined_class
from icebridge import errors
from icebridge.testing import connect


@pytest.fixture
def conn() -> Iterator[snowflake.connector.SnowflakeConnection]:
    with Emulator() as emu:
        emu.execute("CREATE DATABASE d; CREATE TABLE d.public.t (id INT NOT NULL)")
        yield connect(emu, database="d")


def test_a_failed_statement_is_a_connector_programming_error(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    cur = conn.cursor()
    with pytest.raises(sf_errors.ProgrammingError) as info:
        cur.execute("SELECT * FROM nosuch WHERE id = %s", (1,))
    err = info.value
    assert isinstance(err, errors.ProgrammingError)
    assert isinstance(err, sf_errors.DatabaseError)
    assert (err.errno, err.sqlstate) == (2003, "42S02")
    assert err.sfqid == cur.sfqid
    assert err.query == "SELECT * FROM nosuch WHERE id = 1"
    assert err.msg == err.raw_msg
    assert err.msg.startswith("SQL compilation error:")
    assert str(err).startswith("002003 (42S02): SQL compilation error:")


def test_null_in_a_not_null_column_is_an_integrity_error(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """errno 100072 -> IntegrityError (the connector's is_integrity_error)."""
    with pytest.raises(sf_errors.IntegrityError) as info:
        conn.cursor().execute("INSERT INTO t VALUES (NULL)")
    assert info.value.errno == 100072
    assert isinstance(info.value, errors.DataError)


def test_other_data_errors_are_programming_errors(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """Division by zero (100051) is a DataError for icebridge, a ProgrammingError for the
    connector (it picks only IntegrityError by errno)."""
    with pytest.raises(sf_errors.ProgrammingError) as info:
        conn.cursor().execute("SELECT 1 / 0")
    assert isinstance(info.value, errors.DataError)
    assert info.value.errno == 100051


def test_what_the_emulator_does_not_support_is_not_supported_error(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """Column names that differ only in case are two columns in Snowflake, but the emulator
    cannot hold both (DuckDB compares names ignoring case): UnsupportedError."""
    with pytest.raises(sf_errors.NotSupportedError) as info:
        conn.cursor().execute('CREATE TABLE twins (ID INT, "id" INT)')
    assert isinstance(info.value, errors.UnsupportedError)
    assert info.value.sqlstate == "0A000"


def test_combined_classes_are_made_once_and_survive_pickling() -> None:
    first = combined_class(errors.ProgrammingError, "ProgrammingError", sf_errors)
    assert combined_class(errors.ProgrammingError, "ProgrammingError", sf_errors) is first
    err = as_connector_error(errors.ProgrammingError("boom", errno=2003, sqlstate="42S02"))
    assert type(err) is first
    copied = pickle.loads(pickle.dumps(err))
    assert isinstance(copied, sf_errors.ProgrammingError)
    assert str(copied) == str(err) == "002003 (42S02): boom"


def test_emu_connect_raises_connector_errors_too() -> None:
    with Emulator() as emu:
        cur = emu.connect().cursor()
        with pytest.raises(sf_errors.ProgrammingError):
            cur.execute("SELECT * FROM nosuch")
