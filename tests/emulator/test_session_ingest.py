"""Emulator.insert_rows: atomic Arrow ingest with DEFAULTs and precise errors."""

from __future__ import annotations

import pyarrow as pa
import pytest

from emulator import Emulator
from icebridge.errors import IngestError
from icebridge.sql.identifiers import ObjectName

NAME = ObjectName("DB", "PUBLIC", "ORDERS")


@pytest.fixture
def orders(emu: Emulator) -> Emulator:
    emu.sql(
        "CREATE TABLE orders (order_id INT NOT NULL, amount NUMBER(10,2), "
        "_ingested_at TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP())"
    )
    return emu


def test_batch_inserted_with_defaults(orders: Emulator) -> None:
    batch = pa.table({"ORDER_ID": [1, 2], "amount": [1.5, 2.25]})
    assert orders.insert_rows(NAME, batch) == 2
    rows = orders.sql("SELECT order_id, amount, _ingested_at FROM orders ORDER BY 1").to_pylist()
    assert [float(r["AMOUNT"]) for r in rows] == [1.5, 2.25]
    assert all(r["_INGESTED_AT"] is not None for r in rows)


def test_bad_value_names_row_and_column_and_writes_nothing(orders: Emulator) -> None:
    batch = pa.table({"ORDER_ID": ["1", "2", "x"], "AMOUNT": [1.0, 2.0, 3.0]})
    with pytest.raises(IngestError) as info:
        orders.insert_rows(NAME, batch)
    assert (info.value.row, info.value.column) == (2, "ORDER_ID")
    assert orders.sql("SELECT count(*) FROM orders").column(0)[0].as_py() == 0


def test_null_in_not_null_column(orders: Emulator) -> None:
    batch = pa.table({"ORDER_ID": pa.array([1, None], pa.int64())})
    with pytest.raises(IngestError) as info:
        orders.insert_rows(NAME, batch)
    assert (info.value.row, info.value.column) == (1, "ORDER_ID")


def test_unknown_column_and_table(orders: Emulator) -> None:
    with pytest.raises(IngestError) as info:
        orders.insert_rows(NAME, pa.table({"ORDER_ID": [1], "NOPE": [1]}))
    assert info.value.column == "NOPE"
    with pytest.raises(IngestError):
        orders.insert_rows(NAME.with_name("MISSING"), pa.table({"A": [1]}))
