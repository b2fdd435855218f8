"""Simulate one day of a two-task graph on the virtual clock and print what it costs.

The root runs every minute with ``WHEN SYSTEM$STREAM_HAS_DATA(...)`` over a staging
stream; a child runs after it. Data arrives once an hour, so 1,416 of the 1,440 ticks
are skipped. Prints the day's wall time, the cost of a skipped tick (measured on a
quiet hour) and, for comparison, the cost of a tick whose graph runs.

Targets: the day under 3 s; a skipped tick under 1 ms.

Run: .venv/bin/python bench/task_day.py
"""

from __future__ import annotations

import time

from emulator import Emulator

STREAM_CONDITION = "SYSTEM$STREAM_HAS_DATA('db.public.staging_stream')"
# Evaluated by the task engine alone (NULL for a root task, so the tick is skipped).
ENGINE_CONDITION = "SYSTEM$GET_PREDECESSOR_RETURN_VALUE() = 'data'"


def build(emu: Emulator, condition: str = STREAM_CONDITION) -> None:
    emu.execute(
        "CREATE DATABASE db; CREATE TABLE staging (id INT, v VARCHAR);"
        "CREATE TABLE target (id INT, v VARCHAR); CREATE TABLE audit (n INT);"
        "CREATE STREAM staging_stream ON TABLE staging;"
        f"CREATE TASK load SCHEDULE = '1 MINUTE' WHEN {condition} "
        "AS INSERT INTO target SELECT id, v FROM staging_stream;"
        "CREATE TASK count_rows AFTER load AS INSERT INTO audit SELECT COUNT(*) FROM target;"
        "SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('db.public.load')"
    )


def main() -> None:
    with Emulator() as emu:
        build(emu)
        start = time.perf_counter()
        runs = skipped = 0
        for hour in range(24):
            emu.execute(f"INSERT INTO staging VALUES ({hour}, 'row {hour}')")
            records = emu.advance(minutes=60)
            skipped += sum(1 for r in records if r.state == "SKIPPED")
            runs += sum(1 for r in records if r.state == "SUCCEEDED")
        day = time.perf_counter() - start
        loaded = emu.sql("SELECT COUNT(*) FROM target").column(0)[0].as_py()

        quiet = time.perf_counter()
        quiet_ticks = len(emu.advance(minutes=240))
        per_skip = (time.perf_counter() - quiet) / quiet_ticks

        emu.execute("INSERT INTO staging VALUES (99, 'x')")
        busy = time.perf_counter()
        emu.advance(minutes=1)
        per_run = time.perf_counter() - busy

    with Emulator() as emu:
        build(emu, ENGINE_CONDITION)
        emu.advance(minutes=1)
        engine = time.perf_counter()
        engine_ticks = len(emu.advance(minutes=1440))
        engine_skip = (time.perf_counter() - engine) / engine_ticks

    print("one simulated day, 1,440 one-minute ticks of a root + child graph")
    print(f"  ticks skipped: {skipped}, task runs succeeded: {runs}, rows loaded: {loaded}")
    print(f"  day total:     {day:.3f} s   (target < 3 s)")
    print(f"  skipped tick:  {per_skip * 1000:.3f} ms (target < 1 ms; {quiet_ticks} quiet ticks)")
    print(f"  running tick:  {per_run * 1000:.3f} ms (root + child bodies executed)")
    print(
        f"  skipped tick, engine only: {engine_skip * 1000:.3f} ms "
        f"(WHEN {ENGINE_CONDITION}; {engine_ticks} ticks)"
    )


if __name__ == "__main__":
    main()
