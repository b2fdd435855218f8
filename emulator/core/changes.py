"""Delta computation: the net row-level change of a source between two versions.

The rules (https://docs.snowflake.com/en/user-guide/streams-intro):

* output = the source columns, then METADATA$ACTION, METADATA$ISUPDATE, METADATA$ROW_ID;
* a row that exists at both ends with a different image is an UPDATE: DELETE (old image)
  plus INSERT (new image), both ISUPDATE = TRUE, one ROW_ID;
* a row inserted in the interval is one INSERT with its latest image (ISUPDATE = FALSE),
  a row inserted and deleted in the interval is nothing, TRUNCATE is one DELETE per row;
* an append-only delta is every row inserted in the interval with its latest image, even
  when it was updated or deleted since, never a DELETE.

Cost: the native log is appended in version order, so ``__ib_version > start`` prunes by
DuckDB zone maps and the work follows the records in the interval. Only rows whose first
change in the interval is an UPDATE need their image before it, looked up among the log
records of those row ids.

:class:`~emulator.core.change_source.ChangeSource` is the interface a source kind
implements; features register other kinds (Iceberg tables, join views) in the registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.change_source import (
    ACTION,
    BEGINNING,
    ISUPDATE,
    ROW_ID_COLUMN,
    ChangeSource,
)

__all__ = [
    "ACTION",
    "BEGINNING",
    "ISUPDATE",
    "ROW_ID_COLUMN",
    "ChangeSource",
    "NativeSource",
    "q",
    "source_for",
]

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def q(name: str) -> str:
    """A quoted DuckDB identifier."""
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


class NativeSource:
    """A native DuckDB table with change tracking: reads its change log."""

    def __init__(self, emu: Engine, obj: CatalogObject) -> None:
        self.emu = emu
        self.obj = obj
        self.log = obj.log().sql(dialect="duckdb")
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]

    def current_version(self) -> int:
        # The open transaction's own writes are visible only after COMMIT.
        written = self.emu.capture.version_in_transaction(self.obj)
        return written - 1 if written is not None else self.obj.version

    def has_changes(self, start: int, end: int, *, append_only: bool) -> bool:
        if end <= start:
            return False
        action = " AND __ib_action IN ('INSERT', 'BASELINE')" if append_only else ""
        row = self.emu.con.execute(
            f"SELECT 1 FROM {self.log} WHERE __ib_version > ? AND __ib_version <= ?{action} "
            "LIMIT 1",
            [start, end],
        ).fetchone()
        return row is not None

    def _interval(self, start: int, end: int) -> str:
        # rowid orders the records of one version (the log is append-only within it).
        return (
            f"SELECT rowid AS __ib_seq, * FROM {self.log} "
            f"WHERE __ib_version > {int(start)} AND __ib_version <= {int(end)}"
        )

    def _out(self, alias: str, action: str, isupdate: bool) -> str:
        cols = ", ".join(f"{alias}.{q(c)}" for c in self.columns)
        return (
            f"SELECT {cols}, '{action}' AS {q(ACTION)}, {str(isupdate).upper()} AS {q(ISUPDATE)}, "
            f"md5({alias}.{q(ROW_ID)}::VARCHAR) AS {q(ROW_ID_COLUMN)}"
        )

    def insert_delta_sql(self, start: int, end: int) -> str | None:
        """The delta when every change record in the interval is an INSERT (plain ingest),
        else None. Each row id then has exactly one record, so the delta is the records
        themselves, for standard and append-only streams alike: no netting window."""
        row = self.emu.con.execute(
            f"SELECT 1 FROM {self.log} WHERE __ib_version > ? AND __ib_version <= ? "
            "AND __ib_action <> 'INSERT' LIMIT 1",
            [start, end],
        ).fetchone()
        if row is not None:
            return None
        return (
            f"{self._out('a', 'INSERT', False)} FROM {self.log} a "
            f"WHERE a.__ib_version > {int(start)} AND a.__ib_version <= {int(end)}"
        )

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> str:
        rid = q(ROW_ID)
        plain = self.insert_delta_sql(start, end)
        if plain is not None:
            return plain
        if append_only:
            return (
                f"WITH iv AS ({self._interval(start, end)}), "
                "latest AS (SELECT * FROM iv QUALIFY row_number() OVER "
                f"(PARTITION BY {rid} ORDER BY __ib_version DESC, __ib_seq DESC) = 1), "
                f"ins AS (SELECT DISTINCT {rid} FROM iv "
                "WHERE __ib_action IN ('INSERT', 'BASELINE')) "
                f"{self._out('a', 'INSERT', False)} FROM latest a SEMI JOIN ins USING ({rid})"
            )
        differs = " OR ".join(f"b.{q(c)} IS DISTINCT FROM a.{q(c)}" for c in self.columns)
        return (
            f"WITH iv AS ({self._interval(start, end)}), "
            f"firsts AS (SELECT {rid}, arg_min(__ib_action, (__ib_version, __ib_seq)) "
            f"AS first_action FROM iv GROUP BY {rid}), "
            "after_img AS (SELECT * FROM iv QUALIFY row_number() OVER "
            f"(PARTITION BY {rid} ORDER BY __ib_version DESC, __ib_seq DESC) = 1), "
            f"after AS (SELECT * FROM after_img WHERE __ib_action <> 'DELETE'), "
            # A row whose first change is a DELETE: that record holds its old image.
            "before_del AS (SELECT * FROM iv QUALIFY row_number() OVER "
            f"(PARTITION BY {rid} ORDER BY __ib_version, __ib_seq) = 1 "
            "AND __ib_action = 'DELETE'), "
            # A row whose first change is an UPDATE: its latest record at or before start.
            f"upd AS (SELECT {rid} FROM firsts WHERE first_action = 'UPDATE'), "
            f"before_upd AS (SELECT l.*, l.rowid AS __ib_seq FROM {self.log} l "
            f"SEMI JOIN upd USING ({rid}) WHERE l.__ib_version <= {int(start)} "
            f"QUALIFY row_number() OVER (PARTITION BY l.{rid} "
            "ORDER BY l.__ib_version DESC, l.rowid DESC) = 1), "
            "before AS (SELECT * FROM before_del UNION ALL BY NAME "
            "SELECT * FROM before_upd WHERE __ib_action <> 'DELETE') "
            f"{self._out('b', 'DELETE', False)} FROM before b ANTI JOIN after a USING ({rid}) "
            f"UNION ALL {self._out('a', 'INSERT', False)} FROM after a "
            f"ANTI JOIN before b USING ({rid}) "
            f"UNION ALL {self._out('b', 'DELETE', True)} FROM before b "
            f"JOIN after a USING ({rid}) WHERE {differs} "
            f"UNION ALL {self._out('a', 'INSERT', True)} FROM after a "
            f"JOIN before b USING ({rid}) WHERE {differs}"
        )

    def image_sql(self, version: int) -> str:
        cols = ", ".join(q(c) for c in self.columns)
        return (
            f"SELECT {cols} FROM (SELECT * FROM {self.log} WHERE __ib_version <= {int(version)} "
            f"QUALIFY row_number() OVER (PARTITION BY {q(ROW_ID)} "
            "ORDER BY __ib_version DESC, rowid DESC) = 1) WHERE __ib_action <> 'DELETE'"
        )


def source_for(emu: Engine, obj: CatalogObject) -> ChangeSource:
    """The change source of a catalog object: the one a feature registered for its kind
    (Iceberg snapshots, views over several tables), else the native change log."""
    factory = emu.registry.change_sources.get(obj.kind)
    return factory(obj) if factory is not None else NativeSource(emu, obj)
