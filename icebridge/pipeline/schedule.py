"""Task schedules and dynamic-table target lags.

A schedule is an interval (``"1 minute"``, ``"90 seconds"``, ``"2 hours"``) rendered as
``SCHEDULE = '1 MINUTE'``, or a cron expression with a time zone rendered as
``SCHEDULE = 'USING CRON */5 * * * * UTC'``
(https://docs.snowflake.com/en/sql-reference/sql/create-task).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icebridge.errors import DefinitionError

_UNITS = {
    "s": "SECOND",
    "sec": "SECOND",
    "secs": "SECOND",
    "second": "SECOND",
    "seconds": "SECOND",
    "m": "MINUTE",
    "min": "MINUTE",
    "mins": "MINUTE",
    "minute": "MINUTE",
    "minutes": "MINUTE",
    "h": "HOUR",
    "hr": "HOUR",
    "hrs": "HOUR",
    "hour": "HOUR",
    "hours": "HOUR",
    "d": "DAY",
    "day": "DAY",
    "days": "DAY",
}
_SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400}
_INTERVAL = re.compile(r"\s*(\d+)\s*([A-Za-z]+)\s*\Z")
_CRON_PREFIX = re.compile(r"\s*USING\s+CRON\s+", re.IGNORECASE)
# Snowflake caps an interval schedule at 11520 minutes (8 days).
MAX_SCHEDULE_SECONDS = 11520 * 60
#: TARGET_LAG must be at least 60 seconds (https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table).
MIN_TARGET_LAG_SECONDS = 60


@dataclass(frozen=True)
class Interval:
    """A whole number of seconds, minutes, hours or days."""

    count: int
    unit: str  # SECOND, MINUTE, HOUR or DAY

    @classmethod
    def parse(cls, text: str, *, field: str) -> Interval:
        """Parse ``"1 minute"``, ``"90 seconds"``, ``"2h"``; errors name ``field``."""
        match = _INTERVAL.match(text) if isinstance(text, str) else None
        unit = _UNITS.get(match.group(2).lower()) if match else None
        if match is None or unit is None:
            raise DefinitionError(
                f"{field}: {text!r} is not an interval like '1 minute', '90 seconds' or '2 hours'",
                field=field,
            )
        count = int(match.group(1))
        if count < 1:
            raise DefinitionError(f"{field}: interval {text!r} must be positive", field=field)
        return cls(count, unit)

    @property
    def seconds(self) -> int:
        return self.count * _SECONDS[self.unit]

    def sql(self) -> str:
        """``'1 MINUTE'`` / ``'90 SECONDS'`` style text (without the quotes)."""
        return f"{self.count} {self.unit}{'' if self.count == 1 else 'S'}"

    def lag_sql(self) -> str:
        """``'1 minute'`` style text as TARGET_LAG takes it."""
        return f"{self.count} {self.unit.lower()}{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Schedule:
    """When a root task runs: every ``interval``, or on a ``cron`` expression in ``tz``."""

    interval: Interval | None = None
    cron_expr: str | None = None
    tz: str | None = None

    @classmethod
    def every(cls, text: str) -> Schedule:
        """An interval schedule, e.g. ``Schedule.every("5 minutes")``."""
        interval = Interval.parse(text, field="schedule")
        if interval.unit == "DAY" or interval.seconds > MAX_SCHEDULE_SECONDS:
            raise DefinitionError(
                f"schedule: {text!r} is too long; use at most 11520 minutes or a cron schedule",
                field="schedule",
            )
        return cls(interval=interval)

    @classmethod
    def cron(cls, expr: str, tz: str = "UTC") -> Schedule:
        """A cron schedule: five fields ``min hour dom month dow`` and an IANA time zone."""
        fields = expr.split() if isinstance(expr, str) else []
        if len(fields) != 5:
            raise DefinitionError(
                f"schedule: cron {expr!r} must have five fields (min hour dom month dow)",
                field="schedule",
            )
        _check_cron(" ".join(fields))
        _check_tz(tz)
        return cls(cron_expr=" ".join(fields), tz=tz)

    @classmethod
    def parse(cls, value: str | Schedule) -> Schedule:
        """Accept a Schedule, an interval, or ``"USING CRON <expr> <tz>"``."""
        if isinstance(value, Schedule):
            return value
        if not isinstance(value, str):
            raise DefinitionError(f"schedule: expected text, got {value!r}", field="schedule")
        prefix = _CRON_PREFIX.match(value)
        if prefix:
            parts = value[prefix.end() :].split()
            if len(parts) != 6:
                raise DefinitionError(
                    f"schedule: {value!r} must be 'USING CRON <5 cron fields> <time zone>'",
                    field="schedule",
                )
            return cls.cron(" ".join(parts[:5]), tz=parts[5])
        return cls.every(value)

    def sql(self) -> str:
        """The text of the SCHEDULE property (without the quotes)."""
        if self.interval is not None:
            return self.interval.sql()
        return f"USING CRON {self.cron_expr} {self.tz}"


def _check_cron(expr: str) -> None:
    # croniter is light, but only needed when a cron schedule is defined.
    from croniter import croniter

    try:
        valid = bool(croniter.is_valid(expr))
    except Exception:  # croniter raises assorted errors for garbled input
        valid = False
    if not valid:
        raise DefinitionError(f"schedule: invalid cron expression {expr!r}", field="schedule")


def _check_tz(tz: str) -> None:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise DefinitionError(f"schedule: unknown time zone {tz!r}", field="schedule") from None


def parse_target_lag(value: str) -> str:
    """Validate a TARGET_LAG (``"1 minute"`` or ``"DOWNSTREAM"``); return its SQL text."""
    if isinstance(value, str) and value.strip().upper() == "DOWNSTREAM":
        return "DOWNSTREAM"
    interval = Interval.parse(value, field="target_lag")
    if interval.seconds < MIN_TARGET_LAG_SECONDS:
        raise DefinitionError(
            f"target_lag: {value!r} is under the 60 second minimum of dynamic tables",
            field="target_lag",
        )
    return interval.lag_sql()
