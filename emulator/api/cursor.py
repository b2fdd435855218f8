"""The cursor of the emulator's connection, shaped like snowflake-connector-python's.

Signatures and return values follow ``SnowflakeCursor`` / ``DictCursor`` in
snowflakedb/snowflake-connector-python ``src/snowflake/connector/cursor.py``
(API reference: https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api#object-cursor):
``execute`` returns the cursor (None for empty text), ``close`` returns True when it closed
the cursor, ``sqlstate`` is ``"00000"`` after a successful statement, ``rownumber`` is the
0-based index of the last row fetched, ``fetchmany`` refuses a negative size, ``describe``
returns the result's metadata, ``execute_async`` returns the query's data with its
``queryId`` and ``get_results_from_sfqid`` loads a finished query's result by id.

Every statement runs to completion when it is submitted, so an "asynchronous" query is
already finished when ``execute_async`` returns (its error, if any, is reported by
``get_query_status_throw_if_error`` / ``get_results_from_sfqid``, as the connector does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from emulator.api.binding import (
    Params,
    bind_tree,
    binds,
    literal,
    multi_row_insert_tree,
    parse_one_statement,
    split_statements,
)
from emulator.api.connector_errors import api_error, as_connector_error
from emulator.api.result_batches import ResultBatch, batches_of, to_pandas
from emulator.api.results import Finished, no_data
from emulator.api.types import ResultMetadata, describe, rows
from icebridge.errors import SqlError
from icebridge.sql.dialect import generate
from icebridge.sql.nodes_task import Call

if TYPE_CHECKING:
    import pandas

    from emulator.api.connection_protocols import CursorHost, QueryResultLike

__all__ = ["Cursor", "DictCursor"]

logger = logging.getLogger(__name__)

#: SQLSTATE of a successful statement (the connector reports Snowflake's).
SUCCESS_SQLSTATE = "00000"
# The connector's error numbers (its errorcode.py).
ER_CURSOR_IS_CLOSED = 252006
ER_NOT_POSITIVE_SIZE = 252003
ER_UNSUPPORTED_METHOD = 252008
ER_NO_RESULT = 252009  # ER_NO_DATA_FOUND
ER_INVALID_VALUE = 251007


class _Result:
    """One statement's result as a cursor reads it."""

    def __init__(self, table: pa.Table, rowcount: int | None, sfqid: str, query: str) -> None:
        self.table = table
        self.description = [describe(f) for f in table.schema]
        self.rowcount = rowcount if rowcount is not None else table.num_rows
        self.sfqid = sfqid
        self.query = query
        self.position = 0
        self._rows: list[tuple[Any, ...]] | None = None

    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = rows(self.table, self.description)
        return self._rows


