"""Emulator session overhead against raw DuckDB; prints ratios (no timing asserts).

1. median per-statement latency of ``SELECT 1`` through ``Emulator.sql`` vs raw DuckDB;
2. ingest of 1M rows (6 columns, one Arrow table) via ``Emulator.insert_rows`` vs DuckDB
   inserting the same Arrow table into a plain table (target: >= 0.5x throughput);
3. MERGE of 100k source rows (half matching) into a 1M-row native table vs DuckDB doing the
   equivalent DELETE of matching keys + INSERT of all source rows.

Run: ``.venv/bin/python bench/session_overhead.py``
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import duckdb
import pyarrow as pa

from emulator import Emulator
from icebridge.sql.identifiers import ObjectName

ROWS = 1_000_000
MERGE_ROWS = 100_000


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _batch(n: int, offset: int = 0) -> pa.Table:
    ids = pa.array(range(offset, offset + n), pa.int64())
    return pa.table(
        {
            "ID": ids,
            "CUSTOMER": pa.array([f"c{i % 1000}" for i in range(n)]),
            "QTY": pa.array([i % 7 for i in range(n)], pa.int64()),
            "PRICE": pa.array([float(i % 100) / 4 for i in range(n)]),
            "STATUS": pa.array(["NEW"] * n),
            "NOTE": pa.array([None] * n, pa.string()),
        }
    )


DDL = (
    "CREATE TABLE {name} (ID BIGINT, CUSTOMER VARCHAR, QTY BIGINT, PRICE DOUBLE, "
    "STATUS VARCHAR, NOTE VARCHAR)"
)


def select_overhead() -> tuple[float, float]:
    raw = duckdb.connect()
    emu = Emulator()
    raw_times = [_timed(lambda: raw.execute("SELECT 1").fetchall()) for _ in range(300)]
    emu_times = [_timed(lambda: emu.sql("SELECT 1")) for _ in range(300)]
    emu.close()
    return statistics.median(raw_times), statistics.median(emu_times)


def ingest() -> tuple[float, float]:
    batch = _batch(ROWS)
    raw = duckdb.connect()
    raw.execute(DDL.format(name="t"))
    raw.register("batch", batch)
    raw_s = _timed(lambda: raw.execute("INSERT INTO t SELECT * FROM batch"))
    emu = Emulator()
    emu.execute("CREATE DATABASE b; " + DDL.format(name="t"))
    emu_s = _timed(lambda: emu.insert_rows(ObjectName("B", "PUBLIC", "T"), batch))
    emu.close()
    return raw_s, emu_s


def merge() -> tuple[float, float]:
    base = _batch(ROWS)
    source = _batch(MERGE_ROWS, offset=ROWS - MERGE_ROWS // 2)
    raw = duckdb.connect()
    raw.execute(DDL.format(name="t"))
    raw.execute(DDL.format(name="s"))
    raw.register("base", base)
    raw.register("source", source)
    raw.execute("INSERT INTO t SELECT * FROM base")
    raw.execute("INSERT INTO s SELECT * FROM source")

    def raw_merge() -> None:
        raw.execute("BEGIN")
        raw.execute("DELETE FROM t WHERE ID IN (SELECT ID FROM s)")
        raw.execute("INSERT INTO t SELECT * FROM s")
        raw.execute("COMMIT")

    raw_s = _timed(raw_merge)
    emu = Emulator()
    emu.execute("CREATE DATABASE b; " + DDL.format(name="t") + "; " + DDL.format(name="s"))
    emu.insert_rows(ObjectName("B", "PUBLIC", "T"), base)
    emu.insert_rows(ObjectName("B", "PUBLIC", "S"), source)
    emu_s = _timed(
        lambda: emu.sql(
            "MERGE INTO t USING s ON t.id = s.id "
            "WHEN MATCHED THEN UPDATE SET customer = s.customer, qty = s.qty, "
            "price = s.price, status = s.status, note = s.note "
            "WHEN NOT MATCHED THEN INSERT (id, customer, qty, price, status, note) "
            "VALUES (s.id, s.customer, s.qty, s.price, s.status, s.note)"
        )
    )
    emu.close()
    return raw_s, emu_s


def main() -> None:
    raw, emu = select_overhead()
    print(
        f"SELECT 1 median: duckdb {raw * 1e6:.0f} us, emulator {emu * 1e6:.0f} us, "
        f"overhead {(emu - raw) * 1e6:.0f} us ({emu / raw:.1f}x)"
    )
    raw, emu = ingest()
    print(
        f"ingest {ROWS:,} rows: duckdb {raw:.3f} s, emulator {emu:.3f} s, "
        f"throughput ratio {raw / emu:.2f}x (target >= 0.5x)"
    )
    raw, emu = merge()
    print(
        f"MERGE {MERGE_ROWS:,} into {ROWS:,}: duckdb delete+insert {raw:.3f} s, "
        f"emulator {emu:.3f} s, ratio {raw / emu:.2f}x"
    )


if __name__ == "__main__":
    main()
