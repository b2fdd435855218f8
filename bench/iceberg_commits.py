"""Commit latency of many small Iceberg commits, with and without maintenance.

Simulates a task that commits a small batch every minute for a day (1,440 commits, on a
virtual clock) into one Iceberg table, three ways in the same run:

* maintained: the store's automatic policy (manifest merging, metadata-file pruning,
  small-file compaction) plus snapshot expiry every 10 commits with the given retention;
* maintained, one day retained: the same, but nothing is old enough to expire;
* unmaintained: no compaction, no manifest merging, no expiry.

Prints the median commit latency of the first and last 100 commits and the file counts.
Run: .venv/bin/python bench/iceberg_commits.py [--commits 1440] [--retention-minutes 60]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from emulator.iceberg import IcebergColumn, IcebergStore, MaintenancePolicy
from icebridge.sql.identifiers import ObjectName

NAME = ObjectName("BENCH", "PUBLIC", "EVENTS")
COLUMNS = [
    IcebergColumn("ORDER_ID", "long", required=True),
    IcebergColumn("AMOUNT", "decimal(10,2)"),
    IcebergColumn("NOTE", "string"),
]


def _batch(i: int, rows: int) -> pa.Table:
    ids = list(range(i * rows, (i + 1) * rows))
    return pa.table(
        {
            "ORDER_ID": pa.array(ids, pa.int64()),
            "AMOUNT": pa.array([v % 1000 for v in ids], pa.decimal128(10, 2)),
            "NOTE": [f"order {v}" for v in ids],
        }
    )


def run(label: str, commits: int, rows: int, retention: timedelta | None, maintained: bool) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    with tempfile.TemporaryDirectory() as tmp:
        store = IcebergStore(
            Path(tmp), clock=lambda: now[0], maintenance=MaintenancePolicy() if maintained else None
        )
        store.create_table(NAME, COLUMNS, identifier_fields=["ORDER_ID"])
        latencies: list[float] = []
        for i in range(commits):
            now[0] += timedelta(minutes=1)
            batch = _batch(i, rows)
            start = time.perf_counter()
            store.append(NAME, batch, summary={"icebridge.stream-offsets": f'{{"S": {i}}}'})
            latencies.append(time.perf_counter() - start)
            if retention is not None and i % 10 == 9:
                store.expire_snapshots(NAME, now[0] - retention)
        first = statistics.median(latencies[:100]) * 1000
        last = statistics.median(latencies[-100:]) * 1000
        live = len(store.scan_files(NAME))
        on_disk = sum(1 for p in Path(tmp, "warehouse").rglob("*") if p.is_file())
        snaps = len(store.snapshots(NAME))
        rows_total = store.current_summary(NAME)["total-records"]
        store.close()
    print(
        f"{label:<34} first100 {first:7.1f} ms  last100 {last:7.1f} ms  ratio {last / first:5.2f}"
        f"  live files {live:5d}  files on disk {on_disk:5d}  snapshots {snaps:5d}"
        f"  rows {rows_total}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1440)
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--retention-minutes", type=int, default=60)
    args = parser.parse_args()
    retention = timedelta(minutes=args.retention_minutes)
    print(f"{args.commits} commits of {args.rows} rows, one per virtual minute")
    run(
        f"maintained, {args.retention_minutes} min retained",
        args.commits,
        args.rows,
        retention,
        True,
    )
    run("maintained, 1 day retained", args.commits, args.rows, timedelta(days=1), True)
    run("unmaintained", args.commits, args.rows, None, False)


if __name__ == "__main__":
    main()
