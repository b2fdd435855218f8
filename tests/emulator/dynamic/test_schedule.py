"""Refreshes on the virtual clock: cadence, DOWNSTREAM, suspend / resume, failures.

https://docs.snowflake.com/en/user-guide/dynamic-tables-target-lag and
https://docs.snowflake.com/en/sql-reference/sql/alter-dynamic-table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from emulator import Emulator
from emulator.core.scheduler import RunRecord
from icebridge.errors import ProgrammingError


@pytest.fixture
def emu(emu: Emulator) -> Emulator:
    emu.execute("CREATE TABLE src (id INT); INSERT INTO src VALUES (1)")
    return emu


def _times(records: list[RunRecord], name: str) -> list[str]:
    return [r.scheduled_time.strftime("%H:%M") for r in records if r.name.name == name]


def test_refreshes_at_creation_plus_multiples_of_the_lag(emu: Emulator) -> None:
    emu.sql("CREATE DYNAMIC TABLE d TARGET_LAG = '2 minutes' WAREHOUSE = w AS SELECT id FROM src")
    emu.advance("30 seconds")
    emu.sql("INSERT INTO src VALUES (2)")
    records = emu.advance("5 minutes")
    assert _times(records, "D") == ["12:02", "12:04"]
    assert [r.details["refresh_action"] for r in records] == ["INCREMENTAL", "NO_DATA"]
    assert all(r.kind == "DYNAMIC_TABLE" and r.state == "SUCCEEDED" for r in records)
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [2]
    shown = emu.sql("SHOW DYNAMIC TABLES LIKE 'd'").to_pylist()[0]
    assert shown["data_timestamp"] == emu.now - timedelta(minutes=1, seconds=30)


def test_data_is_never_staler_than_the_lag(emu: Emulator) -> None:
    emu.sql("CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src")
    inserted: dict[int, datetime] = {}
    for step in range(12):
        emu.sql(f"INSERT INTO src VALUES ({100 + step})")
        inserted[100 + step] = emu.now
        emu.advance("25 seconds")
        visible = set(emu.sql("SELECT id FROM d").column(0).to_pylist())
        due = {i for i, at in inserted.items() if emu.now - at >= timedelta(minutes=1)}
        assert due <= visible


def test_downstream_tables_refresh_only_with_their_dependents(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE DYNAMIC TABLE up TARGET_LAG = DOWNSTREAM WAREHOUSE = w AS SELECT id FROM src;
        CREATE DYNAMIC TABLE down TARGET_LAG = '3 minutes' WAREHOUSE = w
            AS SELECT id + 1 AS id FROM up;
        INSERT INTO src VALUES (2);
        """
    )
    records = emu.advance("4 minutes")
    assert [(r.name.name, r.scheduled_time.strftime("%H:%M")) for r in records] == [
        ("UP", "12:03"),
        ("DOWN", "12:03"),
    ]
    assert emu.sql("SELECT id FROM down ORDER BY id").column(0).to_pylist() == [2, 3]


def test_upstream_refreshes_before_downstream_at_the_same_instant(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE DYNAMIC TABLE down_first TARGET_LAG = '2 minutes' WAREHOUSE = w
            AS SELECT 1 AS x;
        CREATE DYNAMIC TABLE a_up TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src;
        CREATE OR REPLACE DYNAMIC TABLE down_first TARGET_LAG = '2 minutes' WAREHOUSE = w
            AS SELECT id FROM a_up;
        INSERT INTO src VALUES (5);
        """
    )
    records = emu.advance("2 minutes")
    assert [(r.name.name, r.scheduled_time.strftime("%H:%M")) for r in records] == [
        ("A_UP", "12:01"),
        ("A_UP", "12:02"),
        ("DOWN_FIRST", "12:02"),
    ]
    assert emu.sql("SELECT COUNT(*) FROM down_first").column(0).to_pylist() == [2]


def test_suspend_cascades_and_resume_skips_manually_suspended(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE DYNAMIC TABLE a TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src;
        CREATE DYNAMIC TABLE b TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM a;
        CREATE DYNAMIC TABLE c TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM b;
        ALTER DYNAMIC TABLE c SUSPEND;
        ALTER DYNAMIC TABLE a SUSPEND;
        """
    )
    states = {r["name"]: r["scheduling_state"] for r in emu.sql("SHOW DYNAMIC TABLES").to_pylist()}
    assert states == {"A": "SUSPENDED", "B": "SUSPENDED", "C": "SUSPENDED"}
    assert emu.advance("3 minutes") == []
    emu.sql("ALTER DYNAMIC TABLE a RESUME")
    states = {r["name"]: r["scheduling_state"] for r in emu.sql("SHOW DYNAMIC TABLES").to_pylist()}
    assert states == {"A": "RUNNING", "B": "RUNNING", "C": "SUSPENDED"}
    assert sorted({r.name.name for r in emu.advance("1 minute")}) == ["A", "B"]


