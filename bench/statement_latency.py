"""Small-statement latency through the DB-API against raw DuckDB; prints ratios.

The same small statements run through ``Emulator().connect()`` cursors and through a raw
DuckDB connection in one run:

* ``SELECT 1``;
* a 2-row ``INSERT … VALUES``;
* an ``UPDATE`` of one row by key on a 100-row table;
* a small ``MERGE`` (one source row, matched) into that table;
* a filtered ``SELECT`` on it.

For each, the median latency (ms) on both sides and the ratio emulator / raw. Targets:
≤ 5x for INSERT / UPDATE / MERGE and ≤ 3x for SELECT. Then the DuckDB round trips the
emulator makes per statement (calls of ``execute``, ``executemany``, ``register`` … on any
DuckDB connection, counted with a profile hook outside the timed runs).

Only the public API is used, so the script also runs on older checkouts
(``PYTHONPATH=<checkout> python bench/statement_latency.py``).

Run: ``.venv/bin/python bench/statement_latency.py [--repeat 300]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import duckdb

from emulator import Emulator

ROWS = 100
#: Statements per side and round (the sides alternate round by round).
_ROUND = 20

#: (label, Snowflake SQL through the emulator, DuckDB SQL for the raw baseline, target).
#: ``{n}`` is a counter, so INSERTs add new keys and UPDATEs change a value each time; a
#: statement with placeholders (``%s`` / ``?``) binds ``(n, n + 1)`` instead, as DB-API code
#: usually does.
STATEMENTS: tuple[tuple[str, str, str, float], ...] = (
    ("SELECT 1", "SELECT 1", "SELECT 1", 3.0),
    (
        "INSERT 2 rows VALUES",
        "INSERT INTO log (id, v) VALUES ({n}, 'a'), ({n} + 1, 'b')",
        "INSERT INTO log (id, v) VALUES ({n}, 'a'), ({n} + 1, 'b')",
        5.0,
    ),
    (
        "INSERT 2 rows, bound",
        "INSERT INTO log (id, v) VALUES (%s, 'a'), (%s, 'b')",
        "INSERT INTO log (id, v) VALUES (?, 'a'), (?, 'b')",
        5.0,
    ),
    (
        "UPDATE by key",
        "UPDATE t SET v = 'u{n}' WHERE id = 42",
        "UPDATE t SET v = 'u{n}' WHERE id = 42",
        5.0,
    ),
    (
        "MERGE 1 row",
        "MERGE INTO t USING (SELECT 7 AS id, 'm{n}' AS v) s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET v = s.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
        "MERGE INTO t USING (SELECT 7 AS id, 'm{n}' AS v) s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET v = s.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
        5.0,
    ),
    (
        "SELECT filtered, 100 rows",
        "SELECT id, v FROM t WHERE id BETWEEN 10 AND 19 ORDER BY id",
        "SELECT id, v FROM t WHERE id BETWEEN 10 AND 19 ORDER BY id",
        3.0,
    ),
)

_SETUP = (
    "CREATE TABLE t (id INTEGER, v VARCHAR)",
    "CREATE TABLE log (id INTEGER, v VARCHAR)",
    f"INSERT INTO t SELECT i, 'v' || i FROM range({ROWS}) r(i)",
)
_EMULATOR_SETUP = (
    "CREATE DATABASE bench",
    "CREATE TABLE t (id INTEGER, v VARCHAR)",
    "CREATE TABLE log (id INTEGER, v VARCHAR)",
    f"INSERT INTO t SELECT seq4(), 'v' || seq4() FROM TABLE(GENERATOR(ROWCOUNT => {ROWS}))",
)

#: DuckDB connection methods that each send one statement (or relation) to DuckDB; the
#: profile hook sees their underlying C functions (shared by every connection).
_ROUND_TRIPS = frozenset(
    getattr(duckdb.DuckDBPyConnection, name).__func__
    for name in ("execute", "executemany", "sql", "query", "register", "unregister")
)


def _medians_ms(
    runs: tuple[Callable[[int], object], Callable[[int], object]], repeat: int, warmup: int
) -> tuple[float, float]:
    """Median ms of each of two runs, interleaved in short rounds so that a change in machine
    load weighs on both sides alike."""
    for run in runs:
        for n in range(warmup):
            run(1_000_000 + n * 2)
    samples: tuple[list[float], list[float]] = ([], [])
    rounds = max(1, repeat // _ROUND)
    for r in range(rounds):
        for run, out in zip(runs, samples, strict=True):
            for i in range(_ROUND):
                n = (r * _ROUND + i) * 2
                start = time.perf_counter()
                run(n)
                out.append(time.perf_counter() - start)
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


def _count_round_trips(run: Callable[[int], object], n: int) -> int:
    """DuckDB calls made by one ``run(n)`` (a profile hook sees every C-level call)."""
    count = 0

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "c_call" and arg in _ROUND_TRIPS:
            count += 1

    sys.setprofile(hook)
    try:
        run(n)
    finally:
        sys.setprofile(None)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()

    raw = duckdb.connect()
    for statement in _SETUP:
        raw.execute(statement)
    emu = Emulator()
    for statement in _EMULATOR_SETUP:
        emu.sql(statement)
    cursor = emu.connect().cursor()

    def through_emulator(sql: str) -> Callable[[int], object]:
        def run(n: int) -> object:
            if "%s" in sql:
                return cursor.execute(sql, (n, n + 1)).fetchall()
            return cursor.execute(sql.format(n=n)).fetchall()

        return run

    def through_duckdb(sql: str) -> Callable[[int], object]:
        def run(n: int) -> object:
            if "?" in sql:
                return raw.execute(sql, [n, n + 1]).fetchall()
            return raw.execute(sql.format(n=n)).fetchall()

        return run

    print(f"{'statement':<26} {'duckdb ms':>10} {'emulator ms':>12} {'ratio':>7} {'target':>7}")
    trips: list[tuple[str, int]] = []
    for label, emu_sql, raw_sql, target in STATEMENTS:
        runs = (through_duckdb(raw_sql), through_emulator(emu_sql))
        raw_ms, emu_ms = _medians_ms(runs, args.repeat, args.warmup)
        ratio = emu_ms / raw_ms
        print(f"{label:<26} {raw_ms:10.3f} {emu_ms:12.3f} {ratio:6.1f}x {target:6.0f}x")
        trips.append((label, _count_round_trips(through_emulator(emu_sql), 5_000_000)))
    print("DuckDB round trips per statement (emulator):")
    for label, count in trips:
        print(f"  {label:<26} {count:3d}")
    emu.close()
    raw.close()


if __name__ == "__main__":
    main()
