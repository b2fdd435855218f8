"""Golden SQL for the bundled examples in each mode, compared exactly.

Regenerate after an intended change with ``ICEBRIDGE_UPDATE_GOLDEN=1 pytest <this file>``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icebridge.cli import format_plan
from icebridge.examples import orders as ex
from icebridge.pipeline import Pipeline
from icebridge.render import render_all

GOLDEN = Path(__file__).parent / "golden"

CASES: dict[str, tuple[Pipeline, ...]] = {
    "orders_merge": (ex.orders,),
    "order_items_merge": (ex.order_items,),
    "orders_dynamic": (ex.orders_dynamic,),
    "order_items_dynamic": (ex.order_items_dynamic,),
    "orders_append": (ex.orders_append,),
    "order_items_append": (ex.order_items_append,),
    "all_merge": ex.PIPELINES,
    "all_dynamic": ex.DYNAMIC_PIPELINES,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str) -> None:
    text = format_plan(render_all(CASES[case]))
    path = GOLDEN / f"{case}.sql"
    if os.environ.get("ICEBRIDGE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_pipeline_sql_matches_render_all() -> None:
    assert ex.orders.sql() == render_all([ex.orders])
    assert ex.render_all() == render_all(ex.PIPELINES)
