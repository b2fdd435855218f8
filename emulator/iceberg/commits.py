"""Single-snapshot commits on a PyIceberg table.

Every write of the store goes through :func:`commit_files`: one transaction, one snapshot
producer, one catalog commit. A failure before the catalog commit leaves the table
metadata unchanged (written Parquet files may stay behind as orphans, as Snowflake's
own failed DML can: https://docs.snowflake.com/en/user-guide/tables-iceberg-manage).

PyIceberg's ``Transaction.table_metadata`` deep-copies the whole table metadata on every
access, and a snapshot producer reads it a dozen times per commit, which makes commit
latency grow with the number of snapshots. :class:`CachedTransaction` computes it once
per staged change instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pyiceberg.manifest import DataFile
from pyiceberg.table import Table, Transaction
from pyiceberg.table.metadata import TableMetadata
from pyiceberg.table.snapshots import Operation, Summary
from pyiceberg.table.update.snapshot import _FastAppendFiles, _MergeAppendFiles, _OverwriteFiles

from emulator.iceberg.catalog import apply_updates


class CachedTransaction(Transaction):
    """A transaction whose metadata view is recomputed only when its staged updates change."""

    def __init__(self, table: Table) -> None:
        super().__init__(table, autocommit=False)
        self._view_key: tuple[Any, ...] | None = None
        self._view: TableMetadata | None = None

    @property
    def table_metadata(self) -> TableMetadata:
        if self._view is None or self._view_key is not self._updates:
            # Table metadata models are immutable, so the base can be shared unchanged.
            base = self._table.metadata
            self._view = apply_updates(base, self._updates) if self._updates else base
            self._view_key = self._updates
        return self._view


class _ReplaceFiles(_OverwriteFiles):
    """An overwrite that Iceberg readers see as a ``replace`` (compaction: same rows)."""

    def _summary(self, snapshot_properties: Mapping[str, str] = {}) -> Summary:
        summary = super()._summary(dict(snapshot_properties))
        return Summary(Operation.REPLACE, **summary.additional_properties)


def commit_files(
    table: Table,
    *,
    add: Iterable[DataFile] = (),
    remove: Iterable[DataFile] = (),
    summary: Mapping[str, str],
    operation: str | None = None,
) -> Table:
    """Commit one snapshot that removes ``remove`` and adds ``add``; return the new table.

    ``operation`` forces ``"replace"`` (compaction) or ``"delete"``; otherwise an append
    (nothing removed) or an overwrite is chosen.
    """
    removed = list(remove)
    txn = CachedTransaction(table)
    props = dict(summary)
    producer: _FastAppendFiles | _OverwriteFiles
    if operation == "replace":
        producer = _ReplaceFiles(Operation.OVERWRITE, txn, table.io, snapshot_properties=props)
    elif removed:
        op = Operation.DELETE if operation == "delete" else Operation.OVERWRITE
        producer = _OverwriteFiles(op, txn, table.io, snapshot_properties=props)
    else:
        # Merge-append honours commit.manifest-merge.enabled (see maintenance policy).
        producer = _MergeAppendFiles(Operation.APPEND, txn, table.io, snapshot_properties=props)
    for data_file in removed:
        producer.delete_data_file(data_file)
    for data_file in add:
        producer.append_data_file(data_file)
    producer.commit()
    return txn.commit_transaction()
