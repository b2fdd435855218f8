"""Run in a subprocess by test_lake_lifecycle.py: hold a lake open in another process.

``emulator``: open ``Emulator(path)``, run the SQL given (if any), print READY and wait.
``reader``: the same with ``Emulator(path, read_only=True)`` (no SQL).
``duckdb``: open the lake's DuckDB file directly (DuckDB's own lock, no icebridge lock).
The test kills the process (SIGKILL) when done; nothing is closed.

Usage: python lake_holder.py <emulator|reader|duckdb> <lake path> [sql]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(how: str, path: str, sql: str | None) -> None:
    if how == "duckdb":
        import duckdb

        holder = duckdb.connect(str(Path(path) / "native.duckdb"))
    else:
        from emulator import Emulator

        holder = Emulator(path, read_only=how == "reader")
        if sql:
            holder.execute(sql)
    print("READY", flush=True)
    while holder is not None:  # held open until the test kills this process
        time.sleep(60)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
