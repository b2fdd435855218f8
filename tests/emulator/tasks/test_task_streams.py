"""Tasks over streams: WHEN SYSTEM$STREAM_HAS_DATA, consumption by a successful run only.

https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data,
https://docs.snowflake.com/en/user-guide/streams-intro (a rolled-back run consumes nothing).
"""

from __future__ import annotations

from task_helpers import values

from emulator import Emulator


def setup(emu: Emulator, body: str) -> None:
    emu.execute(
        "CREATE TABLE src (x INT); CREATE STREAM s ON TABLE src;"
        f"CREATE TASK r SCHEDULE = '1 MINUTE' WHEN SYSTEM$STREAM_HAS_DATA('db.public.s') AS {body};"
        "ALTER TASK r RESUME"
    )


def test_runs_only_when_the_stream_has_data(emu: Emulator) -> None:
    setup(emu, "INSERT INTO t (x) SELECT x FROM s")
    assert [r.state for r in emu.advance(minutes=2)] == ["SKIPPED", "SKIPPED"]
    emu.execute("INSERT INTO src VALUES (1), (2)")
    assert [r.state for r in emu.advance(minutes=2)] == ["SUCCEEDED", "SKIPPED"]
    assert values(emu) == [1, 2]
    condition = emu.sql(
        "SELECT DISTINCT CONDITION_TEXT FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY()) "
        "WHERE STATE = 'SKIPPED'"
    ).column(0)
    assert condition.to_pylist() == ["SYSTEM$STREAM_HAS_DATA('db.public.s')"]


def test_failed_run_consumes_nothing(emu: Emulator) -> None:
    setup(emu, "INSERT INTO t (x) SELECT 10 / (x - 1) FROM s")
    emu.execute("INSERT INTO src VALUES (1)")
    assert [r.state for r in emu.advance(minutes=1)] == ["FAILED"]
    # Still has data: the next tick runs (and fails) again.
    assert [r.state for r in emu.advance(minutes=1)] == ["FAILED"]
    assert emu.sql("SELECT COUNT(*) FROM s").column(0).to_pylist() == [1]
    assert values(emu) == []
