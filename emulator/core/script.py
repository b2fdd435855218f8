"""Splitting a Snowflake script into statements and parsing each one.

``;`` inside strings, ``$$`` strings, comments and Scripting blocks never ends a
statement. Statements are parsed one by one so that an earlier statement
runs before a later one fails to parse (Snowflake runs a script in order).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

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
    if len(nodes) != 1:
        raise errors.generic(
            f"Actual statement count {len(nodes)} did not match the desired statement count 1.",
            errno=8,
            sqlstate="0A000",
        )
    node = nodes[0]
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
