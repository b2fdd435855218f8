"""Snowflake datetime and number format strings -> DuckDB expressions.

Datetime formats: https://docs.snowflake.com/en/sql-reference/functions-conversion#date-and-time-formats-in-conversion-functions
Number formats: https://docs.snowflake.com/en/sql-reference/sql-format-models
"""

from __future__ import annotations

import re

from sqlglot import exp

from emulator import errors
from emulator.translate.types import DUCKDB_CAST

# Longest elements first so that e.g. HH24 wins over HH and FF9 over FF.
_DATETIME_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("MMMM", "%B"),
    ("YYYY", "%Y"),
    ("HH24", "%H"),
    ("HH12", "%I"),
    ("FF9", "%n"),
    ("FF6", "%f"),
    ("FF3", "%g"),
    ("MON", "%b"),
    ("YY", "%y"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("DY", "%a"),
    ("HH", "%H"),
    ("MI", "%M"),
    ("SS", "%S"),
    ("AM", "%p"),
    ("PM", "%p"),
    ("FF", "%n"),
)
_TZ_ELEMENTS = ("TZH:TZM", "TZHTZM", "TZH")
_DATETIME_HINT = re.compile(r"YYYY|YY|MM|DD|HH|MI|SS|MON|DY|FF|TZH|AM|PM", re.IGNORECASE)
_NUMBER_FORMAT = re.compile(r"(?P<fm>FM)?(?P<dollar>\$)?(?P<int>[90,]+)(?:\.(?P<frac>[90]+))?\Z")


def is_datetime_format(fmt: str) -> bool:
    """True when ``fmt`` holds datetime elements (else it is read as a number format)."""
    return bool(_DATETIME_HINT.search(fmt.replace('"', "")))


def _tz_offset(value: exp.Expression, with_colon: bool) -> exp.Expression:
    # DuckDB's %z prints "-08" or "+0530"; Snowflake prints TZH:TZM as "-08:00".
    raw = exp.Anonymous(this="strftime", expressions=[value.copy(), exp.Literal.string("%z")])
    hours = exp.Substring(
        this=raw.copy(), start=exp.Literal.number(1), length=exp.Literal.number(3)
    )
    minutes = exp.Coalesce(
        this=exp.Nullif(
            this=exp.Substring(this=raw, start=exp.Literal.number(4), length=exp.Literal.number(2)),
            expression=exp.Literal.string(""),
        ),
        expressions=[exp.Literal.string("00")],
    )
    sep = ":" if with_colon else ""
    return exp.DPipe(
        this=exp.DPipe(this=hours, expression=exp.Literal.string(sep)), expression=minutes
    )


# sqlglot turns TO_CHAR(<datetime>, fmt) into strftime directives while parsing; this maps
# them back to Snowflake elements so that one converter handles both parse results.
_FROM_SQLGLOT: tuple[tuple[str, str], ...] = (
    ("%f_three", "FF3"),
    ("%f_nine", "FF9"),
    ("%f_zero", "FF0"),
    ("%f_one", "FF1"),
    ("%f_two", "FF2"),
    ("%f_four", "FF4"),
    ("%f_five", "FF5"),
    ("%f_seven", "FF7"),
    ("%f_eight", "FF8"),
    ("%:z", "TZH:TZM"),
    ("%-z", "TZH"),
    ("%z", "TZHTZM"),
    ("%Y", "YYYY"),
    ("%y", "YY"),
    ("%B", "MMMM"),
    ("%b", "MON"),
    ("%m", "MM"),
    ("%d", "DD"),
    ("%a", "DY"),
    ("%H", "HH24"),
    ("%I", "HH12"),
    ("%M", "MI"),
    ("%S", "SS"),
    ("%f", "FF6"),
    ("%p", "AM"),
)


