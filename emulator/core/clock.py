"""Emulator clocks: virtual (deterministic, the default) and real time.

``CURRENT_TIMESTAMP()`` and column DEFAULTs read the session's clock, so tests control
time completely with :class:`VirtualClock`. No clock ever moves backwards: a move to the
past raises :class:`~icebridge.errors.ClockError`. A persistent lake records its clock
(:mod:`emulator.core.clock_store`) and :func:`resume` continues from it on reopen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from icebridge.errors import ClockError

#: Where a virtual clock starts unless told otherwise (a fixed instant keeps runs repeatable).
DEFAULT_START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)

#: Told the new instant each time a watched clock moves (a lake persists it).
ClockWatcher = Callable[[datetime], None]


class Clock(Protocol):
    """What the emulator needs from a clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta``; returns the new instant."""
        ...


def _as_utc(instant: datetime) -> datetime:
    if not isinstance(instant, datetime) or instant.tzinfo is None:
        raise ClockError(f"clock instants must be timezone-aware datetimes, not {instant!r}")
    return instant.astimezone(UTC)


def _backwards(target: object, now: datetime) -> ClockError:
    return ClockError(
        f"a clock cannot move backwards: {target} is before the current time {now.isoformat()}"
    )


class WatchedClock:
    """A clock that tells its watchers every instant it moves to (before returning)."""

    def __init__(self) -> None:
        self._watchers: list[ClockWatcher] = []

    def watch(self, watcher: ClockWatcher) -> None:
        """Call ``watcher(instant)`` after every move."""
        self._watchers.append(watcher)

    def unwatch(self, watcher: ClockWatcher) -> None:
        """Stop calling ``watcher`` (no error if it is not watching)."""
        self._watchers = [w for w in self._watchers if w != watcher]  # bound methods: ==

    def _moved(self, instant: datetime) -> datetime:
        for watcher in list(self._watchers):
            watcher(instant)
        return instant


class VirtualClock(WatchedClock):
    """A clock that moves only when :meth:`advance` or :meth:`set` is called."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__()
        self._now = _as_utc(start) if start is not None else DEFAULT_START

    def now(self) -> datetime:
        """The current virtual instant (UTC)."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (never backwards: a negative delta is a ClockError)."""
        step = _checked_step(delta)
        self._now = shifted(self._now, step)
        return self._moved(self._now)

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant``, which must not be earlier than now."""
        target = _as_utc(instant)
        if target < self._now:
            raise _backwards(target.isoformat(), self._now)
        self._now = target
        return self._moved(self._now)


class RealClock(WatchedClock):
    """Wall-clock time plus an offset that :meth:`advance` grows (for demos and notebooks).

    On a reopened lake it catches up (:meth:`catch_up`) when the lake's recorded time is
    ahead of the wall clock (after ``advance`` skipped ahead), so it never reads earlier
    than the lake.
    """

    def __init__(self) -> None:
        super().__init__()
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """The current real instant (UTC) plus everything advanced so far."""
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Skip ``delta`` ahead of real time."""
        self._offset += _checked_step(delta)
        return self._moved(self.now())

    def catch_up(self, instant: datetime) -> datetime:
        """Skip ahead so that :meth:`now` is not earlier than ``instant``; the new now."""
        lead = _as_utc(instant) - self.now()
        if lead > timedelta(0):
            self._offset += lead
        return self._moved(self.now())


def _checked_step(delta: timedelta) -> timedelta:
    if not isinstance(delta, timedelta):
        raise ClockError(f"a clock moves by a timedelta, not {delta!r}")
    if delta < timedelta(0):
        raise ClockError(f"a clock cannot move backwards (by {delta})")
    return delta


def shifted(instant: datetime, step: timedelta) -> datetime:
    """``instant + step``; ClockError past the last representable instant."""
    try:
        return instant + step
    except OverflowError:
        raise ClockError(f"{instant.isoformat()} + {step} is past the last instant") from None


def resume(clock: Clock | None, recorded: datetime | None, where: str) -> Clock:
    """The clock of a lake opened at ``where`` whose recorded time is ``recorded``.

    No clock given: a :class:`VirtualClock` at the recorded instant (or the default start
    for a new lake). A :class:`RealClock` catches up to the recorded instant. Any other clock
    must not read earlier than it: a lake's time never moves backwards (ClockError).
    """
    if recorded is None:
        return clock if clock is not None else VirtualClock()
    recorded = _as_utc(recorded)
    if clock is None:
        return VirtualClock(recorded)
    if isinstance(clock, RealClock):
        clock.catch_up(recorded)
        return clock
    now = _as_utc(clock.now())
    if now < recorded:
        raise ClockError(
            f"the lake at {where} was last at {recorded.isoformat()}, and the clock given "
            f"reads {now.isoformat()}: a lake's time never moves backwards. Omit clock= to "
            "resume where the lake stopped, or pass a clock at or after that instant."
        )
    return clock


def step_of(delta: timedelta | str | None, units: dict[str, float]) -> timedelta:
    """The step of ``advance(delta)`` / ``advance(**units)``: ``"5 minutes"``, a timedelta or
    keywords (``minutes=5``), never negative; ClockError otherwise."""
    if delta is not None and units:
        raise ClockError("give advance() a duration or keyword units, not both")
    if isinstance(delta, str):
        return parse_duration(delta)
    if delta is not None:
        return _checked_step(delta)
    if any(not isinstance(v, int | float) or not math.isfinite(v) for v in units.values()):
        raise ClockError(f"not a duration: {units!r}")
    try:
        step = timedelta(**units)
    except TypeError:
        raise ClockError(
            f"unknown time units {sorted(units)!r} (use weeks, days, hours, minutes, "
            "seconds, milliseconds or microseconds)"
        ) from None
    except OverflowError:
        raise ClockError(f"duration too large: {units!r}") from None
    return _checked_step(step)


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
    """``"5 minutes"``, ``"1 hour 30 minutes"``, ``"90s"`` -> :class:`timedelta`
    (ClockError, also a ValueError, for anything else)."""
    if not isinstance(text, str):
        raise ClockError(f"not a duration: {text!r} (write e.g. '5 minutes')")
    if not text.strip():
        raise ClockError("an empty duration")
    total = timedelta(0)
    position = 0
    while position < len(text):
        match = _DURATION.match(text, position)
        if match is None or match.end() == position:
            raise ClockError(f"not a duration: {text!r} (write e.g. '5 minutes')")
        unit = _UNITS.get(match.group(2).lower())
        if unit is None:
            raise ClockError(f"unknown time unit {match.group(2)!r} in {text!r}")
        try:
            total += timedelta(**{unit: float(match.group(1))})
        except OverflowError:
            raise ClockError(f"duration too large: {text!r}") from None
        position = match.end()
    return total
