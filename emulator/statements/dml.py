"""INSERT, UPDATE, DELETE, TRUNCATE and MERGE on native tables.

Every write goes through :class:`emulator.core.capture.ChangeCapture` (the one capture point).
Result columns are Snowflake's: "number of rows inserted", "number of rows updated" /
"number of multi-joined rows updated", "number of rows deleted"
(https://docs.snowflake.com/en/sql-reference/sql/insert,
https://docs.snowflake.com/en/sql-reference/sql/update,
https://docs.snowflake.com/en/sql-reference/sql/delete).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ROW_ID, TABLE, CatalogObject, Column
from emulator.core.defaults import default_keyword_value, defaults_for
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.query import check_supported, mark_merge, translate_query
from emulator.core.resolve import stored
from emulator.core.rows import first_row

if TYPE_CHECKING:
    from emulator.core.engine import Engine
    from emulator.statements.merge_direct import DirectMerge

INSERTED = "number of rows inserted"
UPDATED = "number of rows updated"
MULTI_UPDATED = "number of multi-joined rows updated"
DELETED = "number of rows deleted"
#: Where INSERT OVERWRITE materialises its source before the target is emptied.
_OVERWRITE = "__ib_overwrite"


def _count_table(names: list[str], values: list[int]) -> pa.Table:
    return pa.table({n: pa.array([v], pa.int64()) for n, v in zip(names, values, strict=True)})


def insert_statement(
    emu: Engine, obj: CatalogObject, given: list[str], source: exp.Expression
) -> exp.Insert:
    """INSERT into the base table: the given columns from ``source``, DEFAULTs for the rest."""
    columns = emu.catalog.columns(obj.id)
    known = {c.name for c in columns}
    for name in given:
        if name not in known:
            raise errors.invalid_identifier(name)
    missing: list[Column] = [c for c in columns if c.name not in given]
    defaults = defaults_for(emu, missing, obj)
    target_names = [*given, *defaults]
    select: exp.Expression = source
    if defaults:
        select = exp.select(exp.Star(), *defaults.values()).from_(
            exp.Subquery(this=source, alias=exp.TableAlias(this=sql.ident("__ib_src")))
        )
    return exp.Insert(
        this=exp.Schema(this=obj.base(), expressions=[sql.ident(n) for n in target_names]),
        expression=select,
    )


def run_insert(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    assert isinstance(node, exp.Insert)
    if node.args.get("multi") or node.args.get("alternative"):
        raise errors.unsupported("multi-table INSERT")
    target = node.this
    given: list[str] | None = None
    if isinstance(target, exp.Schema):
        given = [str(stored(c)) for c in target.expressions]
        target = target.this
    obj = emu.resolver.write_target(target, "INSERT")
    columns = emu.catalog.columns(obj.id)
    names = given if given is not None else [c.name for c in columns]
    source = node.expression
    owned = isinstance(source, exp.Values)
    if owned:
        values = _fill_default_keywords(emu, obj, source, names, columns)
        source = exp.Select(expressions=[exp.Star()], from_=exp.From(this=values))
    declared = {c.name: c.data_type for c in columns}  # a VARIANT into VARCHAR: its text
    duck_source = translate_query(emu, source, owned=owned, into=[declared.get(n) for n in names])
    width = _known_width(node.expression)
    if width is None:  # a star: ask DuckDB
        wrapped = exp.Subquery(this=duck_source, alias=exp.TableAlias(this=sql.ident("__ib_src")))
        described = exp.Describe(this=exp.select(exp.Star()).from_(wrapped))
        width = len(sql.run(emu.con, described).fetchall())
    if width != len(names):
        raise errors.generic(
            "SQL compilation error:\nInsert value list does not match column list "
            f"expecting {len(names)} but got {width}",
            errno=2020,
            sqlstate="21S01",
        )
    if node.args.get("overwrite"):
        # Materialise first: the source may read the table being overwritten.
        sql.run(emu.con, sql.create_temp(_OVERWRITE, duck_source))
        emu.capture.write(obj, exp.Delete(this=obj.base()), "DELETE")
        duck_source = exp.select(exp.Star()).from_(sql.table(_OVERWRITE))
    try:
        inserted = emu.capture.write(obj, insert_statement(emu, obj, names, duck_source), "INSERT")
    finally:
        if node.args.get("overwrite"):
            scratch = exp.Drop(kind="TABLE", exists=True, tables=[sql.table(_OVERWRITE)])
            with contextlib.suppress(duckdb.Error):  # an aborted transaction drops it anyway
                sql.run(emu.con, scratch)
    return Outcome(_count_table([INSERTED], [inserted]), inserted)


def _known_width(source: exp.Expression) -> int | None:
    """The column count of an INSERT source when the text shows it (VALUES rows: DuckDB
    requires equal widths; a SELECT without a star), else None."""
    if isinstance(source, exp.Values) and source.expressions:
        first = source.expressions[0]
        return len(first.expressions) if isinstance(first, exp.Tuple) else 1
    if isinstance(source, exp.Select) and not any(p.is_star for p in source.expressions):
        return len(source.expressions)
    return None


def _fill_default_keywords(
    emu: Engine, obj: CatalogObject, values: exp.Values, names: list[str], columns: list[Column]
) -> exp.Values:
    """``values`` with each ``DEFAULT`` inside its rows replaced by the column's DEFAULT (or
    NULL): a copy, the statement's own node being left as written."""
    by_name = {c.name: c for c in columns}
    out = values.copy()
    for row in out.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        for position, item in enumerate(items):
            if isinstance(item, exp.Var) and item.name.upper() == "DEFAULT":
                column = by_name.get(names[position]) if position < len(names) else None
                item.replace(default_keyword_value(emu, column, obj) if column else exp.Null())
    return out


