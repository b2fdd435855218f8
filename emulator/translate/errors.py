"""Map DuckDB execution errors raised by translated SQL to Snowflake's errors.

Conversion failures only surface when DuckDB runs the statement, so the session passes
each ``duckdb.Error`` through :func:`map_duckdb_error` and raises the result when it is
not ``None``. Errors the translation raises on purpose (``error('icebridge:...')``) carry
a marker naming the Snowflake error to build.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from emulator import errors
from icebridge.errors import SqlError

MARKER = "icebridge:"
DIVISION_BY_ZERO = MARKER + "division_by_zero"

_FIRST_LINE = re.compile(r"^[^\n]*")
_QUOTED = re.compile(r"""["']([^"']*)["']""")

_MARKERS: dict[str, Callable[[], SqlError]] = {
    DIVISION_BY_ZERO: errors.division_by_zero,
}


def _quoted_value(text: str) -> str:
    found = _QUOTED.search(text)
    return found.group(1) if found else ""


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def map_duckdb_error(err: Exception) -> SqlError | None:
    """The Snowflake error for a DuckDB error raised while running translated SQL.

    Returns ``None`` when the error has no Snowflake counterpart known here; the caller
    then reports it generically. Message shapes follow Snowflake's, e.g.
    ``100035 (22007): Timestamp 'abc' is not recognized``.
    """
    text = str(err)
    first = _FIRST_LINE.match(text)
    line = first.group(0) if first else text
    for marker, build in _MARKERS.items():
        if marker in line:
            return build()
    if ("out of range" in line and "Casting value" in line) or "Overflow in" in line:
        return errors.numeric_overflow(_quoted_value(line))
    if "invalid timestamp field format" in line:
        return errors.timestamp_not_recognized(_quoted_value(line), "Timestamp")
    if "invalid date field format" in line or "date field value out of range" in line:
        return errors.timestamp_not_recognized(_quoted_value(line), "Date")
    if "time field value out of range" in line or "invalid time field format" in line:
        return errors.timestamp_not_recognized(_quoted_value(line), "Time")
    if "Could not parse string" in line and "format specifier" in line:
        # strptime failures come from TO_TIMESTAMP/TO_DATE with a format.
        return errors.timestamp_not_recognized(_quoted_value(line), "Timestamp")
    if "Could not convert string" in line:
        value = _quoted_value(line)
        if _looks_numeric(value):
            # A well-formed number that does not fit the target NUMBER(p,s).
            return errors.numeric_overflow(value)
        return errors.numeric_not_recognized(value)
    if "Malformed JSON" in line:
        return errors.invalid_json(line.split("Malformed JSON", 1)[1].strip(" :"))
    return None
