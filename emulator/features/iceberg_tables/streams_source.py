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

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import CatalogObject
from emulator.core.changes import metadata, with_ctes
from emulator.features.iceberg_tables.exactly_once import TABLE_VERSION

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Occurrence of a row among identical ones; whether a key is paired with the other side.
_N = "__ib_n"
_PAIRED = "__ib_p"


class IcebergSource:
    """The change source of an Iceberg table (see the module docstring)."""

    def __init__(self, emu: Engine, obj: CatalogObject) -> None:
        self.emu = emu
        self.obj = obj
        self.store = emu.lake.store
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]
        self.keys = self.store.identifier_fields(obj.name)

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

    def _relation(self, paths: list[str]) -> exp.Select:
        """The rows of some data files, with the table's columns."""
        rel = self.store.file_relation(self.obj.name, paths)
        rel.set("alias", exp.TableAlias(this=sql.ident("__ib_f")))
        return exp.select(*sql.columns(self.columns)).from_(rel)

    def _row_id(self, alias: str) -> exp.Expression:
        """METADATA$ROW_ID: a hash of the key, or of the row and its occurrence."""
        if self.keys:
            hashed = sql.columns(self.keys, alias)
        else:
            hashed = [*sql.columns(self.columns, alias), sql.column(_N, alias)]
        digest = exp.Anonymous(this="hash", expressions=hashed)
        return exp.MD5(this=exp.cast(digest, exp.DataType.Type.VARCHAR))

    def _out(self, alias: str, action: str, isupdate: bool | exp.Expression) -> exp.Select:
        return exp.select(
            *sql.columns(self.columns, alias), *metadata(action, isupdate, self._row_id(alias))
        )

    def _paired(self, alias: str, other: str) -> exp.Select:
        """``SELECT … FROM alias LEFT JOIN (its keys in other) AS p``: pairs are updates."""
        keys = exp.select(*sql.columns(self.keys), exp.alias_(exp.true(), sql.ident(_PAIRED)))
        on = exp.and_(
            *[
                exp.NullSafeEQ(this=sql.column(k, alias), expression=sql.column(k, "p"))
                for k in self.keys
            ]
        )
        isupdate = exp.Coalesce(this=sql.column(_PAIRED, "p"), expressions=[exp.false()])
        action = "INSERT" if alias == "i" else "DELETE"
        return (
            self._out(alias, action, isupdate)
            .from_(sql.table(alias))
            .join(
                keys.distinct().from_(sql.table(other)).subquery(sql.ident("p")),
                on=on,
                join_type="LEFT",
            )
        )

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> exp.Expression:
        before = self.snapshot_for(start) if start >= 0 else None
        after = self.snapshot_for(end)
        added, removed = (
            ([], [])
            if after is None or before == after
            else (self.store.changed_files(self.obj.name, before, after))
        )
        new = self._relation([f.path for f in added])
        old = self._relation([f.path for f in removed])
        numbered = exp.alias_(
            exp.Window(this=exp.RowNumber(), partition_by=sql.columns(self.columns)),
            sql.ident(_N),
        )

        def numbered_rows(rows: exp.Query) -> exp.Select:
            return exp.select(exp.Star(), numbered.copy()).from_(rows.subquery(sql.ident("r")))

        # Copy-on-write: the rows changed are the added files' minus the removed files'.
        ctes = [
            ("i", numbered_rows(exp.except_(new.copy(), old.copy(), distinct=False))),
            ("d", numbered_rows(exp.except_(old, new, distinct=False))),
        ]
        body: exp.Select | exp.Union
        if not self.keys:
            inserts = self._out("i", "INSERT", False).from_(sql.table("i"))
            deletes = self._out("d", "DELETE", False).from_(sql.table("d"))
            body = inserts if append_only else exp.union(inserts, deletes, distinct=False)
        elif append_only:
            paired = self._paired("i", "d")
            unpaired = exp.Is(this=sql.column(_PAIRED, "p"), expression=exp.null())
            body = self._out("i", "INSERT", False).from_(sql.table("i"))
            body = body.join(paired.args["joins"][0].copy()).where(unpaired)
        else:
            body = exp.union(self._paired("i", "d"), self._paired("d", "i"), distinct=False)
        with_ctes(body, ctes)
        return body

    def image_sql(self, version: int) -> exp.Expression:
        snapshot = self.snapshot_for(version)
        paths = (
            []
            if snapshot is None
            else [f.path for f in self.store.scan_files(self.obj.name, snapshot_id=snapshot)]
        )
        return self._relation(paths)
