"""The icebridge emulator: Snowflake SQL executed offline on DuckDB.

``Emulator`` is loaded lazily so that importing this package (or ``icebridge``) stays cheap;
DuckDB is imported only when an emulator is created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.clock import RealClock, VirtualClock
    from emulator.session import Emulator, QueryResult

__all__ = ["Emulator", "QueryResult", "RealClock", "VirtualClock"]


def __getattr__(name: str) -> Any:
    if name in ("Emulator", "QueryResult"):
        from emulator import session

        return getattr(session, name)
    if name in ("VirtualClock", "RealClock"):
        from emulator import clock

        return getattr(clock, name)
    raise AttributeError(f"module 'emulator' has no attribute {name!r}")
