"""Numeric functions DuckDB lacks or reads differently: TO_NUMBER with a format, HAVERSINE,
WIDTH_BUCKET, GETBIT, CEIL/FLOOR to a scale, RANDOM with a seed, CURRENT_VERSION."""

from __future__ import annotations

from sqlglot import exp

from emulator import errors
from emulator.translate import formats
from emulator.translate.column_types import expression_type
from emulator.translate.context import TranslateContext
from emulator.translate.types import MAX_PRECISION, duck_cast
from emulator.translate.walk import rewrite

T = exp.DataType.Type
_FIXED = {T.INT, T.BIGINT, T.SMALLINT, T.TINYINT, T.DECIMAL}
#: Mean Earth radius HAVERSINE uses, in kilometres.
_EARTH_RADIUS_KM = 6371

#: What CURRENT_VERSION() returns: Snowflake's ``major.minor.patch`` shape, the emulator's
#: own number (not a Snowflake release, and not DuckDB's version).
EMULATED_VERSION = "9.0.0"
#: The node classes :func:`number_functions` acts on (the pipeline's trigger table).
TRIGGER_CLASSES: tuple[type[exp.Expr], ...] = (
    exp.ToNumber,
    exp.Anonymous,
    exp.WidthBucket,
    exp.Getbit,
    exp.Ceil,
    exp.Floor,
    exp.Rand,
    exp.CurrentVersion,
)


def _number_literal(node: exp.Expression | None, default: int) -> int:
    if node is None:
        return default
    if not (isinstance(node, exp.Literal) and not node.is_string):
        raise errors.unsupported("TO_NUMBER with a precision or scale that is not a number")
    return int(node.this)


def _to_number(node: exp.ToNumber) -> exp.Expression:
    fmt = node.args.get("format")
    if fmt is None:
        return node
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise errors.unsupported("TO_NUMBER with a format that is not a string literal")
    precision = _number_literal(node.args.get("precision"), MAX_PRECISION)
    scale = _number_literal(node.args.get("scale"), 0)
    target = exp.DataType.build(f"DECIMAL({precision}, {scale})")
    return formats.number_from_text(node.this, fmt.this, target, safe=bool(node.args.get("safe")))


def _radians(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="radians", expressions=[duck_cast(value, "DOUBLE")])


def _squared_sine_half(delta: exp.Expression) -> exp.Expression:
    half = exp.Div(this=exp.Paren(this=delta), expression=exp.Literal.number(2))
    return exp.Pow(
        this=exp.Anonymous(this="sin", expressions=[half]), expression=exp.Literal.number(2)
    )


def _haversine(args: list[exp.Expression]) -> exp.Expression:
    # HAVERSINE(lat1, lon1, lat2, lon2): great-circle distance in km on a sphere.
    if len(args) != 4:
        raise errors.generic(
            f"SQL compilation error:\nwrong number of arguments to HAVERSINE: {len(args)}",
            errno=938,
            sqlstate="22023",
        )
    lat1, lon1, lat2, lon2 = (_radians(a) for a in args)
    cosines = exp.Mul(
        this=exp.Anonymous(this="cos", expressions=[lat1.copy()]),
        expression=exp.Anonymous(this="cos", expressions=[lat2.copy()]),
    )
    inner = exp.Add(
        this=_squared_sine_half(exp.Sub(this=lat2, expression=lat1)),
        expression=exp.Mul(
            this=cosines, expression=_squared_sine_half(exp.Sub(this=lon2, expression=lon1))
        ),
    )
    arc = exp.Anonymous(this="asin", expressions=[exp.Sqrt(this=inner)])
    return exp.Mul(this=exp.Literal.number(2 * _EARTH_RADIUS_KM), expression=arc)


