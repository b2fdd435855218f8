"""Realistic order traffic for the orders / order_items example pipelines.

Each simulated minute yields a batch of staging rows: new orders with one to four items,
re-sent duplicates (at-least-once delivery), and late status updates of earlier orders
(NEW -> PAID -> SHIPPED -> DELIVERED, sometimes CANCELLED). The generator also keeps the
latest version of every key, which is exactly what a deduplicating MERGE must leave in the
Iceberg tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

Row = dict[str, Any]

_NEXT_STATUS = {"NEW": "PAID", "PAID": "SHIPPED", "SHIPPED": "DELIVERED"}


@dataclass
class Batch:
    """One minute of traffic for both staging tables."""

    orders: list[Row]
    order_items: list[Row]


@dataclass
class OrderTraffic:
    """Deterministic order traffic (same ``seed`` -> same rows)."""

    seed: int = 7
    orders_per_minute: tuple[int, int] = (3, 12)
    duplicate_rate: float = 0.1
    update_rate: float = 0.3
    latest_orders: dict[int, Row] = field(default_factory=dict)
    latest_items: dict[int, Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._next_order = 1000
        self._next_item = 50000

    def minute(self, now: datetime) -> Batch:
        """The rows staged during the minute that ends at ``now`` (NTZ wallclock)."""
        rng = self._random
        orders: list[Row] = []
        items: list[Row] = []
        # Updates touch only orders staged in earlier minutes: two versions of one key in
        # one batch would share _INGESTED_AT and leave "latest" undefined.
        open_orders = [o for o in self.latest_orders.values() if o["STATUS"] in _NEXT_STATUS]
        for _ in range(rng.randint(*self.orders_per_minute)):
            order = self._new_order(now - timedelta(seconds=rng.randint(0, 59)))
            orders.append(order)
            items.extend(self._new_items(order["ORDER_ID"]))
        for order in rng.sample(open_orders, k=int(len(open_orders) * self.update_rate) // 4):
            orders.append(self._advance(order))
        # At-least-once delivery: some rows arrive twice, unchanged.
        orders += [dict(o) for o in orders if rng.random() < self.duplicate_rate]
        items += [dict(i) for i in items if rng.random() < self.duplicate_rate]
        return Batch(orders=orders, order_items=items)

    def _new_order(self, ts: datetime) -> Row:
        self._next_order += 1
        amount = Decimal(self._random.randint(500, 50000)) / 100
        row = {
            "ORDER_ID": self._next_order,
            "CUSTOMER_ID": self._random.randint(1, 500),
            "ORDER_TS": ts.replace(microsecond=0),
            "STATUS": "NEW",
            "TOTAL_AMOUNT": amount,
        }
        self.latest_orders[self._next_order] = row
        return dict(row)

    def _new_items(self, order_id: int) -> list[Row]:
        rows = []
        for _ in range(self._random.randint(1, 4)):
            self._next_item += 1
            row = {
                "ORDER_ITEM_ID": self._next_item,
                "ORDER_ID": order_id,
                "PRODUCT_ID": self._random.randint(1, 200),
                "QUANTITY": self._random.randint(1, 5),
                "UNIT_PRICE": Decimal(self._random.randint(100, 9900)) / 100,
            }
            self.latest_items[self._next_item] = row
            rows.append(dict(row))
        return rows

    def _advance(self, order: Row) -> Row:
        status = order["STATUS"]
        new_status = "CANCELLED" if self._random.random() < 0.05 else _NEXT_STATUS[status]
        row = {**order, "STATUS": new_status}
        self.latest_orders[row["ORDER_ID"]] = row
        return dict(row)
