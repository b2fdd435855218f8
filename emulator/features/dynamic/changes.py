"""Changed input rows for incremental refreshes, read through the streams change reader.

The change log and its reader are the streams feature's (:mod:`emulator.core.changes`:
the net change of a tracked table between two versions, as DuckDB SQL). A refresh needs,
for an input table whose last-read version is ``since``:

* :meth:`ChangedRows.inserted_sql` — rows present now and not at ``since`` (inserts, new
  images);
* :meth:`ChangedRows.deleted_sql` — rows present at ``since`` and not now (deletes, old
  images);
* :meth:`ChangedRows.before_sql` — the whole table as of ``since`` (now, minus the inserted
  rows, plus the deleted ones; multiset arithmetic, so duplicates are kept).

:func:`readable_since` says whether the log still reaches back to ``since`` (tracking may
have been switched off and on, or old records compacted); if not, the caller recomputes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.core import change_history as history
from emulator.core.catalog import CatalogObject
from emulator.core.changes import ACTION, NativeSource
from emulator.core.tables import qident

if TYPE_CHECKING:
    from emulator.core.engine import Engine


class ChangedRows:
    """The net change of one input after version ``since``, computed once per refresh
    (materialised in a temporary table on first use; :meth:`close` drops it)."""

    def __init__(self, emu: Engine, obj: CatalogObject, since: int) -> None:
        self.emu = emu
        self.obj = obj
        self.since = since
        self.columns = ", ".join(qident(c.name) for c in emu.catalog.columns(obj.id))
        self._table: str | None = None

    def _rows(self, action: str) -> str:
        if self._table is None:
            table = f"__ib_dt_delta_{self.obj.id}"
            delta = NativeSource(self.emu, self.obj).delta_sql(
                self.since, self.obj.version, append_only=False
            )
            self.emu.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {self.columns}, "
                f"{qident(ACTION)} AS __ib_action FROM ({delta})"
            )
            self._table = table
        return f"SELECT {self.columns} FROM {self._table} WHERE __ib_action = '{action}'"

    def inserted_sql(self) -> str:
        """Rows present now but not at version ``since``."""
        return self._rows("INSERT")

    def deleted_sql(self) -> str:
        """Rows present at version ``since`` but not now."""
        return self._rows("DELETE")

    def before_sql(self) -> str:
        """The input as it was at version ``since``."""
        current = f"SELECT {self.columns} FROM {self.obj.relation().sql(dialect='duckdb')}"
        return f"({current} EXCEPT ALL {self.inserted_sql()}) UNION ALL {self.deleted_sql()}"

    def close(self) -> None:
        """Drop the temporary table, if one was made."""
        if self._table is not None:
            self.emu.con.execute(f"DROP TABLE IF EXISTS {self._table}")
            self._table = None


def readable_since(emu: Engine, obj: CatalogObject, since: int) -> bool:
    """Whether ``obj``'s change log can still rebuild its changes after version ``since``.

    Besides the reader's own horizon, a BASELINE newer than ``since`` means tracking was
    switched off and on again in between: the changes of that gap are not in the log.
    """
    if not obj.change_tracking or history.since(emu, obj) > since:
        return False
    row = emu.con.execute(
        f"SELECT max(__ib_version) FROM {obj.log().sql(dialect='duckdb')} "
        "WHERE __ib_action = 'BASELINE'"
    ).fetchone()
    return row is None or row[0] is None or int(row[0]) <= since
