"""The metadata JSON writer: same document as PyIceberg's, snapshots serialised once."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
from iceberg_helpers import ORDER_COLUMNS, ORDERS, Clock, order_rows
from pyiceberg.table.metadata import TableMetadataV2

from emulator.iceberg import IcebergStore, MaintenancePolicy
from emulator.iceberg.files import local_path
from emulator.iceberg.metadata_json import MetadataWriter, _Fragments
from emulator.iceberg.snapshot_index import IndexedTableMetadataV2


def _on_disk(store: IcebergStore) -> dict[str, Any]:
    path = local_path(store.metadata_location(ORDERS))
    loaded: dict[str, Any] = json.loads(Path(path).read_text())
    return loaded


def _pyiceberg_json(store: IcebergStore) -> dict[str, Any]:
    metadata = store._table(ORDERS).metadata
    loaded: dict[str, Any] = json.loads(metadata.model_dump_json())
    return loaded


def test_written_metadata_equals_pyiceberg_serialisation(tmp_path: Path, clock: Clock) -> None:
    store = IcebergStore(tmp_path, clock=clock, maintenance=MaintenancePolicy(compact_files=4))
    store.create_table(ORDERS, ORDER_COLUMNS, identifier_fields=["ORDER_ID"])
    assert _on_disk(store) == _pyiceberg_json(store)  # creation: no snapshots yet
    for i in range(9):  # appends, two automatic compactions
        clock.tick()
        store.append(ORDERS, order_rows([i]), summary={"offsets": f'{{"S": {i}}}'})
        assert _on_disk(store) == _pyiceberg_json(store)
    store.rewrite(ORDERS, remove=[store.scan_files(ORDERS)[0].path], add=None)
    assert _on_disk(store) == _pyiceberg_json(store)
    clock.tick()
    expired = store.expire_snapshots(ORDERS, older_than=clock.now - timedelta(minutes=3))
    assert expired > 0
    written = _on_disk(store)
    assert written == _pyiceberg_json(store)
    assert [s["snapshot-id"] for s in written["snapshots"]] == [
        sid for sid, _ in store.snapshots(ORDERS)
    ]
    store.close()


def test_history_survives_reopen_and_reads_in_duckdb(
    tmp_path: Path, clock: Clock, duck: duckdb.DuckDBPyConnection
) -> None:
    store = IcebergStore(tmp_path, clock=clock, maintenance=None)  # one snapshot per append
    store.create_table(ORDERS, ORDER_COLUMNS)
    ids = []
    for i in range(20):
        clock.tick()
        ids.append(store.append(ORDERS, order_rows([i]), summary={"n": str(i)}))
    summaries = store.snapshot_summaries(ORDERS)
    location = store.metadata_location(ORDERS)
    store.close()

    reopened = IcebergStore(tmp_path, clock=clock, maintenance=None)
    assert reopened.snapshot_summaries(ORDERS) == summaries
    assert [sid for sid, _ in reopened.snapshots(ORDERS)] == ids
    old = reopened.relation(ORDERS, snapshot_id=ids[4]).sql("duckdb")
    assert duck.sql(f"SELECT count(*) FROM {old}").fetchone() == (5,)
    # A commit after reopening serialises the loaded snapshots afresh and stays readable.
    clock.tick()
    reopened.append(ORDERS, order_rows([20]))
    assert _on_disk(reopened) == _pyiceberg_json(reopened)
    assert duck.sql(f"SELECT count(*) FROM iceberg_scan('{location}')").fetchone() == (20,)
    current = reopened.metadata_location(ORDERS)
    assert duck.sql(f"SELECT count(*) FROM iceberg_scan('{current}')").fetchone() == (21,)
    # DuckDB's own time travel through the written snapshot list
    old_scan = f"iceberg_scan('{current}', snapshot_from_id => {ids[4]})"
    assert duck.sql(f"SELECT count(*) FROM {old_scan}").fetchone() == (5,)
    reopened.close()


class _Item:
    def __init__(self, n: int) -> None:
        self.n = n

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Item) and other.n == self.n

    __hash__ = None  # type: ignore[assignment]


def test_fragments_serialise_only_new_items() -> None:
    calls: list[int] = []

    def serialise(item: _Item) -> bytes:
        calls.append(item.n)
        return str(item.n).encode()

    fragments = _Fragments(serialise)
    items = [_Item(n) for n in range(5)]
    assert fragments.join(items) == b"0,1,2,3,4"
    assert calls == [0, 1, 2, 3, 4]
    calls.clear()
    grown = [*items, _Item(5)]  # a commit appends
    assert fragments.join(grown) == b"0,1,2,3,4,5"
    assert calls == [5]
    calls.clear()
    assert fragments.join(grown[2:]) == b"2,3,4,5"  # an expiry drops the head
    assert calls == []
    changed = [grown[2], _Item(30), grown[4]]  # no shared run: only the new item
    assert fragments.join(changed) == b"2,30,4"
    assert calls == [30]
    calls.clear()
    assert fragments.join([_Item(2)]) == b"2"  # equal but not the same object
    assert calls == [2]
    assert fragments.join([]) == b""


def test_snapshot_index_matches_scan_and_survives_commits(tmp_path: Path, clock: Clock) -> None:
    store = IcebergStore(tmp_path, clock=clock, maintenance=None)
    store.create_table(ORDERS, ORDER_COLUMNS)
    ids = []
    for i in range(20):  # past the size where the index replaces the scan
        clock.tick()
        ids.append(store.append(ORDERS, order_rows([i])))
    metadata = store._table(ORDERS).metadata
    assert isinstance(metadata, IndexedTableMetadataV2)
    for sid in ids:
        found = metadata.snapshot_by_id(sid)
        assert found is not None
        assert found is TableMetadataV2.snapshot_by_id(metadata, sid)  # the scan
    assert metadata.snapshot_by_id(12345) is None
    clock.tick()
    store.expire_snapshots(ORDERS, older_than=clock.now - timedelta(minutes=5))
    after = store._table(ORDERS).metadata
    assert isinstance(after, IndexedTableMetadataV2)
    assert after.snapshot_by_id(ids[0]) is None  # expired: the old index is not consulted
    assert after.snapshot_by_id(ids[-1]) is not None
    store.close()
    reopened = IcebergStore(tmp_path, clock=clock, maintenance=None)
    assert isinstance(reopened._table(ORDERS).metadata, IndexedTableMetadataV2)
    assert reopened.relation(ORDERS, snapshot_id=ids[-1]) is not None
    reopened.close()


def test_stale_commit_is_retried_on_fresh_metadata(tmp_path: Path, clock: Clock) -> None:
    first = IcebergStore(tmp_path, clock=clock, maintenance=None)
    first.create_table(ORDERS, ORDER_COLUMNS)
    for i in range(18):
        clock.tick()
        first.append(ORDERS, order_rows([i]))
    second = IcebergStore(tmp_path, clock=clock, maintenance=None)
    assert second.current_summary(ORDERS)["total-records"] == "18"  # caches the table
    clock.tick()
    first.append(ORDERS, order_rows([18]))
    clock.tick()
    second.append(ORDERS, order_rows([19]))  # stale base: refused, retried on fresh metadata
    written = _on_disk(second)
    assert written == _pyiceberg_json(second)
    assert len(written["snapshots"]) == len(written["snapshot-log"]) == 20
    third = IcebergStore(tmp_path, clock=clock, maintenance=None)
    assert third.current_summary(ORDERS)["total-records"] == "20"
    assert len(third.snapshots(ORDERS)) == 20
    for store in (first, second, third):
        store.close()


def test_gzip_metadata_path_is_compressed_whole(tmp_path: Path, clock: Clock) -> None:
    store = IcebergStore(tmp_path, clock=clock, maintenance=None)
    store.create_table(ORDERS, ORDER_COLUMNS)
    for i in range(3):
        clock.tick()
        store.append(ORDERS, order_rows([i]))
    table = store._table(ORDERS)
    writer = MetadataWriter()
    target = tmp_path / "00009-x.gz.metadata.json"  # PyIceberg reads such names gunzipped
    writer.write(table.metadata, table.io, target.as_uri())
    assert json.loads(gzip.decompress(target.read_bytes())) == _pyiceberg_json(store)
    plain = tmp_path / "00009-x.metadata.json"
    writer.write(table.metadata, table.io, plain.as_uri())
    assert plain.read_bytes() == writer.to_bytes(table.metadata)
    store.close()
