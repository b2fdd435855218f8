"""Statement text for the emulator's DB-API connection: splitting scripts, binding parameters.

Values are never spliced into SQL text. The statement's placeholders (``%s`` / ``%(name)s`` in
the connector's default ``pyformat`` style; ``?`` or ``:1`` in ``qmark`` / ``numeric`` style) are
first rewritten, outside string literals, identifiers and comments, into numbered placeholders
``:1``, ``:2``, …; the statement is parsed with the icebridge Snowflake dialect, each placeholder
node is replaced by a literal node built from the Python value, and the tree is generated back to
Snowflake SQL (the generator escapes strings).

Binding styles follow snowflake-connector-python
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-example#binding-data).
With an explicit ``paramstyle`` (a connection always passes its own) the connector's rules hold:
``pyformat`` / ``format`` bind ``%s`` and ``%(name)s`` and read ``%%`` as ``%`` anywhere in the
text, string literals included, because the connector formats the whole text with Python's
``%`` (``SnowflakeCursor._preprocess_pyformat_query``); a list or tuple value becomes a
comma-separated list (``IN (%s)``), as the connector's ``_list_to_snowflake`` makes it.
``qmark`` / ``numeric`` bind ``?`` and ``:n`` server-side: parameters must be a list or tuple,
and an element may be a ``(snowflake_type, value)`` pair
(``SnowflakeConnection._get_snowflake_type_and_binding``). Without a paramstyle the style is
inferred from the statement and placeholders inside quotes are left alone.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import TokenType

from emulator.api.placeholders import (
    CLIENT_STYLES,
    ER_FAILED_PROCESSING_PYFORMAT,
    ER_FAILED_PROCESSING_QMARK,
    PARAMSTYLES,
    Params,
    Typed,
    number_placeholders,
)
from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import DIALECT, generate, parse

__all__ = [
    "CLIENT_STYLES",
    "ER_FAILED_PROCESSING_PYFORMAT",
    "PARAMSTYLES",
    "Params",
    "Typed",
    "bind",
    "bind_tree",
    "binds",
    "literal",
    "multi_row_insert",
    "multi_row_insert_tree",
    "number_placeholders",
    "parse_one_statement",
    "split_statements",
    "substitute",
]

#: Parsed statement templates (placeholders numbered) by text, least recently used first:
#: a statement run again with other values is not parsed again.
TEMPLATES_KEPT = 256
_templates: OrderedDict[str, exp.Expression] = OrderedDict()
_templates_lock = threading.Lock()


def binds(params: Any, paramstyle: str | None) -> bool:
    """Whether ``execute(command, params)`` binds at all. As the connector by default
    (``interpolate_empty_sequences=False``): None or an empty sequence / mapping binds
    nothing and the text is sent as written; in qmark / numeric style a mapping still
    reaches the binder, which refuses it."""
    if params is None:
        return False
    if isinstance(params, Mapping):
        return len(params) > 0 or paramstyle not in (None, *CLIENT_STYLES)
    if isinstance(params, list | tuple):
        return len(params) > 0
    return True  # one bare value: the connector binds it as a one-element list


def bind(sql: str, params: Params, paramstyle: str | None = None) -> str:
    """``sql`` with ``params`` bound as literals, as Snowflake SQL text."""
    return generate(bind_tree(sql, params, paramstyle))


def bind_tree(sql: str, params: Params, paramstyle: str | None = None) -> exp.Expression:
    """Parse ``sql`` and replace its placeholders with literal nodes for ``params`` (a new
    tree, the caller's to change)."""
    text, values = number_placeholders(sql, params, paramstyle)
    return substitute(_template(text), values)


def _template(text: str) -> exp.Expression:
    """The parsed statement ``text``, shared: callers copy before changing it."""
    with _templates_lock:
        kept = _templates.get(text)
        if kept is not None:
            _templates.move_to_end(text)
            return kept
    tree = parse_one_statement(text)
    with _templates_lock:
        _templates[text] = tree
        if len(_templates) > TEMPLATES_KEPT:
            _templates.popitem(last=False)
    return tree


def parse_one_statement(text: str) -> exp.Expression:
    """Parse exactly one statement; a ProgrammingError otherwise."""
    try:
        statements = parse(text)
    except (ParseError, TokenError) as err:
        raise ProgrammingError(
            f"SQL compilation error:\ncannot bind parameters: {err}", errno=1003, sqlstate="42000"
        ) from None
    if len(statements) != 1:
        raise ProgrammingError(
            f"execute() runs one statement; got {len(statements)} (use execute_string)",
            errno=8,
            sqlstate="0A000",
        )
    return statements[0]


def substitute(tree: exp.Expression, values: Sequence[Any]) -> exp.Expression:
    """A copy of ``tree`` whose ``:n`` placeholders are the literals of ``values[n-1]``."""
    tree = tree.copy()
    if isinstance(tree, exp.Command) and values:
        raise ProgrammingError(
            f"parameters cannot be bound in a {tree.name.upper()} statement",
            errno=8,
            sqlstate="0A000",
        )
    used: set[int] = set()
    for node in list(tree.find_all(exp.Placeholder)):
        key = node.this
        if not (isinstance(key, str) and key.isdigit()) or not 1 <= int(key) <= len(values):
            shown = f":{key}" if key is not None else "?"
            raise ProgrammingError(
                f"no value bound for placeholder {shown}", errno=8, sqlstate="07002"
            )
        used.add(int(key))
        value = values[int(key) - 1]
        if isinstance(value, list | tuple) and not isinstance(value, Typed):
            _expand(node, value)
        else:
            node.replace(literal(value))
    if len(used) != len(values):
        raise ProgrammingError(
            f"{len(values)} parameters given but the statement uses {len(used)}",
            errno=8,
            sqlstate="07002",
        )
    return tree


def _expand(node: exp.Expression, values: Sequence[Any]) -> None:
    """A list value where a list belongs: ``IN (%s)``, ``VALUES (%s)``."""
    parent = node.parent
    if not isinstance(parent, exp.In | exp.Tuple) or node.arg_key != "expressions":
        raise ProgrammingError(
            "a list or tuple parameter binds only inside IN (...) or a VALUES row",
            errno=ER_FAILED_PROCESSING_PYFORMAT,
            sqlstate="22018",
        )
    items = list(parent.expressions)
    at = items.index(node)
    items[at : at + 1] = [literal(v) for v in values]
    parent.set("expressions", items)


def literal(value: Any) -> exp.Expression:
    """A Snowflake literal node for one Python value."""
    if isinstance(value, Typed):
        try:
            target = exp.DataType.build(value.type_name, dialect="snowflake")
        except (ParseError, TokenError, ValueError):
            raise ProgrammingError(
                f"unknown Snowflake data type {value.type_name!r} for a bound value",
                errno=ER_FAILED_PROCESSING_QMARK,
            ) from None
        inner = literal(value.value)
        if isinstance(inner, exp.Cast):  # a typed value's own cast gives way to the type
            inner = inner.this
        return exp.Cast(this=inner, to=target)
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return exp.Literal.number(repr(value))
        text = "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return _cast(text, "FLOAT")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ProgrammingError(f"cannot bind Decimal {value}", errno=8, sqlstate="22018")
        return exp.Literal.number(str(value))
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return _cast(value.isoformat(sep=" "), "TIMESTAMP_NTZ")
        return _cast(value.isoformat(sep=" "), "TIMESTAMP_TZ")
    if isinstance(value, dt.date):
        return _cast(value.isoformat(), "DATE")
    if isinstance(value, dt.time):
        return _cast(value.isoformat(), "TIME")
    if isinstance(value, bytes | bytearray | memoryview):
        hexed = exp.Literal.string(bytes(value).hex().upper())
        return exp.ToBinary(this=hexed, format=exp.Literal.string("HEX"))
    raise ProgrammingError(
        f"cannot bind a value of type {type(value).__name__}: {value!r}", errno=8, sqlstate="22018"
    )


def _cast(text: str, type_name: str) -> exp.Cast:
    return exp.Cast(
        this=exp.Literal.string(text), to=exp.DataType.build(type_name, dialect="snowflake")
    )


def multi_row_insert(
    command: str, seqparams: Sequence[Params], paramstyle: str | None = None
) -> str | None:
    """One multi-row INSERT for ``INSERT … VALUES (<placeholders>)``, else None."""
    tree = multi_row_insert_tree(command, seqparams, paramstyle)
    return generate(tree) if tree is not None else None


def multi_row_insert_tree(
    command: str, seqparams: Sequence[Params], paramstyle: str | None = None
) -> exp.Expression | None:
    """:func:`multi_row_insert` as a tree (a new one, the caller's to change), else None."""
    text, first = number_placeholders(command, seqparams[0], paramstyle)
    tree = _template(text)
    values = tree.expression if isinstance(tree, exp.Insert) else None
    if not isinstance(values, exp.Values) or len(values.expressions) != 1:
        return None
    row = values.expressions[0]
    if not row.find(exp.Placeholder):
        return None
    rows_: list[exp.Expression] = [substitute(row, first)]
    for params in seqparams[1:]:
        _, bound = number_placeholders(command, params, paramstyle)
        rows_.append(substitute(row, bound))
    tree = tree.copy()
    tree.expression.set("expressions", rows_)
    return tree


def split_statements(sql_text: str) -> list[str]:
    """The statements of a script, split on ``;`` tokens (never inside strings or comments)."""
    try:
        tokens = DIALECT.tokenize(sql_text)
    except TokenError as err:
        raise ProgrammingError(
            f"SQL compilation error:\n{err}", errno=1003, sqlstate="42000"
        ) from None
    statements: list[str] = []
    first = last = None
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if first is not None and last is not None:
                statements.append(sql_text[first : last + 1])
            first = last = None
            continue
        if first is None:
            first = token.start
        last = token.end
    if first is not None and last is not None:
        statements.append(sql_text[first : last + 1])
    return statements
