"""A persistent lake (``Emulator(path=...)``): its clock never rewinds, it has one writer at
a time, and it can be opened read-only for inspection.

Snowflake's time never goes back, and the pipeline MERGE guards compare ingestion times, so
the lake persists its clock: reopening resumes where it stopped. Two writers on one lake
would corrupt it (or read stale data), so the second open is refused with an error naming
the holder, in this process or another.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from emulator import Emulator, RealClock, VirtualClock
from emulator.core.clock import DEFAULT_START, parse_duration
from emulator.core.clock_store import CLOCK_FILE
from emulator.core.lake_lock import LOCK_FILE
from icebridge.errors import (
    ClockError,
    IcebridgeError,
    LakeError,
    LakeLockedError,
    LakeReadOnlyError,
    SqlError,
)
from icebridge.sql.identifiers import ObjectName

HOLDER = Path(__file__).with_name("lake_holder.py")


@contextlib.contextmanager
def held_elsewhere(path: Path, how: str = "emulator", sql: str = "") -> Iterator[int]:
    """A subprocess holding the lake at ``path`` open (its pid); SIGKILLed on exit."""
    args = [sys.executable, str(HOLDER), how, str(path)] + ([sql] if sql else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "READY", proc.stderr.read() if proc.stderr else ""
        yield proc.pid
    finally:
        watchdog.cancel()
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()


def _recorded(path: Path) -> datetime:
    return datetime.fromisoformat(json.loads((path / CLOCK_FILE).read_text())["instant"])


# -- the clock is part of the lake ---------------------------------------------------------


def test_reopen_resumes_the_clock(tmp_path: Path) -> None:
    """CURRENT_TIMESTAMP never goes back across a reopen
    (https://docs.snowflake.com/en/sql-reference/functions/current_timestamp)."""
    with Emulator(tmp_path) as emu:
        emu.advance("45 minutes")
        stopped = emu.now
    assert stopped == DEFAULT_START + timedelta(minutes=45)
    with Emulator(tmp_path) as emu:
        assert emu.now == stopped
        now = emu.sql("SELECT CURRENT_TIMESTAMP()").column(0)[0].as_py()
        assert now == stopped


def test_every_move_is_recorded_before_close(tmp_path: Path) -> None:
    """A process killed without closing resumes at least at its latest instant: each move is
    written at once, including one made on the clock object directly."""
    clock = VirtualClock(DEFAULT_START)
    with Emulator(tmp_path, clock=clock) as emu:
        emu.advance(minutes=3)
        assert _recorded(tmp_path) == DEFAULT_START + timedelta(minutes=3)
        clock.advance(timedelta(seconds=5))
        assert _recorded(tmp_path) == emu.now
        clock.set(DEFAULT_START + timedelta(hours=1))
        assert _recorded(tmp_path) == DEFAULT_START + timedelta(hours=1)
    clock.advance(timedelta(hours=1))  # a closed lake no longer follows the clock
    assert _recorded(tmp_path) == DEFAULT_START + timedelta(hours=1)


def test_a_clock_behind_the_lake_is_refused(tmp_path: Path) -> None:
    with Emulator(tmp_path) as emu:
        emu.advance("1 hour")
    with pytest.raises(ClockError, match=r"never moves backwards") as caught:
        Emulator(tmp_path, clock=VirtualClock(DEFAULT_START))
    assert isinstance(caught.value, ValueError)
    assert str(tmp_path) in str(caught.value)
    # The refused open released the lake; a clock at or after the recorded instant is fine.
    later = DEFAULT_START + timedelta(hours=2)
    with Emulator(tmp_path, clock=VirtualClock(later)) as emu:
        assert emu.now == later
    with Emulator(tmp_path) as emu:
        assert emu.now == later  # the jump forward was recorded


def test_a_real_clock_catches_up_with_the_lake(tmp_path: Path) -> None:
    """A RealClock reopening a lake whose time ran ahead (advance skipped ahead of the wall
    clock) continues from the lake's instant instead of going back to wall time."""
    with Emulator(tmp_path, clock=RealClock()) as emu:
        emu.advance("2 hours")
        stopped = emu.now
    with Emulator(tmp_path, clock=RealClock()) as emu:
        assert emu.now >= stopped
        assert emu.now < stopped + timedelta(minutes=5)


@pytest.mark.parametrize(
    "call",
    [
        lambda emu: emu.advance(timedelta(seconds=-1)),
        lambda emu: emu.advance(minutes=-5),
        lambda emu: emu.advance("-5 minutes"),
        lambda emu: emu.advance("5 minutes", minutes=1),
        lambda emu: emu.advance(minute=5),
        lambda emu: emu.advance(minutes=float("nan")),
        lambda emu: emu.advance(days=10**12),
        lambda emu: emu.advance("99999999999 days"),
        lambda emu: emu.advance(5),
        lambda emu: emu.engine.clock.set(DEFAULT_START - timedelta(seconds=1)),
        lambda emu: emu.engine.clock.set(datetime(2030, 1, 1)),
    ],
    ids=[
        "negative-timedelta",
        "negative-keyword",
        "negative-text",
        "text-and-keywords",
        "unknown-keyword",
        "nan",
        "overflow-keyword",
        "overflow-text",
        "bare-number",
        "set-to-the-past",
        "naive-instant",
    ],
)
def test_bad_clock_arguments_are_clock_errors(call: object) -> None:
    with Emulator() as emu:
        with pytest.raises(ClockError) as caught:
            call(emu)  # type: ignore[operator]
        assert isinstance(caught.value, IcebridgeError)
        assert isinstance(caught.value, ValueError)  # existing `except ValueError` still works
        assert emu.now == DEFAULT_START  # nothing moved


@pytest.mark.parametrize("text", ["", "five minutes", "5 fortnights", "-1 hour"])
def test_parse_duration_raises_clock_error(text: str) -> None:
    with pytest.raises(ClockError):
        parse_duration(text)


def test_schedules_continue_from_the_resumed_instant(tmp_path: Path) -> None:
    """Task runs after a reopen follow the ones before it: TASK_HISTORY stays ordered with no
    scheduled time twice (https://docs.snowflake.com/en/sql-reference/functions/task_history);
    a dynamic table's refreshes continue on its lag
    (https://docs.snowflake.com/en/user-guide/dynamic-tables-target-lag)."""
    with Emulator(tmp_path) as emu:
        emu.execute(
            "CREATE DATABASE db; CREATE TABLE t (x INT);"
            "CREATE TASK r SCHEDULE = '1 MINUTE' AS INSERT INTO t VALUES (1);"
            "ALTER TASK r RESUME;"
            "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT x FROM t"
        )
        emu.advance("3 minutes 30 seconds")
    with Emulator(tmp_path) as emu:
        records = emu.advance("2 minutes")
        start = DEFAULT_START
        assert sorted({(r.kind, r.scheduled_time - start) for r in records}) == [
            ("DYNAMIC_TABLE", timedelta(minutes=4)),
            ("DYNAMIC_TABLE", timedelta(minutes=5)),
            ("TASK", timedelta(minutes=4)),
            ("TASK", timedelta(minutes=5)),
        ]
        times = (
            emu.sql(
                "SELECT scheduled_time FROM TABLE(db.INFORMATION_SCHEMA.TASK_HISTORY()) "
                "WHERE state <> 'SCHEDULED'"
            )
            .column(0)
            .to_pylist()
        )
        assert times == sorted(set(times), reverse=True)
        assert len(times) == 5
        assert emu.sql("SELECT COUNT(*) FROM db.public.d").column(0)[0].as_py() == 5


def test_a_lake_without_a_clock_file_resumes_at_its_latest_commit(tmp_path: Path) -> None:
    """A lake written before the clock was persisted (no clock file) resumes at the latest
    instant its catalog recorded, not at the default start."""
    with Emulator(tmp_path) as emu:
        emu.advance("20 minutes")
        emu.execute("CREATE DATABASE db; CREATE TABLE t (x INT) CHANGE_TRACKING = TRUE")
        emu.advance("10 minutes")
        emu.sql("INSERT INTO db.public.t VALUES (1)")
        committed = emu.now
        emu.advance("1 minute")  # moved on after the last commit, never recorded by one
    (tmp_path / CLOCK_FILE).unlink()
    with Emulator(tmp_path) as emu:
        assert emu.now == committed


def test_a_damaged_clock_file_is_a_lake_error(tmp_path: Path) -> None:
    with Emulator(tmp_path):
        pass
    (tmp_path / CLOCK_FILE).write_text("{not json")
    with pytest.raises(LakeError, match=CLOCK_FILE):
        Emulator(tmp_path)
    (tmp_path / CLOCK_FILE).unlink()
    with Emulator(tmp_path) as emu:  # the failed open left the lake unlocked
        assert emu.now == DEFAULT_START


# -- one writer per lake -------------------------------------------------------------------


def test_a_second_emulator_in_the_same_process_is_refused(tmp_path: Path) -> None:
    first = Emulator(tmp_path)
    try:
        with pytest.raises(LakeLockedError) as caught:
            Emulator(tmp_path)
        err = caught.value
        assert err.pid == os.getpid()
        assert err.path == str(tmp_path)
        assert str(tmp_path) in str(err)
        assert "this process" in str(err)
        first.sql("CREATE DATABASE still_mine")  # the holder is unaffected
    finally:
        first.close()
    with Emulator(tmp_path) as emu:  # released on close
        assert emu.sql("SHOW DATABASES LIKE 'STILL_MINE'").num_rows == 1


def test_another_process_holding_the_lake_is_named(tmp_path: Path) -> None:
    with held_elsewhere(tmp_path) as pid:
        for read_only in (False, True):
            with pytest.raises(LakeLockedError) as caught:
                Emulator(tmp_path, read_only=read_only)
            assert caught.value.pid == pid
            assert f"process {pid}" in str(caught.value)
            assert caught.value.host
    # The killed holder left its lock file behind; it does not block the next open.
    assert (tmp_path / LOCK_FILE).exists()
    with Emulator(tmp_path) as emu:
        assert emu.sql("SELECT 1").column(0)[0].as_py() == 1


def test_duckdb_lock_conflicts_are_lake_locked_errors(tmp_path: Path) -> None:
    """Backstop: a process holding the DuckDB file without the icebridge lock."""
    with Emulator(tmp_path):
        pass
    with held_elsewhere(tmp_path, how="duckdb") as pid:
        with pytest.raises(LakeLockedError) as caught:
            Emulator(tmp_path)
        assert caught.value.pid == pid
        assert str(tmp_path) in str(caught.value)
    # In this process: a DuckDB connection with another configuration.
    raw = duckdb.connect(str(tmp_path / "native.duckdb"), read_only=True)
    try:
        with pytest.raises(LakeLockedError):
            Emulator(tmp_path)
    finally:
        raw.close()


# -- read-only opens -----------------------------------------------------------------------

_SETUP = """
CREATE DATABASE db;
CREATE TABLE t (id INT, status VARCHAR) CHANGE_TRACKING = TRUE;
CREATE STREAM s ON TABLE t;
CREATE ICEBERG TABLE ice (id INT) CATALOG = 'SNOWFLAKE' BASE_LOCATION = 'ice';
INSERT INTO ice VALUES (7);
CREATE TASK r SCHEDULE = '1 MINUTE' AS INSERT INTO t VALUES (0, 'TICK');
ALTER TASK r RESUME;
CREATE TASK idle SCHEDULE = '1 MINUTE' AS INSERT INTO t VALUES (9, 'IDLE');
INSERT INTO t VALUES (1, 'NEW');
"""


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One lake for the read-only tests (they prove it is left unchanged)."""
    path = tmp_path_factory.mktemp("lake")
    with Emulator(path) as emu:
        emu.execute(_SETUP)
        emu.advance("1 minute")
    return path


def test_read_only_runs_queries(lake: Path) -> None:
    with Emulator(lake, read_only=True) as emu:
        assert emu.read_only
        assert emu.now == DEFAULT_START + timedelta(minutes=1)
        emu.execute("USE SCHEMA db.public; ALTER SESSION SET TIMEZONE = 'UTC'; SET v = 1")
        assert emu.sql("SELECT id, status FROM t ORDER BY id").to_pylist() == [
            {"ID": 0, "STATUS": "TICK"},
            {"ID": 1, "STATUS": "NEW"},
        ]
        assert emu.sql("SELECT COUNT(*) FROM s").column(0)[0].as_py() == 2
        assert emu.sql("SELECT id FROM ice").column(0).to_pylist() == [7]
        assert emu.sql("SHOW TABLES").num_rows >= 1
        assert emu.sql("DESCRIBE TABLE t").num_rows == 2
        history = emu.sql("SELECT state FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY())")
        assert "SUCCEEDED" in history.column(0).to_pylist()
        assert emu.sql("SELECT SYSTEM$STREAM_HAS_DATA('s')").column(0)[0].as_py() is True
    with Emulator(lake) as emu:  # reading consumed nothing and moved nothing
        assert emu.now == DEFAULT_START + timedelta(minutes=1)
        assert emu.sql("SELECT COUNT(*) FROM db.public.s").column(0)[0].as_py() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO t VALUES (2, 'NEW')",
        "UPDATE t SET status = 'X'",
        "DELETE FROM t",
        "INSERT INTO ice VALUES (8)",
        "CREATE TABLE u (x INT)",
        "CREATE TEMPORARY TABLE u (x INT)",
        "DROP TABLE t",
        "ALTER TASK r SUSPEND",
        "EXECUTE TASK r",
        "CREATE OR REPLACE TABLE t2 AS SELECT * FROM s",
        "SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('idle')",
    ],
)
def test_read_only_refuses_sql_writes(lake: Path, sql: str) -> None:
    with Emulator(lake, read_only=True) as emu:
        emu.sql("USE SCHEMA db.public")
        with pytest.raises(LakeReadOnlyError) as caught:
            emu.sql(sql)
        err = caught.value
        assert isinstance(err, SqlError)
        assert isinstance(err, LakeError)
        assert (err.errno, err.sqlstate) == (990002, "25006")
        assert "read-only" in err.msg
        assert str(lake) in err.msg
        assert emu.sql("SELECT COUNT(*) FROM t").column(0)[0].as_py() == 2
        tasks = emu.sql("SHOW TASKS").to_pylist()
        assert sorted((r["name"], r["state"]) for r in tasks) == [
            ("IDLE", "suspended"),
            ("R", "started"),
        ]


def test_read_only_refuses_api_writes(lake: Path) -> None:
    from icebridge import Pipeline

    pipeline = Pipeline("p", database="DB").stage("PUBLIC.T", columns={"ID": "INT"})
    with Emulator(lake, read_only=True) as emu:
        for call in (
            lambda: emu.advance("1 minute"),
            lambda: emu.start(),
            lambda: emu.insert_rows(ObjectName("DB", "PUBLIC", "T"), pa.table({"ID": [1]})),
            lambda: emu.compact_iceberg("DB.PUBLIC.ICE"),
            lambda: pipeline.ingest(emu, [{"ID": 3}]),
        ):
            with pytest.raises(LakeReadOnlyError):
                call()
        assert emu.now == DEFAULT_START + timedelta(minutes=1)
        assert not emu.realtime_running


def test_readers_share_a_lake_but_not_with_a_writer(lake: Path) -> None:
    """Read-only opens in separate processes share a lake; a writer waits for them all, and
    a reader waits for the writer."""
    with held_elsewhere(lake, how="reader"):
        with Emulator(lake, read_only=True) as here:
            assert here.sql("SELECT COUNT(*) FROM db.public.t").column(0)[0].as_py() == 2
            with pytest.raises(LakeLockedError, match="already open read-only in this process"):
                Emulator(lake, read_only=True)  # one Emulator per lake per process
        with pytest.raises(LakeLockedError, match="read-only in another process") as caught:
            Emulator(lake)
        assert caught.value.read_only
    writer = Emulator(lake)
    try:
        with pytest.raises(LakeLockedError) as held:
            Emulator(lake, read_only=True)
        assert held.value.pid == os.getpid()
        assert not held.value.read_only
    finally:
        writer.close()


def test_read_only_sees_what_a_killed_writer_committed(tmp_path: Path) -> None:
    """No stale reads: rows committed by a process killed before it closed (still in
    DuckDB's write-ahead log) are visible to a read-only open, and to the next writer."""
    writes = "CREATE DATABASE db; CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2)"
    with held_elsewhere(tmp_path, sql=writes):
        pass
    with Emulator(tmp_path, read_only=True) as emu:
        assert emu.sql("SELECT SUM(x) FROM db.public.t").column(0)[0].as_py() == 3
    with Emulator(tmp_path) as emu:
        emu.sql("INSERT INTO db.public.t VALUES (3)")
    with Emulator(tmp_path, read_only=True) as emu:
        assert emu.sql("SELECT SUM(x) FROM db.public.t").column(0)[0].as_py() == 6


def test_read_only_refuses_a_lake_with_an_interrupted_commit(tmp_path: Path) -> None:
    """A crash between the Iceberg commit and the stream-offset update (the state
    tests/emulator/iceberg_tables/test_exactly_once.py provokes with a killed process) is
    repaired when a writer opens the lake; a read-only open cannot write the repair, so it
    refuses instead of showing the stream's already-loaded rows again."""
    from emulator.core import stream_objects as objects
    from icebridge.demo import setup_statements
    from icebridge.examples import orders

    pipeline = orders.orders_append
    stream = "AUTOMATED_INTELLIGENCE.STAGING.ORDERS_STAGING_STREAM"
    with Emulator(tmp_path) as emu:
        emu.execute_script(setup_statements([pipeline]) + pipeline.sql())
        pipeline.ingest(emu, [{"ORDER_ID": 1, "STATUS": "NEW"}])
        emu.advance("1 minute")  # the load task appends the row to Iceberg
        engine = emu.engine
        found = engine.catalog.find(ObjectName.parse(stream))
        assert found is not None
        # Lose the offset update, as a crash between the two commits would.
        with engine.transactions.unit():
            objects.save_offset(engine, objects.from_object(found), 0, consumed_at=None)
    with pytest.raises(LakeError, match="interrupted commit"):
        Emulator(tmp_path, read_only=True)
    with Emulator(tmp_path) as emu:  # the writer repairs it
        assert emu.sql(f"SELECT SYSTEM$STREAM_HAS_DATA('{stream}')").column(0)[0].as_py() is False
    with Emulator(tmp_path, read_only=True) as emu:
        assert emu.sql(f"SELECT SYSTEM$STREAM_HAS_DATA('{stream}')").column(0)[0].as_py() is False


def test_read_only_needs_an_existing_lake(tmp_path: Path) -> None:
    with pytest.raises(LakeError, match="no lake"):
        Emulator(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()
    with pytest.raises(LakeError, match="needs a path"):
        Emulator(read_only=True)


def test_an_emulator_dropped_without_close_releases_the_lake(tmp_path: Path) -> None:
    Emulator(tmp_path).sql("CREATE DATABASE dropped")  # never closed
    gc.collect()
    with Emulator(tmp_path) as emu:
        assert emu.sql("SHOW DATABASES LIKE 'DROPPED'").num_rows == 1