def snowflake_format_from_strftime(fmt: str) -> str:
    """Undo sqlglot's parse-time conversion of a Snowflake datetime format.

    Text outside directives is kept; sqlglot unquotes ``"T"`` to ``T``, so a lone ``T``
    is quoted again.
    """
    out: list[str] = []
    i = 0
    while i < len(fmt):
        directive = next((d for d in _FROM_SQLGLOT if fmt.startswith(d[0], i)), None)
        if directive:
            out.append(directive[1])
            i += len(directive[0])
            continue
        if fmt[i] == "T" and not fmt[i - 1 : i].isalpha() and not fmt[i + 1 : i + 2].isalpha():
            out.append('"T"')
        else:
            out.append(fmt[i])
        i += 1
    return "".join(out)


def datetime_to_char(value: exp.Expression, fmt: str) -> exp.Expression:
    """``TO_CHAR(value, fmt)`` for a datetime ``fmt``; unknown elements are unsupported."""
    parts: list[exp.Expression] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            parts.append(
                exp.Anonymous(
                    this="strftime", expressions=[value.copy(), exp.Literal.string("".join(buf))]
                )
            )
            buf.clear()

    i = 0
    while i < len(fmt):
        rest = fmt[i:].upper()
        if fmt[i] == '"':
            end = fmt.find('"', i + 1)
            if end < 0:
                raise errors.unsupported(f"unterminated quoted text in format {fmt!r}")
            buf.append(fmt[i + 1 : end].replace("%", "%%"))
            i = end + 1
            continue
        tz = next((t for t in _TZ_ELEMENTS if rest.startswith(t)), None)
        if tz:
            flush()
            parts.append(_tz_offset(value, with_colon=tz != "TZHTZM"))
            i += len(tz)
            continue
        element = next((e for e in _DATETIME_ELEMENTS if rest.startswith(e[0])), None)
        if element and element[1] == "%n":
            # DuckDB's strftime mis-sizes text after %n, so nanoseconds stand alone.
            flush()
            buf.append("%n")
            flush()
            i += len(element[0])
            continue
        if element:
            buf.append(element[1])
            i += len(element[0])
            continue
        if fmt[i].isalpha():
            word = re.match(r"[A-Za-z0-9]+", fmt[i:])
            name = word.group(0) if word else fmt[i]
            raise errors.unsupported(f"format element {name!r} in {fmt!r}")
        buf.append("%%" if fmt[i] == "%" else fmt[i])
        i += 1
    flush()
    if not parts:
        return exp.Literal.string("")
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part)
    return result


def number_to_char(value: exp.Expression, fmt: str) -> exp.Expression:
    """``TO_CHAR(value, fmt)`` for fixed-position number formats like ``'999,999.00'``.

    Supported: optional ``FM``, optional leading ``$``, digits ``9``/``0`` with ``,``
    group separators every three digits and an optional ``.`` fraction. The result is
    right-aligned in ``len(fmt) + 1`` characters (one position for the sign) unless
    ``FM`` is given; a value with too many digits prints as ``#`` characters.
    """
    match = _NUMBER_FORMAT.match(fmt.upper())
    if not match:
        raise errors.unsupported(f"number format {fmt!r}")
    int_part = match.group("int")
    frac = match.group("frac") or ""
    grouped = "," in int_part
    if grouped and not re.fullmatch(r"[90]{1,3}(,[90]{3})*", int_part):
        raise errors.unsupported(f"number format {fmt!r} (irregular digit groups)")
    digits = int_part.replace(",", "")
    spec = "{:" + ("," if grouped else "") + f".{len(frac)}f" + "}"
    number = exp.cast(value.copy(), "DOUBLE")
    rounded = exp.Anonymous(this="round", expressions=[number, exp.Literal.number(len(frac))])
    body: exp.Expression = exp.Anonymous(
        this="format", expressions=[exp.Literal.string(spec), exp.Abs(this=rounded.copy())]
    )
    if digits.startswith("0"):
        body = exp.Anonymous(
            this="lpad",
            expressions=[
                body,
                exp.Literal.number(len(int_part) + len(frac) + bool(frac)),
                exp.Literal.string("0"),
            ],
        )
    if match.group("dollar"):
        body = exp.DPipe(this=exp.Literal.string("$"), expression=body)
    sign = exp.If(
        this=exp.LT(this=rounded.copy(), expression=exp.Literal.number(0)),
        true=exp.Literal.string("-"),
        false=exp.Literal.string("" if match.group("fm") else " "),
    )
    text: exp.Expression = exp.DPipe(this=sign, expression=body)
    width = len(fmt) + (0 if match.group("fm") else 1)
    if not match.group("fm"):
        text = exp.Anonymous(
            this="lpad", expressions=[text, exp.Literal.number(width), exp.Literal.string(" ")]
        )
    too_wide = exp.GTE(
        this=exp.Abs(this=rounded.copy()), expression=exp.Literal.number(10 ** len(digits))
    )
    overflow = exp.Anonymous(
        this="repeat", expressions=[exp.Literal.string("#"), exp.Literal.number(width)]
    )
    return exp.Case(ifs=[exp.If(this=too_wide, true=overflow)], default=text)


