"""The built-in functions SHOW FUNCTIONS lists: a modest set the emulator runs faithfully.

Each entry follows https://docs.snowflake.com/en/sql-reference/sql/show-functions:
``arguments`` shows the argument types and the return type (``NAME(TYPES) RETURN TYPE``),
one signature per overload, comma-separated. Functions outside this list may still work;
they are simply not advertised.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Builtin:
    """One built-in function as SHOW FUNCTIONS describes it."""

    name: str
    arguments: str
    description: str
    min_args: int
    max_args: int
    aggregate: bool = False
    ansi: bool = False
    table: bool = False


_N = "NUMBER(38,0)"
_T = "VARCHAR"
_TS = "TIMESTAMP_NTZ"

BUILTINS: tuple[Builtin, ...] = (
    Builtin("ABS", "ABS(FLOAT) RETURN FLOAT", "Absolute value of a number.", 1, 1, ansi=True),
    Builtin(
        "ARRAY_AGG",
        "ARRAY_AGG(ANY) RETURN ARRAY",
        "Values of a group as an array.",
        1,
        1,
        aggregate=True,
    ),
    Builtin("ARRAY_SIZE", "ARRAY_SIZE(ARRAY) RETURN NUMBER", "Size of an array.", 1, 1),
    Builtin(
        "AVG",
        "AVG(FLOAT) RETURN FLOAT",
        "Average of the values of a group.",
        1,
        1,
        aggregate=True,
        ansi=True,
    ),
    Builtin(
        "COALESCE", "COALESCE(ANY, ANY) RETURN ANY", "First non-NULL argument.", 1, 999, ansi=True
    ),
    Builtin("CONCAT", f"CONCAT({_T}, {_T}) RETURN {_T}", "Concatenation of strings.", 1, 999),
    Builtin(
        "COUNT",
        f"COUNT(ANY) RETURN {_N}",
        "Number of non-NULL values of a group.",
        0,
        999,
        aggregate=True,
        ansi=True,
    ),
    Builtin("CURRENT_DATABASE", f"CURRENT_DATABASE() RETURN {_T}", "The session's database.", 0, 0),
    Builtin("CURRENT_DATE", "CURRENT_DATE() RETURN DATE", "The current date.", 0, 0, ansi=True),
    Builtin("CURRENT_SCHEMA", f"CURRENT_SCHEMA() RETURN {_T}", "The session's schema.", 0, 0),
    Builtin(
        "CURRENT_TIMESTAMP",
        "CURRENT_TIMESTAMP() RETURN TIMESTAMP_LTZ",
        "The current instant.",
        0,
        1,
        ansi=True,
    ),
    Builtin(
        "DATE_TRUNC",
        f"DATE_TRUNC({_T}, {_TS}) RETURN {_TS}",
        "A date or timestamp truncated to a date part.",
        2,
        2,
    ),
    Builtin(
        "DATEADD",
        f"DATEADD({_T}, {_N}, {_TS}) RETURN {_TS}",
        "A date or timestamp moved by a number of date parts.",
        3,
        3,
    ),
    Builtin(
        "DATEDIFF",
        f"DATEDIFF({_T}, {_TS}, {_TS}) RETURN {_N}",
        "Date-part boundaries crossed between two dates or timestamps.",
        3,
        3,
    ),
    Builtin(
        "FLATTEN",
        "FLATTEN(VARIANT) RETURN TABLE",
        "Rows of the elements of a value.",
        1,
        5,
        table=True,
    ),
    Builtin("IFF", "IFF(BOOLEAN, ANY, ANY) RETURN ANY", "One of two values, by a condition.", 3, 3),
    Builtin("LENGTH", f"LENGTH({_T}) RETURN {_N}", "Length of a string.", 1, 1),
    Builtin(
        "LISTAGG",
        f"LISTAGG({_T}, {_T}) RETURN {_T}",
        "Values of a group joined into one string.",
        1,
        2,
        aggregate=True,
    ),
    Builtin("LOWER", f"LOWER({_T}) RETURN {_T}", "A string in lower case.", 1, 1, ansi=True),
    Builtin(
        "MAX", "MAX(ANY) RETURN ANY", "Largest value of a group.", 1, 1, aggregate=True, ansi=True
    ),
    Builtin(
        "MIN", "MIN(ANY) RETURN ANY", "Smallest value of a group.", 1, 1, aggregate=True, ansi=True
    ),
    Builtin("NVL", "NVL(ANY, ANY) RETURN ANY", "The second argument when the first is NULL.", 2, 2),
    Builtin(
        "OBJECT_CONSTRUCT",
        "OBJECT_CONSTRUCT(ANY) RETURN OBJECT",
        "An object from key-value pairs.",
        0,
        999,
    ),
    Builtin("PARSE_JSON", f"PARSE_JSON({_T}) RETURN VARIANT", "JSON text as a VARIANT.", 1, 1),
    Builtin("ROUND", "ROUND(FLOAT, NUMBER) RETURN FLOAT", "A number rounded to a scale.", 1, 2),
    Builtin(
        "SUM",
        "SUM(FLOAT) RETURN FLOAT",
        "Sum of the values of a group.",
        1,
        1,
        aggregate=True,
        ansi=True,
    ),
    Builtin("TO_CHAR", f"TO_CHAR(ANY, {_T}) RETURN {_T}", "A value as text, in a format.", 1, 2),
    Builtin("TO_DATE", f"TO_DATE({_T}) RETURN DATE", "A value as a date.", 1, 2),
    Builtin("TO_TIMESTAMP", f"TO_TIMESTAMP({_T}) RETURN {_TS}", "A value as a timestamp.", 1, 2),
    Builtin(
        "TRIM",
        f"TRIM({_T}) RETURN {_T}",
        "A string without leading and trailing blanks.",
        1,
        2,
        ansi=True,
    ),
    Builtin("UPPER", f"UPPER({_T}) RETURN {_T}", "A string in upper case.", 1, 1, ansi=True),
)
