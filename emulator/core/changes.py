"""Delta computation: the net row-level change of a source between two versions.

The rules (https://docs.snowflake.com/en/user-guide/streams-intro):

* output = the source columns, then METADATA$ACTION, METADATA$ISUPDATE, METADATA$ROW_ID;
* a row that exists at both ends with a different image is an UPDATE: DELETE (old image)
  plus INSERT (new image), both ISUPDATE = TRUE, one ROW_ID;
* a row inserted in the interval is one INSERT with its latest image (ISUPDATE = FALSE),
  a row inserted and deleted in the interval is nothing, TRUNCATE is one DELETE per row;
* an append-only delta is every row inserted in the interval with the image it was inserted
  with, even when it was updated or deleted since, never a DELETE.

Cost: the native log is appended in version order, so ``__ib_version > start`` prunes by
DuckDB zone maps and the work follows the records in the interval. Only rows whose first
change in the interval is an UPDATE need their image before it, looked up among the log
records of those row ids.

Queries are sqlglot nodes built with :mod:`emulator.core.change_queries` (re-exported here),
shared by every change source (table, view, Iceberg) so that they net changes the same way.

:class:`~emulator.core.change_source.ChangeSource` is the interface a source kind
implements; features register other kinds (Iceberg tables, join views) in the registry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.change_queries import (
    LOG_ACTION,
    SEQ,
    action_in,
    action_is,
    aliased,
    differs,
    in_interval,
    inserted_images,
    is_latest,
    log_action,
    log_version,
    metadata,
    net_delta,
    newest_record,
    not_deleted,
    row_number,
    select_all,
    union_all,
    up_to,
    using,
    with_ctes,
)
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
    "LOG_ACTION",
    "ROW_ID_COLUMN",
    "ChangeSource",
    "NativeSource",
    "action_in",
    "action_is",
    "aliased",
    "differs",
    "in_interval",
    "inserted_images",
    "is_latest",
    "log_action",
    "log_version",
    "metadata",
    "net_delta",
    "newest_record",
    "not_deleted",
    "row_number",
    "select_all",
    "source_for",
    "union_all",
    "up_to",
    "using",
    "with_ctes",
]

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: What a probe of the log looks for (beyond the version interval).
Probe = Literal["any", "inserted", "not insert"]


_PROBE_FILTERS: dict[Probe, Callable[[], exp.Expr | None]] = {
    "any": lambda: None,
    "inserted": lambda: action_in("INSERT", "BASELINE"),
    "not insert": lambda: exp.NEQ(this=log_action(), expression=exp.Literal.string("INSERT")),
}


@functools.lru_cache(maxsize=1024)
def _probe_text(log: str, wanted: Probe) -> str:
    """``SELECT 1 FROM __ib.<log> WHERE __ib_version > ? AND __ib_version <= ? [AND …]
    LIMIT 1``, rendered once per log and filter: task ticks probe often."""
    extra = _PROBE_FILTERS[wanted]()
    conditions = [
        exp.GT(this=log_version(), expression=sql.param()),
        exp.LTE(this=log_version(), expression=sql.param()),
        *([extra] if extra is not None else []),
    ]
    query = (
        exp.select(exp.Literal.number(1), copy=False)
        .from_(sql.meta(log), copy=False)
        .where(exp.and_(*conditions, copy=False), copy=False)
        .limit(1, copy=False)
    )
    return sql.render(query)


def _md5_row_id(of: str) -> exp.Expression:
    """``md5(of.__ib_row_id::VARCHAR)``: METADATA$ROW_ID of a native row."""
    return exp.MD5(this=exp.cast(sql.column(ROW_ID, of), exp.DataType.Type.VARCHAR, copy=False))


# -- native tables ---------------------------------------------------------------------------


class NativeSource:
    """A native DuckDB table with change tracking: reads its change log."""

    def __init__(self, emu: Engine, obj: CatalogObject) -> None:
        self.emu = emu
        self.obj = obj
        self.log = obj.log()
        self.columns = [c.name for c in emu.catalog.columns(obj.id)]
        # Intervals known to hold other records than INSERTs: a read asks for the plain
        # delta first and then for the netted one, which need not look again.
        self._mixed: set[tuple[int, int]] = set()

    def current_version(self) -> int:
        # The open transaction's own writes are visible only after COMMIT.
        written = self.emu.capture.version_in_transaction(self.obj)
        return written - 1 if written is not None else self.obj.version

    def _probe(self, start: int, end: int, wanted: Probe) -> bool:
        """Whether a record in ``(start, end]`` of the kind ``wanted`` exists."""
        text = _probe_text(self.log.name, wanted)
        return self.emu.con.execute(text, [start, end]).fetchone() is not None

    def has_changes(self, start: int, end: int, *, append_only: bool) -> bool:
        if end <= start:
            return False
        return self._probe(start, end, "inserted" if append_only else "any")

    def _out(self, alias: str, action: str, isupdate: bool) -> exp.Select:
        return exp.select(
            *sql.columns(self.columns, alias),
            *metadata(action, isupdate, _md5_row_id(alias)),
            copy=False,
        )

    def insert_delta_sql(self, start: int, end: int) -> exp.Select | None:
        """The delta when every change record in the interval is an INSERT (plain ingest),
        else None. Each row id then has exactly one record, so the delta is the records
        themselves, for standard and append-only streams alike: no netting window."""
        if (start, end) in self._mixed or self._probe(start, end, "not insert"):
            self._mixed.add((start, end))
            return None
        return (
            self._out("a", "INSERT", False)
            .from_(aliased(self.log, "a"), copy=False)
            .where(in_interval(start, end, "a"), copy=False)
        )

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> exp.Expression:
        plain = self.insert_delta_sql(start, end)
        if plain is not None:
            return plain
        # rowid orders the records of one version (the log is append-only within it).
        interval = (
            exp.select(exp.alias_(sql.column("rowid"), sql.ident(SEQ)), exp.Star(), copy=False)
            .from_(self.log.copy(), copy=False)
            .where(in_interval(start, end), copy=False)
        )
        if append_only:
            # Each row as it was inserted, whatever came after it in the interval.
            inserted = inserted_images(select_all(sql.table("iv")), SEQ)
            body = self._out("a", "INSERT", False).from_(sql.table("ins", alias="a"), copy=False)
            return with_ctes(body, [("iv", interval), ("ins", inserted)])
        latest = select_all(sql.table("iv")).qualify(newest_record(seq=SEQ), copy=False)
        order = exp.Tuple(expressions=[log_version(), sql.column(SEQ)])
        first_action = exp.ArgMin(this=log_action(), expression=order)
        firsts = (
            exp.select(
                sql.column(ROW_ID), exp.alias_(first_action, sql.ident("first_action")), copy=False
            )
            .from_(sql.table("iv"), copy=False)
            .group_by(sql.column(ROW_ID), copy=False)
        )
        after = select_all(sql.table("after_img")).where(not_deleted(), copy=False)
        # A row whose first change is a DELETE: that record holds its old image.
        oldest = is_latest(sql.column(ROW_ID), [log_version(), sql.column(SEQ)], newest=False)
        before_del = select_all(sql.table("iv")).qualify(
            exp.and_(oldest, action_is("DELETE"), copy=False), copy=False
        )
        # A row whose first change is an UPDATE: its latest record at or before start.
        first_update = exp.EQ(
            this=sql.column("first_action"), expression=exp.Literal.string("UPDATE")
        )
        updated = (
            exp.select(sql.column(ROW_ID), copy=False)
            .from_(sql.table("firsts"), copy=False)
            .where(first_update, copy=False)
        )
        before_upd = (
            exp.select(
                sql.star("l"), exp.alias_(sql.column("rowid", "l"), sql.ident(SEQ)), copy=False
            )
            .from_(aliased(self.log, "l"), copy=False)
            .join(using(sql.table("upd"), ROW_ID, "SEMI"), copy=False)
            .where(up_to(start, "l"), copy=False)
            .qualify(newest_record("l"), copy=False)
        )
        before = union_all(
            [
                select_all(sql.table("before_del")),
                select_all(sql.table("before_upd")).where(not_deleted(), copy=False),
            ],
            by_name=True,
        )
        return with_ctes(
            net_delta(self.columns, "before", "after", ROW_ID, _md5_row_id),
            [
                ("iv", interval),
                ("firsts", firsts),
                ("after_img", latest),
                ("after", after),
                ("before_del", before_del),
                ("upd", updated),
                ("before_upd", before_upd),
                ("before", before),
            ],
        )

    def image_sql(self, version: int) -> exp.Select:
        records = (
            select_all(self.log.copy())
            .where(up_to(version), copy=False)
            .qualify(newest_record(), copy=False)
        )
        return (
            exp.select(*sql.columns(self.columns), copy=False)
            .from_(exp.Subquery(this=records), copy=False)
            .where(not_deleted(), copy=False)
        )


def source_for(emu: Engine, obj: CatalogObject) -> ChangeSource:
    """The change source of a catalog object: the one a feature registered for its kind
    (Iceberg snapshots, views over several tables), else the native change log."""
    factory = emu.registry.change_sources.get(obj.kind)
    return factory(obj) if factory is not None else NativeSource(emu, obj)
