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
from emulator.core import sql
from emulator.core.catalog import CatalogObject, utc_naive
from emulator.core.dynamic_spec import HISTORY_COLUMNS, HISTORY_NAME, DynamicSpec
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
    row = exp.Tuple(expressions=[sql.param() for _ in HISTORY_COLUMNS])
    sql.run(
        emu.con,
        exp.insert(exp.Values(expressions=[row]), sql.meta(HISTORY_NAME)),
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
        values[key] = sql.fetch_arrow(emu.con, emu.translate(select)).column(0)[0].as_py()
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


def _equals(name: str) -> exp.Expression:
    return exp.EQ(this=sql.column(name), expression=sql.param())


def _name_filter(emu: Engine, text: str) -> tuple[exp.Expr, list[Any]]:
    parts = [p[1:-1] if p.startswith('"') else p.upper() for p in text.split(".")]
    if len(parts) == 1:
        parts = [emu.state.database or "", emu.state.schema or "", *parts]
    elif len(parts) == 2:
        parts = [emu.state.database or "", *parts]
    return exp.and_(_equals("database"), _equals("schema"), _equals("name")), parts[-3:]


def _qualified_name() -> exp.Expression:
    """``database || '.' || schema || '.' || name``."""
    dot = exp.Literal.string(".")
    text: exp.Expression = sql.column("database")
    for part in (dot, sql.column("schema"), dot.copy(), sql.column("name")):
        text = exp.DPipe(this=text, expression=part)
    return text


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
    started = sql.column("refresh_start_time")
    where: list[exp.Expr] = [
        exp.GTE(this=started, expression=sql.param()),
        exp.LTE(this=started.copy(), expression=sql.param()),
    ]
    params: list[Any] = [utc_naive(start), utc_naive(end)]
    if "NAME" in args:
        test, values = _name_filter(emu, str(args["NAME"]))
        where.append(test)
        params.extend(values)
    if "NAME_PREFIX" in args:
        where.append(exp.StartsWith(this=exp.Upper(this=_qualified_name()), expression=sql.param()))
        params.append(str(args["NAME_PREFIX"]).upper())
    if args.get("ERROR_ONLY") is True:
        failed = [exp.Literal.string(s) for s in ("FAILED", "CANCELLED", "UPSTREAM_FAILED")]
        where.append(exp.In(this=sql.column("state"), expressions=failed))
    limit = int(args.get("RESULT_LIMIT", 100))
    if not 1 <= limit <= 10000:
        raise errors.invalid_value("RESULT_LIMIT", str(limit))
    return sql.fetch_arrow(emu.con, _select(exp.and_(*where), limit), params)


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
        relation = sql.table(scratch)
        alias = outer.args.get("alias")
        if alias is not None:
            relation.set("alias", alias.copy())
        outer.replace(relation)
    return node


def _utc(column: str) -> exp.Expression:
    return exp.Anonymous(
        this="timezone", expressions=[exp.Literal.string("UTC"), sql.column(column)]
    )


def _null(kind: str) -> exp.Expression:
    return exp.cast(exp.Null(), kind)


def _outputs() -> list[tuple[str, exp.Expression]]:
    """(output column, value) of DYNAMIC_TABLE_REFRESH_HISTORY, in order."""
    return [
        ("NAME", sql.column("name")),
        ("SCHEMA_NAME", sql.column("schema")),
        ("DATABASE_NAME", sql.column("database")),
        ("STATE", sql.column("state")),
        ("STATE_CODE", sql.column("state_code")),
        ("STATE_MESSAGE", sql.column("state_message")),
        ("QUERY_ID", sql.column("query_id")),
        ("DATA_TIMESTAMP", _utc("data_timestamp")),
        ("REFRESH_START_TIME", _utc("refresh_start_time")),
        ("REFRESH_END_TIME", _utc("refresh_end_time")),
        ("COMPLETION_TARGET", _utc("completion_target")),
        ("QUALIFIED_NAME", _qualified_name()),
        ("LAST_COMPLETED_DEPENDENCY", sql.column("last_dependency")),
        ("STATISTICS", sql.column("statistics")),
        ("REFRESH_ACTION", sql.column("refresh_action")),
        ("REINIT_REASON", _null("VARCHAR")),
        ("REFRESH_TRIGGER", sql.column("refresh_trigger")),
        ("TARGET_LAG_SEC", sql.column("target_lag_sec")),
        ("GRAPH_HISTORY_VALID_FROM", _null("TIMESTAMP")),
        ("INPUTS_WITH_CHANGED_DATA", sql.column("inputs")),
    ]


def _select(conditions: exp.Expr, limit: int) -> exp.Select:
    # rowid keeps refreshes that started at the same instant in the order they were recorded.
    history = exp.select(exp.Star(), exp.alias_(sql.column("rowid"), sql.ident("__ib_pos"))).from_(
        sql.meta(HISTORY_NAME)
    )
    return (
        exp.select(*[exp.alias_(value, sql.ident(name)) for name, value in _outputs()])
        .from_(exp.Subquery(this=history))
        .where(conditions)
        .order_by(
            exp.Ordered(this=sql.column("refresh_start_time"), desc=True),
            exp.Ordered(this=sql.column("__ib_pos"), desc=True),
        )
        .limit(exp.Literal.number(int(limit)))
    )
