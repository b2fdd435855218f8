"""The one write point for native tables: executes DML and captures row changes.

Every INSERT, UPDATE and DELETE on a native table — from SQL statements, MERGE plans,
TRUNCATE and ``insert_rows`` — goes through :meth:`ChangeCapture.write`. It

* gives the table its next *table version*, once per transaction (an autocommit statement
  is its own transaction), recorded with the emulator time in ``__ib.table_versions``;
* for tables with ``CHANGE_TRACKING = TRUE`` appends one change record per affected row to
  the table's log ``__ib.log_<id>``: ``(__ib_version, __ib_action, __ib_row_id, <columns>)``
  with the *new* image for INSERT and UPDATE and the *old* image for DELETE. The DML runs
  with ``RETURNING`` so the rows come from DuckDB itself, in the same transaction.

When tracking is switched on, every existing row is logged once as ``BASELINE`` at the
table's current version, so the image of any row at any version since then is the latest
log record at or before that version: an UPDATE's old image is derivable, which is what
streams need (https://docs.snowflake.com/en/user-guide/streams-intro). The log of an
untracked table is not written at all, keeping plain ingest lean.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from emulator.core.catalog import ROW_ID, Catalog, CatalogObject

Action = Literal["INSERT", "UPDATE", "DELETE"]


class ChangeCapture:
    """Executes DML on base tables and records versions and change logs."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, catalog: Catalog, now: Callable[[], datetime]
    ) -> None:
        self.con = con
        self.catalog = catalog
        self.now = now
        # object id -> version given to it in the open transaction
        self._versions: dict[int, int] = {}

    def reset(self) -> None:
        """Forget per-transaction versions (call at every COMMIT / ROLLBACK)."""
        self._versions = {}

    def version_in_transaction(self, obj: CatalogObject) -> int | None:
        """The version the open transaction has written ``obj`` at, or None (streams read
        up to the version before it: a transaction's own changes appear after COMMIT)."""
        return self._versions.get(obj.id)

    def written_in_transaction(self) -> dict[int, int]:
        """Object id -> version for every object the open transaction has written."""
        return dict(self._versions)

    def version_for(self, obj: CatalogObject) -> int:
        """The version the open transaction writes ``obj`` at (created on first use)."""
        version = self._versions.get(obj.id)
        if version is None:
            version = self.catalog.bump_version(obj, self.now())
            self._versions[obj.id] = version
        return version

    def write(self, obj: CatalogObject, statement: exp.Expression, action: Action) -> int:
        """Run one DuckDB DML statement on ``obj``'s base table; returns the row count.

        An INSERT with a column list that omits the row id gets ids here, numbered on from
        the global counter (set-based: ``last + row_number()``); an INSERT without a column
        list copies full base rows, ids included (CLONE).
        """
        version = self.version_for(obj)
        start: int | None = None
        if action == "INSERT" and isinstance(statement, exp.Insert):
            start = self.catalog.last_row_id()
            statement = _with_row_ids(statement, start)
        if not obj.change_tracking:
            row = self.con.execute(statement.sql(dialect="duckdb")).fetchone()
            count = int(row[0]) if row else 0
        else:
            node = statement.copy()
            node.set("returning", exp.Returning(expressions=[exp.Star()]))
            changed = self.con.execute(node.sql(dialect="duckdb")).to_arrow_table()
            self._append_log(obj, version, action, changed)
            count = changed.num_rows
        if start is not None and count:
            self.catalog.set_last_row_id(start + count)
        return count

    def write_update(self, obj: CatalogObject, statement: exp.Expression) -> tuple[int, int]:
        """Run an UPDATE; returns (target rows updated, rows joined by several source rows).

        DuckDB's UPDATE … FROM reports one row per joined pair, so both counts are taken from
        the distinct row ids it returns; a row updated several times is logged once.
        """
        version = self.version_for(obj)
        node = statement.copy()
        returned: list[exp.Expression] = [exp.Star()] if obj.change_tracking else [row_id_column()]
        node.set("returning", exp.Returning(expressions=returned))
        changed = self.con.execute(node.sql(dialect="duckdb")).to_arrow_table()
        if changed.num_rows == 0:
            return 0, 0
        ids = changed.column(ROW_ID)
        counted = pc.value_counts(ids)
        distinct = len(counted)
        multi = int(pc.sum(pc.greater(counted.field("counts"), 1)).as_py() or 0)
        if obj.change_tracking:
            if distinct != changed.num_rows:
                changed = changed.take(_last_positions(ids))
            self._append_log(obj, version, "UPDATE", changed)
        return distinct, multi

    def _append_log(self, obj: CatalogObject, version: int, action: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        self.con.register("__ib_changes", rows)
        try:
            self.con.execute(
                f"INSERT INTO {obj.log().sql('duckdb')} "
                "SELECT ?::BIGINT, ?::VARCHAR, * FROM __ib_changes",
                [version, action],
            )
        finally:
            self.con.unregister("__ib_changes")

    # -- tracking on / off -----------------------------------------------------------------

    def enable(self, obj: CatalogObject) -> None:
        """Create the change log and record the BASELINE image of every existing row."""
        log = obj.log().sql("duckdb")
        base = obj.base().sql("duckdb")
        self.con.execute(
            f"CREATE TABLE {log} AS SELECT 0::BIGINT AS __ib_version, "
            f"''::VARCHAR AS __ib_action, * FROM {base} LIMIT 0"
        )
        self.con.execute(
            f"INSERT INTO {log} SELECT ?::BIGINT, 'BASELINE', * FROM {base}", [obj.version]
        )

    def disable(self, obj: CatalogObject) -> None:
        """Drop the change log (Snowflake drops change data when tracking is turned off)."""
        self.con.execute(f"DROP TABLE IF EXISTS {obj.log().sql('duckdb')}")


def row_id_column() -> exp.Column:
    """The hidden row id column as a DuckDB column node."""
    return exp.column(exp.to_identifier(ROW_ID, quoted=True))


def _last_positions(ids: pa.ChunkedArray) -> pa.Array:
    """Positions of the last occurrence of each id (the final image of a row)."""
    last: dict[object, int] = {}
    for position, value in enumerate(ids.to_pylist()):
        last[value] = position
    return pa.array(sorted(last.values()), pa.int64())


def _with_row_ids(insert: exp.Insert, start: int) -> exp.Insert:
    """Add the row id column to an INSERT's column list, numbered from ``start + 1``."""
    target = insert.this
    if not isinstance(target, exp.Schema):
        return insert  # full base rows (ids included) are being copied
    names = [str(e.name) for e in target.expressions]
    if ROW_ID in names:
        return insert
    source = insert.expression
    numbered = exp.select(
        exp.Add(
            this=exp.Literal.number(start),
            expression=exp.Window(this=exp.RowNumber()),
        ),
        exp.Star(),
    ).from_(
        exp.Subquery(this=source.copy(), alias=exp.TableAlias(this=exp.to_identifier("__ib_rows")))
    )
    node = insert.copy()
    node.set(
        "this",
        exp.Schema(
            this=target.this.copy(),
            expressions=[
                exp.to_identifier(ROW_ID, quoted=True),
                *[e.copy() for e in target.expressions],
            ],
        ),
    )
    node.set("expression", numbered)
    return node
