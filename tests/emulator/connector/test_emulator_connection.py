"""A script written for snowflake-connector-python, run against a real Emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from emulator import Emulator
from emulator.api.connector import Connection, ProgrammingError
from emulator.api.types import TYPE_CODE


@pytest.fixture
def conn() -> Iterator[Connection]:
    emu = Emulator()
    connection = emu.connect()
    yield connection
    connection.close()
    emu.close()


def test_connector_shaped_script(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE DATABASE shop")
    cur.execute(
        "CREATE TABLE orders (id INTEGER, customer VARCHAR, amount NUMBER(10, 2), "
        "ordered DATE, note VARCHAR)"
    )
    rows = [
        (1, "ann", Decimal("10.50"), dt.date(2024, 1, 1), "it's"),
        (2, "bob", Decimal("3.25"), dt.date(2024, 1, 2), None),
        (3, "ann", Decimal("7.00"), dt.date(2024, 1, 3), "%s; DROP TABLE orders"),
    ]
    cur.executemany(
        "INSERT INTO orders (id, customer, amount, ordered, note) VALUES (%s, %s, %s, %s, %s)", rows
    )
    assert cur.rowcount == 3
    assert cur.fetchall() == [(3,)]

    cur.execute(
        "SELECT id, amount, ordered, note FROM orders WHERE customer = %(who)s ORDER BY id",
        {"who": "ann"},
    )
    assert cur.sfqid
    assert cur.description is not None
    assert [d.name for d in cur.description] == ["ID", "AMOUNT", "ORDERED", "NOTE"]
    assert cur.description[1].type_code == TYPE_CODE["FIXED"]
    assert (cur.description[1].precision, cur.description[1].scale) == (10, 2)
    assert cur.rowcount == 2
    fetched = cur.fetchall()
    assert fetched == [
        (1, Decimal("10.50"), dt.date(2024, 1, 1), "it's"),
        (3, Decimal("7.00"), dt.date(2024, 1, 3), "%s; DROP TABLE orders"),
    ]
    assert type(fetched[0][0]) is int

    frame = (
        conn.cursor()
        .execute(
            "SELECT customer, SUM(amount) AS total FROM orders GROUP BY customer ORDER BY customer"
        )
        .fetch_pandas_all()
    )
    assert list(frame["CUSTOMER"]) == ["ann", "bob"]
    assert [Decimal(str(v)) for v in frame["TOTAL"]] == [Decimal("17.50"), Decimal("3.25")]


def test_qmark_binding_and_dml_rowcount(conn: Connection) -> None:
    conn.execute_string("CREATE DATABASE d; CREATE TABLE t (k INTEGER, v VARCHAR)")
    cur = conn.cursor()
    cur.executemany("INSERT INTO t (k, v) VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "c")])
    cur.execute("UPDATE t SET v = :1 WHERE k >= :2", ["z", 2])
    assert cur.rowcount == 2
    cur.execute("SELECT k, v FROM t ORDER BY k")
    assert cur.fetchall() == [(1, "a"), (2, "z"), (3, "z")]


def test_execute_string_and_transactions(conn: Connection) -> None:
    cursors = conn.execute_string(
        "CREATE DATABASE d; CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2); "
        "SELECT COUNT(*) FROM t"
    )
    assert cursors[-1].fetchall() == [(2,)]
    conn.autocommit(False)
    conn.cursor().execute("INSERT INTO t VALUES (3)")
    conn.rollback()
    conn.cursor().execute("INSERT INTO t VALUES (4)")
    conn.commit()
    conn.autocommit(True)
    assert conn.cursor().execute("SELECT k FROM t ORDER BY k").fetchall() == [(1,), (2,), (4,)]


def test_sql_errors_are_pep249_errors(conn: Connection) -> None:
    with pytest.raises(ProgrammingError) as info:
        conn.cursor().execute("SELECT * FROM nosuch")
    assert info.value.errno
    assert info.value.sfqid


_BOUND_VALUES = [
    None,
    True,
    7,
    -2.5,
    float("nan"),
    float("inf"),
    Decimal("12.340"),
    "it's %s; -- 'x'",
    dt.date(2024, 2, 29),
    dt.time(13, 45, 1),
    dt.datetime(2024, 2, 29, 13, 45, 1, 123456),
    dt.datetime(2024, 2, 29, 13, 45, 1, tzinfo=dt.UTC),
    b"\x00\xffab",
]


@pytest.mark.parametrize("value", _BOUND_VALUES, ids=repr)
def test_bound_statements_run_as_their_bound_text_does(conn: Connection, value: object) -> None:
    """A bound statement reaches the engine as the tree it was bound in: it behaves exactly
    as its bound text would (parsed again)."""
    from emulator.api.binding import bind

    cur = conn.cursor()
    got = cur.execute("SELECT %s AS v", (value,)).fetchall()
    assert cur.query == bind("SELECT %s AS v", (value,))
    again = conn.cursor().execute(cur.query).fetchall()
    if isinstance(value, float) and value != value:
        assert got[0][0] != got[0][0]  # NaN
        assert again[0][0] != again[0][0]
    else:
        assert got == again


def test_a_repeated_bound_statement_reuses_its_template(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE DATABASE d")
    cur.execute("CREATE TABLE t (id INTEGER, v VARCHAR)")
    for i in range(3):
        cur.execute("INSERT INTO t (id, v) VALUES (%s, %s)", (i, f"v{i}"))
        assert cur.rowcount == 1
    cur.executemany("INSERT INTO t (id, v) VALUES (%s, %s)", [(10, "a"), (11, "b")])
    assert cur.rowcount == 2
    rows = cur.execute("SELECT id, v FROM t WHERE id >= %s ORDER BY id", (1,)).fetchall()
    assert rows == [(1, "v1"), (2, "v2"), (10, "a"), (11, "b")]
