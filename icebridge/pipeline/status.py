"""What :meth:`Pipeline.status` reports, read through the target with grammar-built SQL.

Reported: rows in the staging table, rows in the target, whether the stream has pending
changes (``SYSTEM$STREAM_HAS_DATA``), the lag (how long the oldest row still waiting in the
stream has waited, from its ``_INGESTED_AT``), the load task's runs counted by state and its
most recent runs (``INFORMATION_SCHEMA.TASK_HISTORY``, newest first). A part the target
cannot answer yet (it raises :class:`~icebridge.errors.UnsupportedError`) is reported as
``None``; any other error (for example, a pipeline that is not deployed) propagates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from icebridge.errors import UnsupportedError
from icebridge.pipeline.columns import INGESTED_AT
from icebridge.pipeline.specs import DynamicTarget, IcebergTarget, PipelineParts
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName, identifier

if TYPE_CHECKING:
    from icebridge.targets.base import Target

#: How many task runs :class:`PipelineStatus` lists.
RECENT_RUNS = 10
#: How many runs of TASK_HISTORY are counted by state (the function's maximum).
HISTORY_LIMIT = 10000
_RUN_COLUMNS = ("NAME", "STATE", "SCHEDULED_TIME", "COMPLETED_TIME", "ERROR_MESSAGE")


@dataclass(frozen=True)
class TaskRun:
    """One row of TASK_HISTORY."""

    name: str
    state: str
    scheduled_time: Any
    completed_time: Any
    error_message: str | None


@dataclass(frozen=True)
class RefreshRun:
    """One row of DYNAMIC_TABLE_REFRESH_HISTORY."""

    state: str
    data_timestamp: Any
    refresh_start_time: Any
    refresh_end_time: Any
    message: str | None


@dataclass(frozen=True)
class PipelineStatus:
    """A snapshot of a deployed pipeline; ``None`` marks what the target cannot report."""

    pipeline: str
    staged_rows: int | None
    target_rows: int | None
    stream_has_data: bool | None
    recent_task_runs: tuple[TaskRun, ...] | None
    lag_seconds: int | None = None
    runs_by_state: dict[str, int] | None = None
    #: "task", "dynamic" or "stage" (a staging table only).
    mode: str = "task"
    #: Rows waiting in the stream (reading a stream in a query never consumes it).
    pending_rows: int | None = None
    stream_stale: bool | None = None
    #: The load task's next SCHEDULED run, from TASK_HISTORY.
    next_run: Any = None
    #: The newest error of a failed task run or dynamic-table refresh.
    last_error: str | None = None
    #: A dynamic table's SCHEDULING_STATE and DATA_TIMESTAMP (SHOW DYNAMIC TABLES).
    scheduling_state: str | None = None
    data_timestamp: Any = None
    #: A dynamic table's newest refresh (DYNAMIC_TABLE_REFRESH_HISTORY).
    last_refresh: RefreshRun | None = None

    def __str__(self) -> str:
        from icebridge.pipeline.status_view import summary

        return summary(self)

    def __rich__(self) -> Any:
        """A rich table of this status (``rich.print(status)``)."""
        from icebridge.pipeline.status_view import rich_table

        return rich_table(self)


def count_sql(table: ObjectName) -> str:
    """``SELECT COUNT(*) FROM table``."""
    return generate(exp.select(exp.Count(this=exp.Star())).from_(table.table()))


def stream_has_data_sql(stream: ObjectName) -> str:
    """``SELECT SYSTEM$STREAM_HAS_DATA('db.schema.stream')``."""
    from icebridge.sql import build

    return generate(exp.select(build.stream_has_data(stream)))


def task_history_sql(task: ObjectName, limit: int = RECENT_RUNS) -> str:
    """Recent runs of ``task`` through the TASK_HISTORY table function, newest first.

    Filters are function arguments, applied before any WHERE
    (https://docs.snowflake.com/en/sql-reference/functions/task_history).
    """
    function = exp.Dot(
        this=exp.Dot(this=identifier(task.database), expression=identifier("INFORMATION_SCHEMA")),
        expression=exp.Anonymous(
            this="TASK_HISTORY",
            expressions=[
                exp.Kwarg(this=exp.var("TASK_NAME"), expression=exp.Literal.string(task.name)),
                exp.Kwarg(this=exp.var("RESULT_LIMIT"), expression=exp.Literal.number(limit)),
            ],
        ),
    )
    query = (
        exp.select(*(exp.column(identifier(c)) for c in _RUN_COLUMNS))
        .from_(exp.TableFromRows(this=function))
        .where(
            exp.EQ(
                this=exp.column(identifier("SCHEMA_NAME")),
                expression=exp.Literal.string(task.schema),
            )
        )
        .order_by(exp.Ordered(this=exp.column(identifier("SCHEDULED_TIME")), desc=True))
    )
    return generate(query)


def lag_sql(stream: ObjectName) -> str:
    """Seconds the oldest row still waiting in ``stream`` has waited (NULL when none).

    ``_INGESTED_AT`` is TIMESTAMP_NTZ holding the session-local wallclock, so it is compared
    with ``CURRENT_TIMESTAMP()`` cast to NTZ in the same time zone. Reading a stream in a
    query never consumes it (https://docs.snowflake.com/en/user-guide/streams-intro).
    """
    oldest = exp.Min(this=exp.column(identifier(INGESTED_AT)))
    now = exp.Cast(
        this=exp.CurrentTimestamp(), to=exp.DataType.build("TIMESTAMP_NTZ", dialect="snowflake")
    )
    lag = exp.DateDiff(this=now, expression=oldest, unit=exp.var("SECOND"))
    return generate(exp.select(lag).from_(stream.table()))


def _scalar(target: Target, sql: str) -> Any:
    table = target.query(sql)
    if table.num_rows != 1 or table.num_columns < 1:
        return None
    return table.column(0)[0].as_py()


def _optional(target: Target, sql: str) -> tuple[bool, Any]:
    try:
        return True, target.query(sql)
    except UnsupportedError:
        return False, None


def read_status(pipeline: PipelineParts, target: Target) -> PipelineStatus:
    """Query ``target`` for the status of ``pipeline``."""
    staging = pipeline.staging
    staged = None if staging is None else _scalar(target, count_sql(staging.table))
    loaded = None if pipeline.target is None else _scalar(target, count_sql(pipeline.target.table))
    has_data: bool | None = None
    if pipeline.stream_spec is not None:
        ok, table = _optional(target, stream_has_data_sql(pipeline.stream_spec.name))
        if ok and table is not None and table.num_rows == 1:
            has_data = bool(table.column(0)[0].as_py())
    lag: int | None = None
    if pipeline.stream_spec is not None and staging is not None and staging.ingested_at:
        ok, table = _optional(target, lag_sql(pipeline.stream_spec.name))
        if ok and table is not None and table.num_rows == 1:
            lag = int(table.column(0)[0].as_py() or 0)
    extra: dict[str, Any] = {}
    if pipeline.stream_spec is not None:
        extra.update(_stream_state(target, pipeline.stream_spec.name))
    runs: tuple[TaskRun, ...] | None = None
    by_state: dict[str, int] | None = None
    if isinstance(pipeline.target, IcebergTarget):
        ok, table = _optional(target, task_history_sql(pipeline.target.task, HISTORY_LIMIT))
        if ok and table is not None:
            all_rows = table.to_pylist()
            by_state = {}
            for row in all_rows:
                by_state[row["STATE"]] = by_state.get(row["STATE"], 0) + 1
            runs = tuple(
                TaskRun(
                    name=r.get("NAME"),
                    state=r.get("STATE"),
                    scheduled_time=r.get("SCHEDULED_TIME"),
                    completed_time=r.get("COMPLETED_TIME"),
                    error_message=r.get("ERROR_MESSAGE"),
                )
                for r in all_rows[:RECENT_RUNS]
            )
            scheduled = [r for r in all_rows if r.get("STATE") == "SCHEDULED"]
            failed = [r for r in all_rows if r.get("ERROR_MESSAGE")]
            extra["next_run"] = scheduled[0].get("SCHEDULED_TIME") if scheduled else None
            extra["last_error"] = failed[0].get("ERROR_MESSAGE") if failed else None
    if isinstance(pipeline.target, DynamicTarget):
        extra.update(_dynamic_state(target, pipeline.target.table))
        lag = extra.pop("lag_seconds", None)
    mode = (
        "dynamic"
        if isinstance(pipeline.target, DynamicTarget)
        else "task"
        if pipeline.target is not None
        else "stage"
    )
    return PipelineStatus(
        pipeline=pipeline.name,
        staged_rows=None if staged is None else int(staged),
        target_rows=None if loaded is None else int(loaded),
        stream_has_data=has_data,
        recent_task_runs=runs,
        lag_seconds=lag,
        runs_by_state=by_state,
        mode=mode,
        **extra,
    )


def _like(kind: str, name: ObjectName) -> str:
    """``SHOW <kind> LIKE 'name' IN SCHEMA db.schema`` (the rows are then matched exactly,
    since LIKE treats ``_`` as a wildcard)."""
    scope = exp.Table(this=identifier(name.schema), db=identifier(name.database))
    node = exp.Show(this=kind, like=exp.Literal.string(name.name), scope=scope, scope_kind="SCHEMA")
    return generate(node)


def _shown(target: Target, kind: str, name: ObjectName) -> dict[str, Any] | None:
    ok, table = _optional(target, _like(kind, name))
    if not ok or table is None:
        return None
    for row in table.to_pylist():
        lowered = {str(k).lower(): v for k, v in row.items()}
        if lowered.get("name") == name.name:
            return lowered
    return None


def _stream_state(target: Target, stream: ObjectName) -> dict[str, Any]:
    out: dict[str, Any] = {}
    shown = _shown(target, "STREAMS", stream)
    if shown is not None and "stale" in shown:
        out["stream_stale"] = str(shown["stale"]).lower() == "true"
    ok, table = _optional(target, count_sql(stream))
    if ok and table is not None and table.num_rows == 1:
        out["pending_rows"] = int(table.column(0)[0].as_py() or 0)
    return out


def refresh_history_sql(table: ObjectName, limit: int = RECENT_RUNS) -> str:
    """The newest refreshes of a dynamic table, with the lag of each data timestamp
    (https://docs.snowflake.com/en/sql-reference/functions/dynamic_table_refresh_history)."""
    function = exp.Dot(
        this=exp.Dot(this=identifier(table.database), expression=identifier("INFORMATION_SCHEMA")),
        expression=exp.Anonymous(
            this="DYNAMIC_TABLE_REFRESH_HISTORY",
            expressions=[
                exp.Kwarg(this=exp.var("NAME"), expression=exp.Literal.string(str(table))),
                exp.Kwarg(this=exp.var("RESULT_LIMIT"), expression=exp.Literal.number(limit)),
            ],
        ),
    )
    lag = exp.DateDiff(
        this=exp.CurrentTimestamp(),
        expression=exp.column(identifier("DATA_TIMESTAMP")),
        unit=exp.var("SECOND"),
    )
    columns = ("STATE", "DATA_TIMESTAMP", "REFRESH_START_TIME", "REFRESH_END_TIME")
    query = (
        exp.select(
            *(exp.column(identifier(c)) for c in (*columns, "STATE_MESSAGE")),
            exp.alias_(lag, identifier("LAG_SECONDS")),
        )
        .from_(exp.TableFromRows(this=function))
        .order_by(exp.Ordered(this=exp.column(identifier("REFRESH_START_TIME")), desc=True))
    )
    return generate(query)


def _dynamic_state(target: Target, table: ObjectName) -> dict[str, Any]:
    out: dict[str, Any] = {}
    shown = _shown(target, "DYNAMIC TABLES", table)
    if shown is not None:
        out["scheduling_state"] = shown.get("scheduling_state")
        out["data_timestamp"] = shown.get("data_timestamp")
    ok, history = _optional(target, refresh_history_sql(table))
    if ok and history is not None:
        rows = history.to_pylist()
        if rows:
            newest = rows[0]
            out["last_refresh"] = RefreshRun(
                state=newest.get("STATE"),
                data_timestamp=newest.get("DATA_TIMESTAMP"),
                refresh_start_time=newest.get("REFRESH_START_TIME"),
                refresh_end_time=newest.get("REFRESH_END_TIME"),
                message=newest.get("STATE_MESSAGE"),
            )
        # The lag is how old the data of the newest successful refresh is.
        done = [r for r in rows if r.get("STATE") == "SUCCEEDED"]
        if done and done[0].get("LAG_SECONDS") is not None:
            out["lag_seconds"] = int(done[0]["LAG_SECONDS"])
        failed = [r for r in rows if r.get("STATE") == "FAILED" and r.get("STATE_MESSAGE")]
        if failed:
            out["last_error"] = failed[0]["STATE_MESSAGE"]
    return out
