"""The clock-driven scheduler shared by tasks and dynamic tables.

Each :class:`~emulator.api.emulator.Emulator` owns one :class:`Scheduler` (``emu.scheduler``).
Features that do work on a schedule register a :class:`ScheduledSource`; the scheduler asks
each source for its next due instant and fires them in time order while it moves the
virtual clock forward (DESIGN principle 4: time is injected).

Ordering is deterministic: instants in ascending order; several sources due at the same
instant fire in registration order. A source fires every item due at one instant itself
(ordered by name, for example).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from emulator.core.clock import Clock
from icebridge.sql.identifiers import ObjectName


@dataclass(frozen=True)
class RunRecord:
    """One scheduled run (a task run or a dynamic-table refresh) that ``advance`` performed.

    ``kind`` is ``"TASK"`` or ``"DYNAMIC_TABLE"``; ``state`` uses the source's history
    vocabulary (``SUCCEEDED``, ``FAILED``, ``SKIPPED``, ``CANCELLED``,
    ``FAILED_AND_AUTO_SUSPENDED`` for tasks; refresh states for dynamic tables).
    """

    kind: str
    name: ObjectName
    scheduled_time: datetime
    state: str
    completed_time: datetime | None = None
    error_message: str | None = None
    query_id: str | None = None
    #: Source-specific extras (e.g. ``attempt_number``, ``scheduled_from``, ``return_value``).
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class ScheduledSource(Protocol):
    """Something that has work at instants decided by the clock."""

    def next_due(self, after: datetime) -> datetime | None:
        """The earliest instant strictly later than ``after`` at which work is due."""
        ...

    def fire(self, at: datetime) -> list[RunRecord]:
        """Run everything due at ``at`` (the clock already reads ``at``)."""
        ...


class Scheduler:
    """Fires registered sources in time order while moving the clock forward.

    The clock is moved to each due instant before the sources fire, so
    ``CURRENT_TIMESTAMP()`` inside a run reads the scheduled instant. With a real-time clock
    due instants may already lie in the past; the clock is then left alone.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sources: list[ScheduledSource] = []
        # The instant up to which everything due has fired. A real-time clock moves on its
        # own, so "now" cannot tell what has been processed.
        self._done = clock.now()

    def register(self, source: ScheduledSource) -> None:
        """Add a source; sources registered earlier fire first on ties."""
        if not any(s is source for s in self._sources):
            self._sources.append(source)

    def unregister(self, source: ScheduledSource) -> None:
        """Remove a source (no error if it is not registered)."""
        self._sources = [s for s in self._sources if s is not source]

    @property
    def sources(self) -> tuple[ScheduledSource, ...]:
        """The registered sources, in registration order."""
        return tuple(self._sources)

    def next_due(self, after: datetime) -> datetime | None:
        """The earliest instant strictly after ``after`` at which any source has work."""
        dues = [d for d in self._dues(after) if d is not None]
        return min(dues) if dues else None

    def advance_to(self, until: datetime) -> list[RunRecord]:
        """Fire everything due up to and including ``until``, moving the clock to each due
        instant first, then leave the clock at ``until``; the runs, in time order."""
        records: list[RunRecord] = []
        current = min(self._done, self._clock.now())
        while True:
            dues = self._dues(current)
            present = [d for d in dues if d is not None]
            if not present:
                break
            at = min(present)
            if at > until:
                break
            self._move_to(at)
            for source, due in zip(list(self._sources), dues, strict=True):
                if due == at:
                    records.extend(source.fire(at))
            current = at
            self._done = at
        self._move_to(until)
        self._done = max(self._done, until)
        return records

    def _dues(self, after: datetime) -> list[datetime | None]:
        dues: list[datetime | None] = []
        for source in self._sources:
            due = source.next_due(after)
            dues.append(due if due is not None and due > after else None)
        return dues

    def _move_to(self, instant: datetime) -> None:
        now = self._clock.now()
        if instant > now:
            self._clock.advance(instant - now)
