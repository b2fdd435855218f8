"""The one write point for native tables: executes DML and captures row changes.

Every INSERT, UPDATE and DELETE on a native table — from SQL statements, MERGE plans,
TRUNCATE and ``insert_rows`` — goes through :meth:`ChangeCapture.write`. It

* gives the table its next *table version*, once per transaction (an autocommit statement
  is its own transaction), recorded with the emulator time in ``__ib.table_versions``
  while the table has change tracking (only a change log can travel back to a version;
  an untracked table just counts its versions, one round trip);
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

from emulator.core import sql
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

    def committed(self) -> None:
        """The transaction committed: forget its versions; the catalog keeps what it counted."""
        self._versions = {}
        self.catalog.committed()

    def rolled_back(self) -> None:
        """The transaction rolled back: forget its versions and the catalog's cached reads."""
        self._versions = {}
        self.catalog.rolled_back()

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

        ``statement`` is consumed: it is completed and rendered in place (callers build one
        per call), which saves copying every statement on the hot path.
        """
        version = self.version_for(obj)
        start: int | None = None
        if action == "INSERT" and isinstance(statement, exp.Insert):
            start = self.catalog.last_row_id()
            statement = _with_row_ids(statement, start)
        if not obj.change_tracking:
            row = self.con.execute(sql.render_owned(statement)).fetchone()
            count = int(row[0]) if row else 0
        else:
            statement.set("returning", exp.Returning(expressions=[exp.Star()]))
            changed = self.con.execute(sql.render_owned(statement)).to_arrow_table()
            self._append_log(obj, version, action, changed)
            count = changed.num_rows
        if start is not None and count:
            self.catalog.set_last_row_id(start + count)
        return count

    def write_update(self, obj: CatalogObject, statement: exp.Expression) -> tuple[int, int]:
        """Run an UPDATE (consumed, as in :meth:`write`); returns (target rows updated, rows
        joined by several source rows).

        DuckDB's UPDATE … FROM reports one row per joined pair, so both counts are taken from
        the distinct row ids it returns; a row updated several times is logged once. An
        UPDATE without FROM of an untracked table meets each row once: DuckDB's count is it.
        """
        version = self.version_for(obj)
        if not obj.change_tracking and not _joins(statement):
            row = self.con.execute(sql.render_owned(statement)).fetchone()
            return (int(row[0]) if row else 0), 0
        returned: list[exp.Expression] = [exp.Star()] if obj.change_tracking else [row_id_column()]
        statement.set("returning", exp.Returning(expressions=returned))
        changed = self.con.execute(sql.render_owned(statement)).to_arrow_table()
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

    def merge_untracked(
        self, obj: CatalogObject, build: Callable[[int], exp.Expression]
    ) -> dict[str, int]:
        """Run a DuckDB MERGE on an untracked table; the rows written per action.

        ``build(start)`` makes the statement, its new rows numbered from ``start + 1`` and
        ``RETURNING merge_action, <row id>``; the counter moves to the highest id used.
        """
        assert not obj.change_tracking
        self.version_for(obj)
        start = self.catalog.last_row_id()
        written = self.con.execute(sql.render_owned(build(start))).to_arrow_table()
        if written.num_rows == 0:
            return {}
        actions = written.column(0)
        counts = {
            str(row["values"]).lower(): int(row["counts"])
            for row in pc.value_counts(actions).to_pylist()
        }
        if counts.get("insert"):
            inserted = pc.filter(written.column(1), pc.equal(actions, "INSERT"))
            self.catalog.set_last_row_id(int(pc.max(inserted).as_py()))
        return counts

    def _append_log(self, obj: CatalogObject, version: int, action: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        self.con.register(_CHANGES, rows)
        try:
            sql.run(self.con, _log_insert(obj, sql.param(), sql.table(_CHANGES)), [version, action])
        finally:
            self.con.unregister(_CHANGES)

    # -- tracking on / off -----------------------------------------------------------------

    def enable(self, obj: CatalogObject) -> None:
        """Create the change log and record the BASELINE image of every existing row.

        The baseline version is also recorded as committed now: an untracked table's
        versions have no commit times, and time travel reaches back to here.
        """
        fresh = self.catalog.by_id(obj.id) or obj
        shape = (
            exp.select(
                exp.alias_(exp.cast(sql.literal(0), "BIGINT"), sql.ident(VERSION)),
                exp.alias_(exp.cast(sql.literal(""), "VARCHAR"), sql.ident(ACTION)),
                exp.Star(),
            )
            .from_(obj.base())
            .limit(0)
        )
        sql.run(self.con, exp.Create(kind="TABLE", this=obj.log(), expression=shape))
        baseline = _log_insert(obj, sql.literal("BASELINE"), obj.base())
        sql.run(self.con, baseline, [fresh.version])
        self.catalog.record_version(obj.id, fresh.version, self.now())

    def disable(self, obj: CatalogObject) -> None:
        """Drop the change log (Snowflake drops change data when tracking is turned off)."""
        sql.run(self.con, exp.Drop(kind="TABLE", exists=True, tables=[obj.log()]))


#: Log columns ahead of the table's own: the version and the action of the change.
VERSION = "__ib_version"
ACTION = "__ib_action"
#: The Arrow relation a captured change set is registered as while it is logged.
_CHANGES = "__ib_changes"


def _log_insert(obj: CatalogObject, action: exp.Expression, rows: exp.Table) -> exp.Insert:
    """``INSERT INTO <log> SELECT ?::BIGINT, <action>::VARCHAR, * FROM <rows>`` (the version
    is the first parameter)."""
    select = exp.select(
        exp.cast(sql.param(), "BIGINT"), exp.cast(action, "VARCHAR"), exp.Star()
    ).from_(rows)
    return exp.insert(select, obj.log())


def row_id_column() -> exp.Column:
    """The hidden row id column as a DuckDB column node."""
    return sql.column(ROW_ID)


def _joins(update: exp.Expression) -> bool:
    """Whether an UPDATE reads other relations (FROM, or joins on its target)."""
    target = update.this
    return update.args.get("from_") is not None or (
        isinstance(target, exp.Table) and bool(target.args.get("joins"))
    )


def _last_positions(ids: pa.ChunkedArray) -> pa.Array:
    """Positions of the last occurrence of each id (the final image of a row)."""
    last: dict[object, int] = {}
    for position, value in enumerate(ids.to_pylist()):
        last[value] = position
    return pa.array(sorted(last.values()), pa.int64())


def _with_row_ids(insert: exp.Insert, start: int) -> exp.Insert:
    """Add the row id column to an INSERT's column list, numbered from ``start + 1``
    (in place: the caller gave the statement up)."""
    if not isinstance(insert.this, exp.Schema):
        return insert  # full base rows (ids included) are being copied
    if any(str(e.name) == ROW_ID for e in insert.this.expressions):
        return insert
    node = insert
    target, source = node.this, node.expression
    # Built from nodes directly: sqlglot's builders would copy the whole source again.
    rows = exp.Subquery(this=source, alias=exp.TableAlias(this=sql.ident("__ib_rows")))
    numbered = exp.Select(
        expressions=[
            exp.Add(this=sql.literal(start), expression=exp.Window(this=exp.RowNumber())),
            exp.Star(),
        ],
        from_=exp.From(this=rows),
    )
    target.set("expressions", [sql.ident(ROW_ID), *target.expressions])
    node.set("expression", numbered)
    return node
