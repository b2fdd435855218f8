"""``[<db>.]INFORMATION_SCHEMA.<view>`` as a relation of any query.

The rows of a view (:mod:`emulator.statements.information_schema_views`) are read from the
catalog when a statement names the view, and put in its place as a ``VALUES`` relation
whose columns carry the documented names and types; filters, joins and aggregates then work
on it as on any table. The relation is built for the statement that reads it, so a view
defined over INFORMATION_SCHEMA keeps the rows of its creation (see docs/fidelity).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator.core import sql
from emulator.statements.information_schema_views import VIEWS, Row

if TYPE_CHECKING:
    from emulator.core.engine import Engine
    from emulator.core.registry import Registry

__all__ = ["VIEWS", "install", "relation"]

_VALUES = "__ib_information_schema"


def _value(value: Any) -> exp.Expression:
    # Instants travel as text with their offset; the column's cast reads them back.
    if isinstance(value, datetime):
        return exp.Literal.string(value.isoformat(sep=" "))
    return sql.literal(value)


def _relation(columns: Sequence[tuple[str, str]], rows: list[Row]) -> exp.Select:
    """``SELECT CAST(c1 AS type) AS "NAME", … FROM (VALUES …)`` (no rows: ``WHERE FALSE``)."""
    types = [exp.DataType.build(t, dialect="snowflake") for _, t in columns]
    if not rows:
        nulls = [
            exp.alias_(exp.cast(exp.Null(), to), sql.ident(n))
            for (n, _), to in zip(columns, types, strict=True)
        ]
        return exp.select(*nulls).where(exp.false())
    inner = [f"c{i}" for i in range(len(columns))]
    values = exp.Values(
        expressions=[exp.Tuple(expressions=[_value(v) for v in row]) for row in rows],
        alias=exp.TableAlias(this=sql.ident(_VALUES), columns=[sql.ident(c) for c in inner]),
    )
    projections = [
        exp.alias_(exp.cast(sql.column(c, _VALUES), to), sql.ident(n))
        for c, (n, _), to in zip(inner, columns, types, strict=True)
    ]
    return exp.select(*projections).from_(values)


def relation(emu: Engine, view: str, database: str, written: exp.Table) -> exp.Expression:
    """The rows of ``database``'s INFORMATION_SCHEMA ``view``, under the written alias."""
    found = VIEWS[view]
    alias = written.args.get("alias")
    return exp.Subquery(
        this=_relation(found.columns, found.rows(emu, database)),
        alias=alias.copy() if alias is not None else exp.TableAlias(this=sql.ident(written.name)),
    )


def install(registry: Registry[Engine], engine: Engine) -> None:
    """Register the views with ``engine`` bound (their rows are read through it)."""
    for view in VIEWS:
        registry.information_schema[view] = partial(relation, engine, view)
