"""Writes: one commit per call, caller summaries, validation, atomicity."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from iceberg_helpers import ORDER_COLUMNS, ORDERS, Clock, order_rows

from emulator.iceberg import IcebergColumn, IcebergStore
from icebridge.errors import DataError, ProgrammingError
from icebridge.sql.identifiers import ObjectName


def test_append_is_one_snapshot_with_caller_summary(
    store: IcebergStore, orders: ObjectName, clock: Clock
) -> None:
    sid = store.append(
        orders, order_rows(range(4)), summary={"icebridge.stream-offsets": '{"S": 1}'}
    )
    summary = store.current_summary(orders)
    assert summary["operation"] == "append"
    assert summary["added-records"] == "4"
    assert summary["icebridge.stream-offsets"] == '{"S": 1}'
    assert store.snapshots(orders) == [(sid, clock.now)]


def test_rows_are_matched_by_name_and_cast(store: IcebergStore, orders: ObjectName) -> None:
    rows = pa.table({"AMOUNT": pa.array([1.25, 2.5]), "ORDER_ID": pa.array([2, 1], pa.int32())})
    store.append(orders, rows)
    read = store.scan_files(orders)[0]
    assert read.lower["ORDER_ID"] == 1
    assert read.upper["ORDER_ID"] == 2
    assert read.lower["AMOUNT"] == Decimal("1.25")
    assert read.null_counts["CUSTOMER"] == 2  # missing nullable column written as NULL


def test_null_in_required_column_is_rejected_and_nothing_written(
    store: IcebergStore, orders: ObjectName
) -> None:
    store.append(orders, order_rows(range(2)))
    before = store.metadata_location(orders)
    rows = pa.table({"ORDER_ID": pa.array([1, None], pa.int64())})
    with pytest.raises(DataError, match="non-nullable column 'ORDER_ID'") as err:
        store.append(orders, rows)
    assert err.value.errno == 100072
    assert store.metadata_location(orders) == before


def test_unknown_column_and_bad_values(store: IcebergStore, orders: ObjectName) -> None:
    with pytest.raises(ProgrammingError, match="invalid identifier 'NOPE'"):
        store.append(orders, pa.table({"ORDER_ID": [1], "NOPE": [1]}))
    with pytest.raises(DataError, match="'ORDER_ID'"):
        store.append(orders, pa.table({"ORDER_ID": ["x"]}))
    with pytest.raises(DataError, match="'AMOUNT'"):
        store.append(orders, pa.table({"ORDER_ID": [1], "AMOUNT": [1e12]}))
    assert store.snapshots(orders) == []


def test_timestamps_are_cut_to_microseconds_and_uuids_accepted(store: IcebergStore) -> None:
    name = ObjectName("DB", "S", "EVENTS")
    store.create_table(name, [IcebergColumn("TS", "timestamp"), IcebergColumn("U", "uuid")])
    u = uuid.uuid4()
    ns = pa.array([1_700_000_000_123_456_789], pa.timestamp("ns"))
    store.append(name, pa.table({"TS": ns, "U": [str(u)]}))
    info = store.scan_files(name)[0]
    assert info.lower["TS"] == datetime(2023, 11, 14, 22, 13, 20, 123456)
    assert info.lower["U"] == u
    with pytest.raises(DataError, match="not a valid UUID for column 'U'"):
        store.append(name, pa.table({"U": ["nope"]}))


def test_rewrite_is_one_atomic_commit(store: IcebergStore, orders: ObjectName) -> None:
    store.append(orders, order_rows(range(5)))
    store.append(orders, order_rows(range(5, 10)))
    files = store.scan_files(orders)
    target = next(f for f in files if f.lower["ORDER_ID"] == 5)
    before = len(store.snapshots(orders))
    store.rewrite(
        orders,
        remove=[target.path],
        add=order_rows([5, 6], customer="updated"),
        append=order_rows([100]),
        summary={"k": "v"},
    )
    assert len(store.snapshots(orders)) == before + 1
    summary = store.current_summary(orders)
    assert summary["operation"] == "overwrite"
    assert summary["deleted-records"] == "5"
    assert summary["added-records"] == "3"
    assert summary["total-records"] == "8"
    assert summary["k"] == "v"


def test_failed_rewrite_changes_nothing(store: IcebergStore, orders: ObjectName) -> None:
    store.append(orders, order_rows(range(3)))
    path = store.scan_files(orders)[0].path
    before = store.metadata_location(orders)
    with pytest.raises(ProgrammingError, match="is not part of"):
        store.rewrite(orders, remove=["file:///nowhere.parquet"], add=order_rows([1]))
    with pytest.raises(DataError, match="ORDER_ID"):
        store.rewrite(
            orders, remove=[path], add=pa.table({"ORDER_ID": pa.array([None], pa.int64())})
        )
    assert store.metadata_location(orders) == before
    assert [f.path for f in store.scan_files(orders)] == [path]


def test_delete_only_rewrite_and_truncate(store: IcebergStore, orders: ObjectName) -> None:
    store.append(orders, order_rows(range(3)))
    store.append(orders, order_rows(range(3, 6)))
    first = store.scan_files(orders)[0]
    store.rewrite(orders, remove=[first.path], add=None)
    assert store.current_summary(orders)["operation"] == "delete"
    assert store.current_summary(orders)["total-records"] == "3"
    sid = store.truncate(orders, summary={"why": "truncate"})
    summary = store.current_summary(orders)
    assert (summary["operation"], summary["total-records"], summary["why"]) == (
        "delete",
        "0",
        "truncate",
    )
    assert store.scan_files(orders) == []
    assert store.scan_files(orders, snapshot_id=sid) == []


def test_timestamptz_values_keep_their_instant(store: IcebergStore) -> None:
    name = ObjectName("DB", "S", "TZ")
    store.create_table(name, [IcebergColumn("T", "timestamptz")])
    when = datetime(2026, 1, 1, 8, 30, tzinfo=UTC)
    store.append(name, pa.table({"T": pa.array([when], pa.timestamp("us", tz="America/New_York"))}))
    assert store.scan_files(name)[0].lower["T"] == when


def test_commit_on_a_stale_table_is_retried_not_lost(tmp_path: Path) -> None:
    first = IcebergStore(tmp_path / "lake")
    first.create_table(ORDERS, ORDER_COLUMNS)
    second = IcebergStore(tmp_path / "lake")
    assert second.scan_files(ORDERS) == []  # caches the table before the next commit
    first.append(ORDERS, order_rows([1]))
    second.append(ORDERS, order_rows([2]))  # its base is stale: the catalog refuses it
    third = IcebergStore(tmp_path / "lake")
    assert third.current_summary(ORDERS)["total-records"] == "2"
    for store in (first, second, third):
        store.close()
