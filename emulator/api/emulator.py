"""The emulator session: Snowflake SQL text executed on one DuckDB database.

Statement flow: split the script (:mod:`emulator.core.script`) -> parse each statement with
icebridge's Snowflake dialect -> dispatch on the statement kind (:mod:`emulator.statements.kinds`)
-> DDL/DML/queries run against DuckDB in a transaction -> DuckDB errors are mapped to
Snowflake's (:mod:`emulator.core.duck_errors`).

Transactions (https://docs.snowflake.com/en/sql-reference/transactions):

* autocommit by default: each statement runs in its own DuckDB transaction, so a failing
  statement leaves nothing behind;
* ``BEGIN`` / ``START TRANSACTION`` ... ``COMMIT`` / ``ROLLBACK`` map to one DuckDB
  transaction;
* a DDL statement inside an explicit transaction first commits it and then runs in its own
  transaction (Snowflake's implicit commit);
* a failing statement inside an explicit transaction is rolled back alone and the
  transaction stays open (Snowflake's statement-level rollback, TRANSACTION_ABORT_ON_ERROR
  = FALSE). DuckDB has no savepoints and aborts a transaction on some errors, so the
  emulator then rolls back and replays the transaction's earlier writes in order.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.capture import ChangeCapture
from emulator.core.catalog import Catalog
from emulator.core.clock import Clock, VirtualClock, parse_duration
from emulator.core.duck_errors import map_error
from emulator.core.resolve import Resolver
from emulator.core.scheduler import RunRecord, Scheduler
from emulator.core.script import parse_statement, split
from emulator.core.state import SessionState
from emulator.core.translation import TranslateContext, to_duckdb
from icebridge.errors import SqlError
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.api.connector import Connection

DB_FILE = "native.duckdb"


@dataclass(frozen=True)
class QueryResult:
    """The result of one statement."""

    table: pa.Table
    rowcount: int | None
    query_id: str
    statement_kind: str


@dataclass(frozen=True)
class Outcome:
    """What a statement handler returns to the session."""

    table: pa.Table
    rowcount: int | None = None


def status(message: str) -> Outcome:
    """A DDL-style one-row ``status`` result."""
    return Outcome(pa.table({"status": pa.array([message], pa.string())}))


SUCCESS = "Statement executed successfully."


class Emulator:
    """Runs Snowflake SQL offline on DuckDB.

    ``Emulator()`` keeps everything in memory; ``Emulator(path=...)`` keeps it in
    ``<path>/native.duckdb`` and restores every object and row on reopen. Time comes from
    ``clock`` (a :class:`~emulator.core.clock.VirtualClock` unless given).
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        clock: Clock | None = None,
        behavior_change_bundles: Iterable[str] = (),
        external_volumes: Mapping[str, str | Path] | None = None,
    ) -> None:
        # Enabled Snowflake behavior-change bundles, e.g. {"2026_06"} (see docs/fidelity).
        self.behavior_change_bundles = frozenset(behavior_change_bundles)
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(str(self.path / DB_FILE))
        else:
            self.con = duckdb.connect(":memory:")
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.scheduler = Scheduler(self.clock)
        self.lock = threading.RLock()  # one lock for statements, ingest and scheduled runs
        self.state = SessionState()
        self.catalog = Catalog(self.con)
        self.resolver = Resolver(self.catalog, self.state)
        self.capture = ChangeCapture(self.con, self.catalog, self.clock.now)
        from emulator.statements.show import information_schema

        self.resolver.information_schema = lambda db, view, table: information_schema(
            self, db, view, table
        )
        self.in_transaction = False
        self._journal: list[Callable[[], Outcome]] = []
        self._replaying = False
        self._closed = False
        # Features rewrite a parsed statement before dispatch (e.g. SYSTEM$ functions);
        # close hooks run before DuckDB closes (e.g. flushing in-memory history).
        self.statement_rewriters: list[Callable[[Emulator, exp.Expression], exp.Expression]] = []
        self.close_hooks: list[Callable[[], None]] = []
        # Run after each autocommit statement's DuckDB COMMIT (e.g. a test fault point).
        self.commit_hooks: list[Callable[[], None]] = []
        # Statements committed so far: a cheap "did any data change?" check for features
        # that cache what they read (e.g. a false task WHEN condition).
        self.commit_count = 0
        from emulator.features.streams import rewrite_stream_functions
        from emulator.features.streams.consume import StreamTracker
        from emulator.features.streams.relation import relation as history_relation

        self.streams = StreamTracker(self)  # stream reads and offsets (consumption)
        self.resolver.history = lambda obj, table: history_relation(self, obj, table)
        self.statement_rewriters.append(rewrite_stream_functions)
        self.con.execute("BEGIN")
        self.catalog.install()
        from emulator.statements.ddl import drop_temporary_tables

        drop_temporary_tables(self)
        self.con.execute("COMMIT")
        self.apply_timezone()
        from emulator.features.tasks.engine import install as install_tasks

        self.tasks = install_tasks(self)
        from emulator.features.dynamic.schedule import install as install_dynamic

        # Registered eagerly so a reopened emulator refreshes its dynamic tables on advance().
        self.dynamic_tables = install_dynamic(self)
        from emulator.features.tasks.realtime import RealtimeDriver

        self._realtime = RealtimeDriver(self)
        # Iceberg tables: the store (opened on first use); a reopened emulator moves stream
        # offsets recorded by an Iceberg commit whose DuckDB commit was lost.
        from emulator.features.iceberg_tables import IcebergTables

        self.iceberg = IcebergTables(self, external_volumes)
        self.close_hooks.append(self.iceberg.close)
        if self.path is not None:
            self.iceberg.repair()

    # -- public API ------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The emulator's current time (timezone-aware UTC)."""
        return self.clock.now()

    def advance(self, delta: timedelta | str | None = None, **kwargs: float) -> list[RunRecord]:
        """Move the clock forward: ``advance("5 minutes")``, ``advance(minutes=5)`` or a
        :class:`~datetime.timedelta`; fires every task run and refresh that falls due, in
        time order, and returns them."""
        if isinstance(delta, str):
            step = parse_duration(delta)
        else:
            step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("a clock cannot move backwards")
        self._check_open()
        with self.lock:
            return self.scheduler.advance_to(self.clock.now() + step)

    def start(self) -> None:
        """Real-time mode: a background thread fires task runs and refreshes as the clock
        moves (see :mod:`emulator.features.tasks.realtime`)."""
        self._check_open()
        self._realtime.start()

    def stop(self) -> list[RunRecord]:
        """Stop real-time mode; the runs it performed."""
        self._realtime.stop()
        records, self._realtime.records = self._realtime.records, []
        return records

    @property
    def realtime_running(self) -> bool:
        """True while :meth:`start` is in effect."""
        return self._realtime.running

    def execute(self, sql: str) -> pa.Table:
        """Run a script of ``;``-separated statements in order; the last statement's result."""
        result = pa.table({"status": pa.array([SUCCESS], pa.string())})
        for text in split(sql):
            result = self.run(text).table
        return result

    def sql(self, sql: str) -> pa.Table:
        """Run exactly one statement and return its result."""
        return self.run(sql).table

    def run(self, sql: str) -> QueryResult:
        """Run exactly one statement; its result, row count, query id and kind."""
        self._check_open()
        query_id = str(uuid.uuid4())
        try:
            node = parse_statement(sql)
        except SqlError as err:
            if err.sfqid is None:
                err.sfqid = query_id
            raise
        return self.run_parsed(node, sql, query_id=query_id)

    def run_parsed(
        self, node: exp.Expression, sql: str, *, query_id: str | None = None
    ) -> QueryResult:
        """Run one already parsed statement (``sql`` is its text, for messages)."""
        self._check_open()
        query_id = query_id or str(uuid.uuid4())
        from emulator.statements.kinds import classify, handler_for

        with self.lock:
            try:
                for rewrite in self.statement_rewriters:
                    node = rewrite(self, node)
                kind = classify(sql, node)
                handler = handler_for(kind)
                final = node
                self.streams.start(final, query_id)
                outcome = self._run_handler(kind, lambda: handler(self, final, sql))
            except SqlError as err:
                if err.sfqid is None:
                    err.sfqid = query_id
                raise
        return QueryResult(outcome.table, outcome.rowcount, query_id, kind.name)

    def execute_script(self, statements: Sequence[str]) -> None:
        """Run statements in order, stopping at the first error (the Target protocol)."""
        for statement in statements:
            self.execute(statement)

    def insert_rows(self, table: ObjectName, batch: pa.Table) -> int:
        """Insert an Arrow batch atomically; omitted columns take their DEFAULT."""
        self._check_open()
        from emulator.api.ingest import insert_batch

        with self.lock:
            outcome = self._run_handler(None, lambda: insert_batch(self, table, batch))
        return outcome.rowcount or 0

    def query(self, sql: str) -> pa.Table:
        """Run one query and return its rows (the Target protocol)."""
        return self.sql(sql)

    def compact_iceberg(self, name: str) -> int | None:
        """Rewrite the small data files of Iceberg table ``name`` ('DB.SCHEMA.T') in one
        ``replace`` snapshot; the snapshot id, or None when nothing needed compacting."""
        self._check_open()
        return self.iceberg.compact(name)

    def connect(self) -> Connection:
        """A DB-API style connection over this emulator."""
        from emulator.api.connector import Connection

        return Connection(self)

    def close(self) -> None:
        """Roll back an open transaction, drop temporary tables and close DuckDB."""
        if self._closed:
            return
        self._realtime.stop()
        if self.in_transaction:
            self.con.execute("ROLLBACK")
            self.in_transaction = False
        for hook in self.close_hooks:
            hook()
        from emulator.statements.ddl import drop_temporary_tables

        self.con.execute("BEGIN")
        drop_temporary_tables(self)
        self.con.execute("COMMIT")
        self.con.close()
        self._closed = True

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- used by statement handlers --------------------------------------------------------

    def context(self) -> TranslateContext:
        """The translation context for the statement being run."""
        return TranslateContext(
            timezone=self.state.timezone,
            now=self.clock.now(),
            variables=dict(self.state.variables),
            resolve_table=self.resolver.relation,
        )

    def translate(self, node: exp.Expression) -> exp.Expression:
        """Snowflake AST -> DuckDB AST with the session's context."""
        return to_duckdb(_with_session_functions(node, self.state), self.context())

    def fetch(self, duck_sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run DuckDB SQL and return Arrow."""
        return self.con.execute(duck_sql, params or []).to_arrow_table()

    def apply_timezone(self) -> None:
        """Keep DuckDB's TimeZone equal to the session TIMEZONE (NTZ casts use it)."""
        self.con.execute("SET TimeZone = ?", [self.state.timezone])

    def begin(self) -> None:
        if not self.in_transaction:
            self.con.execute("BEGIN")
            self.in_transaction = True
            self._journal = []
            self.capture.reset()
            self.streams.on_begin()

    def commit(self) -> None:
        if self.in_transaction:
            self.streams.on_commit()  # offsets consumed in the transaction commit with it
            self.con.execute("COMMIT")
            self.commit_count += 1
            self.in_transaction = False
            self._journal = []
            self.capture.reset()

    def rollback(self) -> None:
        if self.in_transaction:
            self.con.execute("ROLLBACK")
            self.in_transaction = False
            self._journal = []
            self.capture.reset()
            self.streams.on_rollback()

    # -- internals -------------------------------------------------------------------------

    def _run_handler(self, kind: Any, call: Callable[[], Outcome]) -> Outcome:
        from emulator.statements.kinds import Kind

        if kind is not None and kind.transaction_control:
            return self._guard(call)
        if kind is not None and kind.ddl and self.in_transaction:
            self.commit()  # Snowflake commits an open transaction before DDL
        read_only = kind in (Kind.QUERY, Kind.SHOW, Kind.SHOW_PARAMETERS, Kind.DESCRIBE)
        if self.in_transaction:
            # Only writes are replayed after a failure; session statements (SET, USE …)
            # change Python state that a DuckDB rollback does not touch.
            writes = kind is None or kind in (
                Kind.INSERT,
                Kind.UPDATE,
                Kind.DELETE,
                Kind.MERGE,
                Kind.TRUNCATE,
            )
            outcome = self._in_transaction(call, journal=writes)
            self.streams.finish(kind)
            return outcome
        if read_only:
            return self._guard(call)  # reads need no explicit transaction (cheaper)
        self.con.execute("BEGIN")
        self.capture.reset()
        try:
            outcome = self._guard(call)
            self.streams.finish(kind)  # a committed DML statement consumes what it read
        except BaseException:
            self.con.execute("ROLLBACK")
            self.capture.reset()
            raise
        self.con.execute("COMMIT")
        self.commit_count += 1
        self.capture.reset()
        for hook in self.commit_hooks:
            hook()
        return outcome

    def _in_transaction(self, call: Callable[[], Outcome], *, journal: bool) -> Outcome:
        try:
            outcome = self._guard(call)
        except BaseException:
            self._restore_after_failure(wrote=journal)
            raise
        if journal:
            self._journal.append(call)
        return outcome

    def _restore_after_failure(self, *, wrote: bool) -> None:
        """Undo a failed statement inside an explicit transaction, keeping earlier ones.

        A failed write may have written part of its rows, and DuckDB aborts the whole
        transaction on some errors, so both cases roll back and replay the earlier writes.
        """
        try:
            self.con.execute("SELECT 1").fetchall()
            aborted = False
        except duckdb.Error:
            aborted = True
        if not aborted and not wrote:
            return
        journal = list(self._journal)
        self.con.execute("ROLLBACK")
        self.con.execute("BEGIN")
        self.capture.reset()
        self._replaying = True
        try:
            for step in journal:
                self._guard(step)
        finally:
            self._replaying = False

    def _guard(self, call: Callable[[], Outcome]) -> Outcome:
        try:
            return call()
        except SqlError:
            raise
        except duckdb.Error as err:
            raise map_error(err) from None

    def _check_open(self) -> None:
        if self._closed:
            raise errors.generic("The emulator is closed.", errno=390114, sqlstate="08003")


def _with_session_functions(node: exp.Expression, state: SessionState) -> exp.Expression:
    """Session values for CURRENT_DATABASE() & co.; fully qualified columns shortened."""

    def value(text: str | None) -> exp.Expression:
        return exp.Null() if text is None else exp.Literal.string(text)

    def fix(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and (n.args.get("db") or n.args.get("catalog")):
            # db.schema.t.col -> t.col: relations keep the written table name as alias.
            n.set("db", None)
            n.set("catalog", None)
            return n
        if isinstance(n, exp.CurrentDatabase):
            return value(state.database)
        if isinstance(n, exp.CurrentSchema):
            return value(state.schema)
        if isinstance(n, exp.Anonymous):
            name = str(n.name).upper()
            if name == "CURRENT_WAREHOUSE":
                return value(state.warehouse)
            if name == "CURRENT_ROLE":
                return value(state.role)
        return n

    return node.copy().transform(fix, copy=False)
