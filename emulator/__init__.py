"""The icebridge emulator: Snowflake SQL executed offline on DuckDB.

``Emulator`` is loaded lazily so that importing this package (or ``icebridge``) stays cheap;
DuckDB is imported only when an emulator is created. The package is layered (see
docs/architecture.md): ``api`` -> ``statements`` -> ``features`` -> ``core`` ->
``translate`` | ``iceberg`` -> ``errors``; imports point down only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.api.emulator import Emulator, QueryResult
    from emulator.core.clock import RealClock, VirtualClock

__all__ = ["Emulator", "QueryResult", "RealClock", "VirtualClock"]


def __getattr__(name: str) -> Any:
    if name in ("Emulator", "QueryResult"):
        from emulator.api import emulator

        return getattr(emulator, name)
    if name in ("VirtualClock", "RealClock"):
        from emulator.core import clock

        return getattr(clock, name)
    raise AttributeError(f"module 'emulator' has no attribute {name!r}")
