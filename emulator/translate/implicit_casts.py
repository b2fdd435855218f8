"""Implicit casts (coercion) Snowflake performs and DuckDB refuses or reads differently.

https://docs.snowflake.com/en/sql-reference/data-type-conversion: when a function or an
operator needs another type than its argument has, and the types are compatible, Snowflake
converts the argument: a VARCHAR summed or added is read as a number, a number passed to a
string function is its text (``TRIM(1)`` is ``'1'``), and a number compared with text
compares numbers. Types come from the catalog's column types, casts and literals; where a
type cannot be told the expression is left to DuckDB's own rules.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlglot import exp

from emulator.translate.column_types import expression_type
from emulator.translate.context import TranslateContext
from emulator.translate.types import duck_cast

T = exp.DataType.Type
_TEXT = {T.VARCHAR, T.TEXT, T.CHAR, T.NVARCHAR, T.NCHAR}
_NUMBERS = {
    T.INT,
    T.BIGINT,
    T.SMALLINT,
    T.TINYINT,
    T.DECIMAL,
    T.FLOAT,
    T.DOUBLE,
    T.BIGDECIMAL,
    T.INT128,
}
_TO_TEXT = {*_NUMBERS, T.DATE, T.TIME, T.TIMESTAMP, T.TIMESTAMPNTZ, T.BOOLEAN}
#: Aggregates of numbers: a VARCHAR argument is read as a number.
_NUMERIC_AGGREGATES = (
    exp.Sum,
    exp.Avg,
    exp.Stddev,
    exp.StddevPop,
    exp.StddevSamp,
    exp.Variance,
    exp.VariancePop,
)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
#: String functions and the arguments that are strings.
_STRING_ARGUMENTS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Trim: ("this",),
    exp.Upper: ("this",),
    exp.Lower: ("this",),
    exp.Initcap: ("this",),
    exp.Reverse: ("this",),
    exp.Left: ("this",),
    exp.Right: ("this",),
    exp.Substring: ("this",),
    exp.Pad: ("this",),
    exp.Repeat: ("this",),
    exp.Replace: ("this",),
    exp.StrPosition: ("this", "substr"),
    exp.Contains: ("this", "expression"),
    exp.StartsWith: ("this", "expression"),
    exp.EndsWith: ("this", "expression"),
    exp.SplitPart: ("this",),
}


#: The node classes :func:`implicit_casts` acts on (the pipeline's trigger table).
TRIGGER_CLASSES: tuple[type[exp.Expr], ...] = (
    *_NUMERIC_AGGREGATES,
    *_ARITHMETIC,
    *_COMPARISONS,
    *_STRING_ARGUMENTS,
)


def _kind(node: exp.Expr) -> exp.DType | None:
    if isinstance(node, exp.Literal):
        return T.VARCHAR if node.is_string else T.DECIMAL
    dtype = expression_type(node)
    return dtype.this if dtype is not None else None


def _number(node: exp.Expr) -> exp.Expression:
    """Text read as a number: a numeric string literal becomes that number (exactly),
    anything else a FLOAT (a value that is not a number fails at execution)."""
    if isinstance(node, exp.Literal) and node.is_string:
        try:
            value = Decimal(node.this.strip())
        except InvalidOperation:
            value = None
        if value is not None and value.is_finite():
            return exp.Literal.number(str(value))
    return duck_cast(node, "DOUBLE")


def _text(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Literal) and not node.is_string:
        return exp.Literal.string(str(node.this))
    return duck_cast(node, "VARCHAR")


def implicit_casts(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """SUM/AVG/STDDEV/VARIANCE of VARCHAR, arithmetic on VARCHAR, numbers compared with
    VARCHAR, and numbers (or dates) passed to string functions.

    https://docs.snowflake.com/en/sql-reference/data-type-conversion
    """

    # Only arguments change (no node is replaced), innermost first.
    for node in reversed(list(tree.find_all(*TRIGGER_CLASSES))):
        _coerce(node)
    return tree


def _coerce(node: exp.Expr) -> None:
    if isinstance(node, _NUMERIC_AGGREGATES):
        if _kind(node.this) in _TEXT:
            node.set("this", _number(node.this))
    elif isinstance(node, _ARITHMETIC):
        left, right = _kind(node.left), _kind(node.right)
        if left in _TEXT and (right in _NUMBERS or right in _TEXT):
            node.set("this", _number(node.left))
        if right in _TEXT and (left in _NUMBERS or left in _TEXT):
            node.set("expression", _number(node.right))
    elif isinstance(node, _COMPARISONS):
        left, right = _kind(node.left), _kind(node.right)
        if left in _TEXT and right in _NUMBERS:
            node.set("this", _number(node.left))
        elif right in _TEXT and left in _NUMBERS:
            node.set("expression", _number(node.right))
    else:
        for key in _STRING_ARGUMENTS.get(type(node), ()):
            value = node.args.get(key)
            if isinstance(value, exp.Expression) and _kind(value) in _TO_TEXT:
                node.set(key, _text(value))
