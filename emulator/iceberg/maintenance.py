"""Table maintenance: small-file compaction, snapshot expiry and file cleanup.

Policy (documented in docs/iceberg.md):

* every table is created with ``commit.manifest-merge.enabled`` so appends fold small
  manifests together once ``manifest_merge_count`` of them exist, and with
  ``write.metadata.delete-after-commit.enabled`` so only the last ``metadata_versions``
  metadata files stay on disk;
* after each write, when the table holds ``compact_files`` or more data files smaller
  than ``small_file_bytes``, they are rewritten into target-sized files in one
  ``replace`` snapshot (readers see no data change);
* snapshot expiry is explicit (the caller passes ``older_than`` from
  DATA_RETENTION_TIME_IN_DAYS: https://docs.snowflake.com/en/user-guide/tables-iceberg-metadata)
  and deletes the manifests, manifest lists and data files only expired snapshots used.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.manifest import DataFile
from pyiceberg.table import Table
from pyiceberg.table.snapshots import Snapshot
from pyiceberg.table.update.snapshot import ExpireSnapshots

from emulator.iceberg.commits import CachedTransaction
from emulator.iceberg.conform import conform
from emulator.iceberg.files import DataFileInfo, ManifestReader
from emulator.iceberg.locations import local_path

COMMIT_TIME = "icebridge.commit-time-ms"
MAINTENANCE = "icebridge.maintenance"
# Table property: commit time of the oldest snapshot left by the last expiry.
HISTORY_START = "icebridge.history-start-ms"
# Iceberg's own summary metrics; every other key is a caller property.
_METRIC = re.compile(r"(added|deleted|removed|changed|total)-|partitions\.|operation\Z")


def caller_properties(summary: Mapping[str, str]) -> dict[str, str]:
    """The caller-supplied keys of a snapshot summary (not Iceberg metrics, not ours)."""
    return {
        k: v
        for k, v in summary.items()
        if not _METRIC.match(k) and k not in (COMMIT_TIME, MAINTENANCE)
    }


@dataclass(frozen=True)
class MaintenancePolicy:
    """When the store maintains a table on its own (see the module docstring)."""

    compact_files: int = 16
    small_file_bytes: int = 16 * 1024 * 1024
    target_file_bytes: int = 128 * 1024 * 1024
    manifest_merge_count: int = 8
    metadata_versions: int = 8

    def table_properties(self) -> dict[str, str]:
        """Iceberg table properties that implement the policy's commit-time part."""
        return {
            "commit.manifest-merge.enabled": "true",
            "commit.manifest.min-count-to-merge": str(self.manifest_merge_count),
            "write.metadata.delete-after-commit.enabled": "true",
            "write.metadata.previous-versions-max": str(self.metadata_versions),
            "write.target-file-size-bytes": str(self.target_file_bytes),
        }


def snapshot_time_ms(snapshot: Snapshot) -> int:
    """The commit time of a snapshot on the store's clock (Iceberg's own time otherwise)."""
    summary = snapshot.summary
    if summary is not None and COMMIT_TIME in summary.additional_properties:
        return int(summary.additional_properties[COMMIT_TIME])
    return snapshot.timestamp_ms


@dataclass(frozen=True)
class Compaction:
    """What one compaction rewrites: the small files chosen and their rows, together."""

    files: list[DataFileInfo]
    rows: pa.Table
    #: Caller properties of the snapshot the compaction follows (e.g. consumed stream
    #: offsets): a compaction changes no rows, so current_summary() still reports them.
    carried: dict[str, str]


def plan_compaction(
    table: Table, files: Iterable[DataFileInfo], *, small_file_bytes: int, name: str
) -> Compaction | None:
    """The small files of each partition to rewrite into target-sized files, with their
    rows; None when no partition has two or more small files. The caller commits it as
    one ``replace`` write (:meth:`IcebergStore.compact`)."""
    groups: dict[tuple[int, tuple[object, ...]], list[DataFileInfo]] = defaultdict(list)
    for info in files:
        if info.size_bytes < small_file_bytes:
            key = (info.data_file.spec_id, tuple(info.partition.values()))
            groups[key].append(info)
    chosen = [info for group in groups.values() if len(group) > 1 for info in group]
    if not chosen:
        return None
    schema = table.schema()
    # Files written before ADD COLUMN lack the new columns; conform() fills them with NULL.
    parts = [conform(pq.read_table(i.path), schema, name) for i in chosen]
    current = table.current_snapshot()
    carried = (
        caller_properties(current.summary.additional_properties)
        if current and current.summary
        else {}
    )
    return Compaction(chosen, pa.concat_tables(parts), {**carried, MAINTENANCE: "compaction"})


def _referenced(
    table: Table, snapshot: Snapshot, reader: ManifestReader
) -> tuple[set[str], set[str]]:
    """(manifest list + manifest paths, live data file paths) of one snapshot."""
    meta = {snapshot.manifest_list}
    data: set[str] = set()
    for manifest in snapshot.manifests(table.io):
        meta.add(manifest.manifest_path)
        data.update(f.file_path for f in reader.manifest_files(manifest, table.io))
    return meta, data


def expire(
    table: Table, older_than_ms: int, retain_last: int, reader: ManifestReader
) -> tuple[Table, int]:
    """Expire snapshots older than ``older_than_ms`` and delete files only they used.

    Kept: the newest ``retain_last`` snapshots, every snapshot at or after the cutoff,
    and the snapshot that was current at the cutoff (so time travel to any instant of
    the retention period still works). Returns the table and the number expired.
    """
    history = sorted(table.metadata.snapshots, key=snapshot_time_ms)
    # Keep the snapshot current at the cutoff (the last one at or before it), so time
    # travel to any instant of the retention period still works, and the last ones.
    keep_from = 0
    for pos, snap in enumerate(history):
        if snapshot_time_ms(snap) <= older_than_ms:
            keep_from = pos
    keep_from = max(0, min(keep_from, len(history) - max(retain_last, 1)))
    expired, kept = history[:keep_from], history[keep_from:]
    if not expired:
        return table, 0
    # History is linear and a file is live over a contiguous run of snapshots, so a file
    # of an expired snapshot is still needed only if the oldest kept snapshot uses it.
    keep_meta, keep_data = _referenced(table, kept[0], reader)
    drop_meta: set[str] = set()
    drop_data: set[str] = set()
    for snap in expired:
        meta, data = _referenced(table, snap, reader)
        drop_meta |= meta - keep_meta
        drop_data |= data - keep_data
    txn = CachedTransaction(table)
    ExpireSnapshots(txn).by_ids([s.snapshot_id for s in expired]).commit()
    txn.set_properties({HISTORY_START: str(snapshot_time_ms(kept[0]))})
    table = txn.commit_transaction()
    for location in drop_meta | drop_data:
        with contextlib.suppress(FileNotFoundError):
            os.remove(local_path(location))
    reader.forget(drop_meta)
    return table, len(expired)


def data_files_by_path(files: Iterable[DataFileInfo]) -> dict[str, DataFile]:
    """Map both the Iceberg location and the local path of each file to its DataFile."""
    out: dict[str, DataFile] = {}
    for info in files:
        out[info.path] = info.data_file
        out[info.location] = info.data_file
    return out
