"""Upsert and append throughput of the Iceberg layer against raw PyIceberg.

1. Upsert 100k rows (half match existing keys, half are new) into a 1M-row table:
   - icebridge: find affected files (manifest bounds, then a DuckDB read of the
     candidates with their file path), rewrite them in DuckDB/Arrow, one commit;
   - PyIceberg: ``Table.upsert`` on the same data.
   Both results are checked to hold the same rows. Prints the speed-up (target >= 5x).
2. Append 1M rows through IcebergStore.append vs raw PyIceberg ``Table.append``;
   prints our throughput relative to raw (target >= 0.5x).

Run: .venv/bin/python bench/iceberg_merge.py [--rows 1000000] [--upsert 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.table import Table

from emulator.iceberg import IcebergColumn, IcebergStore, prune_files
from icebridge.sql.identifiers import ObjectName

NAME = ObjectName("BENCH", "PUBLIC", "ORDERS")
WARM = ObjectName("BENCH", "PUBLIC", "WARM_UP")
COLUMNS = [
    IcebergColumn("ORDER_ID", "long", required=True),
    IcebergColumn("CUSTOMER", "string"),
    IcebergColumn("AMOUNT", "decimal(10,2)"),
    IcebergColumn("STATUS", "string"),
    IcebergColumn("UPDATED_AT", "timestamp"),
]


def make_rows(ids: pa.Array, status: str) -> pa.Table:
    """Rows with the ORDERS columns, in the Arrow types the table stores."""
    con = duckdb.connect()
    con.register("ids", pa.table({"ID": ids}))
    return con.sql(
        f"""SELECT ID::BIGINT AS ORDER_ID, 'customer ' || (ID % 5000) AS CUSTOMER,
                   ((ID % 100000) / 100)::DECIMAL(10,2) AS AMOUNT, '{status}' AS STATUS,
                   TIMESTAMP '2026-01-01' + INTERVAL (ID % 86400) SECOND AS UPDATED_AT
            FROM ids"""
    ).to_arrow_table()


def upsert_icebridge(store: IcebergStore, source: pa.Table) -> None:
    """Find the data files holding the source keys, rewrite them, commit once."""
    keys = source.column("ORDER_ID")
    candidates = prune_files(store.scan_files(NAME), "ORDER_ID", keys.to_pylist())
    con = duckdb.connect()
    con.register("src", source)
    rel = store.file_relation(NAME, [f.path for f in candidates], filename="__file").sql("duckdb")
    touched = [
        r[0]
        for r in con.sql(
            f"SELECT DISTINCT t.__file FROM {rel} t SEMI JOIN src USING (ORDER_ID)"
        ).fetchall()
    ]
    files = store.file_relation(NAME, touched).sql("duckdb")
    kept = con.sql(f"SELECT * FROM {files} t ANTI JOIN src USING (ORDER_ID)").to_arrow_table()
    store.rewrite(NAME, remove=touched, add=kept, append=source)


def raw_table(root: Path, rows: pa.Table, name: str) -> Table:
    root.mkdir(parents=True, exist_ok=True)
    catalog = SqlCatalog("raw", uri=f"sqlite:///{root / 'raw.db'}", warehouse=root.as_uri())
    catalog.create_namespace_if_not_exists("bench")
    return catalog.create_table(f"bench.{name}", rows.schema)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def checksum(store: IcebergStore | None, table: Table | None) -> tuple[object, ...]:
    con = duckdb.connect()
    if store is not None:
        src = store.relation(NAME).sql("duckdb")
    else:
        assert table is not None
        con.register("t", table.scan().to_arrow())
        src = "t"
    row = con.sql(
        f"SELECT count(*), sum(ORDER_ID), count(*) FILTER (WHERE STATUS = 'new'), "
        f"sum(hash(ORDER_ID, CUSTOMER, AMOUNT, STATUS, UPDATED_AT)) FROM {src}"
    ).fetchone()
    assert row is not None
    return tuple(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--upsert", type=int, default=100_000)
    args = parser.parse_args()
    base = make_rows(pa.array(range(args.rows), pa.int64()), "old")
    half = args.upsert // 2
    step = max(1, args.rows // half)
    matched = list(range(0, args.rows, step))[:half]
    fresh = list(range(args.rows, args.rows + args.upsert - len(matched)))
    source = make_rows(pa.array(matched + fresh, pa.int64()), "new")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clock_now = datetime(2026, 1, 1)
        store = IcebergStore(root / "lake", clock=lambda: clock_now + timedelta(seconds=1))
        store.create_table(NAME, COLUMNS, identifier_fields=["ORDER_ID"])

        raw = raw_table(root / "raw", base, "orders")
        # First writes pay one-time setup: warm both writers up on throwaway tables.
        warm = base.slice(0, 1000)
        store.create_table(WARM, COLUMNS)
        store.append(WARM, warm)
        raw_table(root / "raw", warm, "warm").append(warm)
        ours_append = timed(lambda: store.append(NAME, base))
        raw_append = timed(lambda: raw.append(base))

        ours_upsert = timed(lambda: upsert_icebridge(store, source))
        raw_upsert = timed(lambda: raw.upsert(source, join_cols=["ORDER_ID"]))
        ours, theirs = checksum(store, None), checksum(None, raw)
        assert ours == theirs, (ours, theirs)
        store.close()

    print(f"upsert {args.upsert} rows ({len(matched)} matching) into {args.rows} rows")
    print(f"  icebridge rewrite+commit  {ours_upsert:6.2f} s")
    print(f"  PyIceberg Table.upsert    {raw_upsert:6.2f} s")
    print(f"  speed-up                  {raw_upsert / ours_upsert:6.1f}x  (target >= 5x)")
    print(f"  same rows: count, key sum, updated, hash = {ours}")
    print(f"append {args.rows} rows")
    print(
        f"  icebridge append          {ours_append:6.2f} s  ({args.rows / ours_append:,.0f} rows/s)"
    )
    print(
        f"  PyIceberg append          {raw_append:6.2f} s  ({args.rows / raw_append:,.0f} rows/s)"
    )
    print(f"  relative throughput       {raw_append / ours_append:6.2f}x  (target >= 0.5x)")


if __name__ == "__main__":
    main()
