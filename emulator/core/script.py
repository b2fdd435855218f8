"""Splitting a Snowflake script into statements and parsing each one.

``;`` inside strings, ``$$`` strings, comments and Scripting blocks never ends a
statement. Statements are parsed one by one so that an earlier statement
runs before a later one fails to parse (Snowflake runs a script in order).
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import TokenError

from emulator import errors
from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import DIALECT, parse
from icebridge.sql.dialect import split as dialect_split


def split(sql: str) -> list[str]:
    """The statements of ``sql`` as text (empty statements dropped).

    Delegates to the grammar's splitter, which also keeps a Scripting block
    (``BEGIN ... END``, e.g. a task body) in one piece.
    """
    return dialect_split(sql)


def parse_statement(sql: str) -> exp.Expression:
    """Parse exactly one statement; Snowflake's syntax error (line, position) otherwise."""
    try:
        nodes = parse(sql)
    except TokenError as err:
        raise _syntax_error_from_text(sql, str(err)) from None
    if len(nodes) != 1:
        raise errors.generic(
            f"Actual statement count {len(nodes)} did not match the desired statement count 1.",
            errno=8,
            sqlstate="0A000",
        )
    return nodes[0]


def leading_words(sql: str, count: int = 2) -> list[str]:
    """The first ``count`` tokens of a statement, upper-cased (for statement kinds)."""
    try:
        tokens = DIALECT.tokenize(sql)
    except TokenError:
        return []
    return [t.text.upper() for t in tokens[:count]]


def _syntax_error_from_text(sql: str, message: str) -> ProgrammingError:
    first = sql.strip().split(None, 1)
    return errors.syntax_error(1, 0, first[0] if first else message)


_SKIP = {
    "OR",
    "REPLACE",
    "IF",
    "NOT",
    "EXISTS",
    "SECURE",
    "TRANSIENT",
    "TEMPORARY",
    "TEMP",
    "VOLATILE",
    "LOCAL",
    "GLOBAL",
    "RECURSIVE",
}


def statement_name(sql: str) -> str:
    """A short statement kind for messages: ``CREATE STREAM``, ``ALTER TASK`` …"""
    words = leading_words(sql, 8)
    if not words:
        return "empty statement"
    head = [words[0]]
    for word in words[1:]:
        if word in _SKIP:
            continue
        head.append(word)
        if word not in ("DYNAMIC", "ICEBERG", "EXTERNAL", "MATERIALIZED", "EVENT", "HYBRID"):
            break
    return " ".join(head)
