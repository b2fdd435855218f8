"""Element access on semi-structured values: ``x[i]``, ``x['key']``, ``GET(x, i | 'key')``.

Snowflake arrays are 0-based and an index outside the array, negative ones included, gives
NULL; a string subscript is an object key taken as it is (``obj['a.b']`` is the key
``a.b``, not a path) (https://docs.snowflake.com/en/user-guide/querying-semistructured,
https://docs.snowflake.com/en/sql-reference/functions/get). Every value that can be
subscripted (VARIANT, OBJECT, ARRAY) is DuckDB JSON here, so each access becomes a JSON
extraction: sqlglot's own translation reads ``arr[0]`` as a 1-based DuckDB list subscript
(``arr[1]``: the second element) and ``GET(x, -1)`` as the last element.
"""

from __future__ import annotations

from sqlglot import exp

from emulator.translate.column_types import declared_type
from emulator.translate.context import TranslateContext
from emulator.translate.walk import rewrite

T = exp.DataType.Type
_NUMERIC = frozenset(
    {T.INT, T.BIGINT, T.SMALLINT, T.TINYINT, T.DECIMAL, T.DOUBLE, T.FLOAT, T.BIGDECIMAL}
)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.ArraySize)


def _path(value: exp.Expression, step: exp.JSONPathPart) -> exp.Expression:
    return exp.JSONExtract(
        this=value, expression=exp.JSONPath(expressions=[exp.JSONPathRoot(), step])
    )


def _is_number(index: exp.Expression) -> bool:
    if isinstance(index, exp.Literal):
        return index.is_number
    if isinstance(index, exp.Paren):
        return _is_number(index.this)
    dtype = declared_type(index)
    return isinstance(index, _ARITHMETIC) or (dtype is not None and dtype.this in _NUMERIC)


def element(value: exp.Expression, index: exp.Expression) -> exp.Expression:
    """``value[index]`` with Snowflake's meaning, as a DuckDB JSON extraction."""
    if isinstance(index, exp.Literal) and index.is_string:
        return _path(value, exp.JSONPathKey(this=index.this))
    if isinstance(index, exp.Literal) and index.is_int:
        return _path(value, exp.JSONPathSubscript(this=int(index.this)))
    if isinstance(index, exp.Neg) and isinstance(index.this, exp.Literal) and index.this.is_number:
        return exp.Null()  # a negative index is outside every array
    if _is_number(index):
        # The index goes into a '$[n]' path: DuckDB would count a negative index from the
        # end, and TRY_CAST to UBIGINT makes it NULL (numbers are DECIMAL here; the cast
        # rewrite leaves UBIGINT as it is).
        whole = exp.TryCast(this=index, to=exp.DataType(this=T.UBIGINT))
        digits = exp.Cast(this=whole, to=exp.DataType(this=T.VARCHAR))
        path = exp.DPipe(
            this=exp.DPipe(this=exp.Literal.string("$["), expression=digits),
            expression=exp.Literal.string("]"),
        )
        return exp.JSONExtract(this=value, expression=path)
    return exp.JSONExtract(this=value, expression=index)  # a key or index known at run time


def element_access(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """``x[i]``, ``x['key']`` and ``GET(x, i | 'key')`` as JSON extractions (0-based;
    negative or out-of-range indexes and missing keys give NULL)."""

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
            return element(node.this, node.expressions[0])
        if isinstance(node, exp.GetExtract):
            return element(node.this, node.expression)
        return node

    return rewrite(tree, replace)
