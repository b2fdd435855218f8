"""Deltas of views with joins, UNION ALL and nested views or subqueries in FROM.

https://docs.snowflake.com/en/user-guide/streams-intro (Streams on views): the delta of a
join is ``T1 * ΔT2 + ΔT1 * T2 + ΔT1 * ΔT2``. Here it is computed on images: for every
occurrence k of a base table whose rows changed between the offset and now, the view's
branch is evaluated once with k restricted to its changed rows and the other occurrences
as full images, on the images at the offset (old) and now (new). The union of those
evaluations, deduplicated by result row id, holds every result row that involves a changed
base row, and only those; old versus new by row id gives DELETE, INSERT and update pairs
(ISUPDATE = TRUE when one row id is in both with other values). Unchanged tables drive no
evaluation, so the work follows the changes.

A result row's METADATA$ROW_ID is derived from its UNION ALL branch number and the row ids
of the base rows it joins, so it is unique across branches and stable across reads.

Append-only streams (https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_01/bcr-920):
rows inserted on either join input, joined with the other inputs as they were at the offset
(plus their own inserted rows), all as INSERT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.changes import (
    ACTION,
    BEGINNING,
    ISUPDATE,
    ROW_ID_COLUMN,
    NativeSource,
    q,
)
from emulator.features.streams.view_points import point_for, require_versions
from emulator.features.streams.view_shape import PLACEHOLDER, ViewShape, rid_name, view_shape

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_ID = "__ib_id"


class _Images:
    """The CTEs of one base table between two versions (named after the table id)."""

    def __init__(self, emu: Engine, table: CatalogObject, start: int, end: int) -> None:
        self.table = emu.catalog.by_id(table.id) or table  # the shape may be cached
        self.start = start
        self.end = end
        self.columns = [c.name for c in emu.catalog.columns(table.id)]
        table = self.table
        self.log = table.log().sql(dialect="duckdb")
        self.fresh = end == table.version and emu.capture.version_in_transaction(table) is None

    def name(self, kind: str) -> str:
        return f"__ib_{kind}_{self.table.id}"

    def ctes(self, *, append_only: bool) -> list[str]:
        rid = q(ROW_ID)
        cols = ", ".join(q(c) for c in [*self.columns, ROW_ID])
        interval = f"__ib_version > {int(self.start)} AND __ib_version <= {int(self.end)}"
        # A read in a transaction that wrote the table sees the committed version: the log.
        new = (
            f"SELECT {cols} FROM {self.table.base().sql(dialect='duckdb')}"
            if self.fresh
            else f"SELECT {cols} FROM (SELECT * FROM {self.log} "
            f"WHERE __ib_version <= {int(self.end)} QUALIFY row_number() OVER "
            f"(PARTITION BY {rid} ORDER BY __ib_version DESC, rowid DESC) = 1) "
            "WHERE __ib_action <> 'DELETE'"
        )
        changed = f"SELECT DISTINCT {rid} FROM {self.log} WHERE {interval}"
        before = (
            f"SELECT {cols} FROM (SELECT l.* FROM {self.log} l SEMI JOIN {self.name('chg')} "
            f"USING ({rid}) WHERE l.__ib_version <= {int(self.start)} QUALIFY row_number() "
            f"OVER (PARTITION BY l.{rid} ORDER BY l.__ib_version DESC, l.rowid DESC) = 1) "
            "WHERE __ib_action <> 'DELETE'"
        )
        after = (
            f"SELECT {cols} FROM (SELECT * FROM {self.log} WHERE {interval} QUALIFY "
            f"row_number() OVER (PARTITION BY {rid} ORDER BY __ib_version DESC, rowid DESC) "
            "= 1) WHERE __ib_action <> 'DELETE'"
        )
        old = (
            f"SELECT * FROM {self.name('new')} ANTI JOIN {self.name('chg')} USING ({rid}) "
            f"UNION ALL SELECT * FROM {self.name('bef')}"
        )
        parts = [("new", new), ("chg", changed), ("bef", before), ("old", old)]
        if append_only:
            inserted = (
                f"SELECT {cols} FROM (SELECT * FROM {self.log} WHERE {interval} QUALIFY "
                f"row_number() OVER (PARTITION BY {rid} ORDER BY __ib_version DESC, rowid DESC)"
                f" = 1) SEMI JOIN (SELECT DISTINCT {rid} FROM {self.log} WHERE {interval} "
                f"AND __ib_action IN ('INSERT', 'BASELINE')) USING ({rid})"
            )
            parts += [
                ("ins", inserted),
                (
                    "oins",
                    f"SELECT * FROM {self.name('old')} UNION ALL SELECT * FROM {self.name('ins')}",
                ),
            ]
        else:
            parts.append(("aft", after))
        return [f"{q(self.name(kind))} AS ({sql})" for kind, sql in parts]


class JoinViewSource:
    """A :class:`~emulator.core.changes.ChangeSource` for a view over several table
    references; its versions are view points (:mod:`emulator.features.streams.view_points`)."""

    def __init__(self, emu: Engine, view: CatalogObject, shape: ViewShape | None = None) -> None:
        self.emu = emu
        self.view = view
        self.shape = shape or view_shape(emu, view)
        self.columns = [c.name for c in emu.catalog.columns(view.id)]

    def _native(self, table: CatalogObject) -> NativeSource:
        # The table row is re-read: its version moves on while a reader may be kept.
        return NativeSource(self.emu, self.emu.catalog.by_id(table.id) or table)

    def _versions_now(self) -> dict[int, int]:
        return {t.id: self._native(t).current_version() for t in self.shape.base_tables()}

    def current_version(self) -> int:
        return point_for(self.emu, self.view.id, self._versions_now())

    def _starts(self, start: int, end: int) -> tuple[dict[int, int], dict[int, int]]:
        ends = require_versions(self.emu, self.view, end)
        starts = require_versions(self.emu, self.view, start) if start != BEGINNING else {}
        return starts, ends

    def has_changes(self, start: int, end: int, *, append_only: bool) -> bool:
        if start == BEGINNING:
            return True  # SHOW_INITIAL_ROWS: a false positive at worst
        if end <= start:
            return False
        starts, ends = self._starts(start, end)
        return any(
            self._native(t).has_changes(
                starts.get(t.id, BEGINNING), ends[t.id], append_only=append_only
            )
            for t in self.shape.base_tables()
        )

    def image_sql(self, version: int) -> str:
        from emulator import errors

        raise errors.unsupported("time travel on a view")

    def _branch(self, index: int, relations: dict[int, str]) -> str:
        """Branch ``index`` with occurrence k reading the CTE ``relations[k]``, as view
        columns plus the result row id."""
        branch = self.shape.branches[index]
        select = branch.select.copy()
        for table in list(select.find_all(exp.Table)):
            for k in branch.occurrences:
                if table.name == PLACEHOLDER.format(k):
                    table.set("this", exp.to_identifier(relations[k], quoted=True))
        rids = [rid_name(k) for k in branch.occurrences]
        names = ", ".join(q(c) for c in [*self.columns, *rids])
        cols = ", ".join(q(c) for c in self.columns)
        ids = ", ".join(q(r) for r in rids)
        return (
            f"SELECT {cols}, md5(concat_ws(':', '{index}', {ids})) AS {q(_ID)} "
            f"FROM ({select.sql(dialect='duckdb')}) AS __ib_b({names})"
        )

    def _variants(self, images: dict[int, _Images], changed: set[int], side: str) -> list[str]:
        """Each branch once per changed occurrence: it restricted, the others full."""
        restricted, full = {"old": ("bef", "old"), "new": ("aft", "new"), "ins": ("ins", "oins")}[
            side
        ]
        out = []
        for index, branch in enumerate(self.shape.branches):
            for k in branch.occurrences:
                if self.shape.tables[k].id not in changed:
                    continue
                relations = {
                    j: images[self.shape.tables[j].id].name(restricted if j == k else full)
                    for j in branch.occurrences
                }
                out.append(self._branch(index, relations))
        return out

    def _out(self, alias: str, action: str, isupdate: bool) -> str:
        cols = ", ".join(f"{alias}.{q(c)}" for c in self.columns)
        return (
            f"SELECT {cols}, '{action}' AS {q(ACTION)}, {str(isupdate).upper()} AS "
            f"{q(ISUPDATE)}, {alias}.{q(_ID)} AS {q(ROW_ID_COLUMN)}"
        )

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> str:
        starts, ends = self._starts(start, end)
        tables = self.shape.base_tables()
        if start == BEGINNING:  # every row present now is new
            images = {t.id: _Images(self.emu, t, ends[t.id], ends[t.id]) for t in tables}
            ctes = [c for i in images.values() for c in i.ctes(append_only=False)]
            branches = [
                self._branch(
                    b, {k: images[self.shape.tables[k].id].name("new") for k in br.occurrences}
                )
                for b, br in enumerate(self.shape.branches)
            ]
            return (
                f"WITH {', '.join(ctes)}, n AS ({' UNION ALL '.join(branches)}) "
                f"{self._out('n', 'INSERT', False)} FROM n"
            )
        images = {t.id: _Images(self.emu, t, starts.get(t.id, 0), ends[t.id]) for t in tables}
        changed = {
            t.id
            for t in tables
            if self._native(t).has_changes(
                images[t.id].start, images[t.id].end, append_only=append_only
            )
        }
        ctes = [c for i in images.values() for c in i.ctes(append_only=append_only)]

        def dedup(parts: list[str]) -> str:
            if not parts:  # nothing changed: an empty relation of the right columns
                first = self.shape.branches[0].occurrences
                empty = {k: images[self.shape.tables[k].id].name("new") for k in first}
                parts = [f"SELECT * FROM ({self._branch(0, empty)}) WHERE FALSE"]
            return (
                f"SELECT * FROM ({' UNION ALL '.join(parts)}) "
                f"QUALIFY row_number() OVER (PARTITION BY {q(_ID)}) = 1"
            )

        head = f"WITH {', '.join(ctes)}, "
        if append_only:
            inserted = dedup(self._variants(images, changed, "ins"))
            return head + f"n AS ({inserted}) {self._out('n', 'INSERT', False)} FROM n"
        old = dedup(self._variants(images, changed, "old"))
        new = dedup(self._variants(images, changed, "new"))
        differs = " OR ".join(f"o.{q(c)} IS DISTINCT FROM n.{q(c)}" for c in self.columns)
        key = q(_ID)
        return (
            head + f"o AS ({old}), n AS ({new}) "
            f"{self._out('o', 'DELETE', False)} FROM o ANTI JOIN n USING ({key}) "
            f"UNION ALL {self._out('n', 'INSERT', False)} FROM n ANTI JOIN o USING ({key}) "
            f"UNION ALL {self._out('o', 'DELETE', True)} FROM o JOIN n USING ({key}) "
            f"WHERE {differs} "
            f"UNION ALL {self._out('n', 'INSERT', True)} FROM n JOIN o USING ({key}) "
            f"WHERE {differs}"
        )
