"""Numbers: exact fixed-point division, division by zero, and cast target types."""

from __future__ import annotations

from sqlglot import exp

from emulator.translate.column_types import declared_type
from emulator.translate.context import TranslateContext
from emulator.translate.errors import DIVISION_BY_ZERO
from emulator.translate.types import (
    DUCKDB_CAST,
    MAX_PRECISION,
    duckdb_type,
    number_precision_scale,
)
from emulator.translate.walk import rewrite

T = exp.DataType.Type
_INTEGER_TYPES = {T.INT, T.BIGINT, T.SMALLINT, T.TINYINT}
_FLOAT = -1  # marker scale for floating-point values


def static_scale(node: exp.Expr) -> int | None:
    """The scale of a fixed-point expression known without a schema, ``-1`` for FLOAT,
    ``None`` when unknown (e.g. a column).

    Scale rules: https://docs.snowflake.com/en/sql-reference/operators-arithmetic
    """
    if isinstance(node, exp.Paren | exp.Neg):
        return static_scale(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this.lower()
        if "e" in text:
            return _FLOAT
        return len(text.split(".", 1)[1]) if "." in text else 0
    dtype = declared_type(node)
    if dtype is not None:
        kind = dtype.this
        if kind in _INTEGER_TYPES:
            return 0
        if kind == T.DECIMAL:
            return number_precision_scale(dtype)[1]
        if kind in (T.FLOAT, T.DOUBLE):
            return _FLOAT
        return None
    if isinstance(node, exp.Binary):
        left, right = static_scale(node.left), static_scale(node.right)
        if left is None or right is None:
            return None
        if _FLOAT in (left, right):
            return _FLOAT
        if isinstance(node, exp.Add | exp.Sub):
            return max(left, right)
        if isinstance(node, exp.Mul):
            return min(left + right, max(left, right, 12))
        if isinstance(node, exp.Div):
            return division_scale(left)
    return None


def division_scale(numerator_scale: int) -> int:
    """Scale of ``a / b`` for fixed-point operands: max(S1, min(S1 + 6, 12))."""
    return max(numerator_scale, min(numerator_scale + 6, 12))


def _raise_division_by_zero() -> exp.Expression:
    return exp.Anonymous(this="error", expressions=[exp.Literal.string(DIVISION_BY_ZERO)])


def division(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """``a / b``: division by zero is an error, fixed-point results keep a decimal scale.

    DuckDB returns NULL or infinity for ``x / 0``; Snowflake raises "Division by zero"
    (100051). Fixed-point operands give NUMBER with scale max(S1, min(S1 + 6, 12)), so
    ``1 / 3`` is 0.333333 and ``7 / 2`` is 3.500000, not integer division.
    Operand types are known for literals, casts and (with ``ctx.column_types``) columns;
    a division with an operand of unknown type (e.g. an aggregate) returns DuckDB's DOUBLE.
    https://docs.snowflake.com/en/sql-reference/operators-arithmetic
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Div) or node.meta.get("checked"):
            return node
        left_scale = static_scale(node.left)
        right_scale = static_scale(node.right)
        divisor = node.right
        quotient = exp.Div(this=node.left, expression=divisor.copy())
        quotient.meta["checked"] = True
        result: exp.Expression = quotient
        if (
            left_scale is not None
            and right_scale is not None
            and _FLOAT
            not in (
                left_scale,
                right_scale,
            )
        ):
            scale = division_scale(left_scale)
            result = exp.Cast(
                this=quotient,
                to=exp.DataType.build(f"DECIMAL({MAX_PRECISION}, {scale})"),
            )
        is_zero = exp.EQ(this=exp.Paren(this=divisor), expression=exp.Literal.number(0))
        return exp.Case(ifs=[exp.If(this=is_zero, true=_raise_division_by_zero())], default=result)

    return rewrite(tree, replace)


def cast_types(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Cast targets become the DuckDB types that store Snowflake's types.

    ``x::INT`` is NUMBER(38,0) (so ``'3.7'::INT`` rounds to 4), ``x::NUMBER(5,2)``
    DECIMAL(5,2) (an out-of-range value is "Number out of representable range" at
    execution), TIMESTAMP_NTZ TIMESTAMP, TIMESTAMP_LTZ TIMESTAMPTZ.
    https://docs.snowflake.com/en/sql-reference/functions/cast
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast | exp.TryCast) and isinstance(node.to, exp.DataType):
            if node.to.this in (T.JSON, T.INTERVAL, T.UBIGINT) or node.meta.get(DUCKDB_CAST):
                return node
            node.set("to", duckdb_type(node.to))
        return node

    return rewrite(tree, replace)
