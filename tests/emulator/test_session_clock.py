"""The virtual and real clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from emulator import Emulator, RealClock, VirtualClock
from emulator.core.clock import DEFAULT_START, parse_duration


def test_virtual_clock_moves_only_when_told() -> None:
    clock = VirtualClock()
    assert clock.now() == DEFAULT_START
    assert clock.advance(timedelta(seconds=90)) == DEFAULT_START + timedelta(seconds=90)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(DEFAULT_START)


def test_virtual_clock_start_is_normalised_to_utc() -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    assert VirtualClock(start).now() == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        VirtualClock(datetime(2026, 3, 1))


def test_real_clock_advance_adds_an_offset() -> None:
    clock = RealClock()
    before = datetime.now(UTC)
    assert clock.advance(timedelta(hours=1)) >= before + timedelta(hours=1)


def test_emulator_uses_given_clock() -> None:
    clock = VirtualClock(datetime(2030, 6, 1, tzinfo=UTC))
    with Emulator(clock=clock) as emu:
        assert emu.now == datetime(2030, 6, 1, tzinfo=UTC)
        emu.engine.clock.advance(timedelta(days=1))
        assert emu.now == datetime(2030, 6, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 minutes", timedelta(minutes=5)),
        ("1 hour 30 minutes", timedelta(hours=1, minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("2 days", timedelta(days=2)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "five minutes", "5 fortnights"])
def test_parse_duration_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|unit"):
        parse_duration(text)


def test_emulator_advance_accepts_text() -> None:
    with Emulator() as emu:
        start = emu.now
        emu.advance("1 hour")
        assert emu.now - start == timedelta(hours=1)
