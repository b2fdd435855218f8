"""Compaction, snapshot expiry, file cleanup and time travel."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from iceberg_helpers import ORDER_COLUMNS, ORDERS, Clock, assert_interop, order_rows

from emulator.iceberg import IcebergStore, MaintenancePolicy
from emulator.iceberg.maintenance import caller_properties
from icebridge.errors import ProgrammingError
from icebridge.sql.identifiers import ObjectName


def _files_on_disk(store: IcebergStore) -> set[Path]:
    return {p for p in (store.root / "warehouse").rglob("*") if p.is_file()}


def _store(tmp_path: Path, clock: Clock, **policy: int) -> IcebergStore:
    store = IcebergStore(tmp_path / "lake", clock=clock, maintenance=MaintenancePolicy(**policy))
    store.create_table(ORDERS, ORDER_COLUMNS, identifier_fields=["ORDER_ID"])
    return store


def test_auto_compaction_keeps_rows_and_caller_summary(
    tmp_path: Path, clock: Clock, duck: duckdb.DuckDBPyConnection
) -> None:
    store = _store(tmp_path, clock, compact_files=5)
    ids = []
    for i in range(4):
        ids.append(store.append(ORDERS, order_rows([i])))
    assert len(store.scan_files(ORDERS)) == 4
    last = store.append(ORDERS, order_rows([4]), summary={"icebridge.stream-offsets": '{"S": 5}'})
    summary = store.current_summary(ORDERS)
    assert summary["operation"] == "replace"
    assert summary["icebridge.stream-offsets"] == '{"S": 5}'
    assert summary["total-records"] == "5"
    assert len(store.scan_files(ORDERS)) == 1
    # the append's own snapshot is what append() returned, and it precedes the compaction
    assert [s for s, _ in store.snapshots(ORDERS)][-2] == last
    assert assert_interop(duck, store, ORDERS).column("ORDER_ID").to_pylist() == list(range(5))
    store.close()


def test_no_compaction_without_policy_and_explicit_compact(tmp_path: Path, clock: Clock) -> None:
    store = IcebergStore(tmp_path / "lake", clock=clock, maintenance=None)
    store.create_table(ORDERS, ORDER_COLUMNS)
    for i in range(20):
        store.append(ORDERS, order_rows([i]))
    assert len(store.scan_files(ORDERS)) == 20
    assert store.compact(ORDERS) is not None
    assert len(store.scan_files(ORDERS)) == 1
    assert store.compact(ORDERS) is None  # one file: nothing to do
    store.close()


def test_caller_properties_exclude_iceberg_metrics() -> None:
    summary = {
        "added-records": "1",
        "total-records": "3",
        "partitions.x": "1",
        "operation": "append",
        "icebridge.commit-time-ms": "1",
        "mine": "x",
    }
    assert caller_properties(summary) == {"mine": "x"}


def test_expiry_drops_old_snapshots_and_unused_files(
    tmp_path: Path, clock: Clock, duck: duckdb.DuckDBPyConnection
) -> None:
    store = _store(tmp_path, clock, compact_files=4)
    for i in range(12):  # compactions after the 4th, 7th and 10th appends
        clock.tick()
        store.append(ORDERS, order_rows([i]))
    history = store.snapshots(ORDERS)
    on_disk = _files_on_disk(store)
    cutoff = clock.now - timedelta(minutes=3)
    expired = store.expire_snapshots(ORDERS, older_than=cutoff)
    kept = store.snapshots(ORDERS)
    assert expired == len(history) - len(kept) > 0
    assert kept == history[-len(kept) :]
    assert kept[0][1] <= cutoff < kept[1][1]  # the snapshot current at the cutoff stays
    remaining = _files_on_disk(store)
    deleted = on_disk - remaining
    assert {p.suffix for p in deleted} >= {".parquet", ".avro"}  # data, manifests, lists
    live = {Path(f.path) for f in store.scan_files(ORDERS)}
    assert live <= remaining
    assert assert_interop(duck, store, ORDERS).num_rows == 12
    # every retained snapshot is still fully readable
    for sid, _ in kept:
        assert all(Path(f.path).exists() for f in store.scan_files(ORDERS, snapshot_id=sid))
    store.close()


def test_retain_last_keeps_recent_snapshots(tmp_path: Path, clock: Clock) -> None:
    store = _store(tmp_path, clock)
    for i in range(5):
        clock.tick()
        store.append(ORDERS, order_rows([i]))
    store.expire_snapshots(ORDERS, older_than=clock.now + timedelta(days=1), retain_last=2)
    assert len(store.snapshots(ORDERS)) == 2
    assert store.current_summary(ORDERS)["total-records"] == "5"
    store.close()


def test_time_travel(store: IcebergStore, clock: Clock, duck: duckdb.DuckDBPyConnection) -> None:
    created = clock.now
    store.create_table(ORDERS, ORDER_COLUMNS)
    clock.tick(10)
    first = store.append(ORDERS, order_rows(range(3)))
    clock.tick(10)
    second = store.append(ORDERS, order_rows(range(3, 5)))
    with pytest.raises(ProgrammingError, match="Time travel data is not available") as err:
        store.snapshot_at(ORDERS, created - timedelta(seconds=1))
    assert err.value.errno == 707
    assert store.snapshot_at(ORDERS, created + timedelta(minutes=5)) is None
    assert store.snapshot_at(ORDERS, created + timedelta(minutes=15)) == first
    assert store.snapshot_at(ORDERS, clock.now) == second
    rel = store.relation(ORDERS, snapshot_id=first).sql("duckdb")
    assert duck.sql(f"SELECT count(*) FROM {rel}").fetchone() == (3,)
    store.expire_snapshots(ORDERS, older_than=clock.now)
    with pytest.raises(ProgrammingError, match="Time travel"):
        store.snapshot_at(ORDERS, created + timedelta(minutes=15))
    with pytest.raises(ProgrammingError, match="Snapshot 1 of"):
        store.relation(ORDERS, snapshot_id=1)


def test_unknown_table_errors(store: IcebergStore) -> None:
    missing = ObjectName("DB", "S", "MISSING")
    for call in (store.scan_files, store.current_summary, store.metadata_location, store.truncate):
        with pytest.raises(ProgrammingError, match=r"Table 'DB\.S\.MISSING' does not exist"):
            call(missing)


def test_failed_auto_compaction_does_not_fail_the_write(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(tmp_path, clock, compact_files=2)
    store.append(ORDERS, order_rows([1]))

    def broken(*_args: object, **_kw: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("emulator.iceberg.maintenance.plan_compaction", broken)
    sid = store.append(ORDERS, order_rows([2]), summary={"k": "v"})
    assert store.current_summary(ORDERS)["k"] == "v"
    assert [s for s, _ in store.snapshots(ORDERS)][-1] == sid
    assert "automatic compaction of DB.ANALYTICS_ICEBERG.ORDERS failed" in caplog.text
    store.close()
