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

from emulator.core.capture import Action
from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.dynamic_spec import DynamicSpec
from emulator.core.tables import qident

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: The temporary net change set of one refresh, and the new content of a full one.
NET = "__ib_dt_net"
NEW = "__ib_dt_new"


class RefreshWriter(Protocol):
    """Writes the result of one refresh into a dynamic table's storage."""

    def current(self) -> str:
        """A DuckDB relation (SQL text) holding the table's current rows."""
        ...

    def replace_all(self, query_sql: str) -> tuple[int, int]:
        """Replace the content with the rows of ``query_sql``; (inserted, deleted)."""
        ...

    def apply_net(self, net: str) -> tuple[int, int]:
        """Apply the net change set in relation ``net``; (inserted, deleted)."""
        ...


class NativeWriter:
    """Refreshes a dynamic table stored like a native table (base table + view)."""

    def __init__(self, emu: Engine, obj: CatalogObject) -> None:
        self.emu = emu
        self.obj = obj
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]

    def _count(self, relation: str) -> int:
        row = self.emu.con.execute(f"SELECT count(*) FROM {relation}").fetchone()
        return int(row[0]) if row else 0

    def _write(self, sql: str, action: Action) -> int:
        node: exp.Expression = exp.maybe_parse(sql, dialect="duckdb")
        return self.emu.capture.write(self.obj, node, action)

    def current(self) -> str:
        return self.obj.relation().sql(dialect="duckdb")

    def replace_all(self, query_sql: str) -> tuple[int, int]:
        base = self.obj.base().sql(dialect="duckdb")
        cols = ", ".join(qident(c) for c in self.columns)
        # Evaluate the query before touching the table: a failing query writes nothing.
        self.emu.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {NEW} AS SELECT * FROM ({query_sql}) AS __ib_q({cols})"
        )
        try:
            deleted = self._count(base)
            if deleted:
                self._write(f"DELETE FROM {base}", "DELETE")
            inserted = self._write(f"INSERT INTO {base} ({cols}) SELECT * FROM {NEW}", "INSERT")
        finally:
            self.emu.con.execute(f"DROP TABLE IF EXISTS {NEW}")
        return inserted, deleted

    def apply_net(self, net: str) -> tuple[int, int]:
        base = self.obj.base().sql(dialect="duckdb")
        cols = ", ".join(qident(c) for c in self.columns)
        rid = qident(ROW_ID)
        deleted = 0
        if self._count(f"{net} WHERE __ib_n < 0"):
            same = " AND ".join(
                f"b.{qident(c)} IS NOT DISTINCT FROM n.{qident(c)}" for c in self.columns
            )
            # Remove -n copies of each row: number the identical rows and take the first ones.
            # Only rows equal to a removed row are numbered (a hash join first; the net
            # set has one row per distinct tuple), so the cost follows the change.
            picked = ", ".join(f"b.{qident(c)}" for c in self.columns)
            candidates = (
                f"SELECT b.{rid}, {picked} FROM {base} AS b "
                f"JOIN (SELECT * FROM {net} WHERE __ib_n < 0) AS n ON {same}"
            )
            deleted = self._write(
                f"DELETE FROM {base} WHERE {rid} IN (SELECT b.{rid} FROM (SELECT *, "
                f"row_number() OVER (PARTITION BY {cols} ORDER BY {rid}) AS __ib_rn "
                f"FROM ({candidates})) AS b JOIN {net} AS n ON {same} "
                "WHERE n.__ib_n < 0 AND b.__ib_rn <= -n.__ib_n)",
                "DELETE",
            )
        inserted = 0
        if self._count(f"{net} WHERE __ib_n > 0"):
            inserted = self._write(
                f"INSERT INTO {base} ({cols}) SELECT {cols} FROM (SELECT {cols}, "
                f"unnest(range(__ib_n)) AS __ib_i FROM {net} WHERE __ib_n > 0)",
                "INSERT",
            )
        return inserted, deleted


class IcebergWriter(NativeWriter):
    """A dynamic Iceberg table: the rows the session reads are kept like a native table's
    (so streams, downstream dynamic tables and incremental refreshes work the same), and
    every refresh that changes them commits the new content as ONE Iceberg snapshot of the
    table in the Iceberg store (https://docs.snowflake.com/en/user-guide/dynamic-tables/create-iceberg).
    """

    def _publish(self, written: tuple[int, int]) -> tuple[int, int]:
        if written != (0, 0):
            from emulator.features.dynamic.iceberg import publish

            publish(self.emu, self.obj)
        return written

    def replace_all(self, query_sql: str) -> tuple[int, int]:
        return self._publish(super().replace_all(query_sql))

    def apply_net(self, net: str) -> tuple[int, int]:
        return self._publish(super().apply_net(net))


def writer_for(emu: Engine, obj: CatalogObject, spec: DynamicSpec) -> RefreshWriter:
    """The writer for a dynamic table's storage."""
    if spec.is_iceberg:
        return IcebergWriter(emu, obj)
    return NativeWriter(emu, obj)
