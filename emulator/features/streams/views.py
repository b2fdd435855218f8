"""Streams on views: which view queries Snowflake accepts.

https://docs.snowflake.com/en/user-guide/streams-intro (Streams on views): projections,
filters, inner or cross joins, UNION ALL and nested views or subqueries in FROM are
allowed; GROUP BY, QUALIFY, DISTINCT, LIMIT, subqueries outside FROM, correlated
subqueries and materialized views are not. Views with a disallowed shape fail here with
the rule named. Projection / filter views over one table are read here (:class:`ViewSource`);
joins, UNION ALL and nested views or subqueries by :mod:`emulator.features.streams.view_join`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import TABLE, CatalogObject
from emulator.core.changes import (
    ACTION,
    ISUPDATE,
    ROW_ID_COLUMN,
    NativeSource,
    metadata,
    net_delta,
    select_all,
    with_ctes,
)
from emulator.features.streams.view_shape import is_single_table, view_query

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Columns carrying the base row id and action through the view's SELECT.
RID = "__ib_rid"
ACT = "__ib_act"


def _disallowed(query: exp.Expression) -> str | None:
    """The first construct a view stream cannot track, or None."""
    if isinstance(query, exp.SetOperation) and (
        not isinstance(query, exp.Union) or query.args.get("distinct")
    ):
        return "UNION" if isinstance(query, exp.Union) else query.key.upper()
    for select in query.find_all(exp.Select):
        for key, label in (
            ("group", "GROUP BY"),
            ("qualify", "QUALIFY"),
            ("distinct", "DISTINCT"),
            ("limit", "LIMIT"),
            ("having", "HAVING"),
        ):
            if select.args.get(key):
                return label
        for projection in select.expressions:
            if projection.find(exp.AggFunc) is not None:
                return "aggregate functions"
            if projection.find(exp.Window) is not None:
                return "window functions"
    for join in query.find_all(exp.Join):
        if join.side:
            return "outer joins"
    for sub in query.find_all(exp.Subquery):
        parent = sub.parent
        if not isinstance(parent, exp.From | exp.Join):
            return "subqueries outside FROM"
    for where in query.find_all(exp.Where):
        if where.find(exp.Select) is not None:
            return "subqueries outside FROM"
    return None


def check_view_supported(emu: Engine, view: CatalogObject) -> CatalogObject:
    """What a stream on ``view`` tracks; raises for views a stream cannot be on.

    A projection / filter view over one table returns that table (its log is the stream's
    history). Any other allowed shape returns the view itself, after switching change
    tracking on for the view and every underlying table, as creating the first stream on a
    view does (https://docs.snowflake.com/en/user-guide/streams-intro, Streams on views);
    the stream's offsets are then view points (:mod:`emulator.features.streams.view_points`).
    """
    query = view_query(view)
    construct = _disallowed(query)
    if construct is not None:
        raise errors.generic(
            f"SQL compilation error:\nChange tracking is not supported on queries with "
            f"{construct}: view '{view.name}' cannot have a stream.",
            errno=2203,
            sqlstate="0A000",
        )
    if is_single_table(query):
        table = query.args["from_"].this
        base = emu.resolver.lookup(table, "CREATE STREAM", (TABLE,), missing_ok=True)
        if base is not None:
            return base
    return _track_join_view(emu, view)


def _track_join_view(emu: Engine, view: CatalogObject) -> CatalogObject:
    from emulator.core import change_history as history
    from emulator.features.streams.view_shape import view_shape

    shape = view_shape(emu, view)  # raises for shapes the reader cannot track
    for table in shape.base_tables():
        history.enable_tracking(emu, table)
    # The view keeps no log: it has no history before now (time travel on it is refused).
    emu.catalog.update_object(view.id, change_tracking=True)
    history.set_since(emu, view, view.version + 1)
    fresh = emu.catalog.by_id(view.id)
    assert fresh is not None
    return fresh


class ViewSource:
    """A projection / filter view over one native table: the table's delta seen through the
    view's SELECT, netted again (a row leaving the filter is a DELETE, entering it an
    INSERT, an update whose projected images are equal is nothing)."""

    def __init__(self, emu: Engine, view: CatalogObject, base: CatalogObject) -> None:
        self.emu = emu
        self.view = view
        self.base = NativeSource(emu, base)
        self.columns = [c.name for c in emu.catalog.columns(view.id)]

    def current_version(self) -> int:
        return self.base.current_version()

    def has_changes(self, start: int, end: int, *, append_only: bool) -> bool:
        # Diffs the base table, so false positives are more likely (system_stream_has_data).
        return self.base.has_changes(start, end, append_only=append_only)

    def image_sql(self, version: int) -> exp.Expression:
        raise errors.unsupported("time travel on a view")

    def _through_view(self) -> exp.Select:
        """The view's query over ``__ib_delta`` with the row id and action carried along."""
        from emulator.core.query import name_projections

        named = name_projections(view_query(self.view))
        assert isinstance(named, exp.Select)
        query = named
        for star in query.find_all(exp.Star):
            star.set("except_", [sql.column(RID), sql.column(ACT)])
        query = query.select(sql.column(RID), sql.column(ACT))
        written = query.args["from_"].this
        translated = self.emu.translate(query)
        relation = translated.args["from_"].this
        alias = relation.args.get("alias") or exp.TableAlias(this=sql.ident(written.name))
        translated.args["from_"].set("this", exp.Table(this=sql.ident("__ib_delta"), alias=alias))
        names = [sql.ident(c) for c in [*self.columns, RID, ACT]]
        view = exp.Subquery(
            this=translated, alias=exp.TableAlias(this=sql.ident("__ib_v"), columns=names)
        )
        return select_all(view)

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> exp.Expression:
        base = self.base.delta_sql(start, end, append_only=append_only)
        hidden = [sql.column(c) for c in (ACTION, ISUPDATE, ROW_ID_COLUMN)]
        delta = exp.select(
            exp.Star(except_=hidden),
            exp.alias_(sql.column(ROW_ID_COLUMN), sql.ident(RID)),
            exp.alias_(sql.column(ACTION), sql.ident(ACT)),
            copy=False,
        ).from_(exp.Subquery(this=base), copy=False)
        ctes: list[tuple[str, exp.Expression]] = [
            ("__ib_delta", delta),
            ("v", self._through_view()),
        ]
        if append_only:
            body = exp.select(
                *sql.columns(self.columns, "a"),
                *metadata("INSERT", False, sql.column(RID, "a")),
                copy=False,
            ).from_(sql.table("v", alias="a"), copy=False)
            return with_ctes(body, ctes)
        for name, action in (("b", "DELETE"), ("a", "INSERT")):
            where = exp.EQ(this=sql.column(ACT), expression=exp.Literal.string(action))
            ctes.append((name, select_all(sql.table("v")).where(where, copy=False)))
        delta_rows = net_delta(self.columns, "b", "a", RID, lambda of: sql.column(RID, of))
        return with_ctes(delta_rows, ctes)
