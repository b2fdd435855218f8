"""Date and time: the virtual clock, DATEADD/DATEDIFF, conversions and TO_CHAR formats."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlglot import exp

from emulator import errors
from emulator.translate import formats
from emulator.translate.column_types import expression_type
from emulator.translate.context import TranslateContext
from emulator.translate.walk import rewrite

T = exp.DataType.Type

_SUBDAY = {"HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND"}
_STRFTIME_DIRECTIVE = re.compile(r"%-?:?[A-Za-z]")


def _literal_cast(text: str, kind: str) -> exp.Expression:
    return exp.cast(exp.Literal.string(text), kind)


def current_time(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """CURRENT_TIMESTAMP, GETDATE, LOCALTIMESTAMP, SYSDATE, CURRENT_DATE, CURRENT_TIME.

    All read the emulator clock (``ctx.now``), never DuckDB's ``now()``.
    CURRENT_TIMESTAMP/GETDATE/LOCALTIMESTAMP are TIMESTAMP_LTZ (DuckDB TIMESTAMPTZ shown
    in the session TimeZone); ``CURRENT_TIMESTAMP(p)`` keeps ``p`` fractional digits.
    SYSDATE is TIMESTAMP_NTZ in UTC; CURRENT_DATE and CURRENT_TIME are the local date and
    time in the session TIMEZONE.
    https://docs.snowflake.com/en/sql-reference/functions/current_timestamp
    https://docs.snowflake.com/en/sql-reference/functions/sysdate
    https://docs.snowflake.com/en/sql-reference/functions/current_date
    """
    local = ctx.now.astimezone(ZoneInfo(ctx.timezone))

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CurrentTimestamp):
            if node.args.get("sysdate"):
                utc = ctx.now.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
                return _literal_cast(utc.isoformat(sep=" "), "TIMESTAMP")
            instant = ctx.now
            precision = node.this
            if isinstance(precision, exp.Literal) and not precision.is_string:
                digits = int(precision.this)
                if digits < 6:
                    step = 10 ** (6 - digits)
                    instant = instant.replace(microsecond=instant.microsecond // step * step)
            return _literal_cast(instant.isoformat(sep=" "), "TIMESTAMPTZ")
        if isinstance(node, exp.CurrentDate):
            return _literal_cast(local.date().isoformat(), "DATE")
        if isinstance(node, exp.CurrentTime | exp.Localtime):
            return _literal_cast(local.time().isoformat(), "TIME")
        return node

    return rewrite(tree, replace)


_KINDS = {
    T.DATE: "DATE",
    T.TIME: "TIME",
    T.TIMESTAMP: "NTZ",
    T.TIMESTAMPNTZ: "NTZ",
    T.DATETIME: "NTZ",
    T.TIMESTAMPLTZ: "LTZ",
    T.TIMESTAMPTZ: "LTZ",
    T.VARCHAR: "TEXT",
    T.TEXT: "TEXT",
    T.CHAR: "TEXT",
    T.NVARCHAR: "TEXT",
    T.NCHAR: "TEXT",
}


def static_kind(node: exp.Expression) -> str | None:
    """The datetime kind (DATE, TIME, NTZ, LTZ, or TEXT) of an expression when known:
    from a cast, a column's declared type, or the Snowflake type of the expression
    (:func:`~emulator.translate.column_types.expression_type`)."""
    if isinstance(node, exp.TsOrDsToDate | exp.CurrentDate | exp.Date | exp.DateFromParts):
        return "DATE"
    if isinstance(node, exp.CurrentTimestamp):
        return "LTZ"
    dtype = expression_type(node)
    return _KINDS.get(dtype.this) if dtype is not None else None


def _datetime_operand(node: exp.Expression) -> exp.Expression:
    # Snowflake converts a string argument to a timestamp; DuckDB does not for a string
    # bound to date_diff or +, so say it explicitly.
    if (isinstance(node, exp.Literal) and node.is_string) or static_kind(node) == "TEXT":
        return exp.cast(node, "TIMESTAMP")
    return node


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return unit.name.upper() if unit is not None else "DAY"


def date_add(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """DATEADD / TIMEADD / TIMESTAMPADD(part, n, x): ``x + INTERVAL n part``.

    The result type follows the input: DATE with a part of a day or more stays DATE;
    DATE with a smaller part becomes TIMESTAMP_NTZ; TIME, NTZ and LTZ keep their type.
    Month, quarter and year arithmetic clamps to the month end (DuckDB's interval
    arithmetic does the same). LTZ day arithmetic follows the calendar in the session
    time zone (TIMESTAMP_DAY_IS_ALWAYS_24H = FALSE).
    https://docs.snowflake.com/en/sql-reference/functions/dateadd
    The input's type is the Snowflake type of the argument (a column's declared type from
    ``ctx.column_types``, a cast, or what the expression returns); a DATE whose type
    cannot be told (a column of no known table) comes back as a TIMESTAMP at midnight.
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.DateAdd | exp.TimeAdd | exp.TimestampAdd):
            return node
        unit = _unit(node)
        target = _datetime_operand(node.this)
        if unit == "NANOSECOND":
            raise errors.unsupported("DATEADD by nanoseconds (timestamps are microseconds)")
        interval = exp.Interval(this=exp.Paren(this=node.expression), unit=exp.Var(this=unit))
        result: exp.Expression = exp.Add(this=exp.Paren(this=target), expression=interval)
        if static_kind(target) == "DATE" and unit not in _SUBDAY:
            result = exp.Cast(this=result, to=exp.DataType(this=T.DATE))
        return result

    return rewrite(tree, replace)


