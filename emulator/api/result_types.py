"""The Snowflake types of result columns that Arrow alone cannot tell apart.

A TIMESTAMP_TZ and a TIMESTAMP_LTZ column both arrive as a time-zone-aware Arrow timestamp,
but the connector's ``description`` gives them different type codes (7 and 6, its
``FIELD_TYPES``). For a query whose result has such columns, the projection says which one
each is: a cast (``x::TIMESTAMP_TZ``), a column of a table declared TIMESTAMP_TZ, or what
the expression returns (sqlglot's Snowflake type rules). The column then carries the type
in its field metadata (:data:`emulator.api.types.METADATA_KEY`), which
:func:`emulator.api.types.describe` reads. Nothing is done for results without such columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator.api.types import METADATA_KEY
from emulator.core.script import parse_statement
from emulator.core.translation import catalog_types
from emulator.translate.column_types import declared_type, expression_type
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.resolve import Resolver

__all__ = ["with_declared_types"]

_TZ = exp.DataType.Type.TIMESTAMPTZ


def with_declared_types(resolver: Resolver, sql: str, table: pa.Table) -> pa.Table:
    """``table`` with its TIMESTAMP_TZ columns marked (run in the statement's session)."""
    aware = [
        i
        for i, f in enumerate(table.schema)
        if pa.types.is_timestamp(f.type)
        and f.type.tz is not None
        and METADATA_KEY not in (f.metadata or {})
    ]
    if not aware:
        return table
    try:
        node = parse_statement(sql)
    except SqlError:
        return table
    projections = node.expressions if isinstance(node, exp.Select) else []
    if len(projections) != table.num_columns or any(p.is_star for p in projections):
        return table
    columns = _single_table_types(resolver, node)
    schema = table.schema
    for index in aware:
        if _is_tz(projections[index].unalias(), columns):
            field = schema.field(index)
            marked = field.with_metadata({**(field.metadata or {}), METADATA_KEY: b"TIMESTAMP_TZ"})
            schema = schema.set(index, marked)
    if schema is table.schema:
        return table
    return pa.Table.from_arrays(table.columns, schema=schema)


def _single_table_types(resolver: Resolver, node: exp.Expression) -> dict[str, exp.DataType]:
    source = node.args.get("from_") or node.args.get("from")
    relation = source.this if isinstance(source, exp.From) else None
    if not isinstance(relation, exp.Table) or node.args.get("joins"):
        return {}
    return catalog_types(resolver, relation) or {}


def _is_tz(expression: exp.Expression, columns: dict[str, exp.DataType]) -> bool:
    found = declared_type(expression)
    if found is None and isinstance(expression, exp.Column):
        name = expression.this
        key = str(name.this) if isinstance(name, exp.Identifier) and name.quoted else None
        found = columns.get(key or expression.name.upper())
    if found is None and not isinstance(expression, exp.Column):
        found = expression_type(expression.copy())
    return found is not None and found.this == _TZ
