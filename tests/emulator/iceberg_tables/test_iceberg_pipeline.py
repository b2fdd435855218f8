"""The orders pipeline end to end: staging -> stream -> MERGE task -> Iceberg, read back by
DuckDB's own Iceberg extension."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from emulator import Emulator
from emulator.core.lake import parse_name
from emulator.iceberg import load_iceberg_extension
from icebridge.examples import orders

TARGET = "AUTOMATED_INTELLIGENCE.ANALYTICS_ICEBERG.ORDERS"


def _order(order_id: int, status: str) -> dict[str, object]:
    return {
        "ORDER_ID": order_id,
        "CUSTOMER_ID": order_id % 3,
        "ORDER_TS": dt.datetime(2026, 1, 1, 8, order_id),
        "STATUS": status,
        "TOTAL_AMOUNT": order_id + 0.25,
    }


def test_orders_pipeline_lands_latest_versions_in_iceberg() -> None:
    with Emulator() as emu:
        emu.execute(
            "CREATE DATABASE AUTOMATED_INTELLIGENCE; CREATE WAREHOUSE AUTOMATED_INTELLIGENCE_WH"
        )
        orders.orders.deploy(emu)
        orders.orders.ingest(emu, [_order(i, "NEW") for i in range(1, 6)])
        emu.advance("1 minute")
        orders.orders.ingest(emu, [_order(2, "SHIPPED"), _order(6, "NEW")])
        emu.advance("1 minute")
        ours = emu.sql(f"SELECT ORDER_ID, STATUS FROM {TARGET} ORDER BY ORDER_ID").to_pylist()
        assert [(int(r["ORDER_ID"]), r["STATUS"]) for r in ours] == [
            (1, "NEW"),
            (2, "SHIPPED"),
            (3, "NEW"),
            (4, "NEW"),
            (5, "NEW"),
            (6, "NEW"),
        ]
        info = emu.sql(f"SELECT SYSTEM$GET_ICEBERG_TABLE_INFORMATION('{TARGET}')")
        location = json.loads(info.column(0)[0].as_py())["metadataLocation"]
        everything = emu.sql(f"SELECT * FROM {TARGET} ORDER BY ORDER_ID")
        con = duckdb.connect()
        load_iceberg_extension(con)
        theirs = con.execute(
            "SELECT * FROM iceberg_scan(?) ORDER BY ORDER_ID", [location]
        ).to_arrow_table()
        con.close()
        assert theirs.schema.types == everything.schema.types
        assert [tuple(r.values()) for r in theirs.to_pylist()] == [
            tuple(r.values()) for r in everything.to_pylist()
        ]
        # Two load runs, two snapshots; the staging table was cleaned up behind them.
        name = parse_name(emu.engine.state, TARGET)
        assert len(emu.engine.lake.store.snapshots(name)) == 2
        staged = emu.sql("SELECT COUNT(*) AS c FROM AUTOMATED_INTELLIGENCE.STAGING.ORDERS_STAGING")
        assert staged.to_pylist() == [{"C": 0}]
