"""The orders / order_items example: two staging tables loaded into Iceberg tables.

``PIPELINES`` deploys both with deduplicating MERGE tasks and staging cleanup;
``DYNAMIC_PIPELINES`` computes the same targets as dynamic Iceberg tables and
``APPEND_PIPELINES`` appends every staged row with INSERT tasks. The three groups are
alternatives for the same objects: deploy one of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from icebridge.pipeline import Pipeline
from icebridge.render import render_all as _render_all

DATABASE = "AUTOMATED_INTELLIGENCE"
WAREHOUSE = "AUTOMATED_INTELLIGENCE_WH"

ORDERS_COLUMNS = {
    "ORDER_ID": "NUMBER(38,0)",
    "CUSTOMER_ID": "NUMBER(38,0)",
    "ORDER_TS": "TIMESTAMP_NTZ",
    "STATUS": "VARCHAR(50)",
    "TOTAL_AMOUNT": "NUMBER(10,2)",
}

ORDER_ITEMS_COLUMNS = {
    "ORDER_ITEM_ID": "NUMBER(38,0)",
    "ORDER_ID": "NUMBER(38,0)",
    "PRODUCT_ID": "NUMBER(38,0)",
    "QUANTITY": "NUMBER",
    "UNIT_PRICE": "NUMBER(10,2)",
}

_orders = Pipeline("orders", database=DATABASE, warehouse=WAREHOUSE).stage(
    "STAGING.ORDERS_STAGING", columns=ORDERS_COLUMNS
)
_order_items = Pipeline("order_items", database=DATABASE, warehouse=WAREHOUSE).stage(
    "STAGING.ORDER_ITEMS_STAGING", columns=ORDER_ITEMS_COLUMNS
)

#: Orders: newest version of each order merged into ANALYTICS_ICEBERG.ORDERS every minute.
orders = (
    _orders.stream()
    .to_iceberg("ANALYTICS_ICEBERG.ORDERS", schedule="1 minute", merge_on="ORDER_ID")
    .cleanup()
)

#: Order items, merged on ORDER_ITEM_ID.
order_items = (
    _order_items.stream()
    .to_iceberg("ANALYTICS_ICEBERG.ORDER_ITEMS", schedule="1 minute", merge_on="ORDER_ITEM_ID")
    .cleanup()
)

#: The same targets as dynamic Iceberg tables (no stream, no task, no cleanup).
orders_dynamic = _orders.to_dynamic_iceberg(
    "ANALYTICS_ICEBERG.ORDERS", target_lag="1 minute", merge_on="ORDER_ID"
)
order_items_dynamic = _order_items.to_dynamic_iceberg(
    "ANALYTICS_ICEBERG.ORDER_ITEMS", target_lag="1 minute", merge_on="ORDER_ITEM_ID"
)

#: Append every staged row (insert mode, append-only stream).
orders_append = _orders.stream().to_iceberg("ANALYTICS_ICEBERG.ORDERS").cleanup()
order_items_append = _order_items.stream().to_iceberg("ANALYTICS_ICEBERG.ORDER_ITEMS").cleanup()

PIPELINES = (orders, order_items)
DYNAMIC_PIPELINES = (orders_dynamic, order_items_dynamic)
APPEND_PIPELINES = (orders_append, order_items_append)


def render_all(pipelines: Iterable[Pipeline] = PIPELINES, *, pretty: bool = False) -> list[str]:
    """The statements deploying ``pipelines`` together (shared schemas created once)."""
    return _render_all(pipelines, pretty=pretty)
