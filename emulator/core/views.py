"""Views whose body reads what DuckDB cannot hold still: expanded at every read.

A view over plain tables and views is a DuckDB view of its translated query. A body that
reads through a feature (an Iceberg table's current snapshot, a stream's delta, a dynamic
table, CHANGES, an INFORMATION_SCHEMA view) translates to relations that are right only
for the statement being run: a DuckDB view made of them would keep reading the files,
offsets or rows of the moment it was created (a stale read). Such a view is marked
``expands`` and its stored Snowflake definition is translated again on every read, with
names resolved in the view's own database and schema, as Snowflake resolves them
(https://docs.snowflake.com/en/sql-reference/sql/create-view: unqualified names in the
view's query refer to the view's schema). Its DuckDB view is a typed, empty placeholder,
so DESCRIBE, DROP and RENAME work on it as on any view.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import CatalogObject
from emulator.core.query import translate_query
from emulator.core.resolve import EXPANDS, stored
from icebridge.sql.dialect import parse_one

if TYPE_CHECKING:
    from emulator.core.engine import Engine

__all__ = ["EXPANDS", "expand", "placeholder", "translated_body"]
#: Views expanded inside views: a deeper chain is a cycle (a view that reads itself).
_MAX_DEPTH = 32
_depth = [0]


def translated_body(
    emu: Engine, query: exp.Expression, names: list[str] | None
) -> tuple[exp.Expression, bool]:
    """The DuckDB query of a view body (columns renamed to ``names`` when given) and
    whether it read through a feature (so it must expand at every read)."""
    before = emu.resolver.feature_reads
    translated = translate_query(emu, query)
    if names:
        renamed = exp.TableAlias(this=sql.ident("__ib_v"), columns=[sql.ident(n) for n in names])
        translated = exp.select(exp.Star()).from_(exp.Subquery(this=translated, alias=renamed))
    return translated, emu.resolver.feature_reads != before


def placeholder(duck_types: list[tuple[str, str]]) -> exp.Select:
    """``SELECT CAST(NULL AS t) AS c, … WHERE FALSE``: the columns, no rows."""
    return exp.select(
        *(
            exp.alias_(
                exp.Cast(this=exp.Null(), to=exp.DataType.build(t, dialect="duckdb")),
                sql.ident(c),
            )
            for c, t in duck_types
        )
    ).where(exp.false())


def expand(emu: Engine, obj: CatalogObject, table: exp.Table) -> exp.Expression:
    """The view's query, translated now, as the relation ``table`` names."""
    if obj.definition is None:
        raise errors.generic(f"View {obj.name} has no definition")
    query, names = _body(obj.definition)
    if _depth[0] >= _MAX_DEPTH:
        raise errors.generic(f"SQL compilation error:\nView '{obj.name}' reads itself.", errno=2003)
    _depth[0] += 1
    try:
        with _in_schema(emu, obj):
            translated, _ = translated_body(emu, query.copy(), names)
    finally:
        _depth[0] -= 1
    alias = table.args.get("alias")
    return exp.Subquery(
        this=translated,
        alias=alias.copy() if alias is not None else exp.TableAlias(this=sql.ident(table.name)),
    )


@lru_cache(maxsize=256)
def _body(definition: str) -> tuple[exp.Expression, list[str] | None]:
    """The query and column names of a stored ``CREATE VIEW`` (parsed once per text)."""
    create = parse_one(definition)
    query = create.args.get("expression")
    if not isinstance(create, exp.Create) or query is None:
        raise errors.generic(f"not a view definition: {definition!r}")
    names: list[str] | None = None
    if isinstance(create.this, exp.Schema):
        names = [
            str(stored(c.this if isinstance(c, exp.ColumnDef) else c))
            for c in create.this.expressions
        ]
    return query, names


@contextmanager
def _in_schema(emu: Engine, obj: CatalogObject) -> Iterator[None]:
    state = emu.state
    saved = state.database, state.schema
    state.database, state.schema = obj.name.database, obj.name.schema
    try:
        yield
    finally:
        state.database, state.schema = saved
