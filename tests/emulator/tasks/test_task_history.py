"""INFORMATION_SCHEMA.TASK_HISTORY() and COMPLETE_TASK_GRAPHS(), and persistence.

https://docs.snowflake.com/en/sql-reference/functions/task_history
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from emulator import Emulator
from emulator.core.clock import DEFAULT_START, VirtualClock
from icebridge.errors import SqlError

HISTORY = "TABLE(INFORMATION_SCHEMA.TASK_HISTORY({args}))"


def query(emu: Emulator, select: str, args: str = "", tail: str = "") -> list[dict[str, object]]:
    return emu.sql(f"SELECT {select} FROM {HISTORY.format(args=args)} {tail}").to_pylist()


@pytest.fixture
def busy(emu: Emulator) -> Emulator:
    """Task R runs every minute for 150 minutes (no data: skipped); task E fails once."""
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' WHEN FALSE AS SELECT 1; ALTER TASK r RESUME;"
        "CREATE TASK e AS INSERT INTO t SELECT 1 / 0, 'x'"
    )
    emu.advance(minutes=150)
    emu.execute("EXECUTE TASK e")
    return emu


def test_rows_newest_first_with_the_next_scheduled_run(busy: Emulator) -> None:
    rows = query(busy, "NAME, STATE, QUERY_ID, SCHEDULED_TIME", "TASK_NAME => 'r'")
    assert len(rows) == 100  # RESULT_LIMIT defaults to 100
    assert rows[0]["STATE"] == "SCHEDULED"
    assert rows[0]["QUERY_ID"] is None
    assert {r["STATE"] for r in rows[1:]} == {"SKIPPED"}
    times = [r["SCHEDULED_TIME"] for r in rows]
    assert times == sorted(times, reverse=True)


def test_arguments_apply_before_where_and_limit(busy: Emulator) -> None:
    # The 100 newest rows of the account are all R's: filtering E afterwards finds nothing.
    assert query(busy, "NAME", "", "WHERE NAME = 'E'") == [{"NAME": "E"}]
    assert query(busy, "NAME", "RESULT_LIMIT => 2", "WHERE NAME = 'R' LIMIT 5") == [{"NAME": "R"}]
    assert len(query(busy, "NAME", "RESULT_LIMIT => 1000")) == 152
    assert query(busy, "NAME, STATE", "TASK_NAME => 'E'") == [{"NAME": "E", "STATE": "FAILED"}]


def test_error_only_and_case_insensitive_name(busy: Emulator) -> None:
    assert query(busy, "NAME", "ERROR_ONLY => TRUE") == [{"NAME": "E"}]
    assert len(query(busy, "NAME", "TASK_NAME => 'R', RESULT_LIMIT => 10000")) == 151


def test_time_range(busy: Emulator) -> None:
    rows = query(
        busy,
        "NAME",
        "SCHEDULED_TIME_RANGE_START => DATEADD('minute', -10, CURRENT_TIMESTAMP()), "
        "SCHEDULED_TIME_RANGE_END => CURRENT_TIMESTAMP(), TASK_NAME => 'R'",
    )
    assert len(rows) == 11  # both ends inclusive; the next SCHEDULED run is after the end
    with pytest.raises(SqlError, match="7 days"):
        query(busy, "NAME", "SCHEDULED_TIME_RANGE_START => DATEADD('day', -8, CURRENT_TIMESTAMP())")


@pytest.mark.parametrize("limit", [0, 10001])
def test_result_limit_range(emu: Emulator, limit: int) -> None:
    with pytest.raises(SqlError, match="RESULT_LIMIT"):
        query(emu, "NAME", f"RESULT_LIMIT => {limit}")


def test_documented_columns_and_qualified_form(busy: Emulator) -> None:
    table = busy.sql("SELECT * FROM TABLE(db.INFORMATION_SCHEMA.TASK_HISTORY(RESULT_LIMIT => 1))")
    assert table.column_names[:3] == ["QUERY_ID", "NAME", "DATABASE_NAME"]
    assert "GRAPH_RUN_GROUP_ID" in table.column_names
    assert "SCHEDULED_FROM" in table.column_names
    assert table.num_rows == 1


def test_complete_task_graphs(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r AS INSERT INTO t VALUES (1, 'r');"
        "CREATE TASK c AFTER r AS INSERT INTO t SELECT 1 / 0, 'c';"
        "ALTER TASK c RESUME; EXECUTE TASK r"
    )
    rows = emu.sql(
        "SELECT ROOT_TASK_NAME, STATE, FIRST_ERROR_TASK_NAME, SCHEDULED_FROM "
        "FROM TABLE(INFORMATION_SCHEMA.COMPLETE_TASK_GRAPHS())"
    ).to_pylist()
    assert rows == [
        {
            "ROOT_TASK_NAME": "R",
            "STATE": "FAILED",
            "FIRST_ERROR_TASK_NAME": "C",
            "SCHEDULED_FROM": "EXECUTE_TASK",
        }
    ]


def test_tasks_and_history_survive_reopen(tmp_path: Path) -> None:
    with Emulator(tmp_path) as emu:
        emu.execute(
            "CREATE DATABASE db; CREATE TABLE t (x INT);"
            "CREATE TASK r SCHEDULE = '1 MINUTE' WHEN FALSE AS INSERT INTO t VALUES (1);"
            "ALTER TASK r RESUME"
        )
        emu.advance(minutes=3)
    later = DEFAULT_START + timedelta(minutes=10)
    with Emulator(tmp_path, clock=VirtualClock(later)) as emu:
        emu.execute("USE DATABASE db")
        rows = query(emu, "STATE", "", "WHERE STATE <> 'SCHEDULED'")
        assert [r["STATE"] for r in rows] == ["SKIPPED"] * 3
        # Ticks missed while closed are not run; the schedule continues from now.
        records = emu.advance(minutes=2)
        assert [r.scheduled_time for r in records] == [
            later + timedelta(minutes=1),
            later + timedelta(minutes=2),
        ]
