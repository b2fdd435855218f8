"""Statement text for the emulator's DB-API connection: splitting scripts, binding parameters.

Values are never spliced into SQL text. The statement's placeholders (``%s`` / ``%(name)s`` in
the connector's default ``pyformat`` style; ``?`` or ``:1`` in ``qmark`` / ``numeric`` style) are
first rewritten, outside string literals, identifiers and comments, into numbered placeholders
``:1``, ``:2``, …; the statement is parsed with the icebridge Snowflake dialect, each placeholder
node is replaced by a literal node built from the Python value, and the tree is generated back to
Snowflake SQL (the generator escapes strings).

Binding styles follow snowflake-connector-python
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-example#binding-data).
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

from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import DIALECT, generate, parse

Params = Sequence[Any] | Mapping[str, Any]

#: Parsed statement templates (placeholders numbered) by text, least recently used first:
#: a statement run again with other values is not parsed again.
TEMPLATES_KEPT = 256
_templates: OrderedDict[str, exp.Expression] = OrderedDict()
_templates_lock = threading.Lock()


def bind(sql: str, params: Params) -> str:
    """``sql`` with ``params`` bound as literals, as Snowflake SQL text."""
    return generate(bind_tree(sql, params))


def bind_tree(sql: str, params: Params) -> exp.Expression:
    """Parse ``sql`` and replace its placeholders with literal nodes for ``params`` (a new
    tree, the caller's to change)."""
    text, values = number_placeholders(sql, params)
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
        node.replace(literal(values[int(key) - 1]))
    if len(used) != len(values):
        raise ProgrammingError(
            f"{len(values)} parameters given but the statement uses {len(used)}",
            errno=8,
            sqlstate="07002",
        )
    return tree


def literal(value: Any) -> exp.Expression:
    """A Snowflake literal node for one Python value."""
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


def number_placeholders(sql: str, params: Params) -> tuple[str, list[Any]]:
    """Rewrite placeholders to ``:1``, ``:2``, … and return the values in that numbering.

    A mapping binds ``%(name)s``. A sequence binds ``%s`` when the statement uses it (pyformat,
    where ``%%`` stands for ``%``), otherwise ``?`` (numbered in order) or ``:n`` (kept).
    """
    pieces = _scan(sql)
    markers = {p for kind, p in pieces if kind == "code" for p in _markers(p)}
    if isinstance(params, Mapping):
        return _pyformat(pieces, None, params)
    if isinstance(params, str | bytes):
        raise ProgrammingError("parameters must be a sequence or a mapping", errno=8)
    values = list(params)
    if "%s" in markers or "%(" in markers:
        return _pyformat(pieces, values, None)
    out: list[str] = []
    count = 0
    for kind, text in pieces:
        if kind != "code":
            out.append(text)
            continue
        parts = text.split("?")
        rebuilt = [parts[0]]
        for rest in parts[1:]:
            count += 1
            rebuilt.append(f" :{count} {rest}")
        out.append("".join(rebuilt))
    return "".join(out), values


def _markers(code: str) -> set[str]:
    found = set()
    i = 0
    while i < len(code) - 1:
        if code[i] == "%":
            nxt = code[i + 1]
            if nxt == "%":
                i += 2
                continue
            if nxt == "s":
                found.add("%s")
            elif nxt == "(":
                found.add("%(")
        i += 1
    return found


def _pyformat(
    pieces: list[tuple[str, str]], positional: list[Any] | None, named: Mapping[str, Any] | None
) -> tuple[str, list[Any]]:
    out: list[str] = []
    values: list[Any] = []
    slots: dict[str, int] = {}
    next_positional = 0
    for kind, text in pieces:
        if kind != "code":
            out.append(text)
            continue
        i = 0
        while i < len(text):
            ch = text[i]
            if ch != "%" or i + 1 >= len(text):
                out.append(ch)
                i += 1
                continue
            nxt = text[i + 1]
            if nxt == "%":
                out.append("%")
                i += 2
            elif nxt == "s":
                if positional is None:
                    raise ProgrammingError("%s needs a sequence of parameters, not a mapping")
                if next_positional >= len(positional):
                    raise ProgrammingError(
                        f"not enough parameters: the statement needs more than {len(positional)}"
                    )
                values.append(positional[next_positional])
                next_positional += 1
                out.append(f" :{len(values)} ")
                i += 2
            elif nxt == "(":
                end = text.find(")s", i)
                if end < 0:
                    raise ProgrammingError(f"unterminated %(name)s placeholder in {text!r}")
                name = text[i + 2 : end]
                if named is None:
                    raise ProgrammingError(f"%({name})s needs a mapping of parameters")
                if name not in named:
                    raise ProgrammingError(f"no value given for parameter %({name})s")
                if name not in slots:
                    values.append(named[name])
                    slots[name] = len(values)
                out.append(f" :{slots[name]} ")
                i = end + 2
            else:
                out.append(ch)
                i += 1
    if positional is not None and next_positional != len(positional):
        raise ProgrammingError(
            f"not all parameters were used: {len(positional)} given, {next_positional} used"
        )
    return "".join(out), values


def _scan(sql: str) -> list[tuple[str, str]]:
    """Split SQL into ("code", …) and ("quoted", …) pieces: strings, identifiers, comments."""
    pieces: list[tuple[str, str]] = []
    start = i = 0
    n = len(sql)

    def flush(end: int, kind: str = "code") -> None:
        if end > start:
            pieces.append((kind, sql[start:end]))

    while i < n:
        ch = sql[i]
        two = sql[i : i + 2]
        end = -1
        if ch == "'":
            end = _end_of_string(sql, i)
        elif ch == '"':
            close = sql.find('"', i + 1)
            while close >= 0 and sql[close + 1 : close + 2] == '"':
                close = sql.find('"', close + 2)
            end = close + 1 if close >= 0 else n
        elif two == "$$":
            close = sql.find("$$", i + 2)
            end = close + 2 if close >= 0 else n
        elif two in ("--", "//"):
            close = sql.find("\n", i)
            end = close if close >= 0 else n
        elif two == "/*":
            close = sql.find("*/", i + 2)
            end = close + 2 if close >= 0 else n
        if end < 0:
            i += 1
            continue
        flush(i)
        start = i
        flush(end, "quoted")
        start = i = end
    flush(n)
    return pieces


def _end_of_string(sql: str, i: int) -> int:
    """Index after the '…' literal starting at ``i`` (backslash escapes and '' doubling)."""
    j = i + 1
    while j < len(sql):
        if sql[j] == "\\":
            j += 2
            continue
        if sql[j] == "'":
            if sql[j + 1 : j + 2] == "'":
                j += 2
                continue
            return j + 1
        j += 1
    return len(sql)


def multi_row_insert(command: str, seqparams: Sequence[Params]) -> str | None:
    """One multi-row INSERT for ``INSERT … VALUES (<placeholders>)``, else None."""
    tree = multi_row_insert_tree(command, seqparams)
    return generate(tree) if tree is not None else None


def multi_row_insert_tree(command: str, seqparams: Sequence[Params]) -> exp.Expression | None:
    """:func:`multi_row_insert` as a tree (a new one, the caller's to change), else None."""
    text, first = number_placeholders(command, seqparams[0])
    tree = _template(text)
    values = tree.expression if isinstance(tree, exp.Insert) else None
    if not isinstance(values, exp.Values) or len(values.expressions) != 1:
        return None
    row = values.expressions[0]
    if not row.find(exp.Placeholder):
        return None
    rows_: list[exp.Expression] = [substitute(row, first)]
    for params in seqparams[1:]:
        _, bound = number_placeholders(command, params)
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