def _width_bucket(node: exp.WidthBucket) -> exp.Expression:
    # Buckets 1..n over [min, max); 0 below min, n + 1 at or above max.
    value = node.this
    low, high, count = (node.args[k] for k in ("min_value", "max_value", "num_buckets"))
    width = exp.Div(
        this=exp.Mul(
            this=exp.Paren(this=exp.Sub(this=value.copy(), expression=low.copy())),
            expression=duck_cast(count.copy(), "DOUBLE"),
        ),
        expression=exp.Paren(this=exp.Sub(this=high.copy(), expression=low.copy())),
    )
    inside = exp.Add(this=exp.Floor(this=width), expression=exp.Literal.number(1))
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.LT(this=value.copy(), expression=low.copy()), true=exp.Literal.number(0)
            ),
            exp.If(
                this=exp.GTE(this=value.copy(), expression=high.copy()),
                true=exp.Add(this=count.copy(), expression=exp.Literal.number(1)),
            ),
        ],
        default=duck_cast(inside, "BIGINT"),
    )


def _getbit(node: exp.Getbit) -> exp.Expression:
    shifted = exp.BitwiseRightShift(this=duck_cast(node.this, "BIGINT"), expression=node.expression)
    return exp.BitwiseAnd(this=exp.Paren(this=shifted), expression=exp.Literal.number(1))


def _rounded_to_scale(node: exp.Ceil | exp.Floor) -> exp.Expression:
    # CEIL(x, s) / FLOOR(x, s) of a fixed-point x stay fixed-point (DuckDB: a DOUBLE).
    scale = node.args.get("decimals")
    dtype = expression_type(node.this)
    if scale is None or dtype is None or dtype.this not in _FIXED:
        return node
    if not (isinstance(scale, exp.Literal) and not scale.is_string):
        return node
    return duck_cast(node, f"DECIMAL({MAX_PRECISION}, {max(int(scale.this), 0)})")


def _seeded_random(node: exp.Rand) -> exp.Expression:
    # RANDOM(seed): a signed 64-bit value from the seed and the row's position, so a
    # seed gives the same sequence on every run (the values are not Snowflake's).
    if node.find_ancestor(exp.AggFunc, exp.Where, exp.Having, exp.Join, exp.Qualify):
        raise errors.unsupported("RANDOM with a seed in a filter, a join or an aggregate")
    position = exp.Window(this=exp.RowNumber())
    unsigned = duck_cast(exp.Anonymous(this="hash", expressions=[node.this, position]), "HUGEINT")
    shifted = exp.Sub(this=unsigned, expression=exp.Literal.number(2**63))
    return duck_cast(shifted, "BIGINT")


def number_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """TO_NUMBER/TO_DECIMAL/TO_NUMERIC (and TRY_) with a format, HAVERSINE, WIDTH_BUCKET,
    GETBIT, CEIL/FLOOR with a scale, RANDOM(seed) and CURRENT_VERSION().

    https://docs.snowflake.com/en/sql-reference/functions/to_decimal (with
    https://docs.snowflake.com/en/sql-reference/sql-format-models),
    https://docs.snowflake.com/en/sql-reference/functions/haversine,
    https://docs.snowflake.com/en/sql-reference/functions/width_bucket,
    https://docs.snowflake.com/en/sql-reference/functions/getbit,
    https://docs.snowflake.com/en/sql-reference/functions/ceil,
    https://docs.snowflake.com/en/sql-reference/functions/random,
    https://docs.snowflake.com/en/sql-reference/functions/current_version.
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ToNumber):
            return _to_number(node)
        if isinstance(node, exp.Anonymous) and node.name.upper() == "HAVERSINE":
            return _haversine(node.expressions)
        if isinstance(node, exp.WidthBucket):
            return _width_bucket(node)
        if isinstance(node, exp.Getbit):
            return _getbit(node)
        if isinstance(node, exp.Ceil | exp.Floor):
            return _rounded_to_scale(node)
        if isinstance(node, exp.Rand) and node.this is not None:
            return _seeded_random(node)
        if isinstance(node, exp.CurrentVersion):
            return exp.Literal.string(EMULATED_VERSION)
        return node

    return rewrite(tree, replace)
