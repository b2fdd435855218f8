"""Column DEFAULTs: stored as Snowflake SQL text, evaluated at insert time.

DEFAULTs are not DuckDB column defaults: they are translated per statement with the
session's context, so ``CURRENT_TIMESTAMP()`` reads the emulator clock. The value is cast
to the column's type, so an LTZ value stored in a TIMESTAMP_NTZ column keeps the session
time zone's wallclock (https://docs.snowflake.com/en/sql-reference/data-types-datetime).

A DEFAULT may name a sequence (``seq.NEXTVAL``: a new value for every row, the sequence
looked up in the table's schema), and an AUTOINCREMENT / IDENTITY column's values come from
its own sequence (https://docs.snowflake.com/en/user-guide/querying-sequences, Column
default expressions; :mod:`emulator.core.sequences`). Both need the table the row goes to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sequences
from emulator.core.catalog import CatalogObject, Column
from emulator.core.coltypes import snowflake_datatype
from emulator.core.translation import duckdb_type
from icebridge.sql.dialect import parse_expression

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def _identity(emu: Engine, column: Column, table: CatalogObject | None) -> exp.Expression:
    if table is None:
        raise errors.unsupported(f"the AUTOINCREMENT / IDENTITY value of column {column.name}")
    return sequences.identity_value(emu, table, column)


def default_expression(
    emu: Engine, column: Column, table: CatalogObject | None = None
) -> exp.Expression | None:
    """The DuckDB expression of ``column``'s DEFAULT (None when it has none); ``table`` is
    the table the value is for."""
    if column.default_sql is None:
        return None
    target = duckdb_type(snowflake_datatype(column.data_type))
    if sequences.identity_spec(column.default_sql) is not None:
        return exp.Cast(this=_identity(emu, column, table), to=target)
    # Stored text is one expression (parse_expression refuses more); a SELECT node gives
    # it the query context the translation expects.
    select = exp.Select(expressions=[parse_expression(column.default_sql)])
    near = table.name if table is not None else None
    translated = emu.translate(sequences.resolve_references(emu, select, near))
    assert isinstance(translated, exp.Select)
    value = translated.expressions[0]
    if isinstance(value, exp.Alias):
        value = value.this
    return exp.Cast(this=value, to=target)


def defaults_for(
    emu: Engine, columns: list[Column], table: CatalogObject | None = None
) -> dict[str, exp.Expression]:
    """DuckDB DEFAULT expressions by column name, for the columns that have one."""
    out: dict[str, exp.Expression] = {}
    for column in columns:
        value = default_expression(emu, column, table)
        if value is not None:
            out[column.name] = value
    return out


def default_keyword_value(emu: Engine, column: Column, table: CatalogObject) -> exp.Expression:
    """What ``DEFAULT`` written in a VALUES row stands for: the column's DEFAULT as a
    Snowflake expression (its sequence calls already DuckDB's), or NULL."""
    if column.default_sql is None:
        return exp.Null()
    if sequences.identity_spec(column.default_sql) is not None:
        return _identity(emu, column, table)
    parsed = parse_expression(column.default_sql)
    return sequences.resolve_references(emu, parsed, table.name)
