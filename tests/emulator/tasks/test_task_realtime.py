"""Real-time mode: a background thread fires runs; USER_TASK_TIMEOUT_MS is enforced."""

from __future__ import annotations

import threading
import time

from task_helpers import values

from emulator import Emulator
from emulator.core.clock import RealClock


def wait_for(predicate: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_runs_fire_with_the_wall_clock_while_other_threads_ingest() -> None:
    with Emulator(clock=RealClock()) as emu:
        emu.execute(
            "CREATE DATABASE db; CREATE TABLE src (x INT); CREATE TABLE dst (x INT);"
            "CREATE TASK r SCHEDULE = '1 SECOND' AS INSERT INTO dst SELECT COUNT(*) FROM src;"
            "ALTER TASK r RESUME"
        )
        emu.start()
        writer = threading.Thread(
            target=lambda: [emu.sql(f"INSERT INTO src VALUES ({i})") for i in range(20)]
        )
        writer.start()
        writer.join()
        assert wait_for(lambda: len(values(emu, "SELECT x FROM dst")) >= 2)
        records = emu.stop()
        assert records
        assert {r.state for r in records} == {"SUCCEEDED"}
        assert not emu.realtime_running
        assert values(emu, "SELECT COUNT(*) FROM src") == [20]


def test_timeout_fails_the_run_in_real_time_mode() -> None:
    # A four-way cross join of 2,000 rows cannot finish in 200 ms: DuckDB is interrupted.
    with Emulator(clock=RealClock()) as emu:
        emu.execute("CREATE DATABASE db; CREATE TABLE n (x INT); CREATE TABLE dst (x INT)")
        emu.execute("INSERT INTO n VALUES " + ", ".join(f"({i})" for i in range(2000)))
        emu.execute(
            "CREATE TASK r SCHEDULE = '1 SECOND' USER_TASK_TIMEOUT_MS = 200 AS "
            "INSERT INTO dst SELECT COUNT(*) FROM n a, n b, n c, n d; ALTER TASK r RESUME"
        )
        emu.start()
        assert wait_for(lambda: bool(emu._realtime.records))
        records = emu.stop()
        assert records[0].state == "FAILED"
        assert records[0].error_message is not None
        assert "reached its statement or warehouse timeout" in records[0].error_message
        assert values(emu, "SELECT x FROM dst") == []
