"""INSERT, UPDATE, DELETE, MERGE and TRUNCATE on Iceberg tables: one Iceberg commit each.

The statement runs with the native DML code on a DuckDB working set, so Snowflake's
semantics (MERGE planning, nondeterministic-MERGE errors, DEFAULTs, count columns) are
exactly those of native tables:

1. find the data files that can hold affected rows: the files with rows matching the
   WHERE of an UPDATE / DELETE without FROM / USING, or joining the MERGE source on its ON
   condition (a probe over those files with their path column); INSERT touches no file;
2. copy those files' rows into a temporary table with a row id and their file path (and a
   second copy to compare with);
3. run the native handler on a copy of the statement whose target names that table as its
   stand-in (``WRITE_TARGET`` on the target's node, read by ``Resolver.write_target``);
4. in ONE write unit (``lake.write``: one snapshot on a clean exit), remove the files whose
   rows were deleted or changed, add back their surviving and changed rows, and append the
   inserted rows (copy-on-write, as Snowflake-managed v2 tables do:
   https://docs.snowflake.com/en/user-guide/tables-iceberg-manage). Untouched files stay.

Any error before the commit leaves the table unchanged (the DuckDB transaction rolls back,
the write unit commits nothing). The commit's snapshot summary records the stream offsets
the statement consumes (:mod:`.exactly_once`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ICEBERG_TABLE, ROW_ID, TABLE, CatalogObject
from emulator.core.engine import SUCCESS, Handler, Outcome, status
from emulator.core.query import translate_query
from emulator.core.resolve import WRITE_TARGET, stored
from emulator.core.rows import all_rows
from emulator.features.iceberg_tables.exactly_once import offsets_summary
from emulator.translate.relations import SCRATCH_PREFIX
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.engine import Engine

FILE = "__ib_file"
WORK = "__ib_ice_work"
ORIG = "__ib_ice_orig"
# Scratch relations are left alone by the Snowflake translation.
SOURCE = SCRATCH_PREFIX + "ice_source"
PROBE = SCRATCH_PREFIX + "ice_probe"


def routed(native: Handler) -> Handler:
    """``native`` for native tables; the Iceberg path when the DML target is Iceberg."""

    def run(emu: Engine, node: exp.Expression, sql_text: str) -> Outcome:
        obj = iceberg_target(emu, node)
        if obj is None:
            return native(emu, node, sql_text)
        return run_iceberg_dml(emu, obj, node, sql_text, native)

    return run


def _target_table(node: exp.Expression) -> exp.Table | None:
    """The table a DML statement writes (the first one of a TRUNCATE), or None."""
    if isinstance(node, exp.TruncateTable):
        table = node.expressions[0] if node.expressions else None
    else:
        table = node.this
        if isinstance(table, exp.Schema):
            table = table.this
    return table if isinstance(table, exp.Table) else None


def iceberg_target(emu: Engine, node: exp.Expression) -> CatalogObject | None:
    """The Iceberg table a DML statement writes, or None."""
    table = _target_table(node)
    if table is None:
        return None
    try:
        obj = emu.catalog.find(emu.resolver.object_name(table, "DML"))
    except SqlError:
        return None  # the native handler reports the name error
    return obj if obj is not None and obj.kind == ICEBERG_TABLE else None


def run_iceberg_dml(
    emu: Engine, obj: CatalogObject, node: exp.Expression, sql_text: str, native: Handler
) -> Outcome:
    """Run one DML statement on the Iceberg table ``obj`` as one Iceberg commit."""
    if emu.in_transaction:
        raise errors.unsupported(
            f"DML on Iceberg table {obj.name.sql()} inside an explicit transaction "
            "(run it in autocommit mode)"
        )
    if isinstance(node, exp.TruncateTable):
        return _truncate(emu, obj)
    store = emu.lake.store
    files = store.scan_files(obj.name)
    try:
        if isinstance(node, exp.Merge) and files:
            node = _materialise_source(emu, node)  # read once: by the file probe and the MERGE
        candidates = _candidates(emu, obj, node, [f.path for f in files])
        columns = [c.name for c in emu.catalog.columns(obj.id)]
        rel = store.file_relation(obj.name, candidates, filename=FILE)
        rel.set("alias", exp.TableAlias(this=sql.ident("__ib_src")))
        row_id = exp.cast(exp.Window(this=exp.RowNumber()), exp.DataType.Type.BIGINT)
        numbered = exp.select(exp.alias_(row_id, sql.ident(ROW_ID)), exp.Star()).from_(rel)
        sql.run(emu.con, sql.create_temp(WORK, numbered))
        if candidates:
            sql.run(emu.con, sql.create_temp(ORIG, exp.select(exp.Star()).from_(sql.table(WORK))))
        work = dataclasses.replace(
            obj, kind=TABLE, duck_schema="temp", base_name=WORK, change_tracking=False
        )
        outcome = native(emu, _aimed_at(node, work), sql_text)
        overwrite = isinstance(node, exp.Insert) and bool(node.args.get("overwrite"))
        changed = _changed_files(emu, columns) if candidates else []
        with emu.lake.write(obj, summary=offsets_summary(emu, obj)) as unit:
            if overwrite:
                unit.truncate()
            elif changed:
                unit.remove(changed)
                unit.append(_rows(emu, columns, _in_files(changed)))
            unit.append(_rows(emu, columns, exp.Is(this=sql.column(FILE), expression=exp.null())))
    finally:
        # An aborted DuckDB transaction drops them anyway: keep the statement's own error.
        with contextlib.suppress(duckdb.Error):
            for name in (WORK, ORIG, SOURCE):
                sql.run(emu.con, sql.drop(name))
            sql.run(emu.con, sql.drop(PROBE, view=True))
    return outcome


def _aimed_at(node: exp.Expression, work: CatalogObject) -> exp.Expression:
    """A copy of the statement that writes ``work`` (the working copy) instead of its target."""
    out = node.copy()
    table = _target_table(out)
    assert table is not None
    table.meta[WRITE_TARGET] = work
    return out


def _materialise_source(emu: Engine, node: exp.Merge) -> exp.Merge:
    """The MERGE with its USING source read into a temporary table, under the same alias."""
    using = node.args.get("using")
    if not isinstance(using, exp.Table | exp.Subquery):
        return node
    alias = using.args.get("alias")
    if alias is None:
        if not isinstance(using, exp.Table):
            return node
        alias = exp.TableAlias(this=using.this.copy())
    query = translate_query(emu, exp.select(exp.Star()).from_(using.copy()))
    sql.run(emu.con, sql.create_temp(SOURCE, query))
    out = node.copy()
    out.set("using", exp.Table(this=sql.ident(SOURCE), alias=alias.copy()))
    return out


def _candidates(
    emu: Engine, obj: CatalogObject, node: exp.Expression, paths: list[str]
) -> list[str]:
    """Paths of the data files that may hold rows the statement changes."""
    if not paths or isinstance(node, exp.Insert):
        return []
    probe: exp.Select | None = None
    target = node.this
    assert isinstance(target, exp.Table)
    file_col = exp.column(sql.ident(FILE), table=_alias_of(target))
    # The probe reads the files with their path column under the target's alias.
    files = exp.Table(this=sql.ident(PROBE), alias=exp.TableAlias(this=_alias_of(target)))
    if isinstance(node, exp.Update | exp.Delete):
        where = node.args.get("where")
        if (
            where is None
            or node.args.get("from_")
            or node.args.get("from")
            or node.args.get("using")
        ):
            return paths
        probe = exp.select(file_col).distinct().from_(files).where(where.this.copy())
    elif isinstance(node, exp.Merge):
        using = node.args.get("using")
        on = node.args.get("on")
        if using is None or on is None:
            return paths
        paths = _prune_by_key_bounds(emu, obj, node, paths)
        if not paths:
            return []
        probe = (
            exp.select(file_col)
            .distinct()
            .from_(files)
            .join(using.copy(), on=on.copy(), join_type="INNER")
        )
    if probe is None:
        return paths
    rel = emu.lake.store.file_relation(obj.name, paths, filename=FILE)
    sql.run(emu.con, sql.create_temp(PROBE, rel.this, view=True))
    return sorted(str(r[0]) for r in sql.run(emu.con, emu.translate(probe)).fetchall())


def _prune_by_key_bounds(
    emu: Engine, obj: CatalogObject, node: exp.Merge, paths: list[str]
) -> list[str]:
    """Drop the files whose manifest bounds for the ON key hold none of the source keys.

    Applies to ``ON target.k = source.x`` (possibly AND-ed with more conditions) once the
    source is materialised; anything else keeps every file.
    """
    using = node.args.get("using")
    if not isinstance(using, exp.Table) or using.name != SOURCE:
        return paths
    from emulator.iceberg.files import prune_files  # PyIceberg loads only for Iceberg DML

    target_alias = str(stored(_alias_of(node.this)))
    source_alias = str(stored(_alias_of(using)))
    columns = {c.name for c in emu.catalog.columns(obj.id)}
    for eq in _conjuncts(node.args["on"]):
        if not isinstance(eq, exp.EQ):
            continue
        sides = [eq.this, eq.expression]
        if not all(isinstance(side, exp.Column) for side in sides):
            continue
        by_table = {str(stored(side.args.get("table"))): str(stored(side.this)) for side in sides}
        key, source_key = by_table.get(target_alias), by_table.get(source_alias)
        if key is None or source_key is None or key not in columns:
            continue
        keys = exp.select(sql.column(source_key)).distinct().from_(sql.table(SOURCE))
        values = [r[0] for r in all_rows(sql.run(emu.con, keys))]  # Arrow: no pytz
        files = [f for f in emu.lake.store.scan_files(obj.name) if f.path in set(paths)]
        try:
            return [f.path for f in prune_files(files, key, values)]
        except TypeError:  # bounds and keys of incomparable Python types
            return paths
    return paths


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    return [node]


def _alias_of(table: exp.Table) -> exp.Identifier:
    alias = table.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) and alias.this else table.this
    assert isinstance(ident, exp.Identifier)
    return ident.copy()


def _changed_files(emu: Engine, columns: list[str]) -> list[str]:
    """Files with a row deleted or changed by the statement (compared to the copy)."""
    same_row = exp.and_(
        exp.EQ(this=sql.column(ROW_ID, "w"), expression=sql.column(ROW_ID, "o")),
        exp.EQ(this=sql.column(FILE, "w"), expression=sql.column(FILE, "o")),
    )
    gone = exp.Is(this=sql.column(ROW_ID, "w"), expression=exp.null())
    differs = [
        exp.NullSafeNEQ(this=sql.column(c, "w"), expression=sql.column(c, "o")) for c in columns
    ]
    query = (
        exp.select(sql.column(FILE, "o"))
        .distinct()
        .from_(sql.table(ORIG, alias="o"))
        .join(sql.table(WORK, alias="w"), on=same_row, join_type="LEFT")
        .where(exp.or_(gone, *differs))
    )
    return sorted(str(r[0]) for r in sql.run(emu.con, query).fetchall())


def _in_files(paths: list[str]) -> exp.Expression:
    """``__ib_file IN ('<path>', …)``: the rows of those data files."""
    return exp.In(this=sql.column(FILE), expressions=[sql.literal(p) for p in paths])


def _rows(emu: Engine, columns: list[str], where: exp.Expression) -> pa.Table:
    """The working copy's rows matching ``where``, with the table's columns."""
    query = exp.select(*sql.columns(columns)).from_(sql.table(WORK)).where(where)
    return sql.fetch_arrow(emu.con, query)


def _truncate(emu: Engine, obj: CatalogObject) -> Outcome:
    if emu.lake.store.scan_files(obj.name):
        with emu.lake.write(obj, summary=offsets_summary(emu, obj)) as unit:
            unit.truncate()
    return status(SUCCESS)
