"""Column DEFAULTs: stored as Snowflake SQL text, evaluated at insert time.

DEFAULTs are not DuckDB column defaults: they are translated per statement with the
session's context, so ``CURRENT_TIMESTAMP()`` reads the emulator clock. The value is cast
to the column's type, so an LTZ value stored in a TIMESTAMP_NTZ column keeps the session
time zone's wallclock (https://docs.snowflake.com/en/sql-reference/data-types-datetime).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.catalog import Column
from emulator.core.translation import duckdb_type
from icebridge.sql.dialect import parse_one

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def default_expression(emu: Engine, column: Column) -> exp.Expression | None:
    """The DuckDB expression of ``column``'s DEFAULT (None when it has none)."""
    if column.default_sql is None:
        return None
    select = parse_one(f"SELECT {column.default_sql}")
    translated = emu.translate(select)
    assert isinstance(translated, exp.Select)
    value = translated.expressions[0]
    if isinstance(value, exp.Alias):
        value = value.this
    target = duckdb_type(exp.DataType.build(column.data_type, dialect="snowflake"))
    return exp.Cast(this=value, to=target)


def defaults_for(emu: Engine, columns: list[Column]) -> dict[str, exp.Expression]:
    """DuckDB DEFAULT expressions by column name, for the columns that have one."""
    out: dict[str, exp.Expression] = {}
    for column in columns:
        value = default_expression(emu, column)
        if value is not None:
            out[column.name] = value
    return out