class Cursor:
    """A cursor: runs statements and hands back their rows as tuples."""

    def __init__(self, connection: CursorHost) -> None:
        self._connection: CursorHost | None = connection
        self.arraysize = 1
        self.query: str | None = None
        self.messages: list[tuple[type[Exception], dict[str, Any]]] = []
        self._result: _Result | None = None
        self._pending: list[_Result] = []  # further results of a multi-statement execute
        self._sfqid: str | None = None
        self._sqlstate: str | None = None
        self._rowcount: int | None = None

    # -- attributes ------------------------------------------------------------------------

    @property
    def connection(self) -> CursorHost:
        """The connection that made this cursor."""
        if self._connection is None:
            raise self._closed_error("connection")
        return self._connection

    @property
    def description(self) -> list[ResultMetadata] | None:
        """One 7-tuple per result column (name, type_code, …), None before a statement."""
        return self._result.description if self._result is not None else None

    @property
    def rowcount(self) -> int | None:
        """Rows returned by a query or changed by DML; None before a statement."""
        return self._rowcount

    @property
    def sfqid(self) -> str | None:
        """The query id of the last statement (also of a failed one)."""
        return self._sfqid

    @property
    def sqlstate(self) -> str | None:
        """SQLSTATE of the last statement: ``"00000"`` on success, the error's otherwise."""
        return self._sqlstate

    @property
    def rownumber(self) -> int | None:
        """0-based index of the last row fetched (None before the first fetch)."""
        if self._result is None or self._result.position == 0:
            return None
        return self._result.position - 1

    @property
    def lastrowid(self) -> None:
        """Always None: Snowflake has no row ids (PEP 249 allows None)."""
        return None

    @property
    def is_file_transfer(self) -> bool:
        """Whether the last statement was PUT or GET (never, on the emulator)."""
        return False

    # -- execution -------------------------------------------------------------------------

    def execute(
        self,
        command: str,
        params: Params | None = None,
        timeout: int | None = None,
        num_statements: int | None = None,
        _force_qmark_paramstyle: bool = False,
        **kwargs: Any,
    ) -> Cursor | None:
        """Run one statement (``num_statements`` other than 1: a ``;``-separated script, its
        results read in turn with :meth:`nextset`), binding ``params`` in the connection's
        paramstyle; returns this cursor, or None when ``command`` is empty. ``timeout`` and
        the connector's private options are accepted and ignored."""
        conn = self._check_open()
        command = command.strip(" \t\n\r") if command else ""
        self._reset()
        if not command:
            logger.warning("execute: no query is given to execute")
            return None
        style = "qmark" if _force_qmark_paramstyle else conn.binding_style
        if num_statements is not None and num_statements != 1:
            self._execute_script(command, params, style, num_statements)
            return self
        self._load(self._run_one(command, params, style))
        return self

    def _run_one(self, command: str, params: Params | None, style: str | None) -> _Result:
        conn = self.connection
        tree: exp.Expression | None = None
        sql = command
        try:
            if binds(params, style):
                tree = bind_tree(command, params, style)  # type: ignore[arg-type]
                sql = generate(tree)  # the text (cursor.query, messages); not re-parsed
            result = conn._execute(sql, tree)
        except SqlError as err:
            raise self._failed(err, sql) from None
        return self._finished(result, sql)

    def _execute_script(
        self, command: str, params: Params | None, style: str | None, expected: int
    ) -> None:
        if binds(params, style):
            raise api_error(
                "parameters with a multi-statement execute (num_statements) are not "
                "supported by the emulator: bind each statement in its own execute",
                errno=ER_UNSUPPORTED_METHOD,
                kind="NotSupportedError",
                sqlstate="0A000",
                query=command,
            )
        statements = split_statements(command)
        if expected > 0 and len(statements) != expected:
            err = api_error(
                f"Actual statement count {len(statements)} did not match the desired "
                f"statement count {expected}.",
                errno=8,
                kind="ProgrammingError",
                sqlstate="0A000",
                query=command,
            )
            raise err
        results = [self._run_one(text, None, style) for text in statements]
        if results:
            self._load(results[0])
            self._pending = results[1:]

    def executemany(self, command: str, seqparams: Sequence[Params], **kwargs: Any) -> Cursor:
        """Run one statement per parameter set; an ``INSERT … VALUES (…)`` runs once, as one
        multi-row INSERT (as the connector rewrites it). ``rowcount`` is the total."""
        conn = self._check_open()
        command = command.strip(" \t\n\r") if command else ""
        if not seqparams:
            logger.warning(
                "No parameters provided to executemany, returning without doing anything."
            )
            return self
        style = "qmark" if kwargs.get("_force_qmark_paramstyle") else conn.binding_style
        self._reset()
        multi = multi_row_insert_tree(command, seqparams, style)
        if multi is not None:
            sql = generate(multi)
            try:
                result = conn._execute(sql, multi)
            except SqlError as err:
                raise self._failed(err, sql) from None
            self._load(self._finished(result, sql))
            return self
        total = 0
        for params in seqparams:
            self.execute(command, params)
            total += self._rowcount or 0
        self._rowcount = total
        return self

    def execute_async(
        self, command: str, params: Params | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Submit a statement; returns the connector's response data (``queryId``). The
        statement has finished when this returns; its error, if it failed, is kept for
        ``get_query_status_throw_if_error`` / ``get_results_from_sfqid``."""
        conn = self._check_open()
        command = command.strip(" \t\n\r") if command else ""
        self._reset()
        try:
            done = self._run_one(command, params, conn.binding_style)
        except SqlError as err:
            if err.sfqid is None:
                raise  # never submitted (bad parameters)
        else:
            self._sfqid, self._sqlstate = done.sfqid, SUCCESS_SQLSTATE
        self._result = None  # the rows are fetched later, by query id
        return {"queryId": self._sfqid}

    def describe(
        self, command: str, params: Params | None = None, **kwargs: Any
    ) -> list[ResultMetadata] | None:
        """The metadata of the result of ``command``. A query (SELECT, SHOW, DESCRIBE …) is
        run to get it, which changes nothing; a statement that would change something is
        refused (NotSupportedError) rather than run."""
        conn = self._check_open()
        text = command.strip(" \t\n\r") if command else ""
        node: exp.Expression | None
        try:
            if binds(params, conn.binding_style):
                node = bind_tree(text, params, conn.binding_style)  # type: ignore[arg-type]
            else:
                node = parse_one_statement(text) if text else None
        except SqlError as err:
            raise as_connector_error(err, query=text) from None
        if node is not None and not isinstance(node, exp.Query | exp.Show | exp.Describe):
            raise api_error(
                f"describe() of a {node.key.upper()} statement: the emulator learns a "
                "result's shape only by running the statement, and this one changes data",
                errno=ER_UNSUPPORTED_METHOD,
                kind="NotSupportedError",
                sqlstate="0A000",
                query=command,
            )
        self.execute(command, params)
        return self.description

    def callproc(self, procname: str, args: Sequence[Any] = ()) -> Sequence[Any]:
        """``CALL procname(args…)``; returns the arguments (the connector's behaviour)."""
        try:
            name = exp.to_table(procname, dialect="snowflake")
        except (ParseError, TokenError):
            raise api_error(
                f"not a procedure name: {procname!r}",
                errno=ER_INVALID_VALUE,
                kind="ProgrammingError",
            ) from None
        call = Call(this=name, expressions=[literal(a) for a in args])
        self.execute(generate(call))
        return args

    def nextset(self) -> Cursor | None:
        """Move to the next result of a multi-statement execute; None when there is none."""
        if not self._pending:
            self._result = None
            return None
        self._load(self._pending.pop(0))
        return self

    def get_results_from_sfqid(self, sfqid: str) -> None:
        """Load the result of the finished query ``sfqid`` into this cursor; a query that
        failed raises its error (the connector's ProgrammingError)."""
        entry = self.connection._finished_query(sfqid, throw=True)
        self._load_finished(sfqid, entry)

    def query_result(self, qid: str) -> Cursor:
        """Load the result of the finished query ``qid``; returns this cursor."""
        self.get_results_from_sfqid(qid)
        return self

    def abort_query(self, qid: str) -> bool:
        """Nothing is ever running, so nothing is aborted: False."""
        return False

    def _load_finished(self, sfqid: str, entry: Finished | None) -> None:
        if entry is None:
            raise no_data(sfqid)
        assert entry.table is not None  # failures raised in _finished_query
        self._load(_Result(entry.table, entry.rowcount, sfqid, entry.query))

    def _finished(self, result: QueryResultLike, sql: str) -> _Result:
        kept = _Result(result.table, result.rowcount, result.query_id, sql)
        self.connection._keep(result.query_id, Finished(sql, result.table, kept.rowcount, None))
        return kept

    def _failed(self, err: SqlError, sql: str) -> SqlError:
        """Record a failed statement (query id, SQLSTATE) and return its connector error."""
        self._sfqid = err.sfqid
        self._sqlstate = err.sqlstate or None
        self.query = sql
        if err.sfqid is not None:
            self.connection._keep(err.sfqid, Finished(sql, None, None, err))
        return as_connector_error(err, query=sql)

    def _load(self, result: _Result) -> None:
        self._result = result
        self.query = result.query
        self._sfqid = result.sfqid
        self._sqlstate = SUCCESS_SQLSTATE
        self._rowcount = result.rowcount

    def _reset(self) -> None:
        self._result = None
        self._pending = []
        self._rowcount = None

    def reset(self, closing: bool = False) -> None:
        """Drop the current result (the connector's ``reset``)."""
        rowcount = self._rowcount
        self._reset()
        if closing:
            self._rowcount = rowcount

    # -- fetching --------------------------------------------------------------------------

    def fetchone(self) -> Any:
        """The next row, or None when there are no more."""
        result = self._require_result()
        all_rows = result.rows()
        if result.position >= len(all_rows):
            return None
        result.position += 1
        return self._shape(result, all_rows[result.position - 1])

    def fetchmany(self, size: int | None = None) -> list[Any]:
        """The next ``size`` rows (default ``arraysize``)."""
        count = self.arraysize if size is None else size
        if count < 0:
            raise api_error(
                f"The number of rows is not zero or positive number: {size}",
                errno=ER_NOT_POSITIVE_SIZE,
                kind="ProgrammingError",
            )
        result = self._require_result()
        chunk = result.rows()[result.position : result.position + count]
        result.position += len(chunk)
        return [self._shape(result, r) for r in chunk]

    def fetchall(self) -> list[Any]:
        """All remaining rows."""
        result = self._require_result()
        chunk = result.rows()[result.position :]
        result.position += len(chunk)
        return [self._shape(result, r) for r in chunk]

    def _shape(self, result: _Result, row: tuple[Any, ...]) -> Any:
        return row

    def fetch_arrow_all(
        self, force_return_table: bool = False, force_microsecond_precision: bool = False
    ) -> pa.Table | None:
        """The remaining rows as one Arrow table (None when there are none, unless
        ``force_return_table``)."""
        table = self._remaining_table()
        if table.num_rows == 0 and not force_return_table:
            return None
        return table

    def fetch_arrow_batches(self, force_microsecond_precision: bool = False) -> Iterator[pa.Table]:
        """The remaining rows as Arrow tables, one per result batch."""
        for batch in batches_of(self._remaining_table()):
            yield batch.to_arrow()

    def fetch_pandas_all(self, **kwargs: Any) -> pandas.DataFrame:
        """The remaining rows as a pandas DataFrame (needs pandas installed)."""
        return to_pandas(self._remaining_table(), **kwargs)

    def fetch_pandas_batches(self, **kwargs: Any) -> Iterator[pandas.DataFrame]:
        """The remaining rows as pandas DataFrames, one per result batch."""
        for batch in batches_of(self._remaining_table()):
            yield batch.to_pandas(**kwargs)

    def get_result_batches(self) -> list[ResultBatch] | None:
        """The result as batches that can be read independently (None before a statement)."""
        if self._result is None:
            return None
        return batches_of(self._result.table, self._result.description)

    def __iter__(self) -> Iterator[Any]:
        while (row := self.fetchone()) is not None:
            yield row

    # -- PEP 249 odds and ends -------------------------------------------------------------

    def close(self) -> bool:
        """Close the cursor; True when this call closed it, False when it was closed."""
        if self.is_closed():
            return False
        self.reset(closing=True)
        self._connection = None
        self.messages.clear()
        return True

    def is_closed(self) -> bool:
        """Whether the cursor or its connection is closed."""
        return self._connection is None or self._connection.is_closed()

    def setinputsizes(self, sizes: Any) -> None:
        """No-op (PEP 249)."""

    def setoutputsize(self, size: Any, column: int | None = None) -> None:
        """No-op (PEP 249)."""

    def scroll(self, value: int, mode: str = "relative") -> None:
        """Not supported, as in the connector."""
        raise api_error(
            "scroll is not supported.",
            errno=ER_UNSUPPORTED_METHOD,
            kind="NotSupportedError",
            sqlstate="0A000",
        )

    def _upload(
        self, local_file_name: str, stage_location: str, options: dict[str, Any], **_: Any
    ) -> None:
        """Upload local files to a stage, as ``PUT`` does (``write_pandas`` calls this with
        ``'file://…'`` and ``@stage``, both already quoted by the connector)."""
        words = [f"{name.upper()}={_put_option(name, value)}" for name, value in options.items()]
        self.execute(" ".join(["PUT", local_file_name, stage_location, *words]))

    def _log_telemetry_job_data(self, *args: Any, **kwargs: Any) -> None:
        """The connector's telemetry hook (called by ``write_pandas``): nothing is sent."""

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

    def _check_open(self) -> CursorHost:
        if self._connection is None:
            raise self._closed_error("execute")
        self._connection._check_open()
        return self._connection

    @staticmethod
    def _closed_error(where: str) -> SqlError:
        return api_error(
            f"Cursor is closed in {where}.", errno=ER_CURSOR_IS_CLOSED, kind="InterfaceError"
        )

    def _require_result(self) -> _Result:
        self._check_open()
        if self._result is None:
            raise api_error(
                "No result: run execute() first.", errno=ER_NO_RESULT, kind="InterfaceError"
            )
        return self._result

    def _remaining_table(self) -> pa.Table:
        result = self._require_result()
        rest = result.table.slice(result.position)
        result.position = result.table.num_rows
        return rest


_PUT_OPTIONS = frozenset({"parallel", "auto_compress", "source_compression", "overwrite"})


def _put_option(name: str, value: Any) -> str:
    """A PUT option value as its keyword (a number, TRUE/FALSE or a compression word)."""
    if name.lower() in _PUT_OPTIONS:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int) or (isinstance(value, str) and value.isidentifier()):
            return str(value).upper()
    raise api_error(
        f"unsupported PUT option {name}={value!r}",
        errno=ER_INVALID_VALUE,
        kind="ProgrammingError",
    )


class DictCursor(Cursor):
    """A cursor whose rows are dicts keyed by column name (the connector's ``DictCursor``)."""

    def _shape(self, result: _Result, row: tuple[Any, ...]) -> Any:
        return {meta.name: value for meta, value in zip(result.description, row, strict=True)}
