"""Splitting a Snowflake script into statements and parsing each one.

``;`` inside strings, ``$$`` strings, comments and Scripting blocks never ends a
statement. Statements are parsed one by one so that an earlier statement
runs before a later one fails to parse (Snowflake runs a script in order).

A statement whose first word is no Snowflake command (``SELEC 1``), or whose object kind
after CREATE / ALTER / DROP / UNDROP / DESCRIBE is none of Snowflake's (``CREATE TABL x``),
is Snowflake's syntax error ``001003`` at that word, not an unsupported statement.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from sqlglot import exp
from sqlglot.errors import TokenError
from sqlglot.tokenizer_core import Token, TokenType

from emulator import errors
from emulator.core.snowflake_words import COMMAND_WORDS, KIND_VERBS, MODIFIERS, OBJECT_KIND_WORDS
from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import DIALECT, parse
from icebridge.sql.dialect import split as dialect_split


def split(sql: str) -> list[str]:
    """The statements of ``sql`` as text (empty statements dropped).

    Delegates to the grammar's splitter, which also keeps a Scripting block
    (``BEGIN ... END``, e.g. a task body) in one piece.
    """
    return dialect_split(sql)


#: Statements seen lately, by text (least recently used first): from its second run on, a
#: statement (a poll, a task body, a repeated DB-API statement) is copied, not re-parsed.
#: The first run keeps no tree, so text that never repeats costs no copy.
PARSED_KEPT = 256
_parsed: OrderedDict[str, exp.Expression | None] = OrderedDict()
_parsed_lock = threading.Lock()
#: A plain word ending where no token could go on (white space, punctuation that is a
#: token of its own, the end): the tokenizer reads it as itself.
_PLAIN_WORD = re.compile(
    r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)(?=[\s,;()*=<>!+\-/%|&^~:.\[\]{}]|$)"
    r"|([0-9]+)(?=[\s,;)]|$))"  # a whole number (not 1.5, 1e5, 1::INT)
)
_BLANK = re.compile(r"\s*$")
#: How much of the text the tokenizer reads first when the words are not plain.
_HEAD = 64
#: Words that may start a keyword of several words ("FILE FORMAT"): left to the tokenizer.
_COMPOUND_HEADS = frozenset(
    word.split()[0].upper() for word in DIALECT.tokenizer_class.KEYWORDS if " " in word
)


def parse_statement(sql: str) -> exp.Expression:
    """Parse exactly one statement; Snowflake's syntax error (line, position) otherwise.

    The result is the caller's to change: a copy of the tree kept for ``sql``.
    """
    with _parsed_lock:
        seen = sql in _parsed
        kept = _parsed.get(sql)
        if seen:
            _parsed.move_to_end(sql)
    if kept is not None:
        return kept.copy()
    try:
        nodes = parse(sql)
    except TokenError as err:
        raise _syntax_error_from_text(sql, str(err)) from None
    except ProgrammingError as err:
        raise (unknown_keyword(sql) or err) from None
    if len(nodes) == 1 and not isinstance(nodes[0], _PARSED_STATEMENTS):
        # sqlglot reads some garbled text as an expression ("FOO BAR") or, when it meets
        # what it does not know ("CREATE TABL x"), as an opaque Command.
        mistake = unknown_keyword(sql, kinds=isinstance(nodes[0], exp.Command))
        if mistake is not None:
            raise mistake
    if len(nodes) != 1:
        raise errors.generic(
            f"Actual statement count {len(nodes)} did not match the desired statement count 1.",
            errno=8,
            sqlstate="0A000",
        )
    node = nodes[0]
    if '""' in sql:
        empty = _empty_identifier(sql)
        if empty is not None:
            raise empty
    with _parsed_lock:
        _parsed[sql] = node if seen else None
        if len(_parsed) > PARSED_KEPT:
            _parsed.popitem(last=False)
    return node.copy() if seen else node


def leading_words(sql: str, count: int = 2) -> list[str]:
    """The first ``count`` tokens of a statement, upper-cased (for statement kinds).

    Plain words separated by white space are read directly; anything else (a comment, a
    number, punctuation) goes through the dialect's tokenizer.
    """
    words = _plain_words(sql, count)
    if words is not None:
        return words
    head = sql[:_HEAD]
    if len(head) < len(sql):
        try:
            tokens = DIALECT.tokenize(head)
        except TokenError:
            tokens = []
        if len(tokens) > count:  # the last token may be cut; the first ``count`` are whole
            return [t.text.upper() for t in tokens[:count]]
    try:
        tokens = DIALECT.tokenize(sql)
    except TokenError:
        return []
    return [t.text.upper() for t in tokens[:count]]


def _plain_words(sql: str, count: int) -> list[str] | None:
    """The first ``count`` words when they are plain words (the tokenizer's answer), or
    None when the tokenizer must decide."""
    words: list[str] = []
    position = 0
    while len(words) < count:
        found = _PLAIN_WORD.match(sql, position)
        if found is None:
            return words if _BLANK.match(sql, position) else None
        word = (found.group(1) or found.group(2)).upper()
        if word in _COMPOUND_HEADS:
            return None
        words.append(word)
        position = found.end()
    return words


def tokens(sql: str) -> list[Token]:
    """The tokens of one statement; Snowflake's syntax error when it cannot be tokenized."""
    try:
        return list(DIALECT.tokenize(sql))
    except TokenError as err:
        raise _syntax_error_from_text(sql, str(err)) from None


def unexpected(sql: str, token: Token | None, last: Token | None = None) -> ProgrammingError:
    """Snowflake's ``001003`` at ``token``: its line and 0-based position in that line, or
    just past ``last`` (``'<EOF>'``) when the statement ended too early."""
    if token is None:
        if last is None:
            return errors.syntax_error(1, 0, "<EOF>")
        line_start = sql.rfind("\n", 0, last.start) + 1
        return errors.syntax_error(last.line, last.end + 1 - line_start, "<EOF>")
    line_start = sql.rfind("\n", 0, token.start) + 1
    return errors.syntax_error(token.line, token.start - line_start, token.text)


def unknown_keyword(sql: str, *, kinds: bool = True) -> ProgrammingError | None:
    """The syntax error of a statement that starts with no Snowflake command word, or (with
    ``kinds``) names no Snowflake object kind after CREATE / ALTER / DROP / UNDROP /
    DESCRIBE; None otherwise (https://docs.snowflake.com/en/sql-reference/sql-all)."""
    try:
        found = DIALECT.tokenize(sql)
    except TokenError:
        return None
    words = [t for t in found if t.token_type != TokenType.SEMICOLON]
    if not words or words[0].token_type in _PUNCTUATION:
        return None  # "(SELECT …)" and the like: the parser's own error stands
    first = words[0]
    if first.token_type in (TokenType.IDENTIFIER, TokenType.STRING):
        return unexpected(sql, first)
    verb = first.text.upper()
    if verb not in COMMAND_WORDS:
        return unexpected(sql, first)
    if not kinds or verb not in KIND_VERBS:
        return None
    rest = words[1:]
    while rest and rest[0].text.upper() in MODIFIERS:
        rest = rest[1:]
    if not rest:
        return unexpected(sql, None, found[-1])
    if rest[0].text.upper() not in OBJECT_KIND_WORDS:
        return unexpected(sql, rest[0])
    return None


_PUNCTUATION = frozenset({TokenType.L_PAREN, TokenType.R_PAREN})
#: Parsed nodes that are statements: no other check is needed for them.
_PARSED_STATEMENTS = (exp.Query, exp.DML, exp.DDL, exp.Set, exp.Use, exp.Transaction)


def _empty_identifier(sql: str) -> ProgrammingError | None:
    """The syntax error of a zero-length quoted identifier (``""``), which names nothing
    (https://docs.snowflake.com/en/sql-reference/identifiers-syntax: a double-quoted
    identifier holds at least one character)."""
    try:
        found = DIALECT.tokenize(sql)
    except TokenError:
        return None
    for token in found:
        if token.token_type == TokenType.IDENTIFIER and token.text == "":
            line_start = sql.rfind("\n", 0, token.start) + 1
            return errors.syntax_error(token.line, token.start - line_start, '""')
    return None


def _syntax_error_from_text(sql: str, message: str) -> ProgrammingError:
    first = sql.strip().split(None, 1)
    return errors.syntax_error(1, 0, first[0] if first else message)


def statement_name(sql: str) -> str:
    """A short statement kind for messages: ``CREATE STREAM``, ``ALTER TASK`` …"""
    words = leading_words(sql, 8)
    if not words:
        return "empty statement"
    head = [words[0]]
    for word in words[1:]:
        if word in MODIFIERS:  # OR REPLACE, OR ALTER, IF NOT EXISTS, TEMPORARY …
            continue
        head.append(word)
        if word not in ("DYNAMIC", "ICEBERG", "EXTERNAL", "MATERIALIZED", "EVENT", "HYBRID"):
            break
    return " ".join(head)
