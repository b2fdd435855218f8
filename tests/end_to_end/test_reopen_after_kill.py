"""A lake killed mid-life (SIGKILL, no close) and reopened never rewinds its clock.

The merge-mode orders task keeps a staged version only when it is at least as new as the
Iceberg row (``S._INGESTED_AT >= T._INGESTED_AT``), and ``_INGESTED_AT`` defaults to
``CURRENT_TIMESTAMP()``. A reopened lake whose clock went back would stamp newer versions
with older times and the MERGE would silently keep the stale rows. Snowflake's clock never
goes back, and the emulator's lake persists its clock on every move, so a killed process
resumes at (at least) the latest instant anything was committed at.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import duckdb

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from icebridge.demo import holds_latest, metadata_location
from icebridge.examples import orders as example

SCRIPT = Path(__file__).with_name("killed_lake.py")
ORDERS = 12
TARGET = "AUTOMATED_INTELLIGENCE.ANALYTICS_ICEBERG.ORDERS"


def _load_then_kill(path: Path) -> dt.datetime:
    """Run killed_lake.py until it reports READY, SIGKILL it; the time it reported."""
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(path), str(ORDERS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, proc.kill)  # never hang the suite on a stuck child
    watchdog.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        assert line[:1] == ["READY"], proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
    finally:
        watchdog.cancel()
        proc.kill()
        proc.communicate()
    return dt.datetime.fromisoformat(line[1])


def _newer_version() -> list[dict[str, object]]:
    return [
        {"ORDER_ID": i, "CUSTOMER_ID": i % 7, "STATUS": "SHIPPED", "TOTAL_AMOUNT": f"{i}.75"}
        for i in range(1, ORDERS + 1)
    ]


def test_killed_lake_reopens_without_rewinding_and_merges_newer_rows(tmp_path: Path) -> None:
    """Deploy, ingest, advance, SIGKILL, reopen, ingest newer versions of the same keys,
    advance: the Iceberg table holds the newest versions (the MERGE guard compares
    ``_INGESTED_AT``, https://docs.snowflake.com/en/sql-reference/sql/merge), and
    TASK_HISTORY stays ordered with no scheduled time twice
    (https://docs.snowflake.com/en/sql-reference/functions/task_history)."""
    path = tmp_path / "lake"
    killed_at = _load_then_kill(path)
    orders = example.orders
    assert orders.target is not None
    with Emulator(path) as emu:
        assert emu.now >= killed_at  # resumed, not reset to the default start
        orders.ingest(emu, _newer_version())
        emu.advance("2 minutes")
        expected = {
            i: {"ORDER_ID": i, "STATUS": "SHIPPED", "TOTAL_AMOUNT": Decimal(f"{i}.75")}
            for i in range(1, ORDERS + 1)
        }
        assert holds_latest(emu, orders.target.table, "ORDER_ID", expected)
        # An independent reader of the Iceberg metadata sees the same newest rows.
        con = duckdb.connect()
        load_iceberg_extension(con)
        statuses = con.execute(
            "SELECT DISTINCT STATUS FROM iceberg_scan(?)",
            [metadata_location(emu, orders.target.table)],
        ).fetchall()
        assert statuses == [("SHIPPED",)]

        history = emu.sql(
            "SELECT scheduled_time FROM TABLE(AUTOMATED_INTELLIGENCE.INFORMATION_SCHEMA"
            ".TASK_HISTORY(TASK_NAME => 'ORDERS_LOAD_TASK')) WHERE state <> 'SCHEDULED'"
        ).column(0)
        times = history.to_pylist()
        assert len(times) == len(set(times)) > 30  # runs before and after the kill
        assert times == sorted(times, reverse=True)
        runs = orders.status(emu).recent_task_runs
        assert runs is not None
        newest = [r.scheduled_time for r in runs if r.name == "ORDERS_LOAD_TASK"]
        assert newest == sorted(newest, reverse=True)
        assert newest[0] > killed_at  # the runs after the reopen come first
