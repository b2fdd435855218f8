"""A PEP 249 connection over the emulator, shaped like snowflake-connector-python's.

``emu.connect()`` returns a :class:`Connection` on the emulator's own session (what
``emu.execute`` uses); :func:`emulator.api.sessions.open_connection` (behind
``icebridge.testing.patch()`` and ``icebridge.testing.connect``) opens one with a session of
its own. Code written for ``snowflake.connector`` runs unchanged: ``cursor(DictCursor)``,
``execute`` / ``executemany`` in every paramstyle, ``execute_string`` / ``execute_stream``,
``describe``, the fetch methods, ``execute_async`` with ``get_query_status`` and
``get_results_from_sfqid``, ``is_closed()``, ``commit`` / ``rollback`` / ``autocommit(bool)``,
``database`` / ``schema`` / ``warehouse`` / ``role`` / ``session_id``. Signatures follow
``SnowflakeConnection`` in snowflakedb/snowflake-connector-python
``src/snowflake/connector/connection.py``
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api).

Errors: when the connector is installed, a raised error is also the connector's class
(:mod:`emulator.api.connector_errors`). The PEP 249 names of this module map onto the
icebridge tree, so they catch those errors with or without the connector:

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
import io
import sys
import weakref
from collections.abc import Generator
from enum import Enum
from types import TracebackType
from typing import Any

from sqlglot import exp

from emulator.api.binding import split_statements
from emulator.api.connection_protocols import EmulatorLike, ParsedRunner, QueryResultLike
from emulator.api.connector_errors import api_error, as_connector_error
from emulator.api.cursor import Cursor, DictCursor
from emulator.api.results import AN_ERROR, STILL_RUNNING, Finished, results_of, status
from emulator.api.session_runner import SessionRunner
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
)
from emulator.core.state import Session
from icebridge import errors as _errors

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
    "DictCursor",
    "EmulatorLike",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "QueryResultLike",
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

_DDL_KINDS = frozenset({"CREATE", "DROP", "ALTER", "UNDROP", "TASK_DDL"})
# The connector's error numbers and SQLSTATE (its errorcode.py / sqlstate.py).
ER_CONNECTION_IS_CLOSED = 250002
ER_INVALID_VALUE = 251007
SQLSTATE_CONNECTION_NOT_EXISTS = "08003"


class Connection:
    """A connection to an emulator (``emu.connect()``, or a patched
    ``snowflake.connector.connect``)."""

    def __init__(
        self,
        emulator: EmulatorLike,
        *,
        autocommit: bool = True,
        paramstyle: str | None = None,
        session: Session | None = None,
        session_parameters: dict[str, Any] | None = None,
        login: dict[str, Any] | None = None,
    ) -> None:
        self._emulator = emulator
        engine: Any = getattr(emulator, "engine", None)
        self._engine: ParsedRunner | None = engine if hasattr(engine, "run_parsed") else None
        # An emulator's connection runs in a session; a stand-in emulator (tests) has none.
        self._runner = SessionRunner(engine, session) if hasattr(engine, "sessions") else None
        self._results = results_of(engine if engine is not None else emulator)
        self._autocommit = autocommit
        self._paramstyle = paramstyle
        self._in_transaction = False
        self._closed = False
        self._cursors: weakref.WeakSet[Cursor] = weakref.WeakSet()
        self._login = dict(login or {})
        #: The connector's session parameters as it tracks them (``write_pandas`` reads it).
        self._session_parameters: dict[str, Any] = {"AUTOCOMMIT": autocommit}
        self._session_parameters.update(session_parameters or {})
        self.messages: list[tuple[type[Exception], dict[str, Any]]] = []

    # -- PEP 249 ---------------------------------------------------------------------------

    def cursor(self, cursor_class: type[Any] | None = None) -> Cursor:
        """A new cursor; ``cursor_class`` may be the connector's ``DictCursor`` (rows as
        dicts) or ``SnowflakeCursor``, or this module's :class:`DictCursor` / :class:`Cursor`."""
        self._check_open()
        cursor = _cursor_class(cursor_class)(self)
        self._cursors.add(cursor)
        return cursor

    def commit(self) -> None:
        """Commit the open transaction (a no-op when none is open)."""
        self._check_open()
        self._run("COMMIT")

    def rollback(self) -> None:
        """Roll back the open transaction (a no-op when none is open)."""
        self._check_open()
        self._run("ROLLBACK")

    def close(self, retry: bool = True) -> None:
        """Close the connection; an uncommitted transaction is rolled back, like Snowflake."""
        if self._closed:
            return
        try:
            # Also a transaction the session began itself (ALTER SESSION SET AUTOCOMMIT = FALSE).
            runner = self._runner
            holds = runner is not None and runner.engine.sessions.holder is runner.session
            if (self._in_transaction or holds) and not self.is_closed():
                self._run("ROLLBACK")
        finally:
            for cursor in list(self._cursors):
                cursor.close()
            self._closed = True

    def is_closed(self) -> bool:
        """Whether :meth:`close` was called (or the emulator was closed)."""
        if not self._closed and self._runner is not None and self._runner.engine.closed:
            self._closed = True
        return self._closed

    def is_valid(self) -> bool:
        """Whether the connection can run statements."""
        return not self.is_closed()

    def autocommit(self, mode: bool) -> None:
        """Turn autocommit on or off, like ``SnowflakeConnection.autocommit(mode)``.

        With autocommit off, the first statement after a commit or rollback opens a transaction
        that lasts until :meth:`commit` or :meth:`rollback` (DDL still commits it, as in
        Snowflake). Turning autocommit on commits an open transaction.
        """
        self._check_open()
        if not isinstance(mode, bool):
            raise api_error(
                f"Invalid parameter: {mode}", errno=ER_INVALID_VALUE, kind="ProgrammingError"
            )
        if mode and self._in_transaction:
            self._run("COMMIT")
        self._autocommit = mode
        self._session_parameters["AUTOCOMMIT"] = mode

    @property
    def autocommit_mode(self) -> bool:
        """The current autocommit setting."""
        return self._autocommit

    @property
    def paramstyle(self) -> str:
        """How parameters are bound: pyformat (default), format, qmark or numeric."""
        return self._paramstyle or paramstyle

    @property
    def binding_style(self) -> str | None:
        """The paramstyle binding follows; None (``emu.connect()``): inferred per statement
        from its placeholders (``%s`` / ``%(name)s``, else ``?`` / ``:n``)."""
        return self._paramstyle

    @property
    def is_pyformat(self) -> bool:
        """Whether parameters are bound client-side (pyformat or format)."""
        return self.paramstyle in ("pyformat", "format")

    # -- the session -----------------------------------------------------------------------

    @property
    def database(self) -> str | None:
        """The session's current database (after USE, CREATE DATABASE …)."""
        return self._runner.values.database if self._runner is not None else None

    @property
    def schema(self) -> str | None:
        """The session's current schema."""
        return self._runner.values.schema if self._runner is not None else None

    @property
    def warehouse(self) -> str | None:
        """The session's current warehouse."""
        return self._runner.values.warehouse if self._runner is not None else None

    @property
    def role(self) -> str | None:
        """The session's current role."""
        return self._runner.values.role if self._runner is not None else None

    @property
    def session_id(self) -> int | None:
        """The session's id (each connection of ``icebridge.testing`` has its own)."""
        return self._runner.session.id if self._runner is not None else None

    @property
    def account(self) -> str | None:
        """The ``account`` given to connect (not used by the emulator)."""
        value = self._login.get("account")
        return str(value) if value is not None else None

    @property
    def user(self) -> str | None:
        """The ``user`` given to connect (not used by the emulator)."""
        value = self._login.get("user")
        return str(value) if value is not None else None

    # -- scripts -----------------------------------------------------------------------------

    def execute_string(
        self,
        sql_text: str,
        remove_comments: bool = False,
        return_cursors: bool = True,
        cursor_class: type[Any] | None = None,
        **kwargs: Any,
    ) -> list[Cursor]:
        """Run a ``;``-separated script, one cursor per statement, stopping at the first error.

        ``remove_comments`` is accepted for compatibility: comments between statements are
        always dropped and comments inside one are harmless.
        """
        cursors = list(self.execute_stream(io.StringIO(sql_text), remove_comments, cursor_class))
        return cursors if return_cursors else []

    def execute_stream(
        self,
        stream: io.StringIO,
        remove_comments: bool = False,
        cursor_class: type[Any] | None = None,
        **kwargs: Any,
    ) -> Generator[Cursor, None, None]:
        """Run the statements read from ``stream`` in order, yielding each one's cursor."""
        for statement in split_statements(stream.read()):
            cursor = self.cursor(cursor_class)
            cursor.execute(statement, **kwargs)
            yield cursor

    # -- query status ----------------------------------------------------------------------

    def get_query_status(self, sf_qid: str) -> Enum:
        """The status of query ``sf_qid``: SUCCESS, FAILED_WITH_ERROR, or NO_DATA for an id
        the emulator never ran (the connector's QueryStatus when it is installed)."""
        entry = self._results.get(sf_qid)
        if self.is_closed():
            return status("DISCONNECTED")
        if entry is None:
            return status("NO_DATA")
        return status("SUCCESS" if entry.error is None else "FAILED_WITH_ERROR")

    def get_query_status_throw_if_error(self, sf_qid: str) -> Enum:
        """:meth:`get_query_status`, raising the query's error if it failed."""
        self._finished_query(sf_qid, throw=True)
        return self.get_query_status(sf_qid)

    @staticmethod
    def is_still_running(status: Enum) -> bool:
        """Whether ``status`` means the query is still running."""
        return status.name in STILL_RUNNING

    @staticmethod
    def is_an_error(status: Enum) -> bool:
        """Whether ``status`` means the query ended in an error."""
        return status.name in AN_ERROR

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # As the connector: without autocommit, commit on success and roll back on error.
        if not self.is_closed() and not self._autocommit:
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
        result: QueryResultLike
        try:
            if self._runner is not None:
                result = self._runner.run(sql, tree)
            elif tree is not None and self._engine is not None:
                result = self._engine.run_parsed(tree, sql)
            else:
                result = self._emulator.run(sql)
        except _errors.SqlError as err:
            raise as_connector_error(err, query=sql) from None
        kind = result.statement_kind.upper()
        if kind == "BEGIN":
            self._in_transaction = True
        elif kind in ("COMMIT", "ROLLBACK") or kind in _DDL_KINDS:
            self._in_transaction = False
        return result

    def _keep(self, sfqid: str, entry: Finished) -> None:
        self._results.keep(sfqid, entry)

    def _finished_query(self, sfqid: str, *, throw: bool) -> Finished | None:
        """The finished statement ``sfqid`` (None when unknown); ``throw``: raise its error
        as the connector's ProgrammingError when it failed."""
        entry = self._results.get(sfqid)
        if throw and entry is not None and entry.error is not None:
            raise as_connector_error(entry.error, "ProgrammingError", query=entry.query)
        return entry

    def _check_open(self) -> None:
        if self.is_closed():
            raise api_error(
                "Connection is closed",
                errno=ER_CONNECTION_IS_CLOSED,
                kind="DatabaseError",
                sqlstate=SQLSTATE_CONNECTION_NOT_EXISTS,
            )


def _cursor_class(cursor_class: type[Any] | None) -> type[Cursor]:
    """The emulator's cursor class for ``cursor_class`` (a class of this module or of the
    installed connector: a DictCursor subclass reads rows as dicts)."""
    if cursor_class is None:
        return Cursor
    if isinstance(cursor_class, type) and issubclass(cursor_class, Cursor):
        return cursor_class
    connector = sys.modules.get("snowflake.connector.cursor")
    if connector is not None and isinstance(cursor_class, type):
        if issubclass(cursor_class, connector.DictCursor):
            return DictCursor
        if issubclass(cursor_class, connector.SnowflakeCursorBase):
            return Cursor
    raise api_error(
        f"cursor_class must be a cursor class, not {cursor_class!r}",
        errno=ER_INVALID_VALUE,
        kind="ProgrammingError",
    )
