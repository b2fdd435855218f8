"""Aggregate and window functions whose DuckDB forms differ from Snowflake's.

Runs before the VARIANT rewrites, which would otherwise read any ``WITHIN GROUP`` as an
ARRAY_AGG and wrap an ARRAY_AGG inside its window clause.
"""

from __future__ import annotations

from sqlglot import exp

from emulator import errors
from emulator.translate.column_types import expression_type
from emulator.translate.context import TranslateContext
from emulator.translate.types import duck_cast, number_precision_scale
from emulator.translate.walk import rewrite

T = exp.DataType.Type
_INTEGERS = {T.INT, T.BIGINT, T.SMALLINT, T.TINYINT}
#: Extra fractional digits PERCENTILE_CONT and MEDIAN give a fixed-point input.
_EXTRA_SCALE = 3


def _continuous_input(value: exp.Expression) -> exp.Expression:
    # NUMBER(p, s) gives NUMBER with scale s + 3 (Snowflake's examples show integer input
    # as 10.000); DuckDB would keep the input's scale and round the interpolation.
    dtype = expression_type(value)
    if dtype is not None and dtype.this in (T.FLOAT, T.DOUBLE):
        return value
    if dtype is not None and dtype.this in (*_INTEGERS, T.DECIMAL):
        scale = 0 if dtype.this in _INTEGERS else number_precision_scale(dtype)[1]
        return duck_cast(value, f"DECIMAL(38, {min(scale + _EXTRA_SCALE, 37)})")
    return duck_cast(value, "DOUBLE")


def _fraction(node: exp.WithinGroup) -> tuple[exp.Expression, exp.Expression]:
    """(the value ordered, the percentile), the percentile mirrored for a DESC order."""
    order = node.expression
    if not isinstance(order, exp.Order) or len(order.expressions) != 1:
        raise errors.unsupported("PERCENTILE_CONT/PERCENTILE_DISC with several ORDER BY keys")
    ordered = order.expressions[0]
    value = ordered.this if isinstance(ordered, exp.Ordered) else ordered
    fraction = node.this.this
    if isinstance(ordered, exp.Ordered) and ordered.args.get("desc"):
        fraction = exp.Sub(this=exp.Literal.number(1), expression=exp.Paren(this=fraction))
    return value, fraction


def _percentile(node: exp.WithinGroup) -> exp.Expression:
    value, fraction = _fraction(node)
    if isinstance(node.this, exp.PercentileCont):
        return exp.Anonymous(this="quantile_cont", expressions=[_continuous_input(value), fraction])
    return exp.Anonymous(this="quantile_disc", expressions=[value, fraction])


def _array_agg(call: exp.Expression) -> exp.ArrayAgg | None:
    inner = call.this if isinstance(call, exp.WithinGroup) else call
    return inner if isinstance(inner, exp.ArrayAgg) else None


def _array_agg_window(window: exp.Window, agg: exp.ArrayAgg) -> exp.Expression:
    # ARRAY_AGG skips NULLs and gives [] for an empty input, in a window too; DuckDB's
    # aggregate is wrapped outside the OVER clause, never inside it.
    argument = agg.this
    value = argument.expressions[0] if isinstance(argument, exp.Distinct) else argument
    call = window.this
    if isinstance(call, exp.WithinGroup) and isinstance(call.expression, exp.Order):
        argument = exp.Order(this=argument, expressions=call.expression.expressions)
    listed = exp.Anonymous(this="array_agg", expressions=[argument])
    kept = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    over = window.copy()
    over.set("this", exp.Filter(this=listed, expression=exp.Where(this=kept)))
    as_json = exp.Anonymous(this="to_json", expressions=[over])
    empty = duck_cast(exp.Literal.string("[]"), "JSON")
    return exp.Coalesce(this=as_json, expressions=[empty])


def _object_agg(node: exp.ObjectAgg) -> exp.Expression:
    # Pairs with a NULL key or value are left out; no rows give {}. (DuckDB's
    # json_group_object is a macro: it takes no FILTER and refuses NULL keys.)
    key, value = node.this, node.expression
    kept = exp.And(
        this=exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null())),
        expression=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())),
    )

    def listed(item: exp.Expression) -> exp.Expression:
        collected = exp.Anonymous(this="list", expressions=[item])
        return exp.Filter(this=collected, expression=exp.Where(this=kept.copy()))

    pairs = exp.Anonymous(
        this="map", expressions=[listed(duck_cast(key, "VARCHAR")), listed(_as_json(value))]
    )
    as_json = exp.Anonymous(this="to_json", expressions=[pairs])
    empty = duck_cast(exp.Literal.string("{}"), "JSON")
    return exp.Coalesce(this=as_json, expressions=[empty])


