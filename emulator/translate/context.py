"""The inputs a translation needs from the session that runs the statement."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlglot import exp

DEFAULT_TIMEZONE = "America/Los_Angeles"


@dataclass(frozen=True)
class TranslateContext:
    """Session state that Snowflake SQL depends on.

    ``timezone`` is the session TIMEZONE parameter (Snowflake's default is
    America/Los_Angeles, https://docs.snowflake.com/en/sql-reference/parameters#timezone);
    ``now`` is a timezone-aware UTC instant from the emulator clock (the clock is virtual:
    translated SQL never calls DuckDB's ``now()``); ``variables`` maps session variable
    names (stored form, e.g. ``X`` for ``$x``) to Python values; ``resolve_table`` turns a
    Snowflake table reference into the DuckDB relation that holds it.

    ``column_types`` (optional) returns the declared Snowflake column types of a table
    reference, ``{stored column name: DataType}``, or ``None`` when unknown. With it,
    rewrites that depend on operand types (DATEADD on a DATE column stays DATE, division
    scale, ``variant_col::STRING``) follow Snowflake for columns too, not only for
    literals and casts.
    """

    timezone: str
    now: datetime
    variables: Mapping[str, Any] = field(default_factory=dict)
    resolve_table: Callable[[exp.Table], exp.Expression] = field(default=lambda table: table.copy())
    column_types: Callable[[exp.Table], Mapping[str, exp.DataType] | None] | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("TranslateContext.now must be timezone-aware")
