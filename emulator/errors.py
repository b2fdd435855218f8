"""Snowflake-shaped SQL errors raised by the emulator.

Each constructor returns the exception Snowflake's connector would raise for the
same mistake: same error number, SQLSTATE and message wording (see
https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api
for the ``errno`` / ``sqlstate`` / ``msg`` attributes). Raise them; never raise
bare DuckDB exceptions to users.
"""

from __future__ import annotations

from icebridge.errors import DataError, ProgrammingError, SqlError, UnsupportedError
from icebridge.sql.identifiers import quote

_COMPILATION = "SQL compilation error:\n"


def object_does_not_exist(name: str, kind: str = "Object") -> ProgrammingError:
    """``002003 (42S02)``: Object 'DB.SCHEMA.T' does not exist or not authorized."""
    state = "02000" if kind in ("Database", "Schema") else "42S02"
    return ProgrammingError(
        f"{_COMPILATION}{kind} '{name}' does not exist or not authorized.",
        errno=2003,
        sqlstate=state,
    )


def already_exists(name: str, kind: str = "Object") -> ProgrammingError:
    """``002002 (42710)``: Object 'T' already exists."""
    return ProgrammingError(
        f"{_COMPILATION}{kind} '{name}' already exists.", errno=2002, sqlstate="42710"
    )


def syntax_error(line: int, position: int, near: str) -> ProgrammingError:
    """``001003 (42000)``: syntax error line L at position P unexpected 'X'."""
    return ProgrammingError(
        f"{_COMPILATION}syntax error line {line} at position {position} unexpected '{near}'.",
        errno=1003,
        sqlstate="42000",
    )


def invalid_identifier(name: str) -> ProgrammingError:
    """``000904 (42000)``: invalid identifier 'X'."""
    return ProgrammingError(
        f"{_COMPILATION}invalid identifier '{name}'", errno=904, sqlstate="42000"
    )


def duplicate_column(name: str) -> ProgrammingError:
    """``002025 (42S21)``: duplicate column name 'X' (a column list names one column twice)."""
    return ProgrammingError(
        f"{_COMPILATION}duplicate column name '{name}'", errno=2025, sqlstate="42S21"
    )


def columns_differ_only_in_case(first: str | None, second: str) -> UnsupportedError:
    """Column names that differ only in case (``ID`` and ``"id"``): two columns in Snowflake,
    but DuckDB, which holds the emulator's tables, compares names ignoring case.

    ``first`` is None when only DuckDB's report of the second name is known.
    """
    pair = f"{quote(first)} and {quote(second)}" if first else f"{quote(second)} and another"
    return unsupported(
        f"column names that differ only in case ({pair}): "
        "Snowflake keeps them apart, but the emulator cannot hold both because DuckDB "
        "compares column names case-insensitively; rename one of them"
    )


def not_null_violation(column: str | None = None) -> DataError:
    """``100072 (22000)``: NULL result in a non-nullable column."""
    suffix = f" '{column}'" if column else ""
    return DataError(
        f"NULL result in a non-nullable column{suffix}", errno=100072, sqlstate="22000"
    )


def numeric_overflow(detail: str = "") -> DataError:
    """``100046 (22003)``: Number out of representable range."""
    msg = "Number out of representable range" + (f": {detail}" if detail else "")
    return DataError(msg, errno=100046, sqlstate="22003")


def numeric_not_recognized(value: str) -> DataError:
    """``100038 (22018)``: Numeric value 'abc' is not recognized."""
    return DataError(f"Numeric value '{value}' is not recognized", errno=100038, sqlstate="22018")


def timestamp_not_recognized(value: str, kind: str = "Timestamp") -> DataError:
    """``100035 (22007)``: Timestamp 'x' is not recognized (also Date / Time)."""
    errno = {"Timestamp": 100035, "Date": 100040, "Time": 100108}.get(kind, 100035)
    return DataError(f"{kind} '{value}' is not recognized", errno=errno, sqlstate="22007")


def division_by_zero() -> DataError:
    """``100051 (22012)``: Division by zero."""
    return DataError("Division by zero", errno=100051, sqlstate="22012")


def nondeterministic_merge(row_values: str = "") -> DataError:
    """``100090 (42P18)``: Duplicate row detected during DML action."""
    msg = "Duplicate row detected during DML action"
    if row_values:
        msg += f"\nRow Values: {row_values}"
    return DataError(msg, errno=100090, sqlstate="42P18")


