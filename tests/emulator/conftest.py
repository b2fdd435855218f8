"""Shared fixtures for the emulator session tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """An in-memory emulator with database DB (current, schema PUBLIC)."""
    with Emulator() as emulator:
        emulator.sql("CREATE DATABASE db")
        yield emulator