def _retarget(
    emu: Engine, translated: exp.Expression, obj: CatalogObject, written: exp.Table
) -> None:
    """Point a translated UPDATE/DELETE at the base table, keeping the statement's alias."""
    alias = written.args.get("alias")
    base = obj.base()
    base.set(
        "alias", alias.copy() if alias is not None else exp.TableAlias(this=sql.ident(written.name))
    )
    translated.set("this", base)


def run_update(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    assert isinstance(node, exp.Update)
    check_supported(node)
    obj = emu.resolver.write_target(node.this, "UPDATE")
    node = node.copy()
    for assignment in node.expressions:
        target = assignment.this
        if isinstance(target, exp.Column) and target.table:
            # SET t.col = … names the target's own column; DuckDB wants it unqualified.
            target.set("table", None)
    translated = emu.translate(node)
    _retarget(emu, translated, obj, node.this)
    updated, multi = emu.capture.write_update(obj, translated)
    return Outcome(_count_table([UPDATED, MULTI_UPDATED], [updated, multi]), updated)


def run_delete(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    assert isinstance(node, exp.Delete)
    check_supported(node)
    obj = emu.resolver.write_target(node.this, "DELETE")
    translated = emu.translate(node)
    _retarget(emu, translated, obj, node.this)
    deleted = emu.capture.write(obj, translated, "DELETE")
    return Outcome(_count_table([DELETED], [deleted]), deleted)


def run_truncate(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """TRUNCATE [TABLE] [IF EXISTS] t — recorded as deletes of every row (streams see them)."""
    assert isinstance(node, exp.TruncateTable)
    for table in node.expressions:
        obj = emu.resolver.lookup(
            table, "TRUNCATE", (TABLE,), missing_ok=bool(node.args.get("exists")), label="Table"
        )
        if obj is not None:
            emu.capture.write(obj, exp.Delete(this=obj.base()), "DELETE")
    return status(SUCCESS)


def run_merge(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """MERGE, planned by :mod:`emulator.statements.merge` and written through the capture point."""
    from emulator.statements import merge as planner
    from emulator.statements.merge_direct import direct_merge

    assert isinstance(node, exp.Merge)
    check_supported(node)
    written = node.this
    obj = emu.resolver.write_target(written, "MERGE")
    columns = emu.catalog.columns(obj.id)
    node = mark_merge(emu, node, columns)  # values converted to the columns' types
    alias = written.args.get("alias")
    target = planner.MergeTarget(
        relation=obj.base(),
        alias=str(stored(alias.this)) if alias is not None else None,
        columns=tuple(c.name for c in columns),
        row_id=ROW_ID,
        defaults=defaults_for(emu, columns, obj),
    )
    if not obj.change_tracking:
        direct = direct_merge(
            planner.strip_long_qualifiers(node),
            target,
            emu.translate,
            error_on_nondeterministic=bool(emu.state.parameters["ERROR_ON_NONDETERMINISTIC_MERGE"]),
        )
        if direct is not None:
            return _run_direct(emu, obj, direct)
    plan = planner.plan_merge(node, target, emu.translate)
    for statement in plan.setup:
        sql.run(emu.con, statement)
    if emu.state.parameters["ERROR_ON_NONDETERMINISTIC_MERGE"] and plan.violations is not None:
        row = first_row(sql.run(emu.con, plan.violations))
        if row is not None:
            raise planner.nondeterministic_error(row)
    deleted = updated = inserted = 0
    if plan.delete is not None:
        deleted = emu.capture.write(obj, plan.delete, "DELETE")
    if plan.update is not None:
        updated, _ = emu.capture.write_update(obj, plan.update)
    if plan.insert is not None:
        inserted = emu.capture.write(obj, plan.insert, "INSERT")
    for statement in plan.teardown:
        sql.run(emu.con, statement)
    values = plan.counts(inserted, updated, deleted)
    return Outcome(_count_table(list(plan.count_columns), list(values)), sum(values))


def _run_direct(emu: Engine, obj: CatalogObject, direct: DirectMerge) -> Outcome:
    """A MERGE as one DuckDB statement (:mod:`emulator.statements.merge_direct`)."""
    from emulator.statements import merge as planner

    if direct.violations is not None:
        row = first_row(sql.run(emu.con, direct.violations))
        if row is not None:
            raise planner.nondeterministic_error(row)
    counts = emu.capture.merge_untracked(obj, direct.build)
    labels = {"insert": INSERTED, "update": UPDATED, "delete": DELETED}
    values = [counts.get(kind, 0) for kind in direct.count_kinds]
    return Outcome(_count_table([labels[kind] for kind in direct.count_kinds], values), sum(values))
