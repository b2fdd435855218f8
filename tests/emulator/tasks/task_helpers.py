"""Helpers shared by the task tests."""

from __future__ import annotations

from emulator import Emulator


def values(emu: Emulator, sql: str = "SELECT x FROM t ORDER BY x") -> list[object]:
    """The first column of a query, as Python values."""
    return [next(iter(row.values())) for row in emu.sql(sql).to_pylist()]
