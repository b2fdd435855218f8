"""Task schedules: ``'<n> MINUTE[S]|M|SECOND[S]|S|HOUR[S]|H'`` intervals and
``'USING CRON <min> <hour> <dom> <month> <dow> <time zone>'``.

https://docs.snowflake.com/en/sql-reference/sql/create-task (SCHEDULE);
https://docs.snowflake.com/en/sql-reference/sql/alter-task: on RESUME an interval's base
resets (10 MINUTES resumed at 9:03 runs at 9:13, 9:23, ...) and runs are never early.
Cron expressions are evaluated in their time zone with croniter, so daylight-saving
changes move the UTC instant of a wall-clock schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from emulator import errors

_INTERVAL = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)\s*$")
_UNITS = {
    "SECOND": 1,
    "SECONDS": 1,
    "S": 1,
    "MINUTE": 60,
    "MINUTES": 60,
    "M": 60,
    "HOUR": 3600,
    "HOURS": 3600,
    "H": 3600,
}
#: Snowflake's upper bound for an interval schedule is 11520 minutes (8 days).
_MAX_SECONDS = 11520 * 60


@dataclass(frozen=True)
class Schedule:
    """A parsed SCHEDULE: an interval (``every``) or a cron expression in a zone."""

    text: str
    every: timedelta | None = None
    cron: str | None = None
    zone: str | None = None

    def next_after(self, base: datetime, after: datetime) -> datetime:
        """The first tick strictly later than ``after``; intervals count from ``base``."""
        if self.every is not None:
            if after < base:
                return base + self.every
            steps = (after - base) // self.every + 1
            return base + self.every * steps
        assert self.cron is not None
        assert self.zone is not None
        start = max(after, base).astimezone(ZoneInfo(self.zone))
        nxt = croniter(self.cron, start).get_next(datetime)
        result: datetime = nxt.astimezone(UTC)
        return result


def invalid_schedule(text: str) -> Exception:
    return errors.generic(
        f"SQL compilation error:\ninvalid value [{text}] for parameter 'SCHEDULE'",
        errno=2043,
        sqlstate="22023",
    )


@lru_cache(maxsize=256)
def parse_schedule(text: str) -> Schedule:
    """Parse a SCHEDULE string; Snowflake's invalid-value error when malformed."""
    stripped = text.strip()
    if stripped.upper().startswith("USING CRON"):
        parts = stripped.split()
        if len(parts) != 8:
            raise invalid_schedule(text)
        expr, zone = " ".join(parts[2:7]), parts[7]
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise invalid_schedule(text) from None
        if not croniter.is_valid(expr):
            raise invalid_schedule(text)
        return Schedule(text=text, cron=expr, zone=zone)
    match = _INTERVAL.match(stripped)
    if match is None or match.group(2).upper() not in _UNITS:
        raise invalid_schedule(text)
    seconds = int(match.group(1)) * _UNITS[match.group(2).upper()]
    if seconds <= 0 or seconds > _MAX_SECONDS:
        raise invalid_schedule(text)
    return Schedule(text=text, every=timedelta(seconds=seconds))
