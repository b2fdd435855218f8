"""Helpers: run Snowflake SQL through the translation layer on a real DuckDB connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb
from sqlglot import exp

from emulator.translate import (
    TranslateContext,
    duckdb_sql,
    map_duckdb_error,
    to_duckdb,
)
from icebridge.sql.dialect import parse_one

# 2024-01-31 18:30:00 UTC is 10:30 in Los Angeles (PST, UTC-8).
NOW = datetime(2024, 1, 31, 18, 30, 0, 123456, tzinfo=UTC)

Run = Callable[..., list[dict[str, Any]]]


def make_context(**overrides: Any) -> TranslateContext:
    values: dict[str, Any] = {
        "timezone": "America/Los_Angeles",
        "now": NOW,
        "variables": {},
        "resolve_table": lambda table: table,
    }
    values.update(overrides)
    return TranslateContext(**values)


def run_sql(
    connection: duckdb.DuckDBPyConnection, sql: str, **overrides: Any
) -> list[dict[str, Any]]:
    """Translate and execute; DuckDB errors are re-raised as the mapped Snowflake error."""
    text = translate(sql, **overrides)
    try:
        rows: list[dict[str, Any]] = connection.execute(text).to_arrow_table().to_pylist()
    except duckdb.Error as err:
        mapped = map_duckdb_error(err)
        if mapped is None:
            raise
        raise mapped from err
    return rows


def translate(sql: str, **overrides: Any) -> str:
    """DuckDB SQL text for one Snowflake statement."""
    return duckdb_sql(to_duckdb(parse_one(sql), make_context(**overrides)))


def one(rows: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(rows) == 1, rows
    return rows[0]


def table_named(name: str) -> Callable[[exp.Table], exp.Expression]:
    """A resolver that maps every table to the DuckDB table ``name``."""

    def resolve(table: exp.Table) -> exp.Expression:
        return exp.Table(this=exp.Identifier(this=name, quoted=True))

    return resolve
