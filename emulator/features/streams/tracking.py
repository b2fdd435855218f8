"""ALTER TABLE … SET CHANGE_TRACKING seen from the streams on the table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.core.catalog import STREAM, VIEW, CatalogObject
from emulator.core.change_history import forget
from emulator.core.stream_objects import from_object, mark_stale
from emulator.features.streams.view_points import versions_at

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def tracking_toggled(emu: Engine, obj: CatalogObject) -> None:
    """ALTER TABLE … SET CHANGE_TRACKING switched tracking off or on for ``obj``.

    Turning it off drops the change data, and turning it back on may give rows new ids, so
    the log starts again at the new BASELINE (the since-marker is reset) and every stream on
    the table becomes stale: its offset predates the re-enable and cannot be read
    (https://docs.snowflake.com/en/user-guide/streams-intro#data-retention-period-and-staleness).
    """
    forget(emu, obj.id)
    for row in emu.catalog.objects(kind=STREAM):
        stream = from_object(row)
        if not stream.tracking_reset and _reads(emu, stream.base_id, stream.offset, obj.id):
            mark_stale(emu, stream)


def _reads(emu: Engine, base_id: int, offset: int, table_id: int) -> bool:
    """Whether a stream with this base and offset reads ``table_id``'s log (directly, or
    through a view over several tables, whose offset names one version per table)."""
    if base_id == table_id:
        return True
    base = emu.catalog.by_id(base_id)
    if base is None or base.kind != VIEW:
        return False
    return table_id in versions_at(emu, base_id, offset)
