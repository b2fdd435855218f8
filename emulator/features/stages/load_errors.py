"""The errors a load finds in a file's rows, worded as Snowflake's.

A row error names the file, the line and character where the bad field starts, the row
number and the column as ``"TABLE"["COLUMN":position]``
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, "Validating staged files").
With ON_ERROR = ABORT_STATEMENT the first one fails the statement, with the hint Snowflake
gives; otherwise it goes into the result row (first_error, first_error_line, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from icebridge.errors import DataError

_HINT = (
    "If you would like to continue loading when an error is encountered, use other values "
    "such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on "
    "loading options, please run 'info loading_data' in a SQL client."
)
NOT_NULL = "NULL result in a non-nullable column"


@dataclass(frozen=True)
class RowError:
    """One error in one row of a file."""

    row: int
    line: int
    character: int
    message: str
    code: int
    sqlstate: str = "22000"
    column: str | None = None
    category: str = "conversion"
    byte_offset: int | None = None


def column_label(table: str, column: str, position: int) -> str:
    """``"T"["C":2]`` as Snowflake names a column in load errors."""
    return f'"{table}"["{column}":{position}]'


def conversion(family: str, value: str) -> tuple[str, int, str]:
    """(message, code, SQLSTATE) of a value that does not convert to a type ``family``."""
    if family == "NUMBER":
        return f"Numeric value '{value}' is not recognized", 100038, "22018"
    if family == "BOOLEAN":
        return f"Boolean value '{value}' is not recognized", 100037, "22018"
    if family == "DATE":
        return f"Date '{value}' is not recognized", 100040, "22007"
    if family == "TIME":
        return f"Time '{value}' is not recognized", 100108, "22007"
    if family == "TIMESTAMP":
        return f"Timestamp '{value}' is not recognized", 100035, "22007"
    if family == "BINARY":
        return f"The following string is not a legal hex-encoded value: '{value}'", 100115, "22000"
    return f"Value '{value}' cannot be converted to {family}", 100071, "22018"


def column_count(found: int, expected: int) -> str:
    """The column count mismatch message."""
    return (
        f"Number of columns in file ({found}) does not match that of the corresponding table "
        f"({expected}), use file format option error_on_column_count_mismatch=false to ignore "
        "this error"
    )


def abort(error: RowError, file: str) -> DataError:
    """The statement error of ON_ERROR = ABORT_STATEMENT for ``error`` in ``file``."""
    lines = [error.message, f"  File '{file}', line {error.line}, character {error.character}"]
    if error.column is not None:
        lines.append(f"  Row {error.row}, column {error.column}")
    else:
        lines.append(f"  Row {error.row} starts at line {error.line}")
    lines.append(f"  {_HINT}")
    return DataError("\n".join(lines), errno=error.code, sqlstate=error.sqlstate)
