"""The one builder for the DuckDB SQL the emulator runs on its own behalf.

Every DuckDB statement the emulator issues itself (catalog reads and writes, change-log
queries, working tables) is built here from sqlglot nodes: names become identifiers
through :func:`ident`, the single quoting function, and values are bound as ``?``
parameters or built as literals, never spliced into text. :func:`render` generates the
text through :func:`emulator.translate.duckdb_sql`, which refuses anything DuckDB cannot
express instead of emitting something else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator.core.catalog_objects import META_SCHEMA
from emulator.quoting import ident
from emulator.translate import duckdb_sql

__all__ = [
    "column",
    "columns",
    "fetch_arrow",
    "ident",
    "literal",
    "meta",
    "param",
    "quote",
    "render",
    "run",
    "star",
    "table",
]

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa


def quote(name: str) -> str:
    """``name`` as quoted DuckDB identifier text (for the rare API that takes text)."""
    return ident(name).sql(dialect="duckdb")


def table(name: str, schema: str | None = None, *, alias: str | None = None) -> exp.Table:
    """``"schema"."name" [AS "alias"]``."""
    node = exp.Table(this=ident(name), db=ident(schema) if schema is not None else None)
    if alias is not None:
        node.set("alias", exp.TableAlias(this=ident(alias)))
    return node


def meta(name: str) -> exp.Table:
    """A metadata table of the reserved schema: ``"__ib"."<name>"``."""
    return table(name, META_SCHEMA)


def column(name: str, of: str | None = None) -> exp.Column:
    """``["of".]"name"``."""
    return exp.Column(this=ident(name), table=ident(of) if of is not None else None)


def star(of: str | None = None) -> exp.Column | exp.Star:
    """``*`` or ``"of".*``."""
    return exp.Star() if of is None else exp.Column(this=exp.Star(), table=ident(of))


def param() -> exp.Placeholder:
    """A ``?`` parameter (values go in ``params``, never into the text)."""
    return exp.Placeholder()


def literal(value: Any) -> exp.Expression:
    """A SQL literal for a Python value (NULL, booleans, numbers, strings, dates)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float | Decimal):
        return exp.Literal.number(value)
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.Type.TIMESTAMP)
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    return exp.Literal.string(str(value))


def columns(names: Sequence[str], of: str | None = None) -> list[exp.Expression]:
    """``"a", "b", …`` as column references."""
    return [column(n, of) for n in names]


def column_def(
    name: str,
    dtype: exp.DataType | str,
    *,
    not_null: bool = False,
    default: exp.Expression | None = None,
) -> exp.ColumnDef:
    """``"name" <type> [DEFAULT <default>] [NOT NULL]`` for CREATE TABLE / ADD COLUMN.

    A text ``dtype`` is read as a DuckDB type (``"BIGINT"``, ``"VARCHAR"``).
    """
    kind = dtype if isinstance(dtype, exp.DataType) else exp.DataType.build(dtype, dialect="duckdb")
    constraints: list[exp.ColumnConstraint] = []
    if default is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=default)))
    if not_null:
        constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    return exp.ColumnDef(this=ident(name), kind=kind, constraints=constraints)


def create_temp(name: str, query: exp.Expression, *, view: bool = False) -> exp.Create:
    """``CREATE OR REPLACE TEMPORARY TABLE|VIEW "name" AS query``: a scratch relation of
    one statement (a view keeps a DuckDB relation opaque to the Snowflake translation)."""
    return exp.Create(
        kind="VIEW" if view else "TABLE",
        replace=True,
        this=table(name),
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )


def drop(name: str, *, view: bool = False) -> exp.Drop:
    """``DROP TABLE|VIEW IF EXISTS "name"`` (the end of a :func:`create_temp` relation)."""
    return exp.Drop(kind="VIEW" if view else "TABLE", exists=True, tables=[table(name)])


def render(node: exp.Expression) -> str:
    """DuckDB SQL text for ``node`` through the guarded generator."""
    return duckdb_sql(node)


def run(
    con: duckdb.DuckDBPyConnection, node: exp.Expression, params: Sequence[Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute a built statement on ``con`` with ``params`` bound to its ``?``."""
    return con.execute(render(node), list(params) if params is not None else [])


def fetch_arrow(
    con: duckdb.DuckDBPyConnection, node: exp.Expression, params: Sequence[Any] | None = None
) -> pa.Table:
    """Execute a built query and return its rows as Arrow."""
    return run(con, node, params).to_arrow_table()


def render_owned(node: exp.Expression) -> str:
    """:func:`render` for a tree built for this one statement and never used again: it is
    generated in place, without the generator's defensive copy of the whole tree."""
    return duckdb_sql(node, copy=False)
