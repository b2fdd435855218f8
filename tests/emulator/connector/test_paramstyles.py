"""Binding in the connection's paramstyle, as the connector binds.

https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-example#binding-data:
pyformat (default) and format bind client-side with ``%s`` / ``%(name)s``; qmark and
numeric bind ``?`` / ``:n`` server-side, and ``snowflake.connector.paramstyle`` may be set
before connecting. The connector formats pyformat text with Python's ``%``
(``SnowflakeCursor._preprocess_pyformat_query``), so ``%%`` is a ``%`` in literals too, and
a list value becomes a comma-separated list (``SnowflakeConverter._list_to_snowflake``);
qmark parameters must be a list or tuple, an element may be ``(snowflake_type, value)``
(``SnowflakeConnection._get_snowflake_type_and_binding``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import snowflake.connector
import snowflake.connector.errors as sf_errors

from icebridge.testing import patch


@pytest.fixture
def emu() -> Iterator[object]:
    with patch() as emulator:
        emulator.execute(
            "CREATE DATABASE d; CREATE TABLE d.public.t (id INT, name VARCHAR);"
            "INSERT INTO d.public.t VALUES (1, 'a%b'), (2, 'c'), (3, 'd')"
        )
        yield emulator


@pytest.mark.usefixtures("emu")
@pytest.mark.parametrize(
    ("style", "sql", "params"),
    [
        ("pyformat", "SELECT name FROM t WHERE id = %(id)s", {"id": 2}),
        ("pyformat", "SELECT name FROM t WHERE id = %s", (2,)),
        ("format", "SELECT name FROM t WHERE id = %s", [2]),
        ("qmark", "SELECT name FROM t WHERE id = ?", [2]),
        ("numeric", "SELECT name FROM t WHERE id = :1", (2,)),
    ],
)
def test_every_paramstyle_binds(style: str, sql: str, params: object) -> None:
    conn = snowflake.connector.connect(database="d", paramstyle=style)
    assert conn.cursor().execute(sql, params).fetchall() == [("c",)]


@pytest.mark.usefixtures("emu")
def test_the_module_paramstyle_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snowflake.connector, "paramstyle", "qmark")
    conn = snowflake.connector.connect(database="d")
    assert conn.cursor().execute("SELECT ? + ?", [1, 2]).fetchone() == (3,)


@pytest.mark.usefixtures("emu")
def test_an_unknown_paramstyle_is_refused() -> None:
    with pytest.raises(sf_errors.ProgrammingError, match="Invalid paramstyle") as info:
        snowflake.connector.connect(paramstyle="dollar")
    assert info.value.errno == 251007


@pytest.mark.usefixtures("emu")
def test_pyformat_percent_percent_in_a_literal_is_one_percent() -> None:
    conn = snowflake.connector.connect(database="d")
    rows = conn.cursor().execute("SELECT id FROM t WHERE name LIKE 'a%%' AND id < %s", (9,))
    assert rows.fetchall() == [(1,)]
    # Unbound, the text is sent as written: '%%' stays two characters.
    assert conn.cursor().execute("SELECT 'a%%'").fetchone() == ("a%%",)


@pytest.mark.usefixtures("emu")
def test_pyformat_list_value_fills_an_in_list() -> None:
    conn = snowflake.connector.connect(database="d")
    cur = conn.cursor().execute("SELECT id FROM t WHERE id IN (%s) ORDER BY id", ([1, 3],))
    assert cur.fetchall() == [(1,), (3,)]


@pytest.mark.usefixtures("emu")
def test_qmark_takes_a_list_and_typed_pairs() -> None:
    conn = snowflake.connector.connect(database="d", paramstyle="qmark")
    with pytest.raises(sf_errors.ProgrammingError, match="Binding parameters must be a list"):
        conn.cursor().execute("SELECT ?", {"a": 1})
    when = dt.datetime(2024, 1, 2, 3, 4, 5)
    cur = conn.cursor().execute("SELECT ?", [("TIMESTAMP_LTZ", when)])
    assert cur.description[0].type_code == 6  # bound as TIMESTAMP_LTZ, not NTZ
    # In qmark style %s is not a placeholder: the text reaches Snowflake, which rejects it.
    with pytest.raises(sf_errors.ProgrammingError):
        conn.cursor().execute("SELECT %s", [1])


@pytest.mark.usefixtures("emu")
def test_executemany_inserts_every_row_in_one_statement() -> None:
    conn = snowflake.connector.connect(database="d", paramstyle="qmark")
    cur = conn.cursor()
    cur.executemany("INSERT INTO t (id, name) VALUES (?, ?)", [(10, "x"), (11, "y")])
    assert cur.rowcount == 2
    assert cur.execute("SELECT COUNT(*) FROM t").fetchone() == (5,)
