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
from emulator.core.clock import Clock, VirtualClock
from emulator.core.duck_errors import map_error
from emulator.core.engine import Engine, Outcome, QueryResult
from emulator.core.lake import Lake
from emulator.core.registry import Kind, Registry
from emulator.core.resolve import Resolver
from emulator.core.scheduler import Scheduler
from emulator.core.script import parse_statement
from emulator.core.state import SessionState
from emulator.core.transactions import Transactions
from emulator.core.translation import (
    TranslateContext,
    Translations,
    to_duckdb,
    with_session_functions,
)
from emulator.features.dynamic.feature import install as install_dynamic_tables
from emulator.features.iceberg_tables.feature import install as install_iceberg_tables
from emulator.features.streams.feature import install as install_streams
from emulator.features.tasks.feature import install as install_tasks
from emulator.statements import dispatch
from emulator.statements.ddl import drop_temporary_tables
from icebridge.errors import SqlError

DB_FILE = "native.duckdb"

#: Features installed into every emulator, in order (each registers what it handles).
FEATURES = (install_streams, install_tasks, install_dynamic_tables, install_iceberg_tables)


class EmulatorEngine:
    """The :class:`~emulator.core.engine.Engine` behind an :class:`Emulator` facade."""

    def __init__(
        self,
        path: Path | None,
        *,
        clock: Clock | None,
        behavior_change_bundles: Iterable[str],
        external_volumes: Mapping[str, str | Path] | None,
    ) -> None:
        # Enabled Snowflake behavior-change bundles, e.g. {"2026_06"} (see docs/fidelity).
        self.behavior_change_bundles = frozenset(behavior_change_bundles)
        self.path = path
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(str(path / DB_FILE))
        else:
            self.con = duckdb.connect(":memory:")
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.scheduler = Scheduler(self.clock)
        self.lock = threading.RLock()  # one lock for statements, ingest and scheduled runs
        self.state = SessionState()
        self.registry: Registry[Engine] = Registry()
        self.catalog = Catalog(self.con)
        self.resolver = Resolver(self.catalog, self.state, self.registry)
        self.capture = ChangeCapture(self.con, self.catalog, self.clock.now)
        self.transactions = Transactions(self.con, self.capture, self.registry.commit_hooks)
        self.lake = Lake(self.clock.now, path, external_volumes)
        self.realtime_running = False
        self._translations = Translations()
        self._explicit = False
        self._journal: list[Callable[[], Outcome]] = []
        self._closed = False
        dispatch.install(self.registry)
        for install in FEATURES:
            install(self)
        self.registry.close_hooks.append(self.lake.close)  # after the features' flushes
        with self.transactions.unit():
            self.catalog.install(self.registry.metadata_ddl)
            drop_temporary_tables(self)
        self.apply_timezone()
        if path is not None:
            for hook in self.registry.open_hooks:
                hook()

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
            self._journal = []

    def rollback(self) -> None:
        """ROLLBACK the explicit transaction."""
        if self._explicit:
            self.transactions.rollback()
            self._explicit = False
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
                final = node
                for listener in self.registry.listeners:
                    listener.start(final, query_id)
                outcome = self.run_unit(kind, lambda: handler(self, final, sql))
            except SqlError as err:
                if err.sfqid is None:
                    err.sfqid = query_id
                raise
        return QueryResult(outcome.table, outcome.rowcount, query_id, kind.name)

    def run_unit(self, kind: Kind | None, call: Callable[[], Outcome]) -> Outcome:
        """Run ``call`` as one statement of ``kind`` (None: an ingest batch) with
        Snowflake's transaction rules."""
        if kind is not None and kind.transaction_control:
            return self._guard(call)
        if kind is not None and kind.ddl and self._explicit:
            self.commit()  # Snowflake commits an open transaction before DDL
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
            raise map_error(err) from None

    def check_open(self) -> None:
        """Raise Snowflake's "session closed" error once the emulator is closed."""
        if self._closed:
            raise errors.generic("The emulator is closed.", errno=390114, sqlstate="08003")

    def close(self) -> None:
        """Roll back an open transaction, drop temporary tables and close DuckDB."""
        if self._closed:
            return
        if self._explicit:
            self.transactions.rollback()
            self._explicit = False
        for hook in self.registry.close_hooks:
            hook()
        with self.transactions.unit():
            drop_temporary_tables(self)
            self.catalog.flush_versions()  # versions counted in memory (untracked tables)
        self.con.close()
        self._closed = True
