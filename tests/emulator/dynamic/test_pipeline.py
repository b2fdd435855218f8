"""The bundled dynamic-Iceberg pipelines on the emulator: staging -> dynamic Iceberg table,
deduplicated by QUALIFY ROW_NUMBER() = 1 and read back by DuckDB's Iceberg extension."""

from __future__ import annotations

import duckdb

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from icebridge.examples.orders import DYNAMIC_PIPELINES, orders_dynamic
from icebridge.sql.identifiers import ObjectName

TARGET = ObjectName("AUTOMATED_INTELLIGENCE", "ANALYTICS_ICEBERG", "ORDERS")


def _iceberg_rows(emu: Emulator) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        load_iceberg_extension(con)
        location = emu.engine.lake.store.metadata_location(TARGET)
        return con.execute(
            "SELECT ORDER_ID, STATUS FROM iceberg_scan(?) ORDER BY 1", [location]
        ).fetchall()
    finally:
        con.close()


def test_dynamic_iceberg_pipeline_keeps_the_latest_version_of_each_order() -> None:
    with Emulator() as emu:
        emu.sql("CREATE DATABASE automated_intelligence")
        for pipeline in DYNAMIC_PIPELINES:
            pipeline.deploy(emu)
        row = emu.sql("SHOW DYNAMIC TABLES LIKE 'ORDERS'").to_pylist()[0]
        assert (row["is_iceberg"], row["refresh_mode"]) == ("true", "INCREMENTAL")
        orders_dynamic.ingest(
            emu,
            [
                {"ORDER_ID": 1, "CUSTOMER_ID": 7, "STATUS": "NEW", "TOTAL_AMOUNT": 10},
                {"ORDER_ID": 2, "CUSTOMER_ID": 8, "STATUS": "NEW", "TOTAL_AMOUNT": 5},
            ],
        )
        emu.advance("30 seconds")
        orders_dynamic.ingest(
            emu, [{"ORDER_ID": 1, "CUSTOMER_ID": 7, "STATUS": "PAID", "TOTAL_AMOUNT": 10}]
        )
        records = [r for r in emu.advance("1 minute") if r.name == TARGET]
        assert [r.details["refresh_action"] for r in records] == ["INCREMENTAL"]
        assert _iceberg_rows(emu) == [(1, "PAID"), (2, "NEW")]
        rows = emu.sql(
            "SELECT order_id, status FROM automated_intelligence.analytics_iceberg.orders "
            "ORDER BY 1"
        ).to_pylist()
        assert [(r["ORDER_ID"], r["STATUS"]) for r in rows] == [(1, "PAID"), (2, "NEW")]
