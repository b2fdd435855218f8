"""Iceberg loads through the emulator's SQL versus raw PyIceberg, in the same run.

1. ``INSERT INTO <iceberg> SELECT … FROM <stream>`` of N rows (default 1M) staged in a
   native table, versus a raw PyIceberg ``Table.append`` of the same Arrow table
   (target: at least 0.5x the raw throughput).
2. ``MERGE`` of M rows (default 100k, half matching) into an N-row Iceberg table through
   SQL, versus PyIceberg's ``Table.upsert`` of the same rows (target: at least 5x faster).
   Both targets hold the same 10 data files, as ten load commits leave them.

Prints times and ratios. Run: .venv/bin/python bench/iceberg_pipeline.py [--rows N] [--merge M]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import DecimalType, LongType, NestedField, StringType

from emulator import Emulator
from emulator.core.lake import parse_name


def _rows(start: int, count: int) -> pa.Table:
    ids = pa.array(range(start, start + count), pa.int64())
    schema = pa.schema(
        [
            pa.field("ID", pa.int64(), nullable=False),
            pa.field("AMOUNT", pa.decimal128(10, 2)),
            pa.field("NOTE", pa.string()),
        ]
    )
    amounts = pa.array([Decimal(i % 1000) / 4 for i in range(count)], pa.decimal128(10, 2))
    notes = pa.array([f"note {i}" for i in range(count)], pa.string())
    return pa.Table.from_arrays([ids, amounts, notes], schema=schema)


def _batches(table: pa.Table, files: int = 10) -> list[pa.Table]:
    size = -(-table.num_rows // files)
    return [table.slice(i, size) for i in range(0, table.num_rows, size)]


def _raw_table(root: Path, name: str) -> object:
    root.mkdir(parents=True, exist_ok=True)
    catalog = SqlCatalog(
        "bench", uri=f"sqlite:///{root / 'raw.db'}", warehouse=(root / "wh").as_uri()
    )
    catalog.create_namespace_if_not_exists("b")
    schema = Schema(
        NestedField(1, "ID", LongType(), required=True),
        NestedField(2, "AMOUNT", DecimalType(10, 2), required=False),
        NestedField(3, "NOTE", StringType(), required=False),
        identifier_field_ids=[1],
    )
    return catalog.create_table(f"b.{name}", schema)


def _emulator(root: Path) -> Emulator:
    emu = Emulator()  # in memory, the default (the Iceberg store lives in a temp dir)
    emu.execute(
        "CREATE DATABASE B; "
        "CREATE TABLE STG (ID NUMBER(19,0), AMOUNT NUMBER(10,2), NOTE STRING) "
        "CHANGE_TRACKING = TRUE; "
        "CREATE STREAM S ON TABLE STG APPEND_ONLY = TRUE; "
        "CREATE ICEBERG TABLE TGT (ID NUMBER(19,0) PRIMARY KEY, AMOUNT NUMBER(10,2), NOTE STRING)"
    )
    return emu


def bench_insert(root: Path, rows: int) -> None:
    data = _rows(0, rows)
    emu = _emulator(root)
    emu.insert_rows(parse_name(emu.engine.state, "B.PUBLIC.STG"), data)
    # Open the Iceberg catalog first, as the raw baseline's table is open before its timing.
    emu.sql("SELECT COUNT(*) FROM TGT")
    start = time.perf_counter()
    emu.sql("INSERT INTO TGT SELECT ID, AMOUNT, NOTE FROM S")
    ours = time.perf_counter() - start
    assert emu.sql("SELECT COUNT(*) AS C FROM TGT").column(0)[0].as_py() == rows
    # The same load from the native table itself: the Iceberg write path without the
    # stream's delta computation.
    emu.sql("TRUNCATE TABLE TGT")
    start = time.perf_counter()
    emu.sql("INSERT INTO TGT SELECT ID, AMOUNT, NOTE FROM STG")
    native = time.perf_counter() - start
    emu.close()
    table = _raw_table(root, "insert")
    start = time.perf_counter()
    table.append(data)  # type: ignore[attr-defined]
    raw = time.perf_counter() - start
    print(
        f"INSERT … SELECT FROM stream, {rows:,} rows: emulator {ours:.2f} s, "
        f"PyIceberg append {raw:.2f} s -> throughput ratio {raw / ours:.2f}x (target >= 0.5)"
    )
    print(
        f"INSERT … SELECT FROM the staging table, {rows:,} rows: emulator {native:.2f} s "
        f"-> throughput ratio {raw / native:.2f}x"
    )


def bench_merge(root: Path, rows: int, merge: int) -> None:
    base = _rows(0, rows)
    # Half of the merged keys exist (the last merge/2 ids), half are new.
    changes = _rows(rows - merge // 2, merge)
    changes = changes.set_column(
        1, changes.schema.field(1), pa.array([Decimal(7)] * merge, pa.decimal128(10, 2))
    )
    emu = _emulator(root / "m")
    tgt = parse_name(emu.engine.state, "B.PUBLIC.TGT")
    for batch in _batches(base):  # the target as a load pipeline leaves it: many files
        emu.engine.lake.store.append(tgt, batch)
    emu.insert_rows(parse_name(emu.engine.state, "B.PUBLIC.STG"), changes)
    start = time.perf_counter()
    counts = emu.sql(
        "MERGE INTO TGT USING S ON TGT.ID = S.ID "
        "WHEN MATCHED THEN UPDATE SET AMOUNT = S.AMOUNT, NOTE = S.NOTE "
        "WHEN NOT MATCHED THEN INSERT (ID, AMOUNT, NOTE) VALUES (S.ID, S.AMOUNT, S.NOTE)"
    ).to_pylist()[0]
    ours = time.perf_counter() - start
    emu.close()
    table = _raw_table(root, "merge")
    for batch in _batches(base):  # the same file layout
        table.append(batch)  # type: ignore[attr-defined]
    start = time.perf_counter()
    result = table.upsert(changes)  # type: ignore[attr-defined]
    raw = time.perf_counter() - start
    print(
        f"MERGE {merge:,} rows ({counts}) into {rows:,}: emulator {ours:.2f} s, "
        f"PyIceberg upsert {raw:.2f} s ({result.rows_updated} updated, "
        f"{result.rows_inserted} inserted) -> {raw / ours:.1f}x faster (target >= 5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--merge", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_insert(root / "i", args.rows)
        bench_merge(root, args.rows, args.merge)


if __name__ == "__main__":
    main()
