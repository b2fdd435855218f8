"""SELECT (and other queries): Snowflake output names, translation, execution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.coltypes import snowflake_datatype
from emulator.core.engine import Outcome
from emulator.core.translation import output_name
from emulator.translate import mark_assignments, mark_merge_assignments, written_names
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.catalog_objects import Column
    from emulator.core.engine import Engine


def check_supported(node: exp.Expression) -> None:
    """Refuse functions the emulator does not implement yet, naming them."""
    for func in node.find_all(exp.Anonymous):
        name = str(func.name).upper()
        if name.startswith("SYSTEM$"):
            raise errors.unsupported(f"function {name}")


def name_projections(
    query: exp.Expression, *, owned: bool = False, text: str | None = None
) -> exp.Expression:
    """Alias every unaliased projection with the column name Snowflake would return.

    Names are computed on the Snowflake AST (before translation): a column's stored name,
    and for an expression its text as written in ``text`` (the statement the query was
    parsed from), upper-cased: ``count(*)`` -> ``COUNT(*)``, ``x+1`` -> ``X+1``,
    ``str::varchar`` -> ``STR::VARCHAR``. Without the text (or where it cannot be told),
    the generated SQL stands in. Star projections keep the names of the columns they
    expand to. Every SELECT of the query is named (the aliases are part of the tree, so
    a kept translation is reused only for the same names). ``query`` is copied first
    unless the caller ``owned`` it (built it for this call).
    """
    node = query if owned else query.copy()
    written = written_names(node, text) if text is not None else {}
    for select in list(node.find_all(exp.Select)):
        named: list[exp.Expr] = []
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (
                isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
            ):
                named.append(projection)
                continue
            name = written.get(id(projection)) or output_name(projection)
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            named.append(exp.Alias(this=inner, alias=sql.ident(name)))
        select.set("expressions", named)
    return node


def translate_query(
    emu: Engine,
    node: exp.Expression,
    *,
    owned: bool = False,
    text: str | None = None,
    into: Sequence[str | None] | None = None,
) -> exp.Expression:
    """A Snowflake query as a DuckDB query with Snowflake's result column names (``owned``:
    the caller built ``node`` for this call, so it may be changed in place; ``text``: the
    statement it was parsed from, for the names).

    ``into``: the Snowflake types (as written in the catalog) of the columns the query's
    rows are written to, in order (INSERT … SELECT, CREATE TABLE (columns) AS SELECT): a
    VARIANT written into a scalar column is converted as Snowflake assigns it (a VARIANT
    string into a VARCHAR column is the string, without JSON quotes).
    """
    check_supported(node)
    named = name_projections(node, owned=owned, text=text)
    if into is not None:
        mark_assignments(named, [_snowflake_type(t) if t else None for t in into])
    return emu.translate(named)


def mark_merge(emu: Engine, merge: exp.Merge, columns: Sequence[Column]) -> exp.Merge:
    """A copy of ``merge`` whose assigned values are converted to the target ``columns``'
    types as Snowflake assigns them (a VARIANT string into a VARCHAR column is the string).
    """
    target = {c.name: _snowflake_type(c.data_type) for c in columns}
    using = merge.args.get("using")
    source: dict[str, exp.DataType] | None = None
    if isinstance(using, exp.Table):
        try:
            obj = emu.resolver.lookup(using, "MERGE", missing_ok=True)
        except SqlError:
            obj = None  # reported when the statement reads it
        if obj is not None:
            source = {c.name: _snowflake_type(c.data_type) for c in emu.catalog.columns(obj.id)}
    return mark_merge_assignments(merge, target, source)


def _snowflake_type(text: str) -> exp.DataType:
    return snowflake_datatype(text)


def run_query(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """A query statement: translated, run, its rows as the result."""
    table = emu.fetch(sql.render(translate_query(emu, node, text=text)))
    return Outcome(table, table.num_rows)
