"""Translation of Snowflake SQL (parsed by :mod:`icebridge.sql.dialect`) into DuckDB ASTs.

sqlglot's own Snowflake -> DuckDB transpilation is the baseline. :data:`TRANSFORMS` is the
explicit, ordered tuple of small named rewrites that fix the places where it differs from
Snowflake's documented behaviour. Generate the result with :func:`duckdb_sql`.
:func:`check_statement` refuses calls of functions Snowflake does not have (DuckDB's own,
such as ``READ_CSV``) in a parsed statement before it runs.

The DuckDB connection that runs translated SQL needs ``SET TimeZone = '<session TIMEZONE>'``
(see :func:`connection_settings`).
"""

from __future__ import annotations

from emulator.translate.context import DEFAULT_TIMEZONE, TranslateContext
from emulator.translate.errors import map_duckdb_error
from emulator.translate.guard import check_statement
from emulator.translate.headers import written_names
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
from emulator.translate.variant_text import mark_assignments, mark_merge_assignments

__all__ = [
    "DEFAULT_TIMEZONE",
    "TRANSFORMS",
    "TRIGGERS",
    "Transform",
    "TranslateContext",
    "check_statement",
    "connection_settings",
    "duckdb_sql",
    "duckdb_type",
    "map_duckdb_error",
    "mark_assignments",
    "mark_merge_assignments",
    "output_name",
    "to_duckdb",
    "written_names",
]
