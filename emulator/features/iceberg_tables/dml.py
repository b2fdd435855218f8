"""INSERT, UPDATE, DELETE, MERGE and TRUNCATE on Iceberg tables: one Iceberg commit each.

The statement runs with the native DML code on a DuckDB working set, so Snowflake's
semantics (MERGE planning, nondeterministic-MERGE errors, DEFAULTs, count columns) are
exactly those of native tables:

1. find the data files that can hold affected rows: the files with rows matching the
   WHERE of an UPDATE / DELETE without FROM / USING, or joining the MERGE source on its ON
   condition; INSERT touches no file;
2. copy those files' rows into a temporary table with a row id and their file path (and a
   second copy to compare with);
3. run the native handler with that table as the write target;
4. rewrite the files whose rows were deleted or changed and append the inserted rows in
   ONE Iceberg commit (copy-on-write, as Snowflake-managed v2 tables do:
   https://docs.snowflake.com/en/user-guide/tables-iceberg-manage). Untouched files stay.

Any error before the commit leaves the table unchanged (the DuckDB transaction rolls back,
written Parquet files stay as orphans, as in Snowflake). The commit's snapshot summary
records the stream offsets the statement consumes (:mod:`.exactly_once`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, ROW_ID, TABLE, CatalogObject
from emulator.core.engine import SUCCESS, Handler, Outcome, status
from emulator.core.query import translate_query
from emulator.core.resolve import stored
from emulator.features.iceberg_tables.exactly_once import fault, offsets_summary
from emulator.features.iceberg_tables.session import iceberg_session
from emulator.translate.relations import SCRATCH_PREFIX
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.engine import Engine

FILE = "__ib_file"
WORK = "__ib_ice_work"
ORIG = "__ib_ice_orig"
SOURCE = SCRATCH_PREFIX + "ice_source"  # left alone by the Snowflake translation


def routed(native: Handler) -> Handler:
    """``native`` for native tables; the Iceberg path when the DML target is Iceberg."""

    def run(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
        obj = iceberg_target(emu, node)
        if obj is None:
            return native(emu, node, sql)
        return run_iceberg_dml(emu, obj, node, sql, native)

    return run


def iceberg_target(emu: Engine, node: exp.Expression) -> CatalogObject | None:
    """The Iceberg table a DML statement writes, or None."""
    table: exp.Expression | None
    if isinstance(node, exp.TruncateTable):
        table = node.expressions[0] if node.expressions else None
    else:
        table = node.this
        if isinstance(table, exp.Schema):
            table = table.this
    if not isinstance(table, exp.Table):
        return None
    try:
        obj = emu.catalog.find(emu.resolver.object_name(table, "DML"))
    except SqlError:
        return None  # the native handler reports the name error
    return obj if obj is not None and obj.kind == ICEBERG_TABLE else None


def _q(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


def run_iceberg_dml(
    emu: Engine, obj: CatalogObject, node: exp.Expression, sql: str, native: Handler
) -> Outcome:
    """Run one DML statement on the Iceberg table ``obj`` as one Iceberg commit."""
    iceberg_session(emu).committed = False
    if emu.in_transaction:
        raise errors.unsupported(
            f"DML on Iceberg table {obj.name.sql()} inside an explicit transaction "
            "(run it in autocommit mode)"
        )
    if isinstance(node, exp.TruncateTable):
        return _truncate(emu, obj)
    store = emu.lake.store
    files = store.scan_files(obj.name)
    if isinstance(node, exp.Merge) and files:
        node = _materialise_source(emu, node)  # read once: by the file probe and the MERGE
    candidates = _candidates(emu, obj, node, [f.path for f in files])
    columns = [c.name for c in emu.catalog.columns(obj.id)]
    rel = store.file_relation(obj.name, candidates, filename=FILE).sql(dialect="duckdb")
    emu.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {WORK} AS SELECT "
        f"(row_number() OVER ())::BIGINT AS {_q(ROW_ID)}, * FROM {rel} AS __ib_src"
    )
    try:
        if candidates:
            emu.con.execute(f"CREATE OR REPLACE TEMP TABLE {ORIG} AS SELECT * FROM {WORK}")
        work = dataclasses.replace(
            obj, kind=TABLE, duck_schema="temp", base_name=WORK, change_tracking=False
        )
        emu.resolver.write_overrides[obj.id] = work
        try:
            outcome = native(emu, node, sql)
        finally:
            emu.resolver.write_overrides.pop(obj.id, None)
        overwrite = isinstance(node, exp.Insert) and bool(node.args.get("overwrite"))
        changed = _changed_files(emu, columns) if candidates else []
        _commit(emu, obj, columns, changed, [f.path for f in files] if overwrite else None)
    finally:
        for table in (WORK, ORIG, _q(SOURCE)):
            emu.con.execute(f"DROP TABLE IF EXISTS {table}")
    return outcome


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
    emu.con.execute(f"CREATE OR REPLACE TEMP TABLE {_q(SOURCE)} AS {query.sql(dialect='duckdb')}")
    out = node.copy()
    out.set("using", exp.Table(this=exp.to_identifier(SOURCE, quoted=True), alias=alias.copy()))
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
    file_col = exp.column(exp.to_identifier(FILE, quoted=True), table=_alias_of(target))
    if isinstance(node, exp.Update | exp.Delete):
        where = node.args.get("where")
        if (
            where is None
            or node.args.get("from_")
            or node.args.get("from")
            or node.args.get("using")
        ):
            return paths
        probe = exp.select(file_col).distinct().from_(target.copy()).where(where.this.copy())
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
            .from_(target.copy())
            .join(using.copy(), on=on.copy(), join_type="INNER")
        )
    if probe is None:
        return paths
    store = emu.lake.store
    iceberg_session(emu).read_overrides[obj.id] = store.file_relation(
        obj.name, paths, filename=FILE
    )
    try:
        duck = emu.translate(probe).sql(dialect="duckdb")
    finally:
        iceberg_session(emu).read_overrides.pop(obj.id, None)
    return sorted(str(r[0]) for r in emu.con.execute(duck).fetchall())


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
        values = [
            r[0]
            for r in emu.con.execute(
                f"SELECT DISTINCT {_q(source_key)} FROM {_q(SOURCE)}"
            ).fetchall()
        ]
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
    rid, file = _q(ROW_ID), _q(FILE)
    differs = " OR ".join(f"w.{_q(c)} IS DISTINCT FROM o.{_q(c)}" for c in columns)
    rows = emu.con.execute(
        f"SELECT DISTINCT o.{file} FROM {ORIG} o LEFT JOIN {WORK} w "
        f"ON w.{rid} = o.{rid} AND w.{file} = o.{file} "
        f"WHERE w.{rid} IS NULL OR {differs}"
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def _rows(emu: Engine, columns: list[str], where: str) -> pa.Table:
    cols = ", ".join(_q(c) for c in columns)
    return emu.con.execute(f"SELECT {cols} FROM {WORK} WHERE {where}").to_arrow_table()


def _commit(
    emu: Engine,
    obj: CatalogObject,
    columns: list[str],
    changed: list[str],
    remove_all: list[str] | None,
) -> None:
    store = emu.lake.store
    new = _rows(emu, columns, f"{_q(FILE)} IS NULL")
    remove = remove_all if remove_all is not None else changed
    if not remove and new.num_rows == 0:
        return  # nothing changed: no snapshot
    kept: pa.Table | None = None
    if changed and remove_all is None:
        emu.con.register("__ib_changed", pa.table({"path": pa.array(changed, pa.string())}))
        try:
            kept = _rows(emu, columns, f"{_q(FILE)} IN (SELECT path FROM __ib_changed)")
        finally:
            emu.con.unregister("__ib_changed")
    summary = offsets_summary(emu, obj)
    fault("before_iceberg_commit")
    if remove:
        store.rewrite(obj.name, remove=remove, add=kept, append=new, summary=summary)
    else:
        store.append(obj.name, new, summary=summary)
    iceberg_session(emu).committed = True
    fault("after_iceberg_commit")
    emu.lake.after_write(obj)


def _truncate(emu: Engine, obj: CatalogObject) -> Outcome:
    store = emu.lake.store
    if store.scan_files(obj.name):
        fault("before_iceberg_commit")
        store.truncate(obj.name, summary=offsets_summary(emu, obj))
        iceberg_session(emu).committed = True
        fault("after_iceberg_commit")
        emu.lake.after_write(obj)
    return status(SUCCESS)
