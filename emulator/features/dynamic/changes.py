"""Changed input rows for incremental refreshes, read through the streams change reader.

The change log and its reader are the streams feature's (:mod:`emulator.core.changes`:
the net change of a tracked table between two versions, as a DuckDB query). A refresh needs,
for an input table whose last-read version is ``since``:

* :meth:`ChangedRows.inserted` — rows present now and not at ``since`` (inserts, new
  images);
* :meth:`ChangedRows.deleted` — rows present at ``since`` and not now (deletes, old
  images);
* :meth:`ChangedRows.before` — the whole table as of ``since`` (now, minus the inserted
  rows, plus the deleted ones; multiset arithmetic, so duplicates are kept).

Each is a DuckDB query node. :func:`readable_since` says whether the log still reaches back
to ``since`` (tracking may have been switched off and on, or old records compacted); if not,
the caller recomputes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import change_history as history
from emulator.core import sql
from emulator.core.catalog import CatalogObject
from emulator.core.changes import ACTION, LOG_ACTION, NativeSource, action_is, union_all

if TYPE_CHECKING:
    from emulator.core.engine import Engine


class ChangedRows:
    """The net change of one input after version ``since``, computed once per refresh
    (materialised in a temporary table on first use; :meth:`close` drops it)."""

    def __init__(self, emu: Engine, obj: CatalogObject, since: int) -> None:
        self.emu = emu
        self.obj = obj
        self.since = since
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]
        self._table: str | None = None

    def _rows(self, action: str) -> exp.Select:
        if self._table is None:
            table = f"__ib_dt_delta_{self.obj.id}"
            delta = NativeSource(self.emu, self.obj).delta_sql(
                self.since, self.obj.version, append_only=False
            )
            rows = exp.select(
                *sql.columns(self.columns), exp.alias_(sql.column(ACTION), sql.ident(LOG_ACTION))
            ).from_(exp.Subquery(this=delta))
            sql.run(self.emu.con, sql.create_temp(table, rows))
            self._table = table
        return (
            exp.select(*sql.columns(self.columns))
            .from_(sql.table(self._table))
            .where(action_is(action))
        )

    def inserted(self) -> exp.Select:
        """Rows present now but not at version ``since``."""
        return self._rows("INSERT")

    def deleted(self) -> exp.Select:
        """Rows present at version ``since`` but not now."""
        return self._rows("DELETE")

    def before(self) -> exp.Expression:
        """The input as it was at version ``since``."""
        current = exp.select(*sql.columns(self.columns)).from_(self.obj.relation())
        kept = exp.Except(this=current, expression=self.inserted(), distinct=False)
        return union_all([exp.Subquery(this=kept), self.deleted()])

    def close(self) -> None:
        """Drop the temporary table, if one was made."""
        if self._table is not None:
            sql.run(self.emu.con, sql.drop(self._table))
            self._table = None


def readable_since(emu: Engine, obj: CatalogObject, since: int) -> bool:
    """Whether ``obj``'s change log can still rebuild its changes after version ``since``.

    Besides the reader's own horizon, a BASELINE newer than ``since`` means tracking was
    switched off and on again in between: the changes of that gap are not in the log.
    """
    if not obj.change_tracking or history.since(emu, obj) > since:
        return False
    row = sql.run(emu.con, history.baseline_version(obj, latest=True)).fetchone()
    return row is None or row[0] is None or int(row[0]) <= since
