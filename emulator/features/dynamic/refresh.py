"""Refreshing a dynamic table: inputs, NO_DATA, FULL / INCREMENTAL, upstream first.

https://docs.snowflake.com/en/user-guide/dynamic-tables/refresh-modes and
https://docs.snowflake.com/en/sql-reference/functions/dynamic_table_refresh_history:

* a refresh whose inputs did not change since the last one is ``NO_DATA`` (the emulator
  compares the table versions the last refresh read with the current ones; nothing is
  scanned) and only moves the data timestamp;
* a FULL refresh rewrites the table; an INCREMENTAL one writes only the net changes
  (:mod:`emulator.features.dynamic.incremental`); when an input was replaced by another object
  (CREATE OR REPLACE TABLE) the table is rebuilt and the action is ``REINITIALIZE``;
* upstream dynamic tables are refreshed first (not across SCHEDULER = DISABLE).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE, VIEW, CatalogObject
from emulator.core.changes import union_all
from emulator.core.dynamic_spec import DynamicSpec, load, save_spec, spec_of
from emulator.core.query import translate_query
from emulator.core.resolve import written_parts
from emulator.features.dynamic import changes, incremental
from emulator.features.dynamic.history import record
from emulator.features.dynamic.writer import NET, RefreshWriter, writer_for
from icebridge.errors import SqlError
from icebridge.sql.dialect import parse_one
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

NOT_INITIALIZED = (
    "Dynamic Table is not initialized. Please run a manual refresh or wait for a scheduled "
    "refresh before querying."
)


@dataclass(frozen=True)
class Outcome:
    """One refresh: its history state and action, and the rows written."""

    name: ObjectName
    state: str
    action: str | None
    inserted: int = 0
    deleted: int = 0
    message: str | None = None
    query_id: str | None = None


def _tables(query: exp.Expr) -> list[exp.Table]:
    ctes = {cte.alias_or_name.upper() for cte in query.find_all(exp.CTE)}
    return [
        t
        for t in query.find_all(exp.Table)
        if isinstance(t.this, exp.Identifier) and not (not t.db and t.name.upper() in ctes)
    ]


def inputs(emu: Engine, query: exp.Expr, home: ObjectName) -> list[CatalogObject]:
    """The objects whose versions decide NO_DATA: tables and dynamic tables read by the
    query, directly or through views (names resolve like the query's, from ``home``)."""
    found: dict[int, CatalogObject] = {}
    pending: list[tuple[exp.Expr, ObjectName]] = [(query, home)]
    while pending:
        node, where = pending.pop()
        for table in _tables(node):
            parts = written_parts(table)
            name = ObjectName(*([where.database, where.schema][: 3 - len(parts)] + parts))
            obj = emu.catalog.find(name)
            if obj is None:
                raise errors.object_does_not_exist(name.sql(), "Object")
            if obj.id in found:
                continue
            found[obj.id] = obj
            if obj.kind == VIEW and obj.definition:
                view = parse_one(obj.definition)
                pending.append((view.args.get("expression") or view, obj.name))
    return [o for o in found.values() if o.kind != VIEW]


def _apply(
    writer: RefreshWriter, emu: Engine, delta: exp.Expression, columns: list[str]
) -> tuple[int, int]:
    """Net the signed rows of ``delta`` per distinct row and let ``writer`` apply them."""
    total = exp.Sum(this=sql.column(incremental.SIGN))
    net = (
        exp.select(
            *sql.columns(columns),
            exp.alias_(exp.cast(total, exp.DataType.Type.BIGINT), sql.ident("__ib_n")),
        )
        .from_(exp.Subquery(this=delta))
        .group_by(exp.Var(this="ALL"))
        .having(exp.NEQ(this=total.copy(), expression=exp.Literal.number(0)))
    )
    sql.run(emu.con, sql.create_temp(NET, net))
    try:
        return writer.apply_net(NET)
    finally:
        sql.run(emu.con, sql.drop(NET))


def _current_rows(view: exp.Table, columns: list[str], where: exp.Expr | None = None) -> exp.Select:
    """``SELECT <columns>, -1 FROM <the table's rows> AS __ib_t [WHERE …]``."""
    current = view.copy()
    current.set("alias", exp.TableAlias(this=sql.ident("__ib_t")))
    select = exp.select(*sql.columns(columns), sql.literal(-1)).from_(current)
    return select.where(where) if where is not None else select


def _incremental(
    emu: Engine,
    writer: RefreshWriter,
    query: exp.Expression,
    translated: exp.Expression,
    columns: list[str],
    sources: dict[int, incremental.Source],
) -> tuple[int, int]:
    view = writer.current()
    plan = incremental.plan_for(query)
    if plan.kind == "delta":
        parts: list[tuple[exp.Expression, int]] = []
        for branch in incremental.union_all_branches(query) or []:
            found = incremental.branch_deltas(emu, branch, sources)
            if found is None:
                break
            parts.extend(found)
        else:
            if not parts:
                return 0, 0
            return _apply(writer, emu, incremental.signed(parts, columns), columns)
    if plan.kind == "keyed" and plan.key_input is not None:
        key_parts = incremental.branch_deltas(emu, plan.key_input, sources)
        if key_parts is not None:
            if not key_parts:
                return 0, 0
            names = [columns[p] for p in plan.keys]
            keys = (
                exp.select(*sql.columns(names))
                .distinct()
                .from_(exp.Subquery(this=incremental.signed(key_parts, names)))
            )
            fresh = incremental.matches_keys(keys, "__ib_d", names)
            stale = incremental.matches_keys(keys.copy(), "__ib_t", names)
            delta = union_all(
                [
                    incremental.signed_rows(translated, columns, 1).where(fresh),
                    _current_rows(view, columns, stale),
                ]
            )
            return _apply(writer, emu, delta, columns)
    delta = union_all(
        [incremental.signed_rows(translated, columns, 1), _current_rows(view, columns)]
    )
    return _apply(writer, emu, delta, columns)


def refresh_one(emu: Engine, object_id: int, trigger: str) -> Outcome:
    """Refresh one dynamic table inside the caller's transaction; errors propagate."""
    loaded = load(emu, object_id)
    assert loaded is not None
    obj, spec = loaded
    start = emu.now
    query = parse_one(spec.query)
    found = inputs(emu, query, obj.name)
    versions = {str(o.id): o.version for o in found}
    query_id = str(uuid.uuid4())
    if spec.initialized and versions == spec.versions:
        _finish(emu, obj, spec, versions, start)
        record(emu, obj, spec, "SUCCEEDED", "NO_DATA", trigger, start, query_id=query_id)
        return Outcome(obj.name, "SUCCEEDED", "NO_DATA", query_id=query_id)
    columns = [c.name for c in emu.catalog.columns(obj.id)]
    writer = writer_for(emu, obj, spec)
    translated = translate_query(emu, query)
    reinit = spec.initialized and set(versions) != set(spec.versions)
    if spec.refresh_mode == "FULL" or not spec.initialized or reinit:
        inserted, deleted = writer.replace_all(translated)
        action = "REINITIALIZE" if reinit else spec.refresh_mode
    else:
        sources = {}
        for o in found:
            since = spec.versions[str(o.id)]
            sources[o.id] = incremental.Source(o, since, changes.ChangedRows(emu, o, since))
        try:
            inserted, deleted = _incremental(emu, writer, query, translated, columns, sources)
        finally:
            for source in sources.values():
                source.rows.close()
        action = "INCREMENTAL"
    _finish(emu, obj, spec, versions, start)
    changed = [o.name.sql() for o in found if versions[str(o.id)] != spec.versions.get(str(o.id))]
    record(
        emu,
        obj,
        spec,
        "SUCCEEDED",
        action,
        trigger,
        start,
        inserted=inserted,
        deleted=deleted,
        inputs=changed,
        query_id=query_id,
    )
    return Outcome(obj.name, "SUCCEEDED", action, inserted, deleted, query_id=query_id)


def _finish(
    emu: Engine,
    obj: CatalogObject,
    spec: DynamicSpec,
    versions: dict[str, int],
    at: datetime,
) -> None:
    fresh = emu.catalog.by_id(obj.id)
    assert fresh is not None
    save_spec(
        emu,
        fresh,
        spec.with_(versions=versions, initialized=True, data_timestamp=at.isoformat()),
    )


def upstream(emu: Engine, object_id: int) -> list[int]:
    """Ids of the dynamic tables ``object_id`` reads (directly or through views)."""
    loaded = load(emu, object_id)
    if loaded is None:
        return []
    obj, spec = loaded
    try:
        found = inputs(emu, parse_one(spec.query), obj.name)
    except SqlError:
        return []
    return [o.id for o in found if o.kind == DYNAMIC_TABLE]


def graph_order(
    emu: Engine, object_id: int, *, cascade: bool = True, scheduled: bool = False
) -> list[int]:
    """``object_id`` after the upstream dynamic tables to refresh with it, upstream first.

    Upstream tables with SCHEDULER = DISABLE are an isolation boundary and are left out;
    for scheduled refreshes so are suspended ones.
    """
    order: list[int] = []

    def visit(current: int) -> None:
        if current in order:
            return
        if cascade or current == object_id:
            for up in upstream(emu, current) if cascade else []:
                loaded = load(emu, up)
                if loaded is None or not loaded[1].scheduled:
                    continue
                if scheduled and loaded[1].suspended:
                    continue
                visit(up)
        order.append(current)

    visit(object_id)
    return order


def ensure_readable(obj: CatalogObject) -> None:
    """Snowflake's error for reading an INITIALIZE = ON_SCHEDULE table before its first
    refresh (https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table)."""
    if not spec_of(obj).initialized:
        # 002741 per https://docs.snowflake.com/en/user-guide/dynamic-tables/error-codes
        raise errors.generic(NOT_INITIALIZED, errno=2741, sqlstate="55000")
