"""The write unit: ``with store.write(name) as w:`` commits ONE snapshot on a clean exit and
nothing when the block raises (the model is PyIceberg's ``Transaction``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from iceberg_helpers import order_rows, read_iceberg_scan, read_relation

from emulator.iceberg import IcebergStore
from icebridge.errors import DataError
from icebridge.sql.identifiers import ObjectName


def _data_files(store: IcebergStore) -> set[Path]:
    return set(store.root.rglob("*.parquet"))


def _ids(duck: duckdb.DuckDBPyConnection, store: IcebergStore, name: ObjectName) -> list[int]:
    return [int(v) for v in read_relation(duck, store, name).column("ORDER_ID").to_pylist()]


def test_every_change_of_a_unit_is_one_snapshot(
    store: IcebergStore, orders: ObjectName, duck: duckdb.DuckDBPyConnection
) -> None:
    store.append(orders, order_rows(range(3)))
    store.append(orders, order_rows(range(3, 6)))
    first = next(f for f in store.scan_files(orders) if f.lower["ORDER_ID"] == 0)
    before = len(store.snapshots(orders))
    with store.write(orders, summary={"why": "copy-on-write"}) as w:
        w.remove([first.path])
        w.append(order_rows([0, 2], customer="kept"))
        w.append(order_rows([10]))
        assert w.snapshot_id is None  # nothing is committed inside the block
        assert len(store.snapshots(orders)) == before
    assert len(store.snapshots(orders)) == before + 1
    assert w.snapshot_id == store.snapshots(orders)[-1][0]
    summary = store.current_summary(orders)
    assert (summary["operation"], summary["why"]) == ("overwrite", "copy-on-write")
    assert (summary["deleted-records"], summary["added-records"]) == ("3", "3")
    assert _ids(duck, store, orders) == [0, 2, 3, 4, 5, 10]
    # Untouched files stay; DuckDB's own Iceberg reader sees the same rows.
    assert any(f.lower["ORDER_ID"] == 3 for f in store.scan_files(orders))
    theirs = read_iceberg_scan(duck, store, orders).column("ORDER_ID").to_pylist()
    assert sorted(int(v) for v in theirs) == [0, 2, 3, 4, 5, 10]


def test_a_raising_block_commits_nothing_and_writes_no_file(
    store: IcebergStore, orders: ObjectName
) -> None:
    store.append(orders, order_rows(range(3)))
    before = (store.metadata_location(orders), store.snapshots(orders), _data_files(store))
    unit = store.write(orders)

    def failing() -> None:
        with unit as w:
            w.truncate()
            w.append(order_rows(range(100, 110)))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing()
    assert unit.snapshot_id is None
    assert (store.metadata_location(orders), store.snapshots(orders), _data_files(store)) == before


def test_bad_rows_fail_at_the_call_naming_the_column(
    store: IcebergStore, orders: ObjectName
) -> None:
    def bad() -> None:
        with store.write(orders) as w:
            w.append(order_rows([1]))
            w.append(pa.table({"ORDER_ID": pa.array([None], pa.int64())}))

    with pytest.raises(DataError, match="ORDER_ID"):
        bad()
    assert store.snapshots(orders) == []
    assert _data_files(store) == set()


def test_a_unit_without_changes_commits_nothing(store: IcebergStore, orders: ObjectName) -> None:
    with store.write(orders) as w:
        w.append(order_rows([]))
        w.truncate()  # an empty table has no file to remove
    assert w.snapshot_id is None
    assert store.snapshots(orders) == []
    assert store.append(orders, order_rows([])) is None


def test_replace_and_truncate(
    store: IcebergStore, orders: ObjectName, duck: duckdb.DuckDBPyConnection
) -> None:
    store.append(orders, order_rows(range(3)))
    store.append(orders, order_rows(range(3, 6)))
    with store.write(orders) as w:
        w.append(order_rows([99]))  # dropped by the replace that follows
        w.replace(order_rows([7, 8]))
    assert store.current_summary(orders)["operation"] == "overwrite"
    assert _ids(duck, store, orders) == [7, 8]
    with store.write(orders, summary={"k": "v"}) as w:
        w.truncate()
    summary = store.current_summary(orders)
    assert (summary["operation"], summary["total-records"], summary["k"]) == ("delete", "0", "v")


def test_a_finished_unit_refuses_more_changes(store: IcebergStore, orders: ObjectName) -> None:
    with store.write(orders) as w:
        w.append(order_rows([1]))
    with pytest.raises(RuntimeError, match="already finished"):
        w.append(order_rows([2]))
    assert store.current_summary(orders)["total-records"] == "1"


class _Recorder:
    def __init__(self, fail_before: bool = False) -> None:
        self.seen: list[tuple[str, ObjectName]] = []
        self.fail_before = fail_before

    def before_commit(self, name: ObjectName) -> None:
        self.seen.append(("before", name))
        if self.fail_before:
            raise OSError("crash before the commit")

    def after_commit(self, name: ObjectName) -> None:
        self.seen.append(("after", name))


def test_the_listener_sees_each_commit_and_can_stop_it(tmp_path: Path) -> None:
    from iceberg_helpers import ORDER_COLUMNS, ORDERS

    recorder = _Recorder()
    store = IcebergStore(tmp_path / "lake", listener=recorder)
    store.create_table(ORDERS, ORDER_COLUMNS)
    store.append(ORDERS, order_rows([1]))
    with store.write(ORDERS):
        pass  # no change, no commit: the listener hears nothing
    assert recorder.seen == [("before", ORDERS), ("after", ORDERS)]
    recorder.fail_before = True
    with pytest.raises(OSError, match="crash before"):
        store.append(ORDERS, order_rows([2]))
    assert store.current_summary(ORDERS)["total-records"] == "1"
    assert len(list(store.root.rglob("*.parquet"))) == 1  # the aborted write left no file
    store.close()
