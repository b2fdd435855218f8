"""The bundled orders / order_items pipelines, from definition to Iceberg rows that
DuckDB's own Iceberg extension reads back.

Traffic has at-least-once duplicates and late status updates; after the tasks (or dynamic
refreshes) catch up, each Iceberg table must hold exactly the latest row per key.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from icebridge.demo import holds_latest, metadata_location, run_demo, setup_statements
from icebridge.examples import orders as example
from icebridge.examples.generator import OrderTraffic
from icebridge.pipeline import Pipeline

KEYS = {"ORDERS": "ORDER_ID", "ORDER_ITEMS": "ORDER_ITEM_ID"}


def _deploy(emu: Emulator, pipelines: Sequence[Pipeline]) -> None:
    emu.execute_script(setup_statements(pipelines) + example.render_all(pipelines))


def _run_traffic(emu: Emulator, pipelines: Sequence[Pipeline], minutes: int) -> OrderTraffic:
    orders, order_items = pipelines
    traffic = OrderTraffic(seed=11)
    for _ in range(minutes):
        now = emu.sql("SELECT CURRENT_TIMESTAMP()::TIMESTAMP_NTZ").column(0)[0].as_py()
        batch = traffic.minute(now)
        orders.ingest(emu, batch.orders)
        order_items.ingest(emu, batch.order_items)
        emu.advance("1 minute")
    emu.advance("2 minutes")
    return traffic


def _expected(traffic: OrderTraffic, pipeline: Pipeline) -> dict[int, dict[str, object]]:
    return traffic.latest_orders if pipeline.name == "ORDERS" else traffic.latest_items


def _read_with_duckdb_extension(location: str, key: str) -> list[dict[str, object]]:
    con = duckdb.connect()
    load_iceberg_extension(con)
    rows = con.execute(f"SELECT * FROM iceberg_scan(?) ORDER BY {key}", [location])
    names = [d[0] for d in rows.description]
    return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[Emulator]:
    emulator = Emulator(path=tmp_path / "lake")
    yield emulator
    emulator.close()


@pytest.mark.parametrize(
    "pipelines",
    [example.PIPELINES, example.DYNAMIC_PIPELINES],
    ids=["merge-tasks", "dynamic-iceberg"],
)
def test_latest_row_per_key_lands_in_iceberg(emu: Emulator, pipelines: Sequence[Pipeline]) -> None:
    _deploy(emu, pipelines)
    _deploy(emu, pipelines)  # redeploying the same plan is harmless
    traffic = _run_traffic(emu, pipelines, minutes=6)
    for pipeline in pipelines:
        assert pipeline.target is not None
        key = KEYS[pipeline.name]
        expected = _expected(traffic, pipeline)
        assert len(expected) > 10
        assert holds_latest(emu, pipeline.target.table, key, expected)
        # An independent engine reads the same rows from the Iceberg metadata.
        ours = emu.sql(f"SELECT * FROM {pipeline.target.table.sql()} ORDER BY {key}").to_pylist()
        theirs = _read_with_duckdb_extension(metadata_location(emu, pipeline.target.table), key)
        assert theirs == ours


def test_merge_pipeline_cleans_staging_and_reports_status(emu: Emulator) -> None:
    pipelines = example.PIPELINES
    _deploy(emu, pipelines)
    traffic = _run_traffic(emu, pipelines, minutes=4)
    orders = pipelines[0]
    status = orders.status(emu)
    # Every staged row was loaded, so cleanup removed it; nothing is waiting.
    assert status.staged_rows == 0
    assert status.stream_has_data is False
    assert status.lag_seconds == 0
    assert status.runs_by_state is not None
    assert status.runs_by_state["SUCCEEDED"] >= 4
    assert status.target_rows == len(traffic.latest_orders)


def test_rows_survive_reopen_mid_stream(tmp_path: Path) -> None:
    pipelines = example.PIPELINES
    orders = pipelines[0]
    with Emulator(path=tmp_path / "lake") as emu:
        _deploy(emu, pipelines)
        orders.ingest(emu, [{"ORDER_ID": 1, "STATUS": "NEW", "TOTAL_AMOUNT": "1.00"}])
    with Emulator(path=tmp_path / "lake") as emu:
        assert orders.status(emu).stream_has_data is True
        emu.advance("1 minute")
        rows = emu.sql(
            "SELECT ORDER_ID, STATUS FROM AUTOMATED_INTELLIGENCE.ANALYTICS_ICEBERG.ORDERS"
        ).to_pylist()
        assert [(int(r["ORDER_ID"]), r["STATUS"]) for r in rows] == [(1, "NEW")]


def test_monitoring_queries_run_verbatim(emu: Emulator) -> None:
    pipelines = example.PIPELINES
    _deploy(emu, pipelines)
    _run_traffic(emu, pipelines, minutes=2)
    emu.execute("USE DATABASE AUTOMATED_INTELLIGENCE; USE SCHEMA STAGING")
    staged = emu.sql("SELECT COUNT(*), MAX(_ingested_at) FROM staging.orders_staging")
    assert staged.column_names == ["COUNT(*)", "MAX(_INGESTED_AT)"]
    loaded = emu.sql("SELECT COUNT(*) FROM analytics_iceberg.orders")
    assert loaded.column(0)[0].as_py() > 0
    history = emu.sql(
        "SELECT name, state, scheduled_time FROM TABLE(information_schema.task_history()) "
        "WHERE name = 'ORDERS_LOAD_TASK' ORDER BY scheduled_time DESC LIMIT 10"
    )
    states = history.column("STATE").to_pylist()
    assert states[0] == "SCHEDULED"
    assert "SUCCEEDED" in states
    has_data = emu.sql("SELECT SYSTEM$STREAM_HAS_DATA('orders_staging_stream')")
    assert has_data.column(0)[0].as_py() is False


def test_demo_command_runs_and_verifies() -> None:
    out = io.StringIO()
    result = run_demo(out, path=None, minutes=3)
    assert result.ok
    text = out.getvalue()
    assert "latest row per key        yes" in text
    assert "metadata.json" in text


def test_demo_cli_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    from icebridge.cli import main

    assert main(["demo", "--in-memory", "--minutes", "2"]) == 0
    assert "rows in the Iceberg table" in capsys.readouterr().out
    assert main(["demo", "--in-memory", "--minutes", "0"]) == 2
