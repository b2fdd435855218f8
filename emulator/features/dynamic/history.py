"""Refresh history: recording refreshes and INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY().

https://docs.snowflake.com/en/sql-reference/functions/dynamic_table_refresh_history:
arguments DATA_TIMESTAMP_START / DATA_TIMESTAMP_END (default: the past day up to now),
RESULT_LIMIT (1..10000, default 100; the most recent refreshes are kept), NAME (unqualified,
partially or fully qualified, case-insensitive), NAME_PREFIX, ERROR_ONLY (FAILED, CANCELLED
and UPSTREAM_FAILED only). Rows come newest first.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import CatalogObject, utc_naive
from emulator.core.dynamic_spec import HISTORY_TABLE, DynamicSpec
from emulator.translate.relations import SCRATCH_PREFIX

if TYPE_CHECKING:
    from emulator.core.engine import Engine

FUNCTION = "DYNAMIC_TABLE_REFRESH_HISTORY"
_ARGUMENTS = (
    "DATA_TIMESTAMP_START",
    "DATA_TIMESTAMP_END",
    "RESULT_LIMIT",
    "NAME",
    "NAME_PREFIX",
    "ERROR_ONLY",
)


def record(
    emu: Engine,
    obj: CatalogObject,
    spec: DynamicSpec,
    state: str,
    action: str | None,
    trigger: str,
    start: datetime,
    *,
    inserted: int = 0,
    deleted: int = 0,
    inputs: list[str] | None = None,
    message: str | None = None,
    code: str | None = None,
    query_id: str | None = None,
) -> None:
    """Append one refresh to the history (inside the caller's transaction)."""
    end = emu.now
    statistics: dict[str, int] = {"queuedTimeMs": 0, "compilationTimeMs": 0}
    statistics["executionTimeMs"] = int((end - start).total_seconds() * 1000)
    if state == "SUCCEEDED":
        statistics.update(numInsertedRows=inserted, numDeletedRows=deleted, numCopiedRows=0)
    previous = datetime.fromisoformat(spec.data_timestamp) if spec.data_timestamp else None
    target = previous + spec.lag if previous is not None and spec.lag is not None else None
    changed = None
    if inputs:
        changed = json.dumps([{"name": n, "kind": "TABLE"} for n in inputs])
    emu.con.execute(
        f"INSERT INTO {HISTORY_TABLE} VALUES ({', '.join('?' * 18)})",
        [
            obj.id,
            obj.name.database,
            obj.name.schema,
            obj.name.name,
            state,
            code,
            message,
            query_id,
            utc_naive(start) if state == "SUCCEEDED" else None,
            utc_naive(start),
            utc_naive(end),
            utc_naive(target) if target is not None else None,
            json.dumps(statistics),
            action,
            trigger,
            spec.lag_seconds,
            changed,
            None,
        ],
    )


def _arguments(emu: Engine, call: exp.Anonymous) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for arg in call.expressions:
        if not isinstance(arg, exp.Kwarg):
            raise errors.generic(
                f"SQL compilation error:\n{FUNCTION} takes named arguments (NAME => '...').",
                errno=1044,
                sqlstate="42601",
            )
        key = arg.this.name.upper()
        if key not in _ARGUMENTS:
            raise errors.generic(
                f"SQL compilation error:\ninvalid argument '{key}' for function {FUNCTION}",
                errno=1044,
                sqlstate="42601",
            )
        select = exp.Select(expressions=[arg.expression.copy()])
        values[key] = emu.fetch(emu.translate(select).sql(dialect="duckdb")).column(0)[0].as_py()
    return values


def _instant(emu: Engine, value: Any, key: str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise errors.invalid_value(key, str(value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(emu.state.timezone))
    instant: datetime = value
    return instant


def _name_filter(emu: Engine, text: str) -> tuple[str, list[Any]]:
    parts = [p[1:-1] if p.startswith('"') else p.upper() for p in text.split(".")]
    if len(parts) == 1:
        parts = [emu.state.database or "", emu.state.schema or "", *parts]
    elif len(parts) == 2:
        parts = [emu.state.database or "", *parts]
    return "database = ? AND schema = ? AND name = ?", parts[-3:]


def history_rows(emu: Engine, args: dict[str, Any]) -> pa.Table:
    """The rows of DYNAMIC_TABLE_REFRESH_HISTORY(args), newest first."""
    end = (
        _instant(emu, args["DATA_TIMESTAMP_END"], "DATA_TIMESTAMP_END")
        if ("DATA_TIMESTAMP_END" in args)
        else emu.now
    )
    start = (
        _instant(emu, args["DATA_TIMESTAMP_START"], "DATA_TIMESTAMP_START")
        if "DATA_TIMESTAMP_START" in args
        else end - timedelta(days=1)
    )
    where = ["refresh_start_time >= ?", "refresh_start_time <= ?"]
    params: list[Any] = [utc_naive(start), utc_naive(end)]
    if "NAME" in args:
        test, values = _name_filter(emu, str(args["NAME"]))
        where.append(test)
        params.extend(values)
    if "NAME_PREFIX" in args:
        where.append("starts_with(upper(database || '.' || schema || '.' || name), ?)")
        params.append(str(args["NAME_PREFIX"]).upper())
    if args.get("ERROR_ONLY") is True:
        where.append("state IN ('FAILED', 'CANCELLED', 'UPSTREAM_FAILED')")
    limit = int(args.get("RESULT_LIMIT", 100))
    if not 1 <= limit <= 10000:
        raise errors.invalid_value("RESULT_LIMIT", str(limit))
    return emu.fetch(_select(" AND ".join(where), limit), params)


_counter = itertools.count()


def replace_calls(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Statement rewriter: each ``TABLE([db.]INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY(
    ...))`` becomes a relation registered with DuckDB for this statement."""
    for call in list(node.find_all(exp.Anonymous)):
        if call.name.upper() != FUNCTION:
            continue
        holder: exp.Expression = call
        while isinstance(holder.parent, exp.Dot):
            holder = holder.parent
        outer = holder.parent
        if not isinstance(outer, exp.TableFromRows):
            continue
        rows = history_rows(emu, _arguments(emu, call))
        scratch = f"{SCRATCH_PREFIX}dt_history_{next(_counter) % 8}"
        emu.con.register(scratch, rows)
        relation = exp.Table(this=exp.to_identifier(scratch, quoted=True))
        alias = outer.args.get("alias")
        if alias is not None:
            relation.set("alias", alias.copy())
        outer.replace(relation)
    return node


def _utc(column: str) -> str:
    return f"timezone('UTC', {column})"


def _select(conditions: str, limit: int) -> str:
    return f"""
        SELECT name AS NAME, schema AS SCHEMA_NAME, database AS DATABASE_NAME,
               state AS STATE, state_code AS STATE_CODE, state_message AS STATE_MESSAGE,
               query_id AS QUERY_ID, {_utc("data_timestamp")} AS DATA_TIMESTAMP,
               {_utc("refresh_start_time")} AS REFRESH_START_TIME,
               {_utc("refresh_end_time")} AS REFRESH_END_TIME,
               {_utc("completion_target")} AS COMPLETION_TARGET,
               database || '.' || schema || '.' || name AS QUALIFIED_NAME,
               last_dependency AS LAST_COMPLETED_DEPENDENCY,
               statistics AS STATISTICS, refresh_action AS REFRESH_ACTION,
               NULL::VARCHAR AS REINIT_REASON, refresh_trigger AS REFRESH_TRIGGER,
               target_lag_sec AS TARGET_LAG_SEC,
               NULL::TIMESTAMP AS GRAPH_HISTORY_VALID_FROM,
               inputs AS INPUTS_WITH_CHANGED_DATA
        FROM (SELECT *, rowid AS __ib_pos FROM {HISTORY_TABLE})
        WHERE {conditions}
        ORDER BY refresh_start_time DESC, __ib_pos DESC
        LIMIT {int(limit)}"""
