"""Append-only change data returns rows as they were inserted, and view streams over NATURAL
JOIN track both sides (issue 11).

Sources: https://docs.snowflake.com/en/sql-reference/constructs/changes (Examples) and
https://docs.snowflake.com/en/user-guide/streams-intro (Types of streams; Streams on views,
Join results behavior: the ``ordersByCustomer`` example).
"""

from __future__ import annotations

import pytest
from stream_helpers import rows

from emulator import Emulator


@pytest.fixture
def t1(emu: Emulator) -> Emulator:
    """The CHANGES page's first example up to its queries. The docs run in real time; the
    virtual clock stands still between statements, so it moves one second after ``$ts1``."""
    emu.execute(
        "CREATE OR REPLACE TABLE t1 (id number(8) NOT NULL, c1 varchar(255) default NULL);"
        "ALTER TABLE t1 SET CHANGE_TRACKING = TRUE;"
        "SET ts1 = (SELECT CURRENT_TIMESTAMP())"
    )
    emu.advance("1 second")
    emu.execute(
        "INSERT INTO t1 (id,c1) VALUES (1,'red'), (2,'blue'), (3,'green');"
        "DELETE FROM t1 WHERE id = 1;"
        "UPDATE t1 SET c1 = 'purple' WHERE id = 2"
    )
    return emu


def _changes(emu: Emulator, source: str) -> list[tuple[object, ...]]:
    return rows(emu, f"SELECT id, c1, METADATA$ACTION, METADATA$ISUPDATE FROM {source} ORDER BY id")


def test_changes_default_and_append_only_follow_the_docs_example(t1: Emulator) -> None:
    """CHANGES(INFORMATION => DEFAULT): ``2 | purple`` and ``3 | green``, both INSERT, not
    updates (the rows were inserted in the interval), the deleted row not at all.
    CHANGES(INFORMATION => APPEND_ONLY): ``1 | red``, ``2 | blue``, ``3 | green``: the
    deleted row is returned, and the updated row with the value it was inserted with."""
    assert _changes(t1, "t1 CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => $ts1)") == [
        (2, "purple", "INSERT", False),
        (3, "green", "INSERT", False),
    ]
    assert _changes(t1, "t1 CHANGES(INFORMATION => APPEND_ONLY) AT(TIMESTAMP => $ts1)") == [
        (1, "red", "INSERT", False),
        (2, "blue", "INSERT", False),
        (3, "green", "INSERT", False),
    ]


def test_append_only_stream_returns_the_inserted_values(emu: Emulator) -> None:
    """An append-only stream tracks row inserts only; updates are not captured
    (streams-intro, Types of streams), so the CHANGES example's rows come back as inserted.
    Consuming it in a DML statement loads those values."""
    emu.execute(
        "CREATE OR REPLACE TABLE t1 (id number(8) NOT NULL, c1 varchar(255) default NULL);"
        "CREATE STREAM s1 ON TABLE t1 APPEND_ONLY = TRUE;"
        "INSERT INTO t1 (id,c1) VALUES (1,'red'), (2,'blue'), (3,'green');"
        "DELETE FROM t1 WHERE id = 1;"
        "UPDATE t1 SET c1 = 'purple' WHERE id = 2;"
        "CREATE TABLE sink (id NUMBER, c1 VARCHAR)"
    )
    assert _changes(emu, "s1") == [
        (1, "red", "INSERT", False),
        (2, "blue", "INSERT", False),
        (3, "green", "INSERT", False),
    ]
    emu.sql("INSERT INTO sink SELECT id, c1 FROM s1")
    assert rows(emu, "SELECT id, c1 FROM sink ORDER BY id") == [
        (1, "red"),
        (2, "blue"),
        (3, "green"),
    ]
    assert _changes(emu, "s1") == []


def test_append_only_stream_on_a_view_returns_the_inserted_values(emu: Emulator) -> None:
    """Streams on views: a projection / filter view passes the base table's append-only
    delta through its SELECT, so it too shows the inserted values."""
    emu.execute(
        "CREATE TABLE t1 (id NUMBER, c1 VARCHAR);"
        "CREATE VIEW v1 AS SELECT id, c1 FROM t1 WHERE id > 0;"
        "CREATE STREAM vs ON VIEW v1 APPEND_ONLY = TRUE;"
        "INSERT INTO t1 VALUES (1, 'red'), (2, 'blue');"
        "UPDATE t1 SET c1 = 'purple' WHERE id = 2"
    )
    assert _changes(emu, "vs") == [(1, "red", "INSERT", False), (2, "blue", "INSERT", False)]


@pytest.fixture
def orders(emu: Emulator) -> Emulator:
    """streams-intro, Join results behavior: the tables, the NATURAL JOIN view with one
    joined row, and the stream created after it."""
    emu.execute(
        "create or replace table orders (id int, order_name varchar);"
        "create or replace table customers (id int, customer_name varchar);"
        "create or replace view ordersByCustomer as select * from orders natural join customers;"
        "insert into orders values (1, 'order1');"
        "insert into customers values (1, 'customer1');"
        "create or replace stream ordersByCustomerStream on view ordersBycustomer"
    )
    return emu


STREAM = "select * exclude metadata$row_id from ordersByCustomerStream order by 2, 3"


def test_natural_join_view_stream_follows_the_docs_example(orders: Emulator) -> None:
    """The view has one row and the stream none; an order joining the customer gives one
    INSERT (Δorders x customers); a customer joining both orders then gives three
    (Δorders x customers, orders x Δcustomers, Δorders x Δcustomers)."""
    assert rows(orders, "select * from ordersByCustomer") == [(1, "order1", "customer1")]
    assert rows(orders, STREAM) == []
    # The same join written with USING (id) tracks the same rows.
    orders.execute(
        "create view obc_using as select * from orders join customers using (id);"
        "create stream obc_using_s on view obc_using"
    )
    orders.sql("insert into orders values (1, 'order2')")
    assert rows(orders, STREAM) == [(1, "order2", "customer1", "INSERT", False)]
    using = "select * exclude metadata$row_id from obc_using_s"
    assert rows(orders, using) == [(1, "order2", "customer1", "INSERT", False)]
    orders.sql("insert into customers values (1, 'customer2')")
    assert rows(orders, STREAM) == [
        (1, "order1", "customer2", "INSERT", False),
        (1, "order2", "customer1", "INSERT", False),
        (1, "order2", "customer2", "INSERT", False),
    ]


def test_append_only_join_view_stream_joins_the_inserted_values(orders: Emulator) -> None:
    """For append-only streams on a join view, Δorders and Δcustomers contain row inserts
    only (streams-intro, Join results behavior): an order updated after its insert joins
    with the value it was inserted with."""
    orders.execute(
        "create stream obc_append on view ordersByCustomer append_only = true;"
        "insert into orders values (1, 'order2');"
        "update orders set order_name = 'order2b' where order_name = 'order2'"
    )
    appended = "select id, order_name, customer_name, metadata$action from obc_append"
    assert rows(orders, appended) == [(1, "order2", "customer1", "INSERT")]
