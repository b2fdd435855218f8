"""Where a COPY's rows land: the native write path (change capture) or one Iceberg commit.

Native tables are written with :meth:`ChangeCapture.write`, the one write point of the
emulator, so a COPY gets a table version and change records like an INSERT and streams on
the table see its rows. Columns a COPY does not name take their DEFAULT (NULL when there is
none; https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, column list). An
Iceberg table gets all of a COPY's rows in one write unit (one snapshot) at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ICEBERG_TABLE, CatalogObject, Column
from emulator.core.defaults import defaults_for
from emulator.core.tables import duck_type

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def _with_defaults(
    emu: Engine, obj: CatalogObject, names: list[str], source: exp.Select
) -> tuple[list[str], exp.Select]:
    """The column names and the query that also fills the columns not in ``names``."""
    columns = emu.catalog.columns(obj.id)
    missing: list[Column] = [c for c in columns if c.name not in names]
    defaults = defaults_for(emu, missing)
    if not defaults:
        return names, source
    select = exp.select(exp.Star(), *defaults.values()).from_(
        source.subquery(sql.ident("__ib_src"), copy=False), copy=False
    )
    return [*names, *defaults], select


class Writer:
    """The rows one COPY writes into ``obj`` (native at once; Iceberg when committed)."""

    def __init__(self, emu: Engine, obj: CatalogObject, names: list[str]) -> None:
        self._emu = emu
        self._obj = obj
        self._names = names
        self._iceberg = obj.kind == ICEBERG_TABLE
        self._batches: list[pa.Table] = []
        if self._iceberg and emu.in_transaction:
            raise errors.unsupported(
                f"COPY into Iceberg table {obj.name.sql()} inside an explicit transaction "
                "(run it in autocommit mode)"
            )

    def write(self, source: exp.Select) -> int:
        """Write the rows of ``source`` (values in the order of the COPY's columns)."""
        names, query = _with_defaults(self._emu, self._obj, self._names, source)
        if not self._iceberg:
            insert = exp.Insert(
                this=exp.Schema(this=self._obj.base(), expressions=[sql.ident(n) for n in names]),
                expression=query,
            )
            return self._emu.capture.write(self._obj, insert, "INSERT")
        # Every column of the table, by name: positions of the COPY's columns in ``query``.
        columns = self._emu.catalog.columns(self._obj.id)
        position = {n: i for i, n in enumerate(names)}
        positional = exp.Subquery(
            this=query,
            alias=exp.TableAlias(
                this=sql.ident("__ib_rows"),
                columns=[sql.ident(f"__ib_w{i}") for i in range(len(names))],
            ),
        )
        picked = [
            exp.alias_(
                sql.column(f"__ib_w{position[c.name]}")
                if c.name in position
                else exp.cast(exp.Null(), duck_type(c)),
                sql.ident(c.name),
            )
            for c in columns
        ]
        rows = sql.fetch_arrow(self._emu.con, exp.select(*picked).from_(positional))
        self._batches.append(rows)
        return int(rows.num_rows)

    def commit(self) -> None:
        """Commit the Iceberg rows (one snapshot); native rows are written already."""
        if not self._iceberg or not any(b.num_rows for b in self._batches):
            return
        with self._emu.lake.write(self._obj) as unit:
            for batch in self._batches:
                unit.append(batch)
