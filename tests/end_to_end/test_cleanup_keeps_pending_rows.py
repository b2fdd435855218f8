"""The rendered cleanup task never deletes a staging row that no load has read.

The cleanup deletes staging rows that are not pending in the stream. A row inserted after a
load read the stream and updated before the cleanup runs is pending with its *current*
values in the net (DEFAULT) changes; the APPEND_ONLY changes show the values it was
inserted with (https://docs.snowflake.com/en/sql-reference/constructs/changes: the docs'
id 2 is inserted 'blue', updated 'purple', and APPEND_ONLY returns 'blue'), which the
updated row no longer equals. Matching against those deleted the row unloaded.
"""

from __future__ import annotations

from datetime import datetime

from sqlglot import exp

from emulator import Emulator
from icebridge.demo import setup_statements
from icebridge.examples import orders as example
from icebridge.sql.dialect import generate, parse_one

ORDERS = example.orders


def _row(order_id: int, status: str) -> dict[str, object]:
    return {
        "ORDER_ID": order_id,
        "CUSTOMER_ID": 7,
        "ORDER_TS": datetime(2026, 1, 1, 9, 0),
        "STATUS": status,
        "TOTAL_AMOUNT": 10,
    }


def _cleanup_body() -> str:
    task = next(s for s in ORDERS.sql() if "ORDERS_CLEANUP_TASK" in s and "CREATE" in s)
    delete = parse_one(task).find(exp.Delete)
    assert delete is not None
    return generate(delete)


def test_a_pending_row_updated_before_cleanup_is_kept_and_loaded() -> None:
    with Emulator() as emu:
        emu.execute_script(setup_statements([ORDERS]) + ORDERS.sql())
        ORDERS.ingest(emu, [_row(1, "new")])
        emu.advance("2 minutes")  # loaded, then cleaned from staging
        staging = "AUTOMATED_INTELLIGENCE.STAGING.ORDERS_STAGING"
        assert emu.sql(f"SELECT ORDER_ID FROM {staging}").num_rows == 0
        ORDERS.ingest(emu, [_row(2, "new")])
        emu.execute(f"UPDATE {staging} SET STATUS = 'shipped' WHERE ORDER_ID = 2")
        emu.execute(_cleanup_body())  # the cleanup as it would run before the next load
        kept = emu.sql(f"SELECT ORDER_ID, STATUS FROM {staging}").to_pylist()
        assert kept == [{"ORDER_ID": 2, "STATUS": "shipped"}]
        emu.advance("2 minutes")
        target = "AUTOMATED_INTELLIGENCE.ANALYTICS_ICEBERG.ORDERS"
        loaded = emu.sql(f"SELECT ORDER_ID FROM {target} ORDER BY ORDER_ID").column(0)
        assert loaded.to_pylist() == [1, 2]
        assert emu.sql(f"SELECT ORDER_ID FROM {staging}").num_rows == 0
