"""The ordered transforms that turn a Snowflake AST into a DuckDB AST."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.errors import ErrorLevel
from sqlglot.errors import UnsupportedError as SqlglotUnsupported

from emulator import errors
from emulator.translate import (
    aggregates,
    array_functions,
    column_types,
    element_access,
    functions,
    hashing,
    identifier_literal,
    implicit_casts,
    number_functions,
    numeric,
    relations,
    semistructured,
    strings,
    temporal,
    timestamp_input,
    variant_text,
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
    identifier_literal.identifier_literals,
    relations.normalize_identifiers,
    column_types.annotate_columns,
    functions.check_functions,
    relations.resolve_tables,
    relations.values_columns,
    semistructured.flatten,
    element_access.element_access,
    temporal.current_time,
    temporal.date_add,
    temporal.date_diff,
    temporal.to_timestamp,
    timestamp_input.timestamp_inputs,
    temporal.to_char,
    variant_text.variant_text,
    implicit_casts.implicit_casts,
    strings.string_functions,
    aggregates.aggregates,
    array_functions.array_functions,
    hashing.hash_functions,
    number_functions.number_functions,
    semistructured.json_functions,
    semistructured.variant_comparisons,
    semistructured.variant_casts,
    numeric.division,
    numeric.cast_types,
    functions.rewrite_functions,
)

#: The node classes each transform acts on: a transform runs only when the tree holds a
#: node of one of them (or of a subclass); otherwise it would change nothing. Transforms
#: missing here always run. Keep each entry in step with its transform's ``isinstance``
#: checks (tests/emulator/translate/test_translate_pipeline.py checks the table).
TRIGGERS: dict[Transform, tuple[type[exp.Expr], ...]] = {
    relations.name_projections: (exp.Select,),
    relations.substitute_variables: (exp.Parameter,),
    identifier_literal.identifier_literals: (exp.DynamicIdentifier,),
    relations.normalize_identifiers: (exp.Identifier,),
    functions.check_functions: (exp.Func, exp.DirectoryStage),
    relations.resolve_tables: (exp.Table,),
    relations.values_columns: (exp.Values,),
    semistructured.flatten: (exp.Lateral, exp.TableFromRows),
    element_access.element_access: (exp.Bracket, exp.GetExtract),
    temporal.current_time: (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.Localtime),
    temporal.date_add: (exp.DateAdd, exp.TimeAdd, exp.TimestampAdd),
    temporal.date_diff: (exp.DateDiff, exp.TimestampDiff, exp.TimeDiff),
    temporal.to_timestamp: (exp.StrToTime, exp.TsOrDsToDate, exp.TsOrDsToTime),
    timestamp_input.timestamp_inputs: (
        exp.Cast,
        exp.TryCast,
        exp.UnixToTime,
        exp.TsOrDsToDate,
        exp.Anonymous,
    ),
    temporal.to_char: (exp.TimeToStr, exp.ToChar),
    implicit_casts.implicit_casts: implicit_casts.TRIGGER_CLASSES,
    strings.string_functions: (
        exp.Split,
        exp.StrtokToArray,
        exp.RegexpExtract,
        exp.RegexpExtractAll,
        exp.ByteLength,
    ),
    aggregates.aggregates: (
        exp.WithinGroup,
        exp.Median,
        exp.Window,
        exp.ObjectAgg,
        exp.GroupConcat,
    ),
    array_functions.array_functions: (
        exp.ArrayConcat,
        exp.ArrayConstructCompact,
        exp.ArrayContains,
    ),
    number_functions.number_functions: number_functions.TRIGGER_CLASSES,
    hashing.hash_functions: (
        exp.Anonymous,
        exp.HashAgg,
        exp.MD5NumberLower64,
        exp.MD5NumberUpper64,
    ),
    variant_text.variant_text: variant_text.TRIGGER_CLASSES,
    semistructured.json_functions: (
        exp.StarMap,
        exp.Struct,
        exp.Array,
        exp.ArrayAgg,
        exp.WithinGroup,
        exp.ArraySize,
        exp.ToVariant,
    ),
    semistructured.variant_comparisons: (*semistructured.COMPARISONS, exp.In),
    semistructured.variant_casts: (exp.Cast, exp.TryCast),
    numeric.division: (exp.Div,),
    numeric.cast_types: (exp.Cast, exp.TryCast),
    functions.rewrite_functions: (exp.Booland, exp.Boolor, exp.Boolnot, exp.Xor),
}
#: Transforms that add no node (they rename, check or annotate): the classes present
#: before them are still the classes present after.
_SHAPE_KEEPING = frozenset(
    {
        relations.normalize_identifiers,
        functions.check_functions,
        column_types.annotate_columns,
        temporal.to_timestamp,
    }
)
#: node class -> the transforms a node of it triggers (filled as classes are met).
_TRIGGERED_BY: dict[type[exp.Expr], frozenset[Transform]] = {}


def _triggered(tree: exp.Expression) -> frozenset[Transform]:
    """The transforms some node of ``tree`` triggers (see :data:`TRIGGERS`)."""
    found: set[Transform] = set()
    for cls in {type(node) for node in tree.walk()}:
        hits = _TRIGGERED_BY.get(cls)
        if hits is None:
            hits = frozenset(t for t, classes in TRIGGERS.items() if issubclass(cls, classes))
            _TRIGGERED_BY[cls] = hits
        found.update(hits)
    return frozenset(found)


def to_duckdb(
    expression: exp.Expression, ctx: TranslateContext, *, copy: bool = True
) -> exp.Expression:
    """Translate a Snowflake statement or bare expression into a DuckDB AST.

    The input is not modified unless ``copy`` is False (for a tree the caller built for
    this call alone). Generate the result with :func:`duckdb_sql`. Raises ``SqlError``
    subclasses (Snowflake-shaped) for unknown or unsupported functions.
    """
    tree = expression.copy() if copy else expression
    triggered = _triggered(tree)
    for transform in TRANSFORMS:
        if transform in TRIGGERS and transform not in triggered:
            continue  # nothing in the tree for it to change
        tree = transform(tree, ctx)
        if transform not in _SHAPE_KEEPING:
            triggered = _triggered(tree)
    return tree


def duckdb_sql(expression: exp.Expression, *, copy: bool = True) -> str:
    """DuckDB SQL text for a translated AST; anything DuckDB cannot express is an error.

    ``copy=False`` skips the generator's defensive copy, for a tree nobody uses after: the
    generator may rewrite it while it renders.
    """
    try:
        return expression.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE, copy=copy)
    except SqlglotUnsupported as err:
        raise errors.unsupported(str(err).splitlines()[0]) from err


def connection_settings(ctx: TranslateContext) -> dict[str, str]:
    """DuckDB settings the connection running translated SQL must have.

    ``TimeZone`` is the session TIMEZONE: TIMESTAMP_LTZ values are DuckDB TIMESTAMPTZ, and
    DuckDB renders them, casts them to TIMESTAMP (NTZ keeps the local wallclock) and does
    calendar arithmetic on them in this zone.
    """
    return {"TimeZone": ctx.timezone}
