"""INFORMATION_SCHEMA.TASK_HISTORY() and COMPLETE_TASK_GRAPHS() as relations.

https://docs.snowflake.com/en/sql-reference/functions/task_history: the named arguments
are applied before any WHERE or LIMIT of the query; RESULT_LIMIT defaults to 100 (1 to
10000); the time range must lie within the last 7 days; TASK_NAME is case-insensitive and
unqualified; ERROR_ONLY keeps failed and cancelled runs; rows come newest SCHEDULED_TIME
first and include each started root task's next SCHEDULED run (QUERY_ID NULL).
https://docs.snowflake.com/en/sql-reference/functions/complete_task_graphs: one row per
finished graph run.

The rows are built as an Arrow table, registered with DuckDB under a scratch name and the
call is replaced by that name.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.resolve import stored
from emulator.features.tasks.engine import tasks_of
from emulator.features.tasks.history import COLUMNS, HistoryRow
from emulator.translate.relations import SCRATCH_PREFIX

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_ERROR_STATES = ("FAILED", "FAILED_AND_AUTO_SUSPENDED", "CANCELLED")
_TIME_COLUMNS = ("SCHEDULED_TIME", "QUERY_START_TIME", "NEXT_SCHEDULED_TIME", "COMPLETED_TIME")
_INT_COLUMNS = ("GRAPH_VERSION", "RUN_ID", "ATTEMPT_NUMBER")
_counter = itertools.count()

GRAPH_COLUMNS = (
    "ROOT_TASK_NAME",
    "DATABASE_NAME",
    "SCHEMA_NAME",
    "STATE",
    "SCHEDULED_FROM",
    "FIRST_ERROR_TASK_NAME",
    "FIRST_ERROR_CODE",
    "FIRST_ERROR_MESSAGE",
    "SCHEDULED_TIME",
    "QUERY_START_TIME",
    "NEXT_SCHEDULED_TIME",
    "COMPLETED_TIME",
    "ROOT_TASK_ID",
    "GRAPH_VERSION",
    "RUN_ID",
    "ATTEMPT_NUMBER",
    "CONFIG",
    "GRAPH_RUN_GROUP_ID",
)


def replace(emu: Engine, call: exp.Anonymous) -> None:
    """Replace ``[db.]INFORMATION_SCHEMA.<fn>(...)`` inside ``TABLE(...)`` by a relation."""
    database = _database(emu, call)
    args = _arguments(emu, call)
    name = call.name.upper()
    table = (
        task_history(emu, database, args) if name == "TASK_HISTORY" else graphs(emu, database, args)
    )
    scratch = f"{SCRATCH_PREFIX}{name.lower()}_{next(_counter) % 8}"
    emu.con.register(scratch, table)
    holder: exp.Expression = call
    while isinstance(holder.parent, exp.Dot):
        holder = holder.parent
    outer = holder.parent
    relation = sql.table(scratch)
    if isinstance(outer, exp.TableFromRows):
        alias = outer.args.get("alias")
        if alias is not None:
            relation.set("alias", alias.copy())
        outer.replace(relation)
    else:
        holder.replace(relation)


def _database(emu: Engine, call: exp.Anonymous) -> str:
    parent = call.parent
    if isinstance(parent, exp.Dot) and isinstance(parent.this, exp.Dot):
        database = stored(parent.this.this)
        if database:
            return database
    if emu.state.database is None:
        raise errors.no_current_database("TASK_HISTORY")
    return emu.state.database


def _arguments(emu: Engine, call: exp.Anonymous) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for arg in call.expressions:
        if not isinstance(arg, exp.Kwarg):
            raise errors.generic(
                f"SQL compilation error:\n{call.name} takes named arguments (NAME => value).",
                errno=1044,
                sqlstate="22023",
            )
        select = exp.Select(expressions=[arg.expression.copy()])
        value = emu.fetch(sql.render(emu.translate(select))).column(0)[0].as_py()
        out[arg.this.name.upper()] = value
    return out


def _instant(value: Any, emu: Engine) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            from zoneinfo import ZoneInfo

            value = value.replace(tzinfo=ZoneInfo(emu.state.timezone))
        instant: datetime = value
        return instant
    raise errors.invalid_value("SCHEDULED_TIME_RANGE", str(value))


def _limit(args: dict[str, Any]) -> int:
    limit = int(args.get("RESULT_LIMIT", 100))
    if not 1 <= limit <= 10000:
        raise errors.generic(
            f"invalid value [{limit}] for parameter 'RESULT_LIMIT'",
            errno=1008,
            sqlstate="22023",
        )
    return limit


def task_history(emu: Engine, database: str, args: dict[str, Any]) -> pa.Table:
    """The TASK_HISTORY rows for ``database`` after the named arguments."""
    now = emu.now
    start = (
        _instant(args["SCHEDULED_TIME_RANGE_START"], emu)
        if "SCHEDULED_TIME_RANGE_START" in args
        else None
    )
    end = (
        _instant(args["SCHEDULED_TIME_RANGE_END"], emu)
        if "SCHEDULED_TIME_RANGE_END" in args
        else None
    )
    for bound in (start, end):
        if bound is not None and bound < now - timedelta(days=7):
            raise errors.generic(
                "Invalid argument: the time range of TASK_HISTORY must be within the last 7 days.",
                errno=2128,
                sqlstate="22023",
            )
    limit = _limit(args)
    rows = [*tasks_of(emu).history.rows, *_scheduled(emu)]
    name = args.get("TASK_NAME")
    keep = [
        r
        for r in rows
        if r.database_name == database
        and (name is None or r.name.upper() == str(name).upper())
        and ("DATABASE_NAME" not in args or r.database_name == args["DATABASE_NAME"])
        and ("SCHEMA_NAME" not in args or r.schema_name == args["SCHEMA_NAME"])
        and ("ROOT_TASK_ID" not in args or r.root_task_id == args["ROOT_TASK_ID"])
        and (not args.get("ERROR_ONLY") or r.state in _ERROR_STATES)
        and (start is None or r.scheduled_time >= start)
        and (end is None or r.scheduled_time <= end)
    ]
    order = sorted(enumerate(keep), key=lambda p: (p[1].scheduled_time, p[0]), reverse=True)
    chosen = [r for _, r in order[:limit]]
    return _arrow(COLUMNS, [_values(r) for r in chosen])


def _scheduled(emu: Engine) -> list[HistoryRow]:
    out: list[HistoryRow] = []
    engine = tasks_of(emu)
    for task in engine.tasks.values():
        due = engine.next_tick(task, emu.now)
        if due is None:
            continue
        out.append(
            HistoryRow(
                query_id=None,
                name=task.name.name,
                database_name=task.name.database,
                schema_name=task.name.schema,
                query_text=task.body_sql,
                condition_text=task.when_sql,
                state="SCHEDULED",
                error_code=None,
                error_message=None,
                scheduled_time=due,
                query_start_time=None,
                next_scheduled_time=due,
                completed_time=None,
                root_task_id=task.task_id,
                graph_version=task.graph_version,
                run_id=int(due.timestamp() * 1000),
                return_value=None,
                scheduled_from="SCHEDULE",
                attempt_number=1,
                config=task.config,
                query_hash=None,
                query_hash_version=None,
                query_parameterized_hash=None,
                query_parameterized_hash_version=None,
                graph_run_group_id="",
            )
        )
    return out


def _values(row: HistoryRow) -> dict[str, Any]:
    return {c: getattr(row, c.lower()) for c in COLUMNS}


def _arrow(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> pa.Table:
    arrays = {}
    for c in columns:
        if c in _TIME_COLUMNS:
            kind: pa.DataType = pa.timestamp("us", tz="UTC")
        elif c in _INT_COLUMNS:
            kind = pa.int64()
        else:
            kind = pa.string()
        arrays[c] = pa.array([r[c] for r in rows], kind)
    return pa.table(arrays)


def graphs(emu: Engine, database: str, args: dict[str, Any]) -> pa.Table:
    """COMPLETE_TASK_GRAPHS: one row per finished graph run (a skipped root is not one)."""
    limit = _limit(args)
    root_name = args.get("ROOT_TASK_NAME")
    groups: dict[str, list[HistoryRow]] = {}
    for row in tasks_of(emu).history.rows:
        if row.database_name == database:
            groups.setdefault(row.graph_run_group_id, []).append(row)
    out: list[dict[str, Any]] = []
    for rows in groups.values():
        first = rows[0]
        if first.state == "SKIPPED":
            continue
        errors_ = [r for r in rows if r.state in _ERROR_STATES]
        final_attempt = max(r.attempt_number for r in rows)
        failed_last = [r for r in errors_ if r.attempt_number == final_attempt]
        state = "FAILED" if failed_last else "SUCCEEDED"
        if root_name is not None and first.name.upper() != str(root_name).upper():
            continue
        if args.get("ERROR_ONLY") and state != "FAILED":
            continue
        out.append(
            {
                "ROOT_TASK_NAME": first.name,
                "DATABASE_NAME": first.database_name,
                "SCHEMA_NAME": first.schema_name,
                "STATE": state,
                "SCHEDULED_FROM": first.scheduled_from,
                "FIRST_ERROR_TASK_NAME": errors_[0].name if errors_ else None,
                "FIRST_ERROR_CODE": errors_[0].error_code if errors_ else None,
                "FIRST_ERROR_MESSAGE": errors_[0].error_message if errors_ else None,
                "SCHEDULED_TIME": first.scheduled_time,
                "QUERY_START_TIME": first.query_start_time,
                "NEXT_SCHEDULED_TIME": None,
                "COMPLETED_TIME": max(r.completed_time or first.scheduled_time for r in rows),
                "ROOT_TASK_ID": first.root_task_id,
                "GRAPH_VERSION": first.graph_version,
                "RUN_ID": first.run_id,
                "ATTEMPT_NUMBER": final_attempt,
                "CONFIG": first.config,
                "GRAPH_RUN_GROUP_ID": first.graph_run_group_id,
            }
        )
    out.sort(key=lambda r: r["SCHEDULED_TIME"], reverse=True)
    return _arrow(GRAPH_COLUMNS, out[:limit])
