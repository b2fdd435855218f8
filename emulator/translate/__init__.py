"""Translation of Snowflake SQL (parsed by :mod:`icebridge.sql.dialect`) into DuckDB ASTs.

sqlglot's own Snowflake -> DuckDB transpilation is the baseline. :data:`TRANSFORMS` is the
explicit, ordered tuple of small named rewrites that fix the places where it differs from
Snowflake's documented behaviour. Generate the result with :func:`duckdb_sql`.

The DuckDB connection that runs translated SQL needs ``SET TimeZone = '<session TIMEZONE>'``
(see :func:`connection_settings`).
"""

from __future__ import annotations

from emulator.translate.context import DEFAULT_TIMEZONE, TranslateContext
from emulator.translate.errors import map_duckdb_error
from emulator.translate.names import output_name
from emulator.translate.pipeline import (
    TRANSFORMS,
    TRIGGERS,
    Transform,
    connection_settings,
    duckdb_sql,
    to_duckdb,
)
from emulator.translate.types import duckdb_type

__all__ = [
    "DEFAULT_TIMEZONE",
    "TRANSFORMS",
    "TRIGGERS",
    "Transform",
    "TranslateContext",
    "connection_settings",
    "duckdb_sql",
    "duckdb_type",
    "map_duckdb_error",
    "output_name",
    "to_duckdb",
]
