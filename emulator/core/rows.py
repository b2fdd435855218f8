"""Rows of a DuckDB result as Python tuples, converted through Arrow.

DuckDB's own Python conversion (``fetchone`` / ``fetchall`` / ``df``) of a TIMESTAMP WITH
TIME ZONE value imports pytz, which icebridge does not declare; Arrow's conversion uses the
standard library's zoneinfo. A result that can hold user values (a session variable, a MERGE
key, a row named in an error) is fetched with these functions instead.
"""

from __future__ import annotations

from typing import Any

import duckdb


def first_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of the pending ``result``, or None when it has none."""
    for batch in result.to_arrow_reader(1):
        if batch.num_rows:
            return tuple(column[0].as_py() for column in batch.columns)
    return None


def all_rows(result: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Every row of the pending ``result``."""
    table = result.to_arrow_table()
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))