def test_manual_refresh_works_while_suspended(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src;
        ALTER DYNAMIC TABLE d SUSPEND;
        INSERT INTO src VALUES (2);
        """
    )
    emu.advance("5 minutes")
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [1]
    emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [2]


def test_set_target_lag_and_warehouse(emu: Emulator) -> None:
    emu.sql("CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src")
    emu.advance("30 seconds")
    emu.sql("ALTER DYNAMIC TABLE d SET TARGET_LAG = '5 minutes' WAREHOUSE = other_wh")
    row = emu.sql("SHOW DYNAMIC TABLES").to_pylist()[0]
    assert (row["target_lag"], row["warehouse"]) == ("5 minutes", "OTHER_WH")
    assert _times(emu.advance("6 minutes"), "D") == ["12:05"]
    with pytest.raises(ProgrammingError, match="at least 1 minute"):
        emu.sql("ALTER DYNAMIC TABLE d SET TARGET_LAG = '10 seconds'")
    with pytest.raises(ProgrammingError, match="REFRESH_MODE cannot be altered"):
        emu.sql("ALTER DYNAMIC TABLE d SET REFRESH_MODE = FULL")


def test_scheduler_disable_is_never_refreshed_on_the_clock(emu: Emulator) -> None:
    emu.sql("CREATE DYNAMIC TABLE d SCHEDULER = DISABLE WAREHOUSE = w AS SELECT id FROM src")
    emu.sql("INSERT INTO src VALUES (2)")
    assert emu.advance("1 hour") == []
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [1]


def test_on_schedule_initializes_at_the_first_tick(emu: Emulator) -> None:
    emu.sql(
        "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w INITIALIZE = ON_SCHEDULE "
        "AS SELECT id FROM src"
    )
    emu.advance("59 seconds")
    with pytest.raises(ProgrammingError, match="not initialized"):
        emu.sql("SELECT * FROM d")
    records = emu.advance("1 second")
    assert [r.details["refresh_action"] for r in records] == ["INCREMENTAL"]
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [1]


def test_failed_refresh_is_recorded_and_dependents_are_upstream_failed(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE DYNAMIC TABLE a TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src;
        CREATE DYNAMIC TABLE b TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM a;
        DROP TABLE src;
        """
    )
    records = emu.advance("1 minute")
    assert [(r.name.name, r.state) for r in records] == [("A", "FAILED"), ("B", "UPSTREAM_FAILED")]
    assert "does not exist" in (records[0].error_message or "")
    assert records[1].error_message is None
    errors = emu.sql(
        "SELECT name, state, state_code FROM TABLE(INFORMATION_SCHEMA."
        "DYNAMIC_TABLE_REFRESH_HISTORY(ERROR_ONLY => TRUE)) ORDER BY name"
    ).to_pylist()
    assert [(e["NAME"], e["STATE"], e["STATE_CODE"]) for e in errors] == [
        ("A", "FAILED", "002003"),
        ("B", "UPSTREAM_FAILED", None),
    ]
    assert emu.sql("SELECT COUNT(*) FROM b").column(0).to_pylist() == [1]  # old data kept


def test_manual_refresh_is_refused_inside_a_transaction(emu: Emulator) -> None:
    emu.sql("CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM src")
    emu.sql("BEGIN")
    emu.sql("INSERT INTO src VALUES (2)")
    with pytest.raises(ProgrammingError, match="multi-statement transaction") as info:
        emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    assert info.value.errno == 2743
    emu.sql("COMMIT")
    assert emu.sql("SELECT COUNT(*) FROM src").column(0).to_pylist() == [2]
    emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [2]
