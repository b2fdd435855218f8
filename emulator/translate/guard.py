"""Snowflake SQL that only DuckDB would understand is refused before DuckDB sees it.

The emulator runs statements on DuckDB, whose own functions read and write files
(``READ_CSV``, ``READ_PARQUET``, ``GLOB`` …) and whose FROM clause reads the file a string
names. Snowflake has neither. A call of a name Snowflake does not have is its ``002140
(42601) Unknown function`` (the functions are listed in
https://docs.snowflake.com/en/sql-reference/functions-all), and a string is not a table.

:func:`check_statement` runs on each parsed statement before its handler, so that DDL
(a column DEFAULT) is checked too, not only what is translated; :func:`check_table_source`
runs in translation, after session variables are substituted. The DuckDB connection is
locked down as well (:mod:`emulator.core.sandbox`): these checks give Snowflake's errors,
the lock-down holds whatever slips past them.
"""

from __future__ import annotations

import re

from sqlglot import exp

from emulator import errors
from emulator.translate.snowflake_functions import is_snowflake_function
from icebridge.errors import SqlError
from icebridge.sql.dialect import IcebridgeSnowflake

#: A function name as written: a plain or a double-quoted identifier.
_WRITTEN_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_$]*|"[^"]+"')
#: The names the parser turns into typed nodes (sqlglot drops the name as written).
_PARSED_NAMES = frozenset(
    {
        *IcebridgeSnowflake.Parser.FUNCTIONS,
        *IcebridgeSnowflake.Parser.FUNCTION_PARSERS,
        *IcebridgeSnowflake.Parser.NO_PAREN_FUNCTION_PARSERS,
    }
)


def check_statement(tree: exp.Expression, text: str | None = None) -> None:
    """Raise Snowflake's "Unknown function" for the first call of a name Snowflake lacks.

    ``text`` is the statement ``tree`` was parsed from: a call that sqlglot parsed into a
    typed node (``read_csv(...)`` becomes ``ReadCSV``) keeps only the position of its name,
    which is read back from the text. Without the text, only untyped calls are checked.
    """
    # A call may also parse into an operator node: GLOB(p, s) is ``s GLOB p``.
    for node in tree.find_all(exp.Func, exp.Binary):
        if isinstance(node, exp.Unnest):
            # Only the word UNNEST parses to this node: DuckDB's, not Snowflake's (FLATTEN).
            raise errors.unknown_function("UNNEST")
        name = written_name(node, text)
        if name is not None and not is_snowflake_function(name):
            raise errors.unknown_function(name)


def written_name(node: exp.Expr, text: str | None) -> str | None:
    """The function name of a call as the user wrote it, in stored form (unquoted names
    upper-case); None when it cannot be told (a node the emulator built, or ``text`` is
    not the text the node was parsed from)."""
    if isinstance(node, exp.Anonymous | exp.AnonymousAggFunc):
        this = node.this
        if isinstance(this, exp.Identifier):
            return this.name if this.quoted else this.name.upper()
        return this.upper() if isinstance(this, str) else None
    start, end = node.meta.get("start"), node.meta.get("end")
    if text is None or not isinstance(start, int) or not isinstance(end, int):
        return None
    word = text[start : end + 1]
    # The slice must be a name followed by "(" that the parser reads as a function:
    # anything else means the positions belong to another text (a regenerated body).
    if not _WRITTEN_NAME.fullmatch(word) or not text[end + 1 :].lstrip().startswith("("):
        return None
    name = word[1:-1] if word.startswith('"') else word.upper()
    return name if name.upper() in _PARSED_NAMES else None


def check_table_source(table: exp.Table) -> None:
    """Refuse a string used as a table (DuckDB would read the file it names).

    A string written in FROM is a syntax error at its position; one that came from a
    session variable (``FROM $t``) is refused as such: Snowflake takes a table name from a
    variable only through ``IDENTIFIER($t)``
    (https://docs.snowflake.com/en/sql-reference/identifier-literal).
    """
    source = table.this
    if not isinstance(source, exp.Literal):
        return
    raise _string_source_error(source)


def _string_source_error(literal: exp.Literal) -> SqlError:
    text = str(literal.this)
    if text.startswith("@"):
        return errors.unsupported("querying staged files")
    meta = literal.meta
    where = [
        v for v in (meta.get(k) for k in ("line", "col", "start", "end")) if isinstance(v, int)
    ]
    if len(where) == 4:
        line, col, start, end = where
        # ``col`` is the 1-based column of the token's last character.
        position = max(col - (end - start + 1), 0)
        return errors.syntax_error(line, position, "'" + text.replace("'", "''") + "'")
    return errors.unsupported("a session variable as a table name (use IDENTIFIER($name))")
