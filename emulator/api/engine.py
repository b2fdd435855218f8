"""The emulator engine: the statement path from Snowflake text to DuckDB and Iceberg.

Statement flow: split the script (:mod:`emulator.core.script`) -> parse each statement with
icebridge's Snowflake dialect -> feature rewriters (SYSTEM$ functions) -> the registry finds
the handler by node class (:mod:`emulator.statements.dispatch`) -> the handler runs in a
DuckDB transaction opened by :class:`~emulator.core.transactions.Transactions` -> DuckDB
errors are mapped to Snowflake's (:mod:`emulator.core.duck_errors`).

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

A persistent engine (a lake at ``path``) holds the lake's lock from open to close
(:mod:`emulator.core.lake_lock`: one writer, or read-only opens that refuse every write) and
records its clock on every move (:mod:`emulator.core.clock_store`), so a reopen resumes
where the clock stopped.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.capture import ChangeCapture
from emulator.core.catalog import Catalog
from emulator.core.clock import Clock, VirtualClock, WatchedClock, resume
from emulator.core.clock_store import ClockFile, latest_recorded
from emulator.core.duck_errors import map_error
from emulator.core.engine import Engine, Outcome, QueryResult
from emulator.core.lake import Lake
from emulator.core.lake_lock import LakeLock, duckdb_lock_error
from emulator.core.registry import Kind, Registry
from emulator.core.resolve import Resolver
from emulator.core.sandbox import lock_down
from emulator.core.scheduler import Scheduler
from emulator.core.script import parse_statement
from emulator.core.state import Sessions, SessionState
from emulator.core.transactions import Transactions
from emulator.core.translation import (
    TranslateContext,
    Translations,
    to_duckdb,
    with_session_functions,
)
from emulator.features.dynamic.feature import install as install_dynamic_tables
from emulator.features.iceberg_tables.feature import install as install_iceberg_tables
from emulator.features.stages.feature import install as install_stages
from emulator.features.streams.feature import install as install_streams
from emulator.features.tasks.feature import install as install_tasks
from emulator.statements import dispatch
from emulator.statements.ddl import drop_temporary_tables
from icebridge.errors import LakeError, LakeReadOnlyError, SqlError

DB_FILE = "native.duckdb"
#: What a read-only lake runs: queries and session statements (their state is in memory).
_READ_ONLY_KINDS = frozenset(
    {
        Kind.QUERY,
        Kind.SHOW,
        Kind.SHOW_PARAMETERS,
        Kind.DESCRIBE,
        Kind.USE,
        Kind.ALTER_SESSION,
        Kind.SET,
        Kind.UNSET,
        Kind.BEGIN,
        Kind.COMMIT,
        Kind.ROLLBACK,
        Kind.UNSUPPORTED,
    }
)

#: Features installed into every emulator, in order (each registers what it handles).
FEATURES = (
    install_streams,
    install_tasks,
    install_dynamic_tables,
    install_iceberg_tables,
    install_stages,
)


class EmulatorEngine:
    """The :class:`~emulator.core.engine.Engine` behind an :class:`Emulator` facade."""

    def __init__(
        self,
        path: Path | None,
        *,
        clock: Clock | None,
        behavior_change_bundles: Iterable[str],
        external_volumes: Mapping[str, str | Path] | None,
        read_only: bool = False,
    ) -> None:
        # Enabled Snowflake behavior-change bundles, e.g. {"2026_06"} (see docs/fidelity).
        self.behavior_change_bundles = frozenset(behavior_change_bundles)
        self.path = path
        #: Opened with read_only=True: queries only, every write raises LakeReadOnlyError.
        self.read_only = read_only
        self._closed = False
        self._lake_lock: LakeLock | None = None
        self._clock_file: ClockFile | None = None
        if path is not None:
            self._lake_lock = _lock_lake(path, read_only=read_only)
            try:
                self.con = _connect(path, read_only=read_only)
            except BaseException:
                self._lake_lock.release()
                raise
        else:
            if read_only:
                raise LakeError("read_only=True needs a path: an in-memory emulator is new")
            self.con = duckdb.connect(":memory:")
        try:
            self._open(clock, external_volumes)
        except BaseException:
            self._abandon()
            raise

    def _open(self, clock: Clock | None, external_volumes: Mapping[str, str | Path] | None) -> None:
        path = self.path
        if path is not None:
            # The lake's time never moves backwards: resume at the recorded instant.
            self._clock_file = ClockFile(path)
            recorded = self._clock_file.load() or latest_recorded(self.con)
            clock = resume(clock, recorded, str(path))
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.scheduler = Scheduler(self.clock)
        self.lock = threading.RLock()  # one lock for statements, ingest and scheduled runs
        self.state = SessionState()
        self.sessions = Sessions(self.state)  # one per connection; see Sessions
        self.registry: Registry[Engine] = Registry()
        self.catalog = Catalog(self.con)
        self.resolver = Resolver(self.catalog, self.state, self.registry)
        self.capture = ChangeCapture(self.con, self.catalog, self.clock.now)
        self.transactions = Transactions(self.con, self.capture, self.registry.commit_hooks)
        self.lake = Lake(self.clock.now, path, external_volumes)
        lock_down(self.con, self.lake)  # DuckDB may touch the lake's directories only
        self.realtime_running = False
        self._translations = Translations()
        self._explicit = False
        self._journal: list[Callable[[], Outcome]] = []
        dispatch.install(self.registry, self)
        for install in FEATURES:
            install(self)
        self.registry.close_hooks.append(self.lake.close)  # after the features' flushes
        if not self.read_only:
            with self.transactions.unit():
                self.catalog.install(self.registry.metadata_ddl)
                drop_temporary_tables(self)
        self.apply_timezone()
        if path is not None:
            self._run_open_hooks()
        if self._clock_file is not None and not self.read_only:
            # Every move is recorded before anything can commit at the new instant; the
            # commit hook covers clocks that move on their own (real time, custom clocks).
            self._clock_file.save(self.clock.now())
            if isinstance(self.clock, WatchedClock):
                self.clock.watch(self._clock_file.save)
            self.registry.commit_hooks.append(self.record_clock)

    def _run_open_hooks(self) -> None:
        try:
            for hook in self.registry.open_hooks:
                hook()
        except duckdb.Error as err:
            if self.read_only and _read_only_refusal(err):
                raise LakeError(
                    f"The lake at {self.path} has an interrupted commit to repair, which a "
                    "read-only open cannot write: open it once without read_only=True.",
                    path=str(self.path),
                ) from None
            raise map_error(err) from None

    def _abandon(self) -> None:
        """Undo a failed open: close DuckDB and the store, release the lake."""
        self._closed = True
        lake = getattr(self, "lake", None)
        try:
            if lake is not None:
                lake.close()
        finally:
            self.con.close()
            if self._lake_lock is not None:
                self._lake_lock.release()

    def record_clock(self) -> None:
        """Record the clock's instant in the lake if it moved on (a commit hook)."""
        if self._clock_file is not None and not self._closed:
            self._clock_file.save(self.clock.now())

    # -- the Engine interface ----------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The emulator's current time (timezone-aware UTC)."""
        return self.clock.now()

    @property
    def in_transaction(self) -> bool:
        """True inside an explicit BEGIN … COMMIT."""
        return self._explicit

    @property
    def commit_count(self) -> int:
        """DuckDB transactions committed so far."""
        return self.transactions.commits

    @property
    def closed(self) -> bool:
        """True once the emulator is closed."""
        return self._closed

    def context(self) -> TranslateContext:
        """The translation context for the statement being run."""
        return TranslateContext(
            timezone=self.state.timezone,
            now=self.clock.now(),
            variables=dict(self.state.variables),
            resolve_table=self.resolver.relation,
        )

    def translate(self, node: exp.Expression) -> exp.Expression:
        """Snowflake AST -> DuckDB AST with the session's context.

        A translation that resolved plain tables and views only is kept and reused while
        the statement, the catalog, the session state and the clock stay the same.
        """
        key = self._translation_key(node)
        if key is not None:
            kept = self._translations.get(key)
            if kept is not None:
                return kept
        resolver = self.resolver
        before = resolver.feature_reads
        # with_session_functions returns a fresh copy, which the translation may consume.
        tree = to_duckdb(with_session_functions(node, self.state), self.context(), copy=False)
        reusable = key is not None and resolver.feature_reads == before
        if key is not None and reusable and self._translations.worth_keeping(key):
            # The key keeps its own copy of the statement: the caller may change ``node``.
            self._translations.put((key[0], node.copy(), *key[2:]), tree)
        return tree

    def _translation_key(self, node: exp.Expression) -> tuple[object, ...] | None:
        """What a translation depends on, or None when it cannot be told (unhashable values)."""
        state = self.state
        key = (
            type(node),
            node,  # structural hash and equality (sqlglot's)
            self.catalog.generation,
            self.clock.now(),
            state.database,
            state.schema,
            state.warehouse,
            state.role,
            tuple(sorted(state.parameters.items())),
            tuple(sorted(state.variables.items())),
        )
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def fetch(self, duck_sql: str | exp.Expression, params: list[Any] | None = None) -> pa.Table:
        """Run DuckDB SQL (text or a DuckDB AST) and return Arrow."""
        text = duck_sql if isinstance(duck_sql, str) else duck_sql.sql(dialect="duckdb")
        return self.con.execute(text, params or []).to_arrow_table()

    def apply_timezone(self) -> None:
        """Keep DuckDB's TimeZone equal to the session TIMEZONE (NTZ casts use it)."""
        self.con.execute("SET TimeZone = ?", [self.state.timezone])

    def begin(self) -> None:
        """BEGIN: open an explicit transaction (a no-op inside one, as in Snowflake)."""
        if not self._explicit:
            self.transactions.begin()
            self._explicit = True
            self.sessions.hold()
            self._journal = []
            for listener in self.registry.listeners:
                listener.on_begin()

    def commit(self) -> None:
        """COMMIT the explicit transaction; stream offsets consumed in it commit with it."""
        if self._explicit:
            for listener in self.registry.listeners:
                listener.on_commit()
            self.transactions.commit(hooks=False)
            self._explicit = False
            self.sessions.release()
            self._journal = []

    def rollback(self) -> None:
        """ROLLBACK the explicit transaction."""
        if self._explicit:
            self.transactions.rollback()
            self._explicit = False
            self.sessions.release()
            self._journal = []
            for listener in self.registry.listeners:
                listener.on_rollback()

    # -- the statement path ----------------------------------------------------------------

    def run(self, sql: str) -> QueryResult:
        """Run exactly one statement; its result, row count, query id and kind."""
        self.check_open()
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
        self.check_open()
        query_id = query_id or str(uuid.uuid4())
        with self.lock:
            try:
                node = self.registry.rewrite(self, node)
                kind, handler = dispatch.resolve(self.registry, sql, node)
                if self.read_only and kind not in _READ_ONLY_KINDS:
                    raise read_only_error(self.path, f"run {kind.name.replace('_', ' ')}")
                final = node
                for listener in self.registry.listeners:
                    listener.start(final, query_id)
                outcome = self.run_unit(kind, lambda: handler(self, final, sql))
            except SqlError as err:
                if err.sfqid is None:
                    err.sfqid = query_id
                raise
            except duckdb.Error as err:  # from a rewriter (handlers' go through _guard)
                mapped = self._mapped(err)
                mapped.sfqid = query_id
                raise mapped from None
        return QueryResult(outcome.table, outcome.rowcount, query_id, kind.name)

    def run_unit(self, kind: Kind | None, call: Callable[[], Outcome]) -> Outcome:
        """Run ``call`` as one statement of ``kind`` (None: an ingest batch) with
        Snowflake's transaction rules."""
        if kind is None:
            self.check_writable("ingest rows")
        self.sessions.check_turn(self._explicit)  # never inside another session's BEGIN
        if kind is not None and kind.transaction_control:
            return self._guard(call)
        if kind is not None and kind.ddl and self._explicit:
            self.commit()  # Snowflake commits an open transaction before DDL
        autocommit = self.state.parameters["AUTOCOMMIT"]
        if kind is not None and kind.writes and not self._explicit and not autocommit:
            self.begin()  # AUTOCOMMIT = FALSE: a DML statement begins a transaction
        if self._explicit:
            # Only writes are replayed after a failure; session statements (SET, USE …)
            # change Python state that a DuckDB rollback does not touch.
            outcome = self._in_transaction(call, journal=kind is None or kind.writes)
            self._finish(kind)
            return outcome
        if kind is not None and kind.read_only:
            return self._guard(call)  # reads need no explicit transaction (cheaper)
        self.transactions.begin()
        try:
            outcome = self._guard(call)
            self._finish(kind)  # a committed DML statement consumes what it read
        except BaseException:
            self.transactions.rollback()
            raise
        self.transactions.commit()
        return outcome

    def _finish(self, kind: Kind | None) -> None:
        for listener in self.registry.listeners:
            listener.finish(kind)

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
        self.transactions.rollback()
        self.transactions.begin()
        for step in journal:
            self._guard(step)

    def _guard(self, call: Callable[[], Outcome]) -> Outcome:
        try:
            return call()
        except SqlError:
            raise
        except duckdb.Error as err:
            raise self._mapped(err) from None

    def _mapped(self, err: duckdb.Error) -> SqlError:
        if self.read_only and _read_only_refusal(err):
            return read_only_error(self.path, "write")  # DuckDB's own read-only backstop
        return map_error(err)

    def check_open(self) -> None:
        """Raise Snowflake's "session closed" error once the emulator is closed."""
        if self._closed:
            raise errors.generic("The emulator is closed.", errno=390114, sqlstate="08003")

    def check_writable(self, what: str) -> None:
        """Raise LakeReadOnlyError for ``what`` (a write) on a read-only lake."""
        if self.read_only:
            raise read_only_error(self.path, what)

    def close(self) -> None:
        """Roll back an open transaction, drop temporary tables and close DuckDB; record
        the clock and release the lake (also when a close step fails)."""
        if self._closed:
            return
        try:
            if self._explicit:
                self.transactions.rollback()
                self._explicit = False
            if self.read_only:
                self.lake.close()  # a read-only lake has nothing to flush
            else:
                for hook in self.registry.close_hooks:
                    hook()
                with self.transactions.unit():
                    drop_temporary_tables(self)
                    self.catalog.flush_versions()  # versions counted in memory (untracked)
                self.record_clock()
        finally:
            self._closed = True
            if isinstance(self.clock, WatchedClock) and self._clock_file is not None:
                self.clock.unwatch(self._clock_file.save)
            self.con.close()
            if self._lake_lock is not None:
                self._lake_lock.release()


