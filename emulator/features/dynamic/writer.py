"""Where a refresh writes: the :class:`RefreshWriter` interface and its native implementation.

A refresh computes either the whole new content (FULL) or a *net change set* — a DuckDB
relation with the table's columns plus ``__ib_n``, the number of copies of that row to add
(> 0) or remove (< 0) — and hands it to the writer. The native writer applies it to the
DuckDB base table through :mod:`emulator.core.capture` (so the table gets a new version and, when
tracked, change records that streams and downstream dynamic tables read). A dynamic Iceberg
table would implement the same interface with one Iceberg snapshot per refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.changes import aliased
from emulator.core.dynamic_spec import DynamicSpec

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: The temporary net change set of one refresh, and the new content of a full one.
NET = "__ib_dt_net"
NEW = "__ib_dt_new"


class RefreshWriter(Protocol):
    """Writes the result of one refresh into a dynamic table's storage."""

    def current(self) -> exp.Table:
        """A DuckDB relation holding the table's current rows."""
        ...

    def replace_all(self, query_sql: exp.Expression) -> tuple[int, int]:
        """Replace the content with the rows of the DuckDB query ``query_sql``;
        (inserted, deleted)."""
        ...

    def apply_net(self, net: str) -> tuple[int, int]:
        """Apply the net change set in the relation named ``net``; (inserted, deleted)."""
        ...


def _positive(n: exp.Expression) -> exp.Expression:
    return exp.GT(this=n, expression=exp.Literal.number(0))


def _negative(n: exp.Expression) -> exp.Expression:
    return exp.LT(this=n, expression=exp.Literal.number(0))


class NativeWriter:
    """Refreshes a dynamic table stored like a native table (base table + view)."""

    def __init__(self, emu: Engine, obj: CatalogObject) -> None:
        self.emu = emu
        self.obj = obj
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]

    def _count(self, relation: exp.Table, where: exp.Expression | None = None) -> int:
        query = exp.select(exp.Count(this=exp.Star())).from_(relation)
        row = sql.run(self.emu.con, query.where(where) if where is not None else query).fetchone()
        return int(row[0]) if row else 0

    def current(self) -> exp.Table:
        return self.obj.relation()

    def _insert(self, query: exp.Expression) -> int:
        """INSERT INTO base (<columns>) query: the rows get new row ids (capture)."""
        names = [sql.ident(c) for c in self.columns]
        insert = exp.insert(query, self.obj.base(), columns=names)
        return self.emu.capture.write(self.obj, insert, "INSERT")

    def replace_all(self, query_sql: exp.Expression) -> tuple[int, int]:
        base = self.obj.base()
        named = exp.TableAlias(
            this=sql.ident("__ib_q"), columns=[sql.ident(c) for c in self.columns]
        )
        # Evaluate the query before touching the table: a failing query writes nothing.
        new = exp.select(exp.Star()).from_(exp.Subquery(this=query_sql, alias=named))
        sql.run(self.emu.con, sql.create_temp(NEW, new))
        try:
            deleted = self._count(base)
            if deleted:
                self.emu.capture.write(self.obj, exp.delete(base), "DELETE")
            inserted = self._insert(exp.select(exp.Star()).from_(sql.table(NEW)))
        finally:
            sql.run(self.emu.con, sql.drop(NEW))
        return inserted, deleted

    def apply_net(self, net: str) -> tuple[int, int]:
        n = sql.column("__ib_n")
        deleted = 0
        if self._count(sql.table(net), _negative(n)):
            deleted = self.emu.capture.write(self.obj, self._removal(net), "DELETE")
        inserted = 0
        if self._count(sql.table(net), _positive(n.copy())):
            # unnest(range(n)): n copies of each row to add.
            copies = exp.Unnest(expressions=[exp.Anonymous(this="range", expressions=[n.copy()])])
            repeated = (
                exp.select(*sql.columns(self.columns), exp.alias_(copies, sql.ident("__ib_i")))
                .from_(sql.table(net))
                .where(_positive(n.copy()))
            )
            inserted = self._insert(
                exp.select(*sql.columns(self.columns)).from_(exp.Subquery(this=repeated))
            )
        return inserted, deleted

    def _removal(self, net: str) -> exp.Delete:
        """DELETE of -n copies of each row with a negative count in ``net``: the identical
        rows are numbered and the first ones taken. Only rows equal to a removed row are
        numbered (a hash join first; the net set has one row per distinct tuple), so the
        cost follows the change."""
        base = self.obj.base()
        rid = sql.column(ROW_ID, "b")
        same = exp.and_(
            *[
                exp.NullSafeEQ(this=sql.column(c, "b"), expression=sql.column(c, "n"))
                for c in self.columns
            ]
        )
        removed = (
            exp.select(exp.Star()).from_(sql.table(net)).where(_negative(sql.column("__ib_n")))
        )
        candidates = (
            exp.select(rid, *sql.columns(self.columns, "b"))
            .from_(aliased(base, "b"))
            .join(
                exp.Subquery(this=removed, alias=exp.TableAlias(this=sql.ident("n"))),
                on=same,
            )
        )
        rank = exp.Window(
            this=exp.RowNumber(),
            partition_by=sql.columns(self.columns),
            order=exp.Order(expressions=[exp.Ordered(this=sql.column(ROW_ID))]),
        )
        numbered = exp.select(exp.Star(), exp.alias_(rank, sql.ident("__ib_rn"))).from_(
            exp.Subquery(this=candidates)
        )
        taken = exp.LTE(
            this=sql.column("__ib_rn", "b"), expression=exp.Neg(this=sql.column("__ib_n", "n"))
        )
        doomed = (
            exp.select(rid.copy())
            .from_(exp.Subquery(this=numbered, alias=exp.TableAlias(this=sql.ident("b"))))
            .join(aliased(sql.table(net), "n"), on=same.copy())
            .where(exp.and_(_negative(sql.column("__ib_n", "n")), taken))
        )
        return exp.delete(base, where=sql.column(ROW_ID).isin(query=doomed))


class IcebergWriter(NativeWriter):
    """A dynamic Iceberg table: the rows the session reads are kept like a native table's
    (so streams, downstream dynamic tables and incremental refreshes work the same), and
    every refresh that changes them commits the new content as ONE Iceberg snapshot of the
    table in the Iceberg store, through the lake's write unit
    (https://docs.snowflake.com/en/user-guide/dynamic-tables/create-iceberg).
    """

    def _publish(self, written: tuple[int, int]) -> tuple[int, int]:
        if written != (0, 0):
            from emulator.features.dynamic.iceberg import publish

            publish(self.emu, self.obj)
        return written

    def replace_all(self, query_sql: exp.Expression) -> tuple[int, int]:
        return self._publish(super().replace_all(query_sql))

    def apply_net(self, net: str) -> tuple[int, int]:
        return self._publish(super().apply_net(net))


def writer_for(emu: Engine, obj: CatalogObject, spec: DynamicSpec) -> RefreshWriter:
    """The writer for a dynamic table's storage."""
    if spec.is_iceberg:
        return IcebergWriter(emu, obj)
    return NativeWriter(emu, obj)
