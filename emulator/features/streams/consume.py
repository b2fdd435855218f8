"""When stream offsets move: only a committed DML statement that read the stream.

https://docs.snowflake.com/en/user-guide/streams-intro (Repeatable read isolation; table
versioning): a query never advances an offset, not even inside an explicit transaction;
a DML statement (INSERT, UPDATE, DELETE, MERGE, CTAS) that reads a stream consumes all of
its change data, even when its WHERE keeps no row, when its transaction commits; inside an
explicit transaction the offset moves at COMMIT to the version the reads saw (the
transaction start) and stays on ROLLBACK; a failed statement consumes nothing.

The session calls :meth:`StreamTracker.start` before each statement, :meth:`finish` after
it succeeded (before an autocommit COMMIT), and the transaction hooks at BEGIN, COMMIT and
ROLLBACK. Stream reads register themselves through :meth:`read`.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import duckdb
from sqlglot import exp

from emulator.core import sql
from emulator.core import stream_objects as objects
from emulator.features.streams.probe import StreamProbe
from emulator.features.streams.statements import StatementLog

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Statement kinds (``Kind.name``) whose stream reads consume.
_CONSUMING = {"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"}


class StreamTracker:
    """Per-session record of stream reads and pending offset moves."""

    def __init__(self, emu: Engine) -> None:
        self.emu = emu
        self._statement: exp.Expression | None = None
        self._query_id: str | None = None
        # session temporary tables holding the previous statement's stream reads
        self._temp_tables: set[str] = set()
        # stream id -> source version the statement's reads ended at
        self._reads: dict[int, int] = {}
        # stream id -> offset to set at COMMIT (explicit transactions)
        self._pending: dict[int, int] = {}
        # cached SYSTEM$STREAM_HAS_DATA; its deferred touches are written before commits
        self.probe = StreamProbe(emu)
        # query ids -> the table versions they wrote, for AT | BEFORE (STATEMENT => …)
        self.statements = StatementLog()

    def start(self, statement: exp.Expression | None, query_id: str | None = None) -> None:
        """A statement begins: forget the reads of the previous one and drop their data."""
        self._statement = statement
        self._query_id = query_id
        self._reads = {}
        if not self._temp_tables:
            return  # the common case: the previous statement read no stream
        temp, self._temp_tables = self._temp_tables, set()
        for name in temp:
            for view in (False, True):  # stream reads are temp tables or views
                with contextlib.suppress(duckdb.Error):  # an aborted transaction drops it
                    sql.run(self.emu.con, sql.drop(name, view=view))

    def materialised(self, name: str) -> None:
        """A read created the session temporary table ``name`` (dropped at the next statement).

        ``name`` is the plain name; quoted identifier text is accepted too."""
        if name.startswith('"'):
            name = exp.parse_identifier(name, dialect="duckdb").name
        self._temp_tables.add(name)

    def read(self, stream_id: int, end: int) -> None:
        """A stream was read up to source version ``end`` by the running statement."""
        self._reads[stream_id] = end

    def statement_reads(self) -> dict[int, int]:
        """Stream id -> source version read so far by the running statement (the offsets a
        successful DML statement will consume; Iceberg writes record them)."""
        return dict(self._reads)

    def finish(self, kind: Any) -> None:
        """The statement succeeded: consume what it read if it is DML."""
        reads, self._reads = self._reads, {}
        if not self.emu.in_transaction:
            self.probe.flush()  # an autocommit COMMIT follows
        if kind is not None and self._query_id is not None:
            self.statements.record(
                self.emu, self._query_id, self.emu.capture.written_in_transaction()
            )
            self._query_id = None
        if kind is None or not reads or not self._consumes(kind):
            return
        if self.emu.in_transaction:
            self._pending.update(reads)
        else:
            self._apply(reads)

    def on_begin(self) -> None:
        self._pending = {}

    def on_commit(self) -> None:
        """Called before the DuckDB COMMIT, so the offsets commit with the transaction."""
        self.probe.flush()
        self.statements.committed()
        pending, self._pending = self._pending, {}
        if pending:
            self._apply(pending)

    def on_rollback(self) -> None:
        self._pending = {}
        self.statements.rolled_back()

    def _consumes(self, kind: Any) -> bool:
        name = str(getattr(kind, "name", kind))
        if name in _CONSUMING:
            return True
        node = self._statement
        # CREATE TABLE … AS SELECT consumes; CREATE VIEW only reads the definition.
        return (
            name == "CREATE"
            and isinstance(node, exp.Create)
            and str(node.args.get("kind") or "").upper() == "TABLE"
            and node.args.get("expression") is not None
        )

    def _apply(self, offsets: dict[int, int]) -> None:
        from emulator.features.streams.purge import purge_after_consumption

        now = self.emu.now
        for stream_id, end in offsets.items():
            stream = objects.load(self.emu, stream_id)
            if stream is None:
                continue  # dropped by the same transaction
            objects.save_offset(self.emu, stream, max(end, stream.offset), consumed_at=now)
            purge_after_consumption(self.emu, stream.base_id)


def tracker_of(emu: Engine) -> StreamTracker:
    """The stream tracker installed in ``emu`` (:mod:`emulator.features.streams.feature`)."""
    tracker = emu.registry.service(StreamTracker)
    assert tracker is not None, "the streams feature is not installed"
    return tracker
