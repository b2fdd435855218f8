"""Fixtures for the Iceberg storage layer: a store on a temporary root, a virtual clock,
and a DuckDB connection with DuckDB's own Iceberg extension as the independent reader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from iceberg_helpers import ORDER_COLUMNS, ORDERS, Clock

from emulator.iceberg import IcebergStore, load_iceberg_extension
from icebridge.sql.identifiers import ObjectName


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[IcebergStore]:
    s = IcebergStore(tmp_path / "lake", clock=clock)
    yield s
    s.close()


@pytest.fixture
def orders(store: IcebergStore) -> ObjectName:
    store.create_table(ORDERS, ORDER_COLUMNS, identifier_fields=["ORDER_ID"])
    return ORDERS


@pytest.fixture(scope="session")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    load_iceberg_extension(con)
    yield con
    con.close()
