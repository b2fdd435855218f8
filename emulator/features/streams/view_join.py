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

from emulator.core import sql
from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.changes import (
    BEGINNING,
    NativeSource,
    aliased,
    in_interval,
    inserted_images,
    is_latest,
    metadata,
    net_delta,
    newest_record,
    not_deleted,
    select_all,
    union_all,
    up_to,
    using,
    with_ctes,
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
        self.log = table.log()
        self.fresh = end == table.version and emu.capture.version_in_transaction(table) is None

    def name(self, kind: str) -> str:
        return f"__ib_{kind}_{self.table.id}"

    def _select(self) -> exp.Select:
        """``SELECT <columns>, __ib_row_id``."""
        return exp.select(*sql.columns([*self.columns, ROW_ID]), copy=False)

    def _images(self, records: exp.Select, of: str | None = None) -> exp.Select:
        """Each row's newest record of ``records`` (log records read as ``of``), unless it
        is a DELETE."""
        newest = records.qualify(newest_record(of), copy=False)
        return (
            self._select()
            .from_(exp.Subquery(this=newest), copy=False)
            .where(not_deleted(), copy=False)
        )

    def _interval(self) -> exp.Select:
        """The log records in ``(start, end]``."""
        return select_all(self.log.copy()).where(in_interval(self.start, self.end), copy=False)

    def _rows(self, kind: str) -> exp.Select:
        return select_all(sql.table(self.name(kind)))

    def ctes(self, *, append_only: bool) -> list[tuple[str, exp.Expression]]:
        # A read in a transaction that wrote the table sees the committed version: the log.
        new = (
            self._select().from_(self.table.base(), copy=False)
            if self.fresh
            else self._images(select_all(self.log.copy()).where(up_to(self.end), copy=False))
        )
        changed = (
            exp.select(sql.column(ROW_ID), copy=False)
            .distinct(copy=False)
            .from_(self.log.copy(), copy=False)
            .where(in_interval(self.start, self.end), copy=False)
        )
        before = self._images(
            exp.select(sql.star("l"), copy=False)
            .from_(aliased(self.log, "l"), copy=False)
            .join(using(sql.table(self.name("chg")), ROW_ID, "SEMI"), copy=False)
            .where(up_to(self.start, "l"), copy=False),
            "l",
        )
        unchanged = self._rows("new").join(
            using(sql.table(self.name("chg")), ROW_ID, "ANTI"), copy=False
        )
        parts: list[tuple[str, exp.Expression]] = [
            ("new", new),
            ("chg", changed),
            ("bef", before),
            ("old", union_all([unchanged, self._rows("bef")])),
        ]
        if append_only:
            # Rows as they were inserted (ΔT holds inserts only, with their inserted values).
            first = inserted_images(self._interval())
            inserted = self._select().from_(exp.Subquery(this=first), copy=False)
            parts += [
                ("ins", inserted),
                ("oins", union_all([self._rows("old"), self._rows("ins")])),
            ]
        else:
            parts.append(("aft", self._images(self._interval())))
        return [(self.name(kind), query) for kind, query in parts]


def _occurrence(relation: str, k: int, alias: exp.Expression | None) -> exp.Subquery:
    """``(SELECT * EXCLUDE (__ib_row_id), __ib_row_id AS __ib_rid_<k> FROM relation)``: each
    occurrence exposes its row id under its own name, so that NATURAL JOIN and USING, which
    join on the columns both sides share, never join on the hidden ids."""
    rows = exp.select(
        exp.Star(except_=[sql.column(ROW_ID)]),
        exp.alias_(sql.column(ROW_ID), sql.ident(rid_name(k))),
        copy=False,
    ).from_(sql.table(relation), copy=False)
    return exp.Subquery(this=rows, alias=alias.copy() if alias is not None else None)


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

    def image_sql(self, version: int) -> exp.Expression:
        from emulator import errors

        raise errors.unsupported("time travel on a view")

    def _branch(self, index: int, relations: dict[int, str]) -> exp.Select:
        """Branch ``index`` with occurrence k reading the CTE ``relations[k]``, as view
        columns plus the result row id."""
        branch = self.shape.branches[index]
        select = branch.select.copy()
        for table in list(select.find_all(exp.Table)):
            for k in branch.occurrences:
                if table.name == PLACEHOLDER.format(k):
                    table.replace(_occurrence(relations[k], k, table.args.get("alias")))
        rids = [rid_name(k) for k in branch.occurrences]
        names = [sql.ident(c) for c in [*self.columns, *rids]]
        key = exp.Anonymous(
            this="concat_ws",
            expressions=[
                exp.Literal.string(":"),
                exp.Literal.string(str(index)),
                *sql.columns(rids),
            ],
        )
        result = exp.Subquery(
            this=select, alias=exp.TableAlias(this=sql.ident("__ib_b"), columns=names)
        )
        return exp.select(
            *sql.columns(self.columns), exp.alias_(exp.MD5(this=key), sql.ident(_ID)), copy=False
        ).from_(result, copy=False)

    def _variants(
        self, images: dict[int, _Images], changed: set[int], side: str
    ) -> list[exp.Select]:
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

    def _inserts(self, relation: str) -> exp.Select:
        """Every row of ``relation`` as an INSERT."""
        return exp.select(
            *sql.columns(self.columns, relation),
            *metadata("INSERT", False, sql.column(_ID, relation)),
            copy=False,
        ).from_(sql.table(relation), copy=False)

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> exp.Expression:
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
            return with_ctes(self._inserts("n"), [*ctes, ("n", union_all(branches))])
        images = {t.id: _Images(self.emu, t, starts.get(t.id, 0), ends[t.id]) for t in tables}
        changed = {
            t.id
            for t in tables
            if self._native(t).has_changes(
                images[t.id].start, images[t.id].end, append_only=append_only
            )
        }
        ctes = [c for i in images.values() for c in i.ctes(append_only=append_only)]

        def dedup(parts: list[exp.Select]) -> exp.Select:
            if not parts:  # nothing changed: an empty relation of the right columns
                first = self.shape.branches[0].occurrences
                empty = {k: images[self.shape.tables[k].id].name("new") for k in first}
                nothing = select_all(exp.Subquery(this=self._branch(0, empty)))
                parts = [nothing.where(exp.false(), copy=False)]
            unique = is_latest(sql.column(_ID), [])
            return select_all(exp.Subquery(this=union_all(parts))).qualify(unique, copy=False)

        if append_only:
            inserted = dedup(self._variants(images, changed, "ins"))
            return with_ctes(self._inserts("n"), [*ctes, ("n", inserted)])
        old = dedup(self._variants(images, changed, "old"))
        new = dedup(self._variants(images, changed, "new"))
        body = net_delta(self.columns, "o", "n", _ID, lambda of: sql.column(_ID, of))
        return with_ctes(body, [*ctes, ("o", old), ("n", new)])
