"""Emulator clocks: virtual (deterministic, the default) and real time.

``CURRENT_TIMESTAMP()`` and column DEFAULTs read the session's clock, so tests control
time completely with :class:`VirtualClock`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

#: Where a virtual clock starts unless told otherwise (a fixed instant keeps runs repeatable).
DEFAULT_START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


class Clock(Protocol):
    """What the emulator needs from a clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta``; returns the new instant."""
        ...


def _as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must be timezone-aware")
    return instant.astimezone(UTC)


class VirtualClock:
    """A clock that moves only when :meth:`advance` or :meth:`set` is called."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = _as_utc(start) if start is not None else DEFAULT_START

    def now(self) -> datetime:
        """The current virtual instant (UTC)."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (never backwards)."""
        if delta < timedelta(0):
            raise ValueError("a clock cannot move backwards")
        self._now = self._now + delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant``, which must not be earlier than now."""
        target = _as_utc(instant)
        if target < self._now:
            raise ValueError("a clock cannot move backwards")
        self._now = target
        return self._now


class RealClock:
    """Wall-clock time plus an offset that :meth:`advance` grows (for demos and notebooks)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """The current real instant (UTC) plus everything advanced so far."""
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Skip ``delta`` ahead of real time."""
        if delta < timedelta(0):
            raise ValueError("a clock cannot move backwards")
        self._offset += delta
        return self.now()


_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")
_UNITS = {
    "s": "seconds",
    "sec": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    "m": "minutes",
    "min": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}


def parse_duration(text: str) -> timedelta:
    """``"5 minutes"``, ``"1 hour 30 minutes"``, ``"90s"`` -> :class:`timedelta`."""
    total = timedelta(0)
    position = 0
    while position < len(text):
        match = _DURATION.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a duration: {text!r} (write e.g. '5 minutes')")
        unit = _UNITS.get(match.group(2).lower())
        if unit is None:
            raise ValueError(f"unknown time unit {match.group(2)!r} in {text!r}")
        total += timedelta(**{unit: float(match.group(1))})
        position = match.end()
    if not text.strip():
        raise ValueError("an empty duration")
    return total
