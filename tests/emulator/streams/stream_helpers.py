"""Helpers shared by the stream tests."""

from __future__ import annotations

from emulator import Emulator


def rows(emu: Emulator, sql: str) -> list[tuple[object, ...]]:
    """Result rows as tuples (integers as int), in the order the statement returns them."""
    out = []
    for record in emu.sql(sql).to_pylist():
        out.append(tuple(_plain(v) for v in record.values()))
    return out


def _plain(value: object) -> object:
    from decimal import Decimal

    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def changes(emu: Emulator, source: str = "s") -> list[tuple[object, ...]]:
    """(ID, V, ACTION, ISUPDATE) of a stream or CHANGES read, sorted."""
    return sorted(
        rows(
            emu,
            f"SELECT id, v, METADATA$ACTION, METADATA$ISUPDATE FROM {source}",
        ),
        key=repr,
    )
