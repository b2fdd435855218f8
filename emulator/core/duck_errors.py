"""DuckDB exceptions -> Snowflake-shaped errors (:mod:`emulator.errors`).

Wording follows Snowflake's messages (error numbers from the connector's error codes);
anything unrecognised keeps DuckDB's text in a generic SQL error so nothing is hidden.
"""

from __future__ import annotations

import re

import duckdb

from emulator import errors
from icebridge.errors import SqlError

_NOT_NULL = re.compile(r"NOT NULL constraint failed: (?:[^.]+\.)?(.+)$", re.M)
_CONVERT = re.compile(r"Could not convert string '([^']*)' to (\w+)")
_OUT_OF_RANGE = re.compile(r"out of range|Overflow|overflow")
_NO_TABLE = re.compile(r'Table with name "?([^" ]+)"? does not exist')
_NO_COLUMN = re.compile(
    r'(?:Referenced column "([^"]+)" not found|Column "([^"]+)" referenced that exists)'
)
# Exact duplicates are refused before DuckDB sees them, so this is a name differing only in case.
_COLUMN_EXISTS = re.compile(r"Column with name (.+) already exists!")
_DECIMAL_OVERFLOW = re.compile(r"Could not cast value (\S+) to (DECIMAL\(\d+,\d+\))")
_LINE = re.compile(r"LINE (\d+):")


def map_error(err: duckdb.Error) -> SqlError:
    """The Snowflake error for a DuckDB exception (translation's own mapping first)."""
    overflow = _DECIMAL_OVERFLOW.search(str(err))
    if overflow and isinstance(err, duckdb.ConversionException):
        # Named as the user declared it: NUMBER(p,s) is DuckDB's DECIMAL(p,s).
        declared = overflow.group(2).replace("DECIMAL", "NUMBER", 1)
        return errors.numeric_overflow(f"type {declared}, value {overflow.group(1)}")
    try:
        from emulator.translate import map_duckdb_error
    except ImportError:  # pragma: no cover - only while the translation layer is incomplete
        pass
    else:
        mapped = map_duckdb_error(err)
        if mapped is not None:
            return mapped
    text = str(err)
    first = text.splitlines()[0] if text else ""
    if isinstance(err, duckdb.ConstraintException):
        match = _NOT_NULL.search(text)
        if match:
            return errors.not_null_violation(match.group(1).strip('"'))
        return errors.generic(first, errno=100072, sqlstate="22000")
    if "division by zero" in text.lower():
        return errors.division_by_zero()
    if isinstance(err, duckdb.ConversionException | duckdb.InvalidInputException):
        match = _CONVERT.search(text)
        if match:
            target = match.group(2).upper()
            if target.startswith(("DATE",)):
                return errors.timestamp_not_recognized(match.group(1), "Date")
            if target.startswith("TIMESTAMP"):
                return errors.timestamp_not_recognized(match.group(1))
            if target.startswith("TIME"):
                return errors.timestamp_not_recognized(match.group(1), "Time")
            return errors.numeric_not_recognized(match.group(1))
        if _OUT_OF_RANGE.search(text):
            return errors.numeric_overflow(first)
        for kind in ("timestamp", "date", "time"):
            if f"invalid {kind}" in text.lower() or f"{kind} field value" in text.lower():
                quoted = re.search(r'"([^"]*)"', text)
                return errors.timestamp_not_recognized(
                    quoted.group(1) if quoted else first, kind.capitalize()
                )
        return errors.generic(first, errno=100038, sqlstate="22018")
    if isinstance(err, duckdb.OutOfRangeException) or _OUT_OF_RANGE.search(first):
        return errors.numeric_overflow(first)
    if isinstance(err, duckdb.ParserException):
        line = _LINE.search(text)
        near = re.search(r'at or near "([^"]*)"', text)
        return errors.syntax_error(
            int(line.group(1)) if line else 1, 0, near.group(1) if near else first
        )
    if isinstance(err, duckdb.CatalogException):
        match = _NO_TABLE.search(text)
        if match:
            return errors.object_does_not_exist(match.group(1))
        match = _COLUMN_EXISTS.search(first)
        if match:
            return errors.columns_differ_only_in_case(None, match.group(1))
    if isinstance(err, duckdb.BinderException):
        match = _NO_COLUMN.search(text)
        if match:
            return errors.invalid_identifier(match.group(1) or match.group(2))
    return errors.generic(f"SQL execution error: {first}", errno=100000, sqlstate="XX000")
