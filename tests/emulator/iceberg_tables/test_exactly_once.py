"""Exactly-once loads into Iceberg (DESIGN principle 5), proven with crashes.

A subprocess stages rows and runs the rendered load task body (the orders MERGE, or the
append pipeline's INSERT … SELECT FROM stream) and is killed (``os._exit``, from a test hook
on the lake's commit path) at one step of the commit path. Reopening the emulator repairs
the stream offsets from the Iceberg snapshot summary; re-running the load then leaves every
staged row in Iceberg exactly once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import Emulator
from emulator.core.lake import parse_name
from emulator.features.iceberg_tables.exactly_once import repair

HERE = Path(__file__).parent
SCRIPT = HERE / "crash_load.py"
sys.path.insert(0, str(HERE))
from crash_load import FAULT_ENV, FAULT_EXIT, FAULT_POINTS, ROWS, load_statement  # noqa: E402

TARGET = "AUTOMATED_INTELLIGENCE.ANALYTICS_ICEBERG.ORDERS"
STREAM = "AUTOMATED_INTELLIGENCE.STAGING.ORDERS_STAGING_STREAM"


def _run(path: Path, kind: str, phase: str, fault: str | None = None) -> int:
    env = dict(os.environ)
    env.pop(FAULT_ENV, None)
    if fault is not None:
        env[FAULT_ENV] = fault
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(path), kind, phase],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, FAULT_EXIT), done.stderr
    return done.returncode


def _ids(emu: Emulator) -> list[int]:
    rows = emu.sql(f"SELECT ORDER_ID FROM {TARGET} ORDER BY ORDER_ID").column(0).to_pylist()
    return [int(v) for v in rows]


def _has_data(emu: Emulator) -> bool:
    value = emu.sql(f"SELECT SYSTEM$STREAM_HAS_DATA('{STREAM}')").column(0)[0].as_py()
    return bool(value)


CASES = [("append", point) for point in FAULT_POINTS] + [("merge", "after_iceberg_commit")]


@pytest.mark.parametrize(("kind", "fault"), CASES)
def test_crash_then_reopen_loads_every_row_once(tmp_path: Path, kind: str, fault: str) -> None:
    path = tmp_path / "lake"
    assert _run(path, kind, "setup") == 0
    assert _run(path, kind, "load", fault) == FAULT_EXIT
    with Emulator(path) as emu:
        # The repair on open: after the Iceberg commit, the stream is already consumed.
        committed = fault != "before_iceberg_commit"
        assert _ids(emu) == list(range(2 * ROWS if committed else ROWS))
        assert _has_data(emu) is not committed
        emu.execute(load_statement(kind))  # catch-up run
        assert _ids(emu) == list(range(2 * ROWS))
        assert not _has_data(emu)


def test_repair_moves_a_stream_back_to_the_recorded_offset(tmp_path: Path) -> None:
    from emulator.core import stream_objects as objects

    path = tmp_path / "lake"
    assert _run(path, "append", "setup") == 0
    with Emulator(path) as emu:
        emu.execute(load_statement("append"))
        summary = emu.engine.lake.store.current_summary(parse_name(emu.engine.state, TARGET))
        stream_obj = emu.engine.catalog.find(parse_name(emu.engine.state, STREAM))
        assert stream_obj is not None
        consumed = stream_obj.version
        assert summary["icebridge.stream-offsets"] == f'{{"{stream_obj.id}": {consumed}}}'
        # Lose the offset update, as a crash between the two commits would.
        emu.engine.con.execute("BEGIN")
        objects.save_offset(emu.engine, objects.from_object(stream_obj), 0, consumed_at=None)
        emu.engine.con.execute("COMMIT")
        assert _has_data(emu)
        assert repair(emu.engine) == 1
        assert not _has_data(emu)
        assert repair(emu.engine) == 0  # idempotent
