"""Schedules on the virtual clock: intervals from RESUME, never early; CRON with DST.

https://docs.snowflake.com/en/sql-reference/sql/alter-task (an interval's base resets on
RESUME: 10 MINUTES resumed at 9:03 runs at 9:13, 9:23, ...).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator import Emulator
from emulator.core.clock import VirtualClock
from emulator.features.tasks.schedule import parse_schedule


def test_interval_counts_from_resume_and_is_never_early() -> None:
    with Emulator(clock=VirtualClock(datetime(2026, 1, 1, 9, 3, tzinfo=UTC))) as emu:
        emu.execute("CREATE DATABASE db; CREATE TASK r SCHEDULE = '10 MINUTES' AS SELECT 1")
        emu.execute("ALTER TASK r RESUME")
        assert emu.advance(minutes=9, seconds=59) == []
        records = emu.advance("11 minutes")
        assert [r.scheduled_time.strftime("%H:%M") for r in records] == ["09:13", "09:23"]


def test_suspend_then_resume_resets_the_base(emu: Emulator) -> None:
    emu.execute("CREATE TASK r SCHEDULE = '60 M' AS SELECT 1; ALTER TASK r RESUME")
    emu.advance(minutes=30)
    emu.execute("ALTER TASK r SUSPEND")
    assert emu.advance(minutes=45) == []
    resumed = emu.now
    emu.execute("ALTER TASK r RESUME")
    emu.advance(minutes=10)
    emu.execute("ALTER TASK r RESUME")  # already started: the base stays
    records = emu.advance(minutes=50)
    assert [r.scheduled_time for r in records] == [resumed + timedelta(hours=1)]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1 MINUTE", 60), ("90 SECONDS", 90), ("2 HOURS", 7200), ("60 M", 3600), ("1 H", 3600)],
)
def test_interval_spellings(text: str, seconds: int) -> None:
    every = parse_schedule(text).every
    assert every == timedelta(seconds=seconds)


def test_cron_follows_daylight_saving_time() -> None:
    # 09:00 in Los Angeles is 17:00 UTC in winter (PST) and 16:00 UTC after 8 March 2026.
    start = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)
    with Emulator(clock=VirtualClock(start)) as emu:
        emu.execute("CREATE DATABASE db")
        emu.execute(
            "CREATE TASK r SCHEDULE = 'USING CRON 0 9 * * * America/Los_Angeles' AS SELECT 1"
        )
        emu.execute("ALTER TASK r RESUME")
        records = emu.advance(days=3)
        assert [r.scheduled_time for r in records] == [
            datetime(2026, 3, 7, 17, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 16, 0, tzinfo=UTC),
            datetime(2026, 3, 9, 16, 0, tzinfo=UTC),
        ]


def test_suspended_and_child_tasks_have_no_schedule_of_their_own(emu: Emulator) -> None:
    emu.execute("CREATE TASK r SCHEDULE = '1 MINUTE' AS SELECT 1")
    assert emu.advance(minutes=5) == []  # created suspended
    emu.execute("CREATE TASK c AFTER r AS SELECT 2; ALTER TASK c RESUME")
    assert emu.advance(minutes=5) == []  # a child runs only with its root
