"""The shared scheduler: time order, ties by registration order, clock moved per instant."""

from __future__ import annotations

from datetime import datetime, timedelta

from emulator import Emulator
from emulator.core.clock import DEFAULT_START, VirtualClock
from emulator.core.scheduler import RunRecord, Scheduler
from icebridge.sql.identifiers import ObjectName


class Every:
    """A fake source due every ``seconds`` from the start; records the clock at each fire."""

    def __init__(self, name: str, seconds: int, clock: VirtualClock) -> None:
        self.name = ObjectName("D", "S", name)
        self.step = timedelta(seconds=seconds)
        self.clock = clock
        self.fired_at: list[datetime] = []

    def next_due(self, after: datetime) -> datetime | None:
        steps = (after - DEFAULT_START) // self.step + 1
        return DEFAULT_START + self.step * steps

    def fire(self, at: datetime) -> list[RunRecord]:
        self.fired_at.append(self.clock.now())
        return [RunRecord("TASK", self.name, at, "SUCCEEDED")]


def test_sources_fire_in_time_order_with_ties_by_registration() -> None:
    clock = VirtualClock()
    scheduler = Scheduler(clock)
    b = Every("B", 30, clock)
    a = Every("A", 20, clock)
    scheduler.register(b)
    scheduler.register(a)
    records = scheduler.advance_to(DEFAULT_START + timedelta(seconds=60))
    assert [(r.name.name, (r.scheduled_time - DEFAULT_START).seconds) for r in records] == [
        ("A", 20),
        ("B", 30),
        ("A", 40),
        ("B", 60),
        ("A", 60),
    ]
    # The clock reads each due instant while its source fires, then rests at `until`.
    assert a.fired_at == [DEFAULT_START + timedelta(seconds=s) for s in (20, 40, 60)]
    assert clock.now() == DEFAULT_START + timedelta(seconds=60)


def test_nothing_fires_before_it_is_due() -> None:
    clock = VirtualClock()
    scheduler = Scheduler(clock)
    source = Every("A", 60, clock)
    scheduler.register(source)
    assert scheduler.advance_to(DEFAULT_START + timedelta(seconds=59)) == []
    assert len(scheduler.advance_to(DEFAULT_START + timedelta(seconds=60))) == 1
    scheduler.unregister(source)
    assert scheduler.advance_to(DEFAULT_START + timedelta(minutes=10)) == []


def test_emulator_advance_routes_through_the_scheduler() -> None:
    with Emulator() as emu:
        source = Every("X", 90, emu.engine.clock)  # type: ignore[arg-type]
        emu.engine.scheduler.register(source)
        records = emu.advance("3 minutes")
        assert [r.scheduled_time for r in records] == [
            DEFAULT_START + timedelta(seconds=90),
            DEFAULT_START + timedelta(seconds=180),
        ]
        assert emu.advance(seconds=30) == []
        assert emu.now == DEFAULT_START + timedelta(seconds=210)
