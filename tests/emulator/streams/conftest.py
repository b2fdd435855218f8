"""Fixtures for stream tests."""

from __future__ import annotations

import pytest

from emulator import Emulator


@pytest.fixture
def t(emu: Emulator) -> Emulator:
    """The shared emulator with ``T(ID INT, V VARCHAR)`` and a standard stream ``S`` on it."""
    emu.execute("CREATE TABLE t (id INT, v VARCHAR); CREATE STREAM s ON TABLE t")
    return emu
