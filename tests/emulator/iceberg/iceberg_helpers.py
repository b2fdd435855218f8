"""Helpers shared by the Iceberg storage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa

from emulator.iceberg import IcebergColumn, IcebergStore
from icebridge.sql.identifiers import ObjectName

ORDERS = ObjectName("DB", "ANALYTICS_ICEBERG", "ORDERS")
ORDER_COLUMNS = [
    IcebergColumn("ORDER_ID", "long", required=True),
    IcebergColumn("CUSTOMER", "string"),
    IcebergColumn("AMOUNT", "decimal(10,2)"),
]


class Clock:
    """A settable clock; ``tick`` advances it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


def order_rows(ids: range | list[int], customer: str = "c") -> pa.Table:
    """Rows for the ORDERS table: AMOUNT is id / 100."""
    ids = list(ids)
    return pa.table(
        {
            "ORDER_ID": pa.array(ids, pa.int64()),
            "CUSTOMER": [f"{customer}{i}" for i in ids],
            "AMOUNT": pa.array([Decimal(i).scaleb(-2) for i in ids], pa.decimal128(10, 2)),
        }
    )


def read_relation(
    con: duckdb.DuckDBPyConnection, store: IcebergStore, name: ObjectName, **kw: int
) -> pa.Table:
    """The rows of ``store.relation(name)`` read by DuckDB, sorted by the first column."""
    rel = store.relation(name, **kw).sql("duckdb")
    first = store.columns(name)[0].name
    return con.sql(f'SELECT * FROM {rel} ORDER BY "{first}"').to_arrow_table()


def read_iceberg_scan(
    con: duckdb.DuckDBPyConnection, store: IcebergStore, name: ObjectName
) -> pa.Table:
    """The rows DuckDB's Iceberg extension reads from the table's metadata location."""
    first = store.columns(name)[0].name
    location = store.metadata_location(name).replace("'", "''")
    return con.sql(
        f"SELECT * FROM iceberg_scan('{location}') ORDER BY \"{first}\""
    ).to_arrow_table()


def assert_interop(
    con: duckdb.DuckDBPyConnection, store: IcebergStore, name: ObjectName
) -> pa.Table:
    """DuckDB's Iceberg reader and our relation return the same rows and types."""
    ours = read_relation(con, store, name)
    theirs = read_iceberg_scan(con, store, name)
    assert ours.schema.names == theirs.schema.names
    assert ours.schema.types == theirs.schema.types
    assert ours.to_pylist() == theirs.to_pylist()
    return ours
