"""Offsets of streams on views over several tables.

A stream's offset is one integer, a version of its source. A view over several tables has
no version of its own: each base table has its own. A *view point* is an integer naming one
combination of base-table versions, recorded in ``__ib.view_points(view_id, point, base_id,
version)``. Points of one view grow with its tables' versions (a new point is recorded only
when some table moved on), so a larger point is never behind a smaller one, as offsets
must be. The table is written in the reader's transaction: a rolled-back read leaves no
point behind, and nothing refers to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import TABLE, VIEW, CatalogObject

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: The table's name in the reserved schema: (view_id, point, base_id, version) rows.
NAME = "view_points"
_COLUMNS = ("view_id", "point", "base_id", "version")


def _ensure(emu: Engine) -> None:
    columns = [sql.column_def(c, "BIGINT") for c in _COLUMNS]
    create = exp.Create(
        kind="TABLE", exists=True, this=exp.Schema(this=sql.meta(NAME), expressions=columns)
    )
    sql.run(emu.con, create)


def _where(*names: str) -> exp.Expr:
    """``name = ? AND …``."""
    return exp.and_(*[exp.EQ(this=sql.column(n), expression=sql.param()) for n in names])


def _latest(emu: Engine, view_id: int) -> tuple[int, dict[int, int]] | None:
    query = exp.select(exp.Max(this=sql.column("point"))).from_(sql.meta(NAME))
    row = sql.run(emu.con, query.where(_where("view_id")), [view_id]).fetchone()
    if row is None or row[0] is None:
        return None
    point = int(row[0])
    return point, versions_at(emu, view_id, point)


def versions_at(emu: Engine, view_id: int, point: int) -> dict[int, int]:
    """Base table id -> version named by ``point`` of the view ``view_id``."""
    _ensure(emu)
    query = (
        exp.select(sql.column("base_id"), sql.column("version"))
        .from_(sql.meta(NAME))
        .where(_where("view_id", "point"))
    )
    rows = sql.run(emu.con, query, [view_id, point]).fetchall()
    return {int(b): int(v) for b, v in rows}


def point_for(emu: Engine, view_id: int, versions: dict[int, int]) -> int:
    """The point naming ``versions`` (the latest one, or a new one when a table moved on)."""
    _ensure(emu)
    latest = _latest(emu, view_id)
    if latest is not None and latest[1] == versions:
        return latest[0]
    point = 0 if latest is None else latest[0] + 1
    rows = [exp.Tuple(expressions=[sql.param() for _ in _COLUMNS]) for _ in versions]
    params = [
        value for base, version in versions.items() for value in (view_id, point, base, version)
    ]
    if rows:  # a tracked view has at least one base table
        sql.run(emu.con, exp.insert(exp.Values(expressions=rows), sql.meta(NAME)), params)
    return point


def live_bases(emu: Engine, view: CatalogObject) -> list[CatalogObject] | None:
    """The view's base tables as its streams recorded them, or None when one of them was
    dropped or replaced (the stream is stale then, as for a table stream)."""
    _ensure(emu)
    latest = _latest(emu, view.id)
    if latest is None:
        return None
    bases: list[CatalogObject] = []
    for base_id in latest[1]:
        base = emu.catalog.by_id(base_id)
        if base is None or base.kind != TABLE or not base.change_tracking:
            return None
        bases.append(base)
    return bases


def require_versions(emu: Engine, view: CatalogObject, point: int) -> dict[int, int]:
    """:func:`versions_at`, failing when the point is unknown (never recorded or rolled back)."""
    versions = versions_at(emu, view.id, point)
    if not versions:
        raise errors.generic(
            f"Stream offset {point} on view '{view.name}' is not a recorded point.",
            errno=91901,
            sqlstate="01000",
        )
    return versions


def base_table_names(emu: Engine, stream_source: CatalogObject | None) -> str:
    """SHOW STREAMS ``base_tables`` of a stream on a view over several tables: the live
    underlying tables, comma-separated ("" for other streams)."""
    if stream_source is None or stream_source.kind != VIEW:
        return ""
    _ensure(emu)
    latest = _latest(emu, stream_source.id)
    names = []
    for base_id in sorted(latest[1]) if latest is not None else []:
        base = emu.catalog.by_id(base_id)
        if base is not None:
            names.append(str(base.name))
    return ", ".join(names)


def table_offsets(emu: Engine, table_id: int) -> list[int]:
    """The versions of table ``table_id`` that streams on views over several tables still
    read from (their offsets); the table's log must keep the images they need."""
    from emulator.core.catalog import STREAM
    from emulator.core.stream_objects import from_object

    out: list[int] = []
    for obj in emu.catalog.objects(kind=STREAM):
        stream = from_object(obj)
        if stream.source_kind != VIEW or stream.base_id != stream.source_id:
            continue
        if stream.initial_rows:
            continue  # the first read uses current images only
        version = versions_at(emu, stream.source_id, stream.offset).get(table_id)
        if version is not None:
            out.append(version)
    return out