# Number format elements that only shape the text (https://docs.snowflake.com/en/sql-reference/sql-format-models):
# digits (9, 0), the decimal point (., D), group separators (",", G), a currency sign ($)
# and a sign (S at either end, MI at the end), with FM (fill mode) before them.
_NUMBER_INPUT = re.compile(
    r"(?P<fm>FM)?(?P<lead>S)?(?P<dollar>\$)?(?P<int>[90,G]*)(?:[.D](?P<frac>[90]*))?"
    r"(?P<trail>S|MI)?\Z"
)
_TEXT_MINIMAL = re.compile(r"TM[9E]?\Z")
_HEX = re.compile(r"(FM)?X+\Z")


def number_from_text(
    value: exp.Expression, fmt: str, duck_type: exp.DataType, *, safe: bool
) -> exp.Expression:
    """``TO_NUMBER(text, fmt [, p, s])``: the text read by the number format ``fmt``.

    Supported formats: ``TM``/``TM9``/``TME`` (any number), ``X`` digits (hexadecimal),
    and fixed-position formats of ``9``/``0`` digits with ``,``/``G`` group separators,
    ``.``/``D``, a leading ``$``, and a sign (``S`` first or last, ``MI`` last). Blanks,
    group separators and the currency sign are dropped; a trailing sign moves to the
    front. Text that is still not a number is "Numeric value 'x' is not recognized".
    """
    upper = fmt.upper().replace(" ", "")
    cls = exp.TryCast if safe else exp.Cast
    if _TEXT_MINIMAL.match(upper):
        compact = exp.Anonymous(
            this="regexp_replace",
            expressions=[
                value,
                exp.Literal.string(r"\s"),
                exp.Literal.string(""),
                exp.Literal.string("g"),
            ],
        )
        return cls(this=compact, to=duck_type)
    if _HEX.match(upper):
        digits = exp.Anonymous(
            this="regexp_replace",
            expressions=[
                exp.Trim(this=value),
                exp.Literal.string("^0[xX]"),
                exp.Literal.string(""),
            ],
        )
        text = exp.DPipe(this=exp.Literal.string("0x"), expression=digits)
        whole = cls(this=text, to=exp.DataType.build("UBIGINT", dialect="duckdb"))
        whole.meta[DUCKDB_CAST] = True
        return cls(this=whole, to=duck_type)
    match = _NUMBER_INPUT.match(upper)
    if not match or not (match.group("int") or match.group("frac")):
        raise errors.unsupported(f"number format {fmt!r} in TO_NUMBER")
    cleaned: exp.Expression = exp.Anonymous(
        this="regexp_replace",
        expressions=[
            value,
            exp.Literal.string(r"[\s,$]"),
            exp.Literal.string(""),
            exp.Literal.string("g"),
        ],
    )
    if match.group("trail"):
        # 12.5- (MI or a trailing S) is -12.5.
        cleaned = exp.Anonymous(
            this="regexp_replace",
            expressions=[cleaned, exp.Literal.string(r"^(.*)([+-])$"), exp.Literal.string(r"\2\1")],
        )
    return cls(this=cleaned, to=duck_type)
