"""The ordered transforms that turn a Snowflake AST into a DuckDB AST."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.errors import ErrorLevel
from sqlglot.errors import UnsupportedError as SqlglotUnsupported

from emulator import errors
from emulator.translate import (
    column_types,
    functions,
    numeric,
    relations,
    semistructured,
    temporal,
)
from emulator.translate.context import TranslateContext

Transform = Callable[[exp.Expression, TranslateContext], exp.Expression]

# Order matters: result names are taken from the untranslated text; variables and
# identifiers are settled first; functions are checked while the tree still holds only
# what the user wrote (later rewrites introduce DuckDB calls); tables are resolved
# before FLATTEN is expanded; the rewrites then see Snowflake nodes.
TRANSFORMS: tuple[Transform, ...] = (
    relations.name_projections,
    relations.substitute_variables,
    relations.normalize_identifiers,
    column_types.annotate_columns,
    functions.check_functions,
    relations.resolve_tables,
    relations.values_columns,
    semistructured.flatten,
    temporal.current_time,
    temporal.date_add,
    temporal.date_diff,
    temporal.to_timestamp,
    temporal.to_char,
    semistructured.json_functions,
    semistructured.variant_comparisons,
    semistructured.variant_casts,
    numeric.division,
    numeric.cast_types,
    functions.rewrite_functions,
)


def to_duckdb(expression: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Translate a Snowflake statement or bare expression into a DuckDB AST.

    The input is not modified. Generate the result with :func:`duckdb_sql`. Raises
    ``SqlError`` subclasses (Snowflake-shaped) for unknown or unsupported functions.
    """
    tree = expression.copy()
    for transform in TRANSFORMS:
        tree = transform(tree, ctx)
    return tree


def duckdb_sql(expression: exp.Expression) -> str:
    """DuckDB SQL text for a translated AST; anything DuckDB cannot express is an error."""
    try:
        return expression.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE)
    except SqlglotUnsupported as err:
        raise errors.unsupported(str(err).splitlines()[0]) from err


def connection_settings(ctx: TranslateContext) -> dict[str, str]:
    """DuckDB settings the connection running translated SQL must have.

    ``TimeZone`` is the session TIMEZONE: TIMESTAMP_LTZ values are DuckDB TIMESTAMPTZ, and
    DuckDB renders them, casts them to TIMESTAMP (NTZ keeps the local wallclock) and does
    calendar arithmetic on them in this zone.
    """
    return {"TimeZone": ctx.timezone}
