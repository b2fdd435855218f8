"""Values turned into timestamps: epoch numbers, integer strings and UTC offsets.

https://docs.snowflake.com/en/sql-reference/functions/to_timestamp: a number is seconds
since the Unix epoch (UTC), or fractions of a second with an explicit ``scale``; an integer
without a scale (or a string holding one) is read by magnitude: below 31,536,000,000 (the
milliseconds in a year) seconds, then milliseconds, microseconds, and from
31,536,000,000,000,000 on nanoseconds. ``CAST(x AS TIMESTAMP_*)`` and ``x::TIMESTAMP_*``
convert as the TO_TIMESTAMP_* functions do. Text may carry a UTC offset after a space
(``'2026-01-01 10:00:00 +09:00'``), which DuckDB would read as a time zone name. NTZ
ignores the offset; LTZ and TZ (stored as LTZ, an instant) apply it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from emulator import errors
from emulator.translate.column_types import expression_type
from emulator.translate.context import TranslateContext
from emulator.translate.types import duck_cast
from emulator.translate.walk import rewrite

T = exp.DataType.Type

#: Snowflake timestamp types -> the DuckDB type that holds them.
_TARGETS = {
    T.TIMESTAMP: "TIMESTAMP",
    T.TIMESTAMPNTZ: "TIMESTAMP",
    T.DATETIME: "TIMESTAMP",
    T.TIMESTAMPLTZ: "TIMESTAMPTZ",
    T.TIMESTAMPTZ: "TIMESTAMPTZ",
}
_FUNCTIONS = {
    "TO_TIMESTAMP": "TIMESTAMP",
    "TO_TIMESTAMP_NTZ": "TIMESTAMP",
    "TO_TIMESTAMP_LTZ": "TIMESTAMPTZ",
    "TO_TIMESTAMP_TZ": "TIMESTAMPTZ",
}
_INTEGERS = {T.INT, T.BIGINT, T.SMALLINT, T.TINYINT, T.UTINYINT, T.INT128, T.MEDIUMINT}
_NUMBERS = {*_INTEGERS, T.DECIMAL, T.DOUBLE, T.FLOAT, T.BIGDECIMAL}
_TEXT = {T.VARCHAR, T.TEXT, T.CHAR, T.NVARCHAR, T.NCHAR}

#: Magnitude limits: below the first an integer is seconds, then ms, then µs, else ns.
_LIMITS = (31_536_000_000, 31_536_000_000_000, 31_536_000_000_000_000)
_EPOCH = datetime(1970, 1, 1)
#: A UTC offset (or Z) after white space at the end of a timestamp text.
_SPACED_OFFSET = r"\s+([+-][0-9]{1,2}(:?[0-9]{2})?|Z)\s*$"
_INTEGER_TEXT = r"\s*[+-]?[0-9]+\s*"


def scale_of_integer(value: int) -> int:
    """The scale (0, 3, 6 or 9) Snowflake reads an epoch integer with, by its magnitude."""
    size = abs(value)
    for scale, limit in zip((0, 3, 6), _LIMITS, strict=True):
        if size < limit:
            return scale
    return 9


def _epoch_literal(value: Decimal, scale: int | None, duck_type: str) -> exp.Expression:
    if scale is None:
        scale = scale_of_integer(int(value)) if value == value.to_integral_value() else 0
    micros = int(value.scaleb(6 - scale).to_integral_value(rounding="ROUND_FLOOR"))
    try:
        instant = _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise errors.timestamp_not_recognized(str(value)) from None
    text = instant.isoformat(sep=" ")
    if duck_type == "TIMESTAMPTZ":
        text = instant.replace(tzinfo=UTC).isoformat(sep=" ")
    return exp.cast(exp.Literal.string(text), duck_type)


def _times(value: exp.Expression, factor: int) -> exp.Expression:
    return exp.Mul(this=exp.Paren(this=value.copy()), expression=exp.Literal.number(factor))


def _micros(value: exp.Expression, scale: int | None, integer: bool) -> exp.Expression:
    """Microseconds since the epoch of a numeric expression (HUGEINT)."""
    whole = duck_cast(value.copy(), "HUGEINT")
    if scale is not None:
        if scale <= 6:
            return _times(whole if integer else value, 10 ** (6 - scale))
        return exp.IntDiv(this=whole, expression=exp.Literal.number(10 ** (scale - 6)))
    if not integer:
        return _times(value, 1_000_000)  # seconds with a fraction
    size = exp.Abs(this=whole.copy())
    ifs = [
        exp.If(
            this=exp.LT(this=size.copy(), expression=exp.Literal.number(limit)),
            true=_times(whole, 10 ** (6 - scale)),
        )
        for scale, limit in zip((0, 3, 6), _LIMITS, strict=True)
    ]
    nanos = exp.IntDiv(this=whole.copy(), expression=exp.Literal.number(1000))
    return exp.Case(ifs=ifs, default=nanos)


def _from_micros(micros: exp.Expression, duck_type: str) -> exp.Expression:
    bigint = duck_cast(exp.Anonymous(this="round", expressions=[micros]), "BIGINT")
    wallclock: exp.Expression = exp.Anonymous(this="make_timestamp", expressions=[bigint])
    if duck_type == "TIMESTAMPTZ":
        # The epoch is UTC: the UTC wallclock at that instant, read as UTC.
        wallclock = exp.AtTimeZone(this=wallclock, zone=exp.Literal.string("UTC"))
    return wallclock


def epoch_expression(
    value: exp.Expression, duck_type: str, *, integer: bool, scale: int | None = None
) -> exp.Expression:
    """The timestamp ``value`` seconds (or ``scale`` fractions of a second) after the epoch;
    an integer without a scale is read by its magnitude."""
    return _from_micros(_micros(value, scale, integer), duck_type)


def _text_literal(text: str, duck_type: str, safe: bool) -> exp.Expression:
    stripped = text.strip()
    if re.fullmatch(_INTEGER_TEXT, stripped):
        return _epoch_literal(Decimal(stripped), None, duck_type)
    fixed = re.sub(_SPACED_OFFSET, r"\1", text)
    to = exp.DataType.build(duck_type)
    literal = exp.Literal.string(fixed)
    return exp.TryCast(this=literal, to=to) if safe else exp.Cast(this=literal, to=to)


def _text_expression(value: exp.Expression, duck_type: str, safe: bool) -> exp.Expression:
    fixed = exp.Anonymous(
        this="regexp_replace",
        expressions=[value.copy(), exp.Literal.string(_SPACED_OFFSET), exp.Literal.string(r"\1")],
    )
    to = exp.DataType.build(duck_type)
    text: exp.Expression = exp.TryCast(this=fixed, to=to) if safe else exp.Cast(this=fixed, to=to)
    is_integer = exp.Anonymous(
        this="regexp_full_match", expressions=[value.copy(), exp.Literal.string(_INTEGER_TEXT)]
    )
    whole = duck_cast(value.copy(), "HUGEINT", safe=True)
    epoch = epoch_expression(whole, duck_type, integer=True)
    return exp.Case(ifs=[exp.If(this=is_integer, true=epoch)], default=text)


def convert(
    value: exp.Expression, duck_type: str, *, safe: bool = False, scale: int | None = None
) -> exp.Expression | None:
    """``value`` as a ``duck_type`` (TIMESTAMP or TIMESTAMPTZ) by Snowflake's input rules.

    None when the input's type is not a number or text (a timestamp, a date, a VARIANT,
    or unknown): a plain cast is then right.
    """
    if isinstance(value, exp.Literal):
        if value.is_string and scale is None:
            return _text_literal(value.this, duck_type, safe)
        try:
            number = Decimal(str(value.this))
        except InvalidOperation:
            return None
        return _epoch_literal(number, scale, duck_type)
    negative = isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal)
    if negative and not value.this.is_string:
        return _epoch_literal(-Decimal(str(value.this.this)), scale, duck_type)
    dtype = expression_type(value)
    if dtype is None:
        return None
    if dtype.this in _NUMBERS:
        integer = dtype.this in _INTEGERS or (
            dtype.this == T.DECIMAL and _decimal_scale(dtype) == 0
        )
        return epoch_expression(value, duck_type, integer=integer, scale=scale)
    if dtype.this in _TEXT and scale is None:
        return _text_expression(value, duck_type, safe)
    return None


def _decimal_scale(dtype: exp.DataType) -> int:
    params = dtype.expressions
    if len(params) < 2:
        return 0
    inner = params[1].this if isinstance(params[1], exp.DataTypeParam) else params[1]
    return int(inner.this) if isinstance(inner, exp.Literal) else 0


def _scale_argument(node: exp.Expression) -> int | None:
    scale = node.args.get("scale")
    if scale is None:
        return None
    if not (isinstance(scale, exp.Literal) and not scale.is_string):
        raise errors.unsupported("TO_TIMESTAMP with a scale that is not a number literal")
    digits = int(scale.this)
    if not 0 <= digits <= 9:
        raise errors.generic(
            f"SQL compilation error:\nInvalid scale {digits} (must be 0 to 9)", 1044, "22023"
        )
    return digits


def _plain(value: exp.Expression, duck_type: str, safe: bool) -> exp.Expression:
    to = exp.DataType.build(duck_type)
    return exp.TryCast(this=value, to=to) if safe else exp.Cast(this=value, to=to)


_DATE_FUNCTIONS = frozenset({"TO_DATE", "DATE"})


def _to_date(value: exp.Expression, safe: bool) -> exp.Expression | None:
    """TO_DATE of text: an integer string is an epoch value (by magnitude), as for
    TO_TIMESTAMP, other text a date; None for other inputs (a DATE, a timestamp, a VARIANT,
    unknown), which a plain conversion handles."""
    cls = exp.TryCast if safe else exp.Cast
    date = exp.DataType(this=T.DATE)
    if isinstance(value, exp.Literal):
        if not value.is_string:
            return None
        if re.fullmatch(_INTEGER_TEXT, value.this):
            epoch = _epoch_literal(Decimal(value.this.strip()), None, "TIMESTAMP")
            return cls(this=epoch, to=date)
        return cls(this=value, to=date)
    dtype = expression_type(value)
    if dtype is None or dtype.this not in _TEXT:
        return None
    is_integer = exp.Anonymous(
        this="regexp_full_match", expressions=[value.copy(), exp.Literal.string(_INTEGER_TEXT)]
    )
    whole = duck_cast(value.copy(), "HUGEINT", safe=True)
    epoch = cls(this=epoch_expression(whole, "TIMESTAMP", integer=True), to=date.copy())
    return exp.Case(ifs=[exp.If(this=is_integer, true=epoch)], default=cls(this=value, to=date))


def timestamp_inputs(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """``x::TIMESTAMP_*``, ``CAST``/``TRY_CAST`` to a timestamp, TO_TIMESTAMP[_NTZ|_LTZ|_TZ]
    and TO_DATE (and TRY_ forms) of numbers and text, by the rules of the module docstring.

    Invalid text fails at execution with Snowflake's "Timestamp 'x' is not recognized";
    TRY_ forms give NULL. A VARIANT argument is left to the VARIANT cast rules.
    https://docs.snowflake.com/en/sql-reference/functions/to_timestamp
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast | exp.TryCast) and isinstance(node.to, exp.DataType):
            duck_type = _TARGETS.get(node.to.this)
            if duck_type is None or node.to.expressions:
                return node  # TIMESTAMP(p) keeps the plain cast
            safe = isinstance(node, exp.TryCast) or bool(node.args.get("safe"))
            converted = convert(node.this, duck_type, safe=safe)
            if converted is None or converted == node:
                return node
            return converted
        if isinstance(node, exp.UnixToTime):
            target = node.args.get("target_type")
            kind = target.this if isinstance(target, exp.DataType) else T.TIMESTAMP
            duck_type = _TARGETS.get(kind, "TIMESTAMP")
            scale = _scale_argument(node)
            return convert(node.this, duck_type, scale=scale) or _plain(node.this, duck_type, False)
        if isinstance(node, exp.TsOrDsToDate) and node.args.get("format") is None:
            return _to_date(node.this, bool(node.args.get("safe"))) or node
        if isinstance(node, exp.Anonymous):
            name = node.name.upper()
            base = name.removeprefix("TRY_")
            if base in _DATE_FUNCTIONS and len(node.expressions) == 1:
                converted = _to_date(node.expressions[0], name != base)
                if converted is None:
                    raise errors.unsupported(f"{name} of a number (use a string or timestamp)")
                return converted
            if base not in _FUNCTIONS:
                return node
            if len(node.expressions) != 1:
                raise errors.unsupported(f"{name} with {len(node.expressions)} arguments")
            value, duck_type, safe = node.expressions[0], _FUNCTIONS[base], name != base
            return convert(value, duck_type, safe=safe) or _plain(value, duck_type, safe)
        return node

    return rewrite(tree, replace)
