"""The public emulator facade: ``Emulator`` runs Snowflake SQL offline.

The facade keeps a small surface (``execute``, ``sql``, ``run``, ``advance``, ``now``,
``connect``, ``close``, real-time ``start``/``stop``, and the deploy-target methods
``execute_script``, ``insert_rows``, ``query``). Everything else lives in the
:class:`~emulator.api.engine.EmulatorEngine` behind it, reachable as ``emu.engine`` for
tools and tests; that object is internal and may change between releases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pyarrow as pa

from emulator.api.engine import EmulatorEngine
from emulator.api.realtime import RealtimeDriver
from emulator.core.clock import Clock, shifted, step_of
from emulator.core.engine import SUCCESS, QueryResult
from emulator.core.scheduler import RunRecord
from emulator.core.script import split
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.api.connector import Connection

__all__ = ["Emulator", "QueryResult"]


class Emulator:
    """Runs Snowflake SQL offline on DuckDB (native tables) and PyIceberg (Iceberg tables).

    ``Emulator()`` keeps everything in memory; ``Emulator(path=...)`` keeps it under
    ``path`` (a lake) and restores every object, row, stream offset, task, Iceberg table and
    the clock on reopen. A lake has one writer: opening a path another Emulator holds (in
    this process or another) raises :class:`~icebridge.errors.LakeLockedError` naming it.
    ``read_only=True`` opens a lake for queries only (SELECT, SHOW, DESCRIBE, TASK_HISTORY
    …; any write raises :class:`~icebridge.errors.LakeReadOnlyError`); several read-only
    Emulators may share a lake, but not beside a writer.

    Time comes from ``clock`` (a :class:`~emulator.core.clock.VirtualClock` unless given;
    a reopened lake resumes where its clock stopped, and a clock reading earlier than that
    is a :class:`~icebridge.errors.ClockError`). ``behavior_change_bundles`` enables
    Snowflake bundles such as ``{"2026_06"}``; ``external_volumes`` maps volume names to
    directories.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        clock: Clock | None = None,
        behavior_change_bundles: Iterable[str] = (),
        external_volumes: Mapping[str, str | Path] | None = None,
        read_only: bool = False,
    ) -> None:
        self.engine = EmulatorEngine(
            Path(path) if path is not None else None,
            clock=clock,
            behavior_change_bundles=behavior_change_bundles,
            external_volumes=external_volumes,
            read_only=read_only,
        )
        self._realtime = RealtimeDriver(self.engine)

    @property
    def now(self) -> datetime:
        """The emulator's current time (timezone-aware UTC)."""
        return self.engine.now

    @property
    def path(self) -> Path | None:
        """The directory of a persistent emulator (None in memory)."""
        return self.engine.path

    @property
    def read_only(self) -> bool:
        """True when opened with ``read_only=True`` (queries only)."""
        return self.engine.read_only

    def advance(self, delta: timedelta | str | None = None, **kwargs: float) -> list[RunRecord]:
        """Move the clock forward: ``advance("5 minutes")``, ``advance(minutes=5)`` or a
        :class:`~datetime.timedelta`; fires every task run and refresh that falls due, in
        time order, and returns them. Time never moves backwards: a negative or malformed
        duration is a :class:`~icebridge.errors.ClockError` (also a ``ValueError``)."""
        step = step_of(delta, kwargs)
        engine = self.engine
        engine.check_open()
        engine.check_writable("advance the clock")
        with engine.lock:
            engine.sessions.check_turn(engine.in_transaction)  # runs join no other's BEGIN
            return engine.scheduler.advance_to(shifted(engine.clock.now(), step))

    def start(self) -> None:
        """Real-time mode: a background thread fires task runs and refreshes as the clock
        moves (see :mod:`emulator.api.realtime`)."""
        self.engine.check_open()
        self.engine.check_writable("start real-time mode")
        self._realtime.start()

    def stop(self) -> list[RunRecord]:
        """Stop real-time mode; the runs it performed."""
        self._realtime.stop()
        records, self._realtime.records = self._realtime.records, []
        return records

    @property
    def realtime_running(self) -> bool:
        """True while :meth:`start` is in effect."""
        return self.engine.realtime_running

    def execute(self, sql: str) -> pa.Table:
        """Run a script of ``;``-separated statements in order; the last statement's result."""
        result = pa.table({"status": pa.array([SUCCESS], pa.string())})
        for text in split(sql):
            result = self.engine.run(text).table
        return result

    def sql(self, sql: str) -> pa.Table:
        """Run exactly one statement and return its result."""
        return self.engine.run(sql).table

    def run(self, sql: str) -> QueryResult:
        """Run exactly one statement; its result, row count, query id and kind."""
        return self.engine.run(sql)

    def execute_script(self, statements: Sequence[str]) -> None:
        """Run statements in order, stopping at the first error (the Target protocol)."""
        for statement in statements:
            self.execute(statement)

    def insert_rows(self, table: ObjectName, batch: pa.Table) -> int:
        """Insert an Arrow batch atomically; omitted columns take their DEFAULT."""
        from emulator.api.ingest import insert_batch

        engine = self.engine
        engine.check_open()
        engine.check_writable("insert rows")
        with engine.lock:
            outcome = engine.run_unit(None, lambda: insert_batch(engine, table, batch))
        return outcome.rowcount or 0

    def query(self, sql: str) -> pa.Table:
        """Run one query and return its rows (the Target protocol)."""
        return self.sql(sql)

    def compact_iceberg(self, name: str) -> int | None:
        """Rewrite the small data files of Iceberg table ``name`` ('DB.SCHEMA.T') in one
        ``replace`` snapshot; the snapshot id, or None when nothing needed compacting."""
        engine = self.engine
        engine.check_open()
        engine.check_writable("compact an Iceberg table")
        with engine.lock:
            return engine.lake.compact(engine.catalog, engine.state, name)

    def connect(self) -> Connection:
        """A DB-API connection over this emulator, shaped like snowflake-connector-python's."""
        from emulator.api.connector import Connection

        return Connection(self)

    def close(self) -> None:
        """Stop real-time mode, roll back an open transaction and close the emulator (a
        lake records its clock and is released for the next writer)."""
        if self.engine.closed:
            return
        self._realtime.stop()
        self.engine.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
