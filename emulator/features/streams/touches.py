"""The staleness "touch" of an empty SYSTEM$STREAM_HAS_DATA, as an interface.

Staleness checks read and restart a stream's staleness period through :class:`Touches`;
the cached probe (:mod:`emulator.features.streams.probe`) implements it and defers the
writes. The interface lives apart so that staleness does not depend on the probe.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from emulator.core.stream_objects import Stream

if TYPE_CHECKING:
    from emulator.core.engine import Engine


class Touches(Protocol):
    """Pending staleness touches of one emulator."""

    def stale_base(self, stream: Stream) -> datetime:
        """The start of the stream's staleness period, counting a touch not yet written."""
        ...

    def touch(self, stream: Stream, now: datetime) -> None:
        """Restart the staleness period (an empty SYSTEM$STREAM_HAS_DATA)."""
        ...


def touches_of(emu: Engine) -> Touches:
    """The touches installed in ``emu`` (:mod:`emulator.features.streams.feature`)."""
    found = emu.registry.service(Touches)  # type: ignore[type-abstract]
    assert found is not None, "the streams feature is not installed"
    return found
