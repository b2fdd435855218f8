"""Fixtures for task tests: an emulator with DB.PUBLIC current and a table T(X, NOTE)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        emulator.execute("CREATE DATABASE db; CREATE TABLE t (x INT, note VARCHAR)")
        yield emulator