def _as_json(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="to_json", expressions=[value])


def _empty_text(node: exp.Expression) -> exp.Expression:
    return exp.Coalesce(this=node, expressions=[exp.Literal.string("")])


def _running_count(window: exp.Window, condition: exp.Expression) -> exp.Expression:
    # CONDITIONAL_TRUE_EVENT: the number of rows so far (this one included) for which
    # the condition held, counting from 0.
    one = exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))])
    frame = exp.WindowSpec(
        kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
    )
    over = window.copy()
    over.set("this", exp.Sum(this=one))
    over.set("spec", frame)
    return exp.Coalesce(this=over, expressions=[exp.Literal.number(0)])


def _ratio_to_report(window: exp.Window, value: exp.Expression) -> exp.Expression:
    if window.args.get("order"):
        raise errors.generic(
            "SQL compilation error:\nRATIO_TO_REPORT does not support ORDER BY in its window",
            errno=2303,
            sqlstate="42601",
        )
    total = window.copy()
    total.set("this", exp.Sum(this=value.copy()))
    # A zero sum gives NULL, not a division error.
    divisor = exp.Nullif(this=total, expression=exp.Literal.number(0))
    return exp.Div(this=value, expression=divisor)


def _window(node: exp.Window) -> exp.Expression:
    call = node.this
    agg = _array_agg(call)
    if agg is not None:
        return _array_agg_window(node, agg)
    if isinstance(call, exp.GroupConcat):
        return _empty_text(node)
    if isinstance(call, exp.Anonymous) and len(call.expressions) == 1:
        name = call.name.upper()
        if name == "CONDITIONAL_TRUE_EVENT":
            return _running_count(node, call.expressions[0])
        if name == "RATIO_TO_REPORT":
            return _ratio_to_report(node, call.expressions[0])
    return node


def aggregates(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """PERCENTILE_CONT / PERCENTILE_DISC / MEDIAN, ARRAY_AGG and LISTAGG over a window,
    OBJECT_AGG, LISTAGG of no rows, RATIO_TO_REPORT and CONDITIONAL_TRUE_EVENT.

    - PERCENTILE_CONT and MEDIAN of NUMBER(p, s) are numbers with scale s + 3 (not text,
      not rounded to the input's scale); ``ORDER BY x DESC`` mirrors the percentile.
      https://docs.snowflake.com/en/sql-reference/functions/percentile_cont,
      https://docs.snowflake.com/en/sql-reference/functions/median
    - ``ARRAY_AGG([DISTINCT] x) [WITHIN GROUP (ORDER BY ...)] OVER (...)`` skips NULLs.
      https://docs.snowflake.com/en/sql-reference/functions/array_agg
    - OBJECT_AGG(key, value) leaves out pairs with a NULL key or value.
      https://docs.snowflake.com/en/sql-reference/functions/object_agg
    - LISTAGG of no rows (or only NULLs) is the empty string.
      https://docs.snowflake.com/en/sql-reference/functions/listagg
    - RATIO_TO_REPORT(x) is x over the window's sum (NULL when the sum is 0).
      https://docs.snowflake.com/en/sql-reference/functions/ratio_to_report
    - CONDITIONAL_TRUE_EVENT(c) counts the rows so far for which c is TRUE.
      https://docs.snowflake.com/en/sql-reference/functions/conditional_true_event
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.WithinGroup) and isinstance(
            node.this, exp.PercentileCont | exp.PercentileDisc
        ):
            return _percentile(node)
        if isinstance(node, exp.Median):
            value = _continuous_input(node.this)
            return exp.Anonymous(this="quantile_cont", expressions=[value, exp.Literal.number(0.5)])
        if isinstance(node, exp.Window):
            return _window(node)
        if isinstance(node, exp.ObjectAgg):
            return _object_agg(node)
        if isinstance(node, exp.GroupConcat) and not isinstance(node.parent, exp.Window):
            return _empty_text(node)
        return node

    return rewrite(tree, replace)
