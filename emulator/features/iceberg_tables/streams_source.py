"""Streams on Iceberg tables: a :class:`~emulator.core.changes.ChangeSource` that diffs
snapshots.

Snowflake allows standard and append-only streams on Snowflake-managed Iceberg tables
(https://docs.snowflake.com/en/user-guide/streams-intro). Every Iceberg write records the
emulator table version in its snapshot summary; version ``v`` is the last snapshot written
at or before ``v``. Writes are copy-on-write, so the rows changed between two snapshots are
the rows of the added data files minus those of the removed files, as a bag
(``IcebergStore.changed_files``); unchanged files are never read.

ROW_ID: the data files hold no hidden row id (other engines read them). With a PRIMARY KEY
(Iceberg identifier fields), METADATA$ROW_ID is a hash of the key and a removed and an
added row with the same key form an UPDATE pair (ISUPDATE = TRUE). Without one, the id is a
hash of the row's values and its occurrence, and an UPDATE shows as DELETE + INSERT with
ISUPDATE = FALSE. An append-only stream returns the net inserted rows between the two
snapshots: a row inserted and deleted again in the interval is not returned (Snowflake
returns it), see docs/fidelity/iceberg_tables.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog import CatalogObject
from emulator.core.changes import ACTION, ISUPDATE, ROW_ID_COLUMN, q
from emulator.features.iceberg_tables.exactly_once import TABLE_VERSION

if TYPE_CHECKING:
    from emulator.core.engine import Engine


class IcebergSource:
    """The change source of an Iceberg table (see the module docstring)."""

    def __init__(self, emu: Engine, obj: CatalogObject) -> None:
        self.emu = emu
        self.obj = obj
        self.store = emu.lake.store
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]
        schema = self.store._table(obj.name).schema()
        self.keys = sorted(schema.identifier_field_names())

    def current_version(self) -> int:
        written = self.emu.capture.version_in_transaction(self.obj)
        return written - 1 if written is not None else self.obj.version

    def snapshot_for(self, version: int) -> int | None:
        """The snapshot holding the table as of ``version`` (None: no rows yet)."""
        chosen: int | None = None
        first = True
        for snapshot_id, summary in self.store.snapshot_summaries(self.obj.name):
            recorded = summary.get(TABLE_VERSION)
            if recorded is not None and int(recorded) > version:
                if first and version > 0:
                    # The snapshots that version needs were expired.
                    raise errors.time_travel_not_available(str(self.obj.name))
                break
            chosen = snapshot_id  # snapshots without a version (compaction) inherit one
            first = False
        return chosen

    def has_changes(self, start: int, end: int, *, append_only: bool) -> bool:
        return end > start  # versions move only with writes (false positives allowed)

    def _relation(self, paths: list[str]) -> str:
        rel = self.store.file_relation(self.obj.name, paths)
        cols = ", ".join(q(c) for c in self.columns)
        return f"SELECT {cols} FROM {rel.sql(dialect='duckdb')} AS __ib_f"

    def _row_id(self, alias: str) -> str:
        if self.keys:
            key = ", ".join(f"{alias}.{q(k)}" for k in self.keys)
            return f"md5(hash({key})::VARCHAR)"
        row = ", ".join(f"{alias}.{q(c)}" for c in self.columns)
        return f"md5(hash({row}, {alias}.__ib_n)::VARCHAR)"

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> str:
        before = self.snapshot_for(start) if start >= 0 else None
        after = self.snapshot_for(end)
        added, removed = (
            ([], [])
            if after is None or before == after
            else (self.store.changed_files(self.obj.name, before, after))
        )
        cols = ", ".join(q(c) for c in self.columns)
        ins = f"({self._relation([f.path for f in added])} EXCEPT ALL " + (
            f"{self._relation([f.path for f in removed])})"
        )
        dels = f"({self._relation([f.path for f in removed])} EXCEPT ALL " + (
            f"{self._relation([f.path for f in added])})"
        )
        numbered = f"row_number() OVER (PARTITION BY {cols}) AS __ib_n"
        head = (
            f"WITH i AS (SELECT *, {numbered} FROM {ins}), d AS (SELECT *, {numbered} FROM {dels})"
        )

        def out(alias: str, action: str, isupdate: str) -> str:
            picked = ", ".join(f"{alias}.{q(c)}" for c in self.columns)
            return (
                f"SELECT {picked}, '{action}' AS {q(ACTION)}, {isupdate} AS {q(ISUPDATE)}, "
                f"{self._row_id(alias)} AS {q(ROW_ID_COLUMN)}"
            )

        if not self.keys:
            inserts = f"{out('i', 'INSERT', 'FALSE')} FROM i"
            if append_only:
                return f"{head} {inserts}"
            return f"{head} {inserts} UNION ALL {out('d', 'DELETE', 'FALSE')} FROM d"
        keys = ", ".join(q(k) for k in self.keys)

        def paired(alias: str, other: str) -> str:
            on = " AND ".join(f"{alias}.{q(k)} IS NOT DISTINCT FROM p.{q(k)}" for k in self.keys)
            return (
                f"{alias} LEFT JOIN (SELECT DISTINCT {keys}, TRUE AS __ib_p FROM {other}) p ON {on}"
            )

        isupdate = "coalesce(p.__ib_p, FALSE)"
        if append_only:
            fresh = f"{paired('i', 'd')} WHERE p.__ib_p IS NULL"
            return f"{head} {out('i', 'INSERT', 'FALSE')} FROM {fresh}"
        return (
            f"{head} {out('i', 'INSERT', isupdate)} FROM {paired('i', 'd')} "
            f"UNION ALL {out('d', 'DELETE', isupdate)} FROM {paired('d', 'i')}"
        )

    def image_sql(self, version: int) -> str:
        snapshot = self.snapshot_for(version)
        paths = (
            []
            if snapshot is None
            else [f.path for f in self.store.scan_files(self.obj.name, snapshot_id=snapshot)]
        )
        return self._relation(paths)