def _week_start(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="date_trunc", expressions=[exp.Literal.string("week"), value.copy()])


def date_diff(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """DATEDIFF(part, a, b): the number of ``part`` boundaries crossed from a to b.

    DuckDB's ``date_diff`` counts boundaries too, except for weeks, which it counts as
    whole 7-day spans; Snowflake counts week starts (Monday with the default
    WEEK_START = 0), so weeks are counted between the weeks' Mondays.
    https://docs.snowflake.com/en/sql-reference/functions/datediff
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.DateDiff | exp.TimestampDiff | exp.TimeDiff):
            return node
        unit = _unit(node)
        later, earlier = _datetime_operand(node.this), _datetime_operand(node.expression)
        if unit == "WEEK":
            days = exp.Anonymous(
                this="date_diff",
                expressions=[exp.Literal.string("day"), _week_start(earlier), _week_start(later)],
            )
            return exp.IntDiv(this=days, expression=exp.Literal.number(7))
        return exp.Anonymous(
            this="date_diff",
            expressions=[exp.Literal.string(unit.lower()), earlier, later],
        )

    return rewrite(tree, replace)


def _check_strptime_format(fmt: exp.Expression) -> None:
    # sqlglot converts Snowflake elements to strptime directives while parsing; letters
    # left over are elements it did not know.
    if isinstance(fmt, exp.Literal) and fmt.is_string:
        leftover = _STRFTIME_DIRECTIVE.sub("", fmt.this)
        letters = re.findall(r"[A-Za-z]+", leftover)
        if letters:
            raise errors.unsupported(f"format element {letters[0]!r} in TO_TIMESTAMP/TO_DATE")


def to_timestamp(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """TO_TIMESTAMP[_NTZ|_LTZ|_TZ], TO_DATE, TO_TIME (and TRY_ forms) with a format.

    sqlglot turns the format's Snowflake elements into strptime directives while parsing;
    an element it did not know is reported as unsupported, naming it. Conversions without
    a format are :func:`~emulator.translate.timestamp_input.timestamp_inputs`'.
    https://docs.snowflake.com/en/sql-reference/functions/to_timestamp
    """
    for node in tree.find_all(exp.StrToTime, exp.TsOrDsToDate, exp.TsOrDsToTime):
        fmt = node.args.get("format")
        if fmt is not None:
            _check_strptime_format(fmt)
    return tree


def to_char(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """TO_CHAR / TO_VARCHAR(x, format) with datetime or number formats.

    Datetime elements (YYYY, MM, DD, HH24, MI, SS, FF3/FF6/FF9, MON, DY, AM/PM, TZH:TZM, and
    "quoted text") map to strftime; anything else is reported as unsupported, naming it.
    https://docs.snowflake.com/en/sql-reference/functions/to_char
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.TimeToStr):
            fmt = node.args.get("format")
            if not (isinstance(fmt, exp.Literal) and fmt.is_string):
                raise errors.unsupported("TO_CHAR with a non-literal format")
            original = formats.snowflake_format_from_strftime(fmt.this)
            return formats.datetime_to_char(node.this, original)
        if not isinstance(node, exp.ToChar):
            return node
        fmt = node.args.get("format")
        if fmt is None:
            return exp.cast(node.this, "VARCHAR")
        if not (isinstance(fmt, exp.Literal) and fmt.is_string):
            raise errors.unsupported("TO_CHAR with a non-literal format")
        if formats.is_datetime_format(fmt.this):
            return formats.datetime_to_char(node.this, fmt.this)
        return formats.number_to_char(node.this, fmt.this)

    return rewrite(tree, replace)