def unsupported(what: str) -> UnsupportedError:
    """A valid Snowflake statement or feature that the emulator does not implement."""
    return UnsupportedError(
        f"Unsupported by the icebridge emulator: {what}", errno=990001, sqlstate="0A000"
    )


def generic(msg: str, errno: int = 1, sqlstate: str = "XX000") -> SqlError:
    """Any other SQL error, with the nearest Snowflake number and state."""
    return ProgrammingError(msg, errno=errno, sqlstate=sqlstate)


def unknown_function(name: str) -> ProgrammingError:
    """``002140 (42601)``: Unknown function X."""
    return ProgrammingError(f"{_COMPILATION}Unknown function {name}", errno=2140, sqlstate="42601")


def invalid_json(detail: str) -> DataError:
    """``100069 (22P02)``: Error parsing JSON: <detail>."""
    return DataError(f"Error parsing JSON: {detail}", errno=100069, sqlstate="22P02")


def no_current_database(action: str) -> ProgrammingError:
    """``090105 (22000)``: an unqualified name used while no database is current."""
    return ProgrammingError(
        f"Cannot perform {action}. This session does not have a current database. "
        "Call 'USE DATABASE', or use a qualified name.",
        errno=90105,
        sqlstate="22000",
    )


def no_current_schema(action: str) -> ProgrammingError:
    """``090106 (22000)``: an unqualified name used while no schema is current."""
    return ProgrammingError(
        f"Cannot perform {action}. This session does not have a current schema. "
        "Call 'USE SCHEMA', or use a qualified name.",
        errno=90106,
        sqlstate="22000",
    )


def invalid_parameter(name: str) -> ProgrammingError:
    """An ALTER SESSION / SHOW PARAMETERS name that is not a session parameter."""
    return ProgrammingError(
        f"{_COMPILATION}invalid parameter '{name}'", errno=1006, sqlstate="42601"
    )


def invalid_value(what: str, value: str) -> ProgrammingError:
    """A parameter or property set to a value it cannot take."""
    return ProgrammingError(
        f"{_COMPILATION}invalid value [{value}] for parameter '{what}'",
        errno=2005,
        sqlstate="22023",
    )


def time_travel_not_available(name: str) -> ProgrammingError:
    """``000707 (02000)``: Time travel data is not available for table T.

    Raised for ``AT``/``BEFORE`` outside the retention period or before creation
    (https://docs.snowflake.com/en/user-guide/data-time-travel).
    """
    return ProgrammingError(
        f"Time travel data is not available for table {name}. The requested time is either "
        "beyond the allowed time travel period or before the object creation time.",
        errno=707,
        sqlstate="02000",
    )


def stream_stale(name: str) -> ProgrammingError:
    """``091901 (01000)``: reading a stream whose offset is outside its source's retention,
    or whose source was replaced or dropped
    (https://docs.snowflake.com/en/user-guide/streams-intro#data-retention-period-and-staleness).
    """
    return ProgrammingError(
        f"Stream {name} has become stale. Please recreate the stream.",
        errno=91901,
        sqlstate="01000",
    )


def change_tracking_not_enabled(name: str) -> ProgrammingError:
    """``002203 (02000)``: CHANGES / time travel on a table without change tracking
    (https://docs.snowflake.com/en/sql-reference/constructs/changes)."""
    return ProgrammingError(
        f"{_COMPILATION}Change tracking is not enabled or has been missing for the time range "
        f"requested on table '{name}'.",
        errno=2203,
        sqlstate="02000",
    )


def wrong_object_type(found: str, specified: str) -> ProgrammingError:
    """``002002 (42710)``: Object found is of type 'VIEW', not specified type 'TABLE'.

    Object types are written as Snowflake names them, with underscores (``DYNAMIC_TABLE``).
    """
    return ProgrammingError(
        f"{_COMPILATION}Object found is of type '{found.replace(' ', '_')}', "
        f"not specified type '{specified.replace(' ', '_')}'.",
        errno=2002,
        sqlstate="42710",
    )


def external_volume_does_not_exist(volume: str) -> ProgrammingError:
    """``002003 (02000)``: External volume 'V' does not exist or not authorized."""
    return ProgrammingError(
        f"{_COMPILATION}External volume '{volume.upper()}' does not exist or not authorized.",
        errno=2003,
        sqlstate="02000",
    )
