"""ARRAY_CAT, ARRAY_CONSTRUCT_COMPACT and ARRAY_CONTAINS on ARRAY values held as JSON.

Runs before the VARIANT rewrites turn ``ARRAY_CONSTRUCT`` arguments into ``json_array``
calls; the DuckDB lists built here are ``list_value`` calls, which those rewrites leave
alone. Elements compare as JSON text: ``2`` and ``2.0`` are different elements here.
"""

from __future__ import annotations

from sqlglot import exp

from emulator.translate.context import TranslateContext
from emulator.translate.types import duck_cast
from emulator.translate.walk import rewrite


def _to_json(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="to_json", expressions=[value])


def _elements(array: exp.Expression) -> exp.Expression:
    # The JSON array as a DuckDB list of JSON values (a cast to JSON[] would be read as
    # a cast to ARRAY by the VARIANT rewrites).
    shape = exp.Literal.string('["JSON"]')
    return exp.Anonymous(this="from_json", expressions=[duck_cast(array, "JSON"), shape])


def _is_null(value: exp.Expression) -> exp.Expression:
    return exp.Is(this=value.copy(), expression=exp.Null())


def _array_cat(node: exp.ArrayConcat) -> exp.Expression:
    # A NULL array gives NULL (DuckDB's list_concat would skip it).
    arrays = [node.this, *node.expressions]
    joined = exp.Anonymous(this="list_concat", expressions=[_elements(a) for a in arrays])
    any_null: exp.Expression = _is_null(arrays[0])
    for array in arrays[1:]:
        any_null = exp.Or(this=any_null, expression=_is_null(array))
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=_to_json(joined))


def _array_construct_compact(node: exp.ArrayConstructCompact) -> exp.Expression:
    if not node.expressions:
        return duck_cast(exp.Literal.string("[]"), "JSON")
    values = exp.Anonymous(this="list_value", expressions=[_to_json(v) for v in node.expressions])
    item = exp.to_identifier("item")
    kept = exp.Lambda(this=exp.Not(this=_is_null(exp.column(item.copy()))), expressions=[item])
    compact = exp.Anonymous(this="list_filter", expressions=[values, kept])
    return exp.Coalesce(
        this=_to_json(compact), expressions=[duck_cast(exp.Literal.string("[]"), "JSON")]
    )


def _array_contains(node: exp.ArrayContains) -> exp.Expression:
    array, value = node.this, node.expression
    found = exp.Anonymous(this="list_contains", expressions=[_elements(array), _to_json(value)])
    # A NULL value gives NULL.
    return exp.Case(ifs=[exp.If(this=_is_null(value), true=exp.Null())], default=found)


def array_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """ARRAY_CAT(a, b), ARRAY_CONSTRUCT_COMPACT(...) and ARRAY_CONTAINS(value, a).

    https://docs.snowflake.com/en/sql-reference/functions/array_cat
    https://docs.snowflake.com/en/sql-reference/functions/array_construct_compact (NULL
    arguments are left out)
    https://docs.snowflake.com/en/sql-reference/functions/array_contains
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ArrayConcat):
            return _array_cat(node)
        if isinstance(node, exp.ArrayConstructCompact):
            return _array_construct_compact(node)
        if isinstance(node, exp.ArrayContains):
            return _array_contains(node)
        return node

    return rewrite(tree, replace)
