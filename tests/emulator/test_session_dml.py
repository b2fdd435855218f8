"""INSERT / UPDATE / DELETE / TRUNCATE results and errors."""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import DataError, ProgrammingError


@pytest.fixture
def orders(emu: Emulator) -> Emulator:
    emu.sql("CREATE TABLE orders (id INT, qty INT, status VARCHAR DEFAULT 'NEW')")
    emu.sql("INSERT INTO orders (id, qty) VALUES (1, 10), (2, 20), (3, 30)")
    return emu


def test_insert_forms(orders: Emulator) -> None:
    out = orders.sql("INSERT INTO orders SELECT id + 10, qty, 'COPY' FROM orders")
    assert out.to_pylist() == [{"number of rows inserted": 3}]
    assert orders.sql("SELECT count(*) FROM orders").column(0)[0].as_py() == 6
    with pytest.raises(ProgrammingError) as info:
        orders.sql("INSERT INTO orders VALUES (1, 2)")
    assert "expecting 3 but got 2" in info.value.msg
    with pytest.raises(ProgrammingError) as info:
        orders.sql("INSERT INTO orders (nope) VALUES (1)")
    assert info.value.errno == 904


def test_insert_overwrite_reads_table_before_replacing(orders: Emulator) -> None:
    out = orders.sql("INSERT OVERWRITE INTO orders SELECT * FROM orders WHERE id > 1")
    assert out.to_pylist() == [{"number of rows inserted": 2}]
    assert orders.sql("SELECT id FROM orders ORDER BY id").column(0).to_pylist() == [2, 3]


def test_update_and_update_from(orders: Emulator) -> None:
    out = orders.sql("UPDATE orders SET status = 'BIG' WHERE qty >= 20")
    assert out.to_pylist() == [
        {"number of rows updated": 2, "number of multi-joined rows updated": 0}
    ]
    orders.sql("CREATE TABLE fixes (id INT, qty INT)")
    orders.sql("INSERT INTO fixes VALUES (1, 11), (3, 33)")
    out = orders.sql("UPDATE orders o SET qty = f.qty FROM fixes f WHERE o.id = f.id")
    assert out.column("number of rows updated").to_pylist() == [2]
    assert orders.sql("SELECT qty FROM orders ORDER BY id").column(0).to_pylist() == [11, 20, 33]


def test_update_from_counts_multi_joined_rows(orders: Emulator) -> None:
    orders.sql("CREATE TABLE dup (id INT, qty INT)")
    orders.sql("INSERT INTO dup VALUES (1, 5), (1, 6)")
    out = orders.sql("UPDATE orders SET qty = dup.qty FROM dup WHERE orders.id = dup.id")
    assert out.to_pylist() == [
        {"number of rows updated": 1, "number of multi-joined rows updated": 1}
    ]


def test_delete_and_delete_using(orders: Emulator) -> None:
    assert orders.sql("DELETE FROM orders WHERE id = 1").to_pylist() == [
        {"number of rows deleted": 1}
    ]
    orders.sql("CREATE TABLE gone (id INT)")
    orders.sql("INSERT INTO gone VALUES (2)")
    out = orders.sql("DELETE FROM orders USING gone WHERE orders.id = gone.id")
    assert out.to_pylist() == [{"number of rows deleted": 1}]
    assert orders.sql("SELECT id FROM orders").column(0).to_pylist() == [3]


def test_truncate(orders: Emulator) -> None:
    assert orders.sql("TRUNCATE TABLE orders").to_pylist() == [
        {"status": "Statement executed successfully."}
    ]
    assert orders.sql("SELECT count(*) FROM orders").column(0)[0].as_py() == 0
    orders.sql("TRUNCATE TABLE IF EXISTS missing")
    with pytest.raises(ProgrammingError):
        orders.sql("TRUNCATE missing")


def test_failing_statement_leaves_nothing(orders: Emulator) -> None:
    with pytest.raises(DataError) as info:
        orders.sql("INSERT INTO orders (id, qty) VALUES (9, 1), (10, 'abc')")
    assert info.value.errno == 100038
    assert orders.sql("SELECT count(*) FROM orders").column(0)[0].as_py() == 3


def test_data_errors(orders: Emulator) -> None:
    with pytest.raises(DataError) as info:
        orders.sql("SELECT 1 / 0")
    assert info.value.errno == 100051
    with pytest.raises(DataError) as info:
        orders.sql("SELECT CAST('nope' AS INT)")
    assert info.value.errno == 100038
    orders.sql("CREATE TABLE small (n NUMBER(3,0))")
    with pytest.raises(DataError) as info:
        orders.sql("INSERT INTO small VALUES (12345)")
    assert info.value.sqlstate == "22003"


def test_result_column_names(orders: Emulator) -> None:
    names = orders.sql('SELECT id, qty + 1, COUNT(*) OVER () AS "n", id AS Ident FROM orders')
    assert names.column_names == ["ID", "QTY + 1", "n", "IDENT"]


def test_default_keyword_and_qualified_names(orders: Emulator) -> None:
    orders.sql("INSERT INTO orders VALUES (4, 40, DEFAULT)")
    assert orders.sql("SELECT status FROM orders WHERE id = 4").column(0).to_pylist() == ["NEW"]
    orders.sql("UPDATE orders SET orders.status = 'Q' WHERE id = 4")
    rows = orders.sql("SELECT db.public.orders.status FROM db.public.orders WHERE id = 4")
    assert rows.to_pylist() == [{"STATUS": "Q"}]
