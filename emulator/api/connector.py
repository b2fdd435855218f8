"""A PEP 249 connection over the emulator, shaped like snowflake-connector-python.

``emu.connect()`` returns :class:`Connection`; code written for ``snowflake.connector`` (cursor,
``execute`` with ``%s`` / ``%(name)s`` parameters, ``executemany``, ``fetchall``,
``description``, ``sfqid``, ``fetch_pandas_all``, ``execute_string``) runs unchanged.
API reference: https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api

PEP 249 exception names map onto the icebridge tree:

============================  ======================================================
PEP 249 name                  icebridge class
============================  ======================================================
``Error``                     :class:`icebridge.errors.IcebridgeError`
``DatabaseError``             :class:`icebridge.errors.SqlError`
``ProgrammingError``          :class:`icebridge.errors.ProgrammingError`
``InterfaceError``            :class:`icebridge.errors.ProgrammingError` (misuse of the API:
                              closed cursor, bad parameters)
``DataError``                 :class:`icebridge.errors.DataError`
``IntegrityError``            :class:`icebridge.errors.DataError` (NOT NULL violations)
``NotSupportedError``         :class:`icebridge.errors.UnsupportedError`
``OperationalError``          :class:`icebridge.errors.SqlError`
``InternalError``             :class:`icebridge.errors.SqlError`
``Warning``                   the built-in :class:`Warning` (never raised)
============================  ======================================================
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa
from sqlglot import exp

from emulator.api.binding import Params, bind_tree, multi_row_insert_tree, split_statements
from emulator.api.types import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    Date,
    DateFromTicks,
    DBAPITypeObject,
    ResultMetadata,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
    describe,
    rows,
)
from icebridge import errors as _errors
from icebridge.sql.dialect import generate

if TYPE_CHECKING:
    import pandas

__all__ = [
    "BINARY",
    "DATETIME",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "Connection",
    "Cursor",
    "DBAPITypeObject",
    "DataError",
    "DatabaseError",
    "Date",
    "DateFromTicks",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "ResultMetadata",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
    "Warning",
    "apilevel",
    "paramstyle",
    "threadsafety",
]

apilevel = "2.0"
threadsafety = 1  # threads may share the module, not connections
paramstyle = "pyformat"

Error = _errors.IcebridgeError
DatabaseError = _errors.SqlError
ProgrammingError = _errors.ProgrammingError
InterfaceError = _errors.ProgrammingError
DataError = _errors.DataError
IntegrityError = _errors.DataError
NotSupportedError = _errors.UnsupportedError
OperationalError = _errors.SqlError
InternalError = _errors.SqlError
Warning = builtins.Warning

_DDL_KINDS = frozenset({"CREATE", "DROP", "ALTER", "UNDROP"})


class QueryResultLike(Protocol):
    """What ``Emulator.run`` returns."""

    @property
    def table(self) -> pa.Table: ...
    @property
    def rowcount(self) -> int | None: ...
    @property
    def query_id(self) -> str: ...
    @property
    def statement_kind(self) -> str: ...


class EmulatorLike(Protocol):
    """The part of the emulator the connection uses."""

    def run(self, sql: str) -> QueryResultLike: ...


class ParsedRunner(Protocol):
    """An engine that runs an already parsed statement (``Emulator.engine``): a statement
    with bound parameters is handed over as the tree it was bound in, not parsed again."""

    def run_parsed(self, node: exp.Expression, sql: str) -> QueryResultLike: ...


class Connection:
    """A connection to an emulator (``emu.connect()``)."""

    def __init__(self, emulator: EmulatorLike, *, autocommit: bool = True) -> None:
        self._emulator = emulator
        engine = getattr(emulator, "engine", None)
        self._engine: ParsedRunner | None = engine if hasattr(engine, "run_parsed") else None
        self._autocommit = autocommit
        self._in_transaction = False
        self._closed = False
        self._cursors: list[Cursor] = []

    # -- PEP 249 ---------------------------------------------------------------------------

    def cursor(self) -> Cursor:
        """A new cursor on this connection."""
        self._check_open()
        cursor = Cursor(self)
        self._cursors.append(cursor)
        return cursor

    def commit(self) -> None:
        """Commit the open transaction (a no-op when none is open)."""
        self._check_open()
        self._run("COMMIT")

    def rollback(self) -> None:
        """Roll back the open transaction (a no-op when none is open)."""
        self._check_open()
        self._run("ROLLBACK")

    def close(self) -> None:
        """Close the connection; an uncommitted transaction is rolled back, like Snowflake."""
        if self._closed:
            return
        if self._in_transaction:
            self._run("ROLLBACK")
        for cursor in self._cursors:
            cursor.close()
        self._closed = True

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`close` was called (``SnowflakeConnection.is_closed()`` is a method)."""
        return self._closed

    def autocommit(self, mode: bool) -> None:
        """Turn autocommit on or off, like ``SnowflakeConnection.autocommit(mode)``.

        With autocommit off, the first statement after a commit or rollback opens a transaction
        that lasts until :meth:`commit` or :meth:`rollback` (DDL still commits it, as in
        Snowflake). Turning autocommit on commits an open transaction.
        """
        self._check_open()
        if mode and self._in_transaction:
            self._run("COMMIT")
        self._autocommit = bool(mode)

    @property
    def autocommit_mode(self) -> bool:
        """The current autocommit setting."""
        return self._autocommit

    def execute_string(
        self, sql_text: str, remove_comments: bool = False, return_cursors: bool = True
    ) -> list[Cursor]:
        """Run a ``;``-separated script, one cursor per statement, stopping at the first error.

        ``remove_comments`` is accepted for compatibility: comments between statements are
        always dropped and comments inside one are harmless.
        """
        cursors: list[Cursor] = []
        for statement in split_statements(sql_text):
            cursor = self.cursor()
            cursor.execute(statement)
            cursors.append(cursor)
        return cursors if return_cursors else []

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # As the connector: without autocommit, commit on success and roll back on error.
        if not self._closed and not self._autocommit:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        self.close()

    # -- used by cursors -------------------------------------------------------------------

    def _execute(self, sql: str, tree: exp.Expression | None = None) -> QueryResultLike:
        self._check_open()
        if not self._autocommit and not self._in_transaction:
            self._run("BEGIN")
        return self._run(sql, tree)

    def _run(self, sql: str, tree: exp.Expression | None = None) -> QueryResultLike:
        """Run ``sql`` (``tree``: its parsed form, which the run may change)."""
        if tree is not None and self._engine is not None:
            result = self._engine.run_parsed(tree, sql)
        else:
            result = self._emulator.run(sql)
        kind = result.statement_kind.upper()
        if kind == "BEGIN":
            self._in_transaction = True
        elif kind in ("COMMIT", "ROLLBACK") or kind in _DDL_KINDS:
            self._in_transaction = False
        return result

    def _check_open(self) -> None:
        if self._closed:
            raise InterfaceError("Connection is closed", errno=251001, sqlstate="08003")


