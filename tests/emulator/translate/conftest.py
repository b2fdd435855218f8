"""Fixtures: a DuckDB connection configured as the emulator session configures it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pytest
from translate_helpers import make_context, run_sql

from emulator.translate import connection_settings

Run = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    for name, value in connection_settings(make_context()).items():
        connection.execute(f"SET {name} = ?", [value])
    yield connection
    connection.close()


@pytest.fixture
def run(con: duckdb.DuckDBPyConnection) -> Run:
    """``run(sql, **context_overrides)`` -> result rows as dicts."""

    def _run(sql: str, **overrides: Any) -> list[dict[str, Any]]:
        return run_sql(con, sql, **overrides)

    return _run
