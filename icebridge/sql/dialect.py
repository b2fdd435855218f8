"""icebridge's Snowflake dialect: sqlglot's Snowflake dialect extended with real
expression nodes for streams, tasks, dynamic tables and Iceberg DDL.

Use :func:`parse` / :func:`parse_one` to read Snowflake SQL and :func:`generate`
to write a node back. Both the renderer and the emulator go through these.
Syntax errors are raised as :class:`icebridge.errors.ProgrammingError` shaped like
Snowflake's (errno 1003, SQLSTATE 42000).
"""

from __future__ import annotations

import contextvars
import logging
import typing as t

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake as _Snowflake
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import TokenType

from icebridge.errors import ProgrammingError
from icebridge.sql.generator import IcebridgeGenerator
from icebridge.sql.parser import IcebridgeParser
from icebridge.sql.script_split import split_statements


class IcebridgeSnowflake(_Snowflake):
    """Snowflake dialect with the statements sqlglot does not model."""

    class Tokenizer(_Snowflake.Tokenizer):
        KEYWORDS: t.ClassVar[dict[str, TokenType]] = {
            **_Snowflake.Tokenizer.KEYWORDS,
            # CALL is parsed into a node (sqlglot keeps it as an opaque command).
            "CALL": TokenType.VAR,
            # REMOVE / RM are parsed into a node (sqlglot keeps them as opaque commands).
            "REMOVE": TokenType.VAR,
            "RM": TokenType.VAR,
        }
        # EXECUTE TASK is parsed; other EXECUTE forms still become commands in the parser.
        COMMANDS: t.ClassVar[set[TokenType]] = _Snowflake.Tokenizer.COMMANDS - {TokenType.EXECUTE}

    Parser = IcebridgeParser
    Generator = IcebridgeGenerator


DIALECT = IcebridgeSnowflake()

#: True while :func:`parse` runs: sqlglot's warnings (e.g. "Falling back to parsing as a
#: 'Command'") are then dropped, because the caller turns every such outcome into a result
#: or an error of its own and nothing may reach stderr.
_PARSING: contextvars.ContextVar[bool] = contextvars.ContextVar("icebridge_parsing", default=False)


class _QuietWhileParsing(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _PARSING.get()


logging.getLogger("sqlglot").addFilter(_QuietWhileParsing())

#: Snowflake's "SQL compilation error" prefix for syntax errors.
_COMPILATION = "SQL compilation error:\n"


def syntax_error(line: int, position: int, near: str) -> ProgrammingError:
    """Snowflake's ``001003 (42000)`` syntax error."""
    return ProgrammingError(
        f"{_COMPILATION}syntax error line {line} at position {position} unexpected '{near}'.",
        errno=1003,
        sqlstate="42000",
    )


def _token_error(sql: str) -> ProgrammingError:
    # The tokenizer fails on an unterminated string, identifier or comment: it runs to the
    # end of the text.
    lines = sql.split("\n")
    return syntax_error(len(lines), len(lines[-1]), "<EOF>")


def split(sql: str) -> list[str]:
    """The text of each statement of a script, in order (empty statements dropped).

    A ``;`` inside a string, a ``$$`` string, a comment or a Scripting block
    (``BEGIN ... END``) does not end a statement.
    """
    try:
        tokens = DIALECT.tokenize(sql)
    except TokenError as error:
        raise _token_error(sql) from error
    texts = []
    for chunk in split_statements(tokens):
        # A chunk holding only a ';' carries a comment that followed an empty statement.
        if chunk and chunk[0].token_type != TokenType.SEMICOLON:
            texts.append(sql[chunk[0].start : chunk[-1].end + 1])
    return texts


def parse(sql: str) -> list[exp.Expression]:
    """Parse a script of ``;``-separated Snowflake statements.

    A ``;`` inside a Scripting block (``BEGIN ... END``) does not end the statement.
    Raises :class:`ProgrammingError` (errno 1003, SQLSTATE 42000) on a syntax error.
    """
    token = _PARSING.set(True)
    try:
        statements = DIALECT.parse(sql)
    except ParseError as error:
        info = error.errors[0] if error.errors else {}
        line = int(info.get("line") or 1)
        position = int(info.get("position") or 0)
        near = str(info.get("near") or info.get("highlight") or "")
        raise syntax_error(line, position, near) from error
    except TokenError as error:
        raise _token_error(sql) from error
    finally:
        _PARSING.reset(token)
    return [e for e in statements if isinstance(e, exp.Expression)]


def parse_one(sql: str) -> exp.Expression:
    """Parse exactly one Snowflake statement; the connector's statement-count error (000008)
    for any other number of statements."""
    statements = parse(sql)
    if len(statements) != 1:
        raise ProgrammingError(
            f"Actual statement count {len(statements)} did not match the desired statement "
            "count 1.",
            errno=8,
            sqlstate="0A000",
        )
    return statements[0]


def parse_expression(sql: str) -> exp.Expression:
    """Parse one Snowflake expression (a stored DEFAULT, a task's WHEN condition): anything
    more than an expression is a syntax error, so stored text can never become a query."""
    token = _PARSING.set(True)
    try:
        parsed = DIALECT.parse_into(exp.Condition, sql)
    except ParseError as error:
        info = error.errors[0] if error.errors else {}
        line = int(info.get("line") or 1)
        position = int(info.get("position") or 0)
        near = str(info.get("near") or info.get("highlight") or sql)
        raise syntax_error(line, position, near) from error
    except TokenError as error:
        raise _token_error(sql) from error
    finally:
        _PARSING.reset(token)
    node = parsed[0] if parsed else None
    if not isinstance(node, exp.Expression):
        raise syntax_error(1, 0, sql)
    return node


def generate(node: exp.Expression, *, pretty: bool = False) -> str:
    """Render a node as Snowflake SQL text."""
    return DIALECT.generate(node, pretty=pretty)
