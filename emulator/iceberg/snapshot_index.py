"""Snapshot lookups by id in constant time.

PyIceberg's ``TableMetadata.snapshot_by_id`` scans the snapshot list, and a commit calls
it about ten times (current snapshot, parent, a fresh id that must not exist yet, ref
updates), so with a day of one-minute snapshots retained for time travel it becomes a
visible part of every commit. :class:`IndexedTableMetadataV2` is the v2 metadata model
with an index per snapshot list; PyIceberg's ``model_copy`` keeps the class, so every
metadata version derived from an indexed one is indexed too.
"""

from __future__ import annotations

import operator
from collections import OrderedDict

from pyiceberg.table.metadata import TableMetadata, TableMetadataV2
from pyiceberg.table.snapshots import Snapshot

# id(snapshot list) -> (that list, snapshot id -> snapshot). The entry holds the list, so
# the id cannot be reused while the entry exists; recent lists only.
_INDEXES: OrderedDict[int, tuple[list[Snapshot], dict[int, Snapshot]]] = OrderedDict()
_MAX_INDEXES = 32


def _index(snapshots: list[Snapshot]) -> dict[int, Snapshot]:
    entry = _INDEXES.get(id(snapshots))
    if entry is not None and entry[0] is snapshots:
        _INDEXES.move_to_end(id(snapshots))
        return entry[1]
    index = _extended(snapshots)
    if index is None:
        index = {snap.snapshot_id: snap for snap in snapshots}
    _INDEXES[id(snapshots)] = (snapshots, index)
    if len(_INDEXES) > _MAX_INDEXES:
        _INDEXES.popitem(last=False)
    return index


def _extended(snapshots: list[Snapshot]) -> dict[int, Snapshot] | None:
    """The index of the latest indexed list extended, when ``snapshots`` begins with it
    (a commit appends one snapshot to its base's list); None otherwise."""
    if not _INDEXES:
        return None
    base, index = _INDEXES[next(reversed(_INDEXES))]
    if len(base) > len(snapshots) or not all(map(operator.is_, base, snapshots)):
        return None
    extended = index.copy()
    extended.update((snap.snapshot_id, snap) for snap in snapshots[len(base) :])
    return extended


class IndexedTableMetadataV2(TableMetadataV2):
    """Iceberg v2 table metadata whose ``snapshot_by_id`` is a dictionary lookup."""

    def snapshot_by_id(self, snapshot_id: int) -> Snapshot | None:
        """Get the snapshot by snapshot_id."""
        snapshots = self.snapshots
        if len(snapshots) < 16:  # a scan is as fast as the index here
            return super().snapshot_by_id(snapshot_id)
        return _index(snapshots).get(snapshot_id)


def indexed(metadata: TableMetadata) -> TableMetadata:
    """``metadata`` as :class:`IndexedTableMetadataV2` (other format versions unchanged)."""
    if type(metadata) is not TableMetadataV2:
        return metadata
    fields = {name: getattr(metadata, name) for name in type(metadata).model_fields}
    return IndexedTableMetadataV2.model_construct(metadata.model_fields_set, **fields)
