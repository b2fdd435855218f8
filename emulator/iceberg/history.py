"""Snapshot history on the store's clock: listing and time travel.

Snapshots carry their commit time on the emulator's (virtual) clock in the summary key
``icebridge.commit-time-ms``; ``AT(TIMESTAMP => ...)`` resolves against that time
(https://docs.snowflake.com/en/user-guide/data-time-travel).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pyiceberg.table import Table
from pyiceberg.utils.datetime import datetime_to_millis

from emulator import errors
from emulator.iceberg.maintenance import HISTORY_START, snapshot_time_ms

# Table property: creation time on the store's clock.
CREATED_AT = "icebridge.created-at-ms"


def snapshot_history(table: Table) -> list[tuple[int, datetime]]:
    """(snapshot id, commit time) of the retained snapshots, oldest first."""
    history = sorted(table.metadata.snapshots, key=snapshot_time_ms)
    return [
        (s.snapshot_id, datetime.fromtimestamp(snapshot_time_ms(s) / 1000, UTC)) for s in history
    ]


def snapshot_at(table: Table, ts: datetime, name: str) -> int | None:
    """The snapshot current at ``ts``; None when the table had no snapshot yet.

    Raises Snowflake's ``000707`` when ``ts`` is before the table's creation or before
    the history that expiry kept.
    """
    wanted = datetime_to_millis(ts)
    start = max(
        int(table.properties.get(CREATED_AT, "0")),
        int(table.properties.get(HISTORY_START, "0")),
    )
    if wanted < start:
        raise errors.time_travel_not_available(name)
    chosen = None
    for snap in sorted(table.metadata.snapshots, key=snapshot_time_ms):
        if snapshot_time_ms(snap) > wanted:
            break
        chosen = snap.snapshot_id
    return chosen