def _lock_lake(path: Path, *, read_only: bool) -> LakeLock:
    """Lock the lake at ``path`` (created for a writer; it must exist for a reader)."""
    if read_only:
        if not (path / DB_FILE).is_file():
            raise LakeError(f"There is no lake at {path} to open read-only.", path=str(path))
    else:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LakeError(f"Cannot create the lake at {path}: {err}", path=str(path)) from None
    try:
        return LakeLock.acquire(path, read_only=read_only)
    except OSError as err:
        raise LakeError(f"Cannot lock the lake at {path}: {err}", path=str(path)) from None


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """The lake's DuckDB file; DuckDB's own lock conflict is a LakeLockedError (backstop)."""
    try:
        return duckdb.connect(str(path / DB_FILE), read_only=read_only)
    except duckdb.Error as err:
        locked = duckdb_lock_error(path, err)
        if locked is not None:
            raise locked from None
        raise LakeError(f"Cannot open the lake at {path}: {err}", path=str(path)) from None


def _read_only_refusal(err: BaseException) -> bool:
    """True for DuckDB's refusal to write through a read-only connection."""
    return isinstance(err, duckdb.Error) and "attached in read-only mode" in str(err)


def read_only_error(path: Path | None, what: str) -> LakeReadOnlyError:
    """``990002 (25006)``: a write on a lake opened with read_only=True."""
    err = LakeReadOnlyError(
        f"Cannot {what}: the lake at {path} is open read-only (Emulator(path, "
        "read_only=True)). Close it and open it without read_only to write.",
        errno=990002,
        sqlstate="25006",
    )
    err.path = str(path)
    return err