class Cursor:
    """A cursor: runs statements and hands back their rows as tuples."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.arraysize = 1
        self.query: str | None = None
        self._sfqid: str | None = None
        self._table: pa.Table | None = None
        self._description: list[ResultMetadata] | None = None
        self._rows: list[tuple[Any, ...]] | None = None
        self._position = 0
        self._rowcount: int | None = None
        self._closed = False

    # -- attributes ------------------------------------------------------------------------

    @property
    def description(self) -> list[ResultMetadata] | None:
        """One 7-tuple per result column (name, type_code, …), None before a statement."""
        return self._description

    @property
    def rowcount(self) -> int | None:
        """Rows returned by a query or changed by DML; None before a statement."""
        return self._rowcount

    @property
    def sfqid(self) -> str | None:
        """The query id of the last statement."""
        return self._sfqid

    @property
    def rownumber(self) -> int | None:
        """0-based index of the next row to fetch."""
        return self._position if self._table is not None else None

    # -- execution -------------------------------------------------------------------------

    def execute(self, command: str, params: Params | None = None) -> Cursor:
        """Run one statement, binding ``params`` client-side; returns this cursor."""
        self._check_open()
        # As the connector by default (interpolate_empty_sequences=False): empty means unbound.
        if params is None or len(params) == 0:
            self._load(self.connection._execute(command), command)
            return self
        tree = bind_tree(command, params)
        sql = generate(tree)  # the text (cursor.query, messages); the tree is not re-parsed
        self._load(self.connection._execute(sql, tree), sql)
        return self

    def executemany(self, command: str, seqparams: Sequence[Params]) -> Cursor:
        """Run one statement per parameter set; an ``INSERT … VALUES (…)`` runs once, multi-row.

        ``rowcount`` is the total over all parameter sets.
        """
        self._check_open()
        if not seqparams:
            return self
        multi = multi_row_insert_tree(command, seqparams)
        if multi is not None:
            sql = generate(multi)
            self._load(self.connection._execute(sql, multi), sql)
            return self
        total = 0
        for params in seqparams:
            self.execute(command, params)
            total += self._rowcount or 0
        self._rowcount = total
        return self

    def _load(self, result: QueryResultLike, sql: str) -> None:
        self.query = sql
        self._sfqid = result.query_id
        self._table = result.table
        self._description = [describe(f) for f in result.table.schema]
        self._rows = None
        self._position = 0
        self._rowcount = result.rowcount if result.rowcount is not None else result.table.num_rows

    # -- fetching --------------------------------------------------------------------------

    def fetchone(self) -> tuple[Any, ...] | None:
        """The next row, or None when there are no more."""
        rows_ = self._all_rows()
        if self._position >= len(rows_):
            return None
        self._position += 1
        return rows_[self._position - 1]

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        """The next ``size`` rows (default ``arraysize``)."""
        rows_ = self._all_rows()
        count = self.arraysize if size is None else size
        chunk = rows_[self._position : self._position + count]
        self._position += len(chunk)
        return chunk

    def fetchall(self) -> list[tuple[Any, ...]]:
        """All remaining rows."""
        rows_ = self._all_rows()
        chunk = rows_[self._position :]
        self._position = len(rows_)
        return chunk

    def fetch_arrow_all(self, force_return_table: bool = False) -> pa.Table | None:
        """The remaining rows as an Arrow table (None when empty, unless forced)."""
        table = self._remaining_table()
        if table.num_rows == 0 and not force_return_table:
            return None
        return table

    def fetch_pandas_all(self) -> pandas.DataFrame:
        """The remaining rows as a pandas DataFrame (needs pandas installed)."""
        try:
            import pandas  # noqa: F401 - imported only to fail early with a clear message
        except ImportError:
            raise NotSupportedError(
                "fetch_pandas_all needs pandas: pip install pandas", errno=255002
            ) from None
        frame: pandas.DataFrame = self._remaining_table().to_pandas()
        return frame

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while (row := self.fetchone()) is not None:
            yield row

    # -- PEP 249 odds and ends -------------------------------------------------------------

    def close(self) -> None:
        """Close the cursor; later calls raise."""
        self._closed = True

    def setinputsizes(self, sizes: Any) -> None:
        """No-op (PEP 249)."""

    def setoutputsize(self, size: Any, column: int | None = None) -> None:
        """No-op (PEP 249)."""

    def __enter__(self) -> Cursor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise InterfaceError("Cursor is closed in execute.", errno=251006, sqlstate="08003")
        self.connection._check_open()

    def _require_result(self) -> pa.Table:
        self._check_open()
        if self._table is None:
            raise InterfaceError("No result: run execute() first.", errno=251007)
        return self._table

    def _all_rows(self) -> list[tuple[Any, ...]]:
        table = self._require_result()
        if self._rows is None:
            self._rows = rows(table, self._description or [])
        return self._rows

    def _remaining_table(self) -> pa.Table:
        table = self._require_result()
        rest = table.slice(self._position)
        self._position = table.num_rows
        return rest
