"""Row-level changes rewrite only the data files that hold affected rows."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from iceberg_helpers import order_rows

from emulator.iceberg import IcebergStore, prune_files
from icebridge.sql.identifiers import ObjectName


def test_prune_files_uses_manifest_bounds(store: IcebergStore, orders: ObjectName) -> None:
    for start in (0, 100, 200):
        store.append(orders, order_rows(range(start, start + 50)))
    files = store.scan_files(orders)
    assert [(f.lower["ORDER_ID"], f.upper["ORDER_ID"]) for f in files] == sorted(
        [(0, 49), (100, 149), (200, 249)],
        key=lambda b: [f.lower["ORDER_ID"] for f in files].index(b[0]),
    )
    hit = prune_files(files, "ORDER_ID", [120, 75, None])
    assert [f.lower["ORDER_ID"] for f in hit] == [100]
    assert prune_files(files, "ORDER_ID", [60, 99, 300]) == []
    assert len(prune_files(files, "NOT_A_COLUMN", [1])) == 3  # no bounds: keep


def test_update_rewrites_one_file_and_leaves_others_untouched(
    store: IcebergStore, orders: ObjectName
) -> None:
    for start in (0, 100, 200):
        store.append(orders, order_rows(range(start, start + 50)))
    before = {f.path: f for f in store.scan_files(orders)}

    # UPDATE ORDERS SET CUSTOMER = 'vip' WHERE ORDER_ID IN (110, 120)
    keys = [110, 120]
    candidates = prune_files(before.values(), "ORDER_ID", keys)
    con = duckdb.connect()
    rel = store.file_relation(orders, [f.path for f in candidates], filename="__file").sql("duckdb")
    con.register("keys", pa.table({"K": keys}))
    touched = [
        r[0]
        for r in con.sql(
            f"SELECT DISTINCT __file FROM {rel} WHERE ORDER_ID IN (SELECT K FROM keys)"
        ).fetchall()
    ]
    plain = store.relation(orders).sql("duckdb")
    assert all(path in plain for path in before)
    rel = store.file_relation(orders, touched, filename="__file").sql("duckdb")
    new_rows = con.sql(
        f"""SELECT ORDER_ID,
                   CASE WHEN ORDER_ID IN (SELECT K FROM keys) THEN 'vip' ELSE CUSTOMER END
                       AS CUSTOMER,
                   AMOUNT
            FROM {rel}"""
    ).to_arrow_table()
    store.rewrite(orders, remove=touched, add=new_rows)

    after = {f.path: f for f in store.scan_files(orders)}
    assert len(touched) == 1
    untouched = set(before) - set(touched)
    assert untouched <= set(after)  # the other files are the very same files
    assert len(after) == 3
    replacement = (set(after) - untouched).pop()
    assert after[replacement].record_count == 50
    rows = con.sql(
        f"SELECT ORDER_ID, CUSTOMER FROM {store.relation(orders).sql('duckdb')} "
        "WHERE CUSTOMER = 'vip' ORDER BY 1"
    ).fetchall()
    assert rows == [(110, "vip"), (120, "vip")]
    assert store.current_summary(orders)["total-records"] == "150"


def test_empty_table_relation_is_typed(store: IcebergStore, orders: ObjectName) -> None:
    con = duckdb.connect()
    rel = store.relation(orders).sql("duckdb")
    desc = con.sql(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    assert [(d[0], d[1]) for d in desc] == [
        ("ORDER_ID", "BIGINT"),
        ("CUSTOMER", "VARCHAR"),
        ("AMOUNT", "DECIMAL(10,2)"),
    ]
    assert con.sql(f"SELECT count(*) FROM {rel}").fetchone() == (0,)
    with_file = store.file_relation(orders, [], filename="F").sql("duckdb")
    assert [d[0] for d in con.sql(f"DESCRIBE SELECT * FROM {with_file}").fetchall()][-1] == "F"


def test_changed_files_between_snapshots(store: IcebergStore, orders: ObjectName) -> None:
    first = store.append(orders, order_rows(range(3)))
    assert [f.record_count for f in store.changed_files(orders, None, first)[0]] == [3]
    store.append(orders, order_rows(range(3, 5)))
    old = next(f for f in store.scan_files(orders) if f.lower["ORDER_ID"] == 0)
    store.rewrite(orders, remove=[old.path], add=order_rows([0, 2]))
    added, removed = store.changed_files(orders, first)
    assert sorted(f.record_count for f in added) == [2, 2]
    assert [f.path for f in removed] == [old.path]
    assert store.changed_files(orders, first, first) == ([], [])
