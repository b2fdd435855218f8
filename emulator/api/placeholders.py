"""Placeholders of a statement, numbered ``:1``, ``:2``, … with their values in order.

The text is scanned outside string literals, quoted identifiers and comments (and, in the
connector's client-side styles, inside them as Python's ``%`` would), and each placeholder
style of snowflake-connector-python is rewritten to numbered placeholders, which
:mod:`emulator.api.binding` then replaces with literal nodes. The rules per paramstyle are
in :mod:`emulator.api.binding`'s module docstring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from icebridge.errors import ProgrammingError

#: Parameters of one statement: a sequence (positional) or a mapping (named).
Params = Sequence[Any] | Mapping[str, Any]

#: The connector's paramstyles (``SUPPORTED_PARAMSTYLES`` in its connection.py).
PARAMSTYLES = frozenset({"pyformat", "format", "qmark", "numeric"})
#: Client-side styles: the connector formats the text with Python's ``%``.
CLIENT_STYLES = frozenset({"pyformat", "format"})
#: The connector's error numbers for bad parameters (its errorcode.py).
ER_FAILED_PROCESSING_PYFORMAT = 252004
ER_FAILED_PROCESSING_QMARK = 252012


class Typed(NamedTuple):
    """A qmark / numeric value bound with an explicit Snowflake type."""

    type_name: str
    value: Any


def number_placeholders(
    sql: str, params: Params, paramstyle: str | None = None
) -> tuple[str, list[Any]]:
    """Rewrite placeholders to ``:1``, ``:2``, … and return the values in that numbering.

    Without ``paramstyle``: a mapping binds ``%(name)s``; a sequence binds ``%s`` when the
    statement uses it (pyformat, where ``%%`` stands for ``%``), otherwise ``?`` (numbered in
    order) or ``:n`` (kept). With one, the connector's rules for that style (module doc).
    """
    pieces = _scan(sql)
    if paramstyle is not None:
        return _styled(pieces, params, paramstyle)
    markers = {p for kind, p in pieces if kind == "code" for p in _markers(p)}
    if isinstance(params, Mapping):
        return _pyformat(pieces, None, params)
    if isinstance(params, str | bytes):
        raise ProgrammingError("parameters must be a sequence or a mapping", errno=8)
    values = list(params)
    if "%s" in markers or "%(" in markers:
        return _pyformat(pieces, values, None)
    return _qmark(pieces, values)


def _styled(
    pieces: list[tuple[str, str]], params: Params, paramstyle: str
) -> tuple[str, list[Any]]:
    if paramstyle in CLIENT_STYLES:
        if isinstance(params, Mapping):
            return _pyformat(pieces, None, params, exact=True)
        # The connector binds any other single value as a one-element list.
        values = list(params) if isinstance(params, list | tuple) else [params]
        return _pyformat(pieces, values, None, exact=True)
    if not isinstance(params, list | tuple):
        raise ProgrammingError(
            f"Binding parameters must be a list: {params}", errno=ER_FAILED_PROCESSING_PYFORMAT
        )
    values = [_typed(v) for v in params]
    return _qmark(pieces, values)


def _typed(value: Any) -> Any:
    """A qmark element: a (snowflake_type, value) pair or a single value."""
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[0], str):
            raise ProgrammingError(
                "Binding parameters must be a list where one element is a single value or "
                "a pair of Snowflake datatype and a value",
                errno=ER_FAILED_PROCESSING_QMARK,
            )
        return Typed(value[0], value[1])
    if isinstance(value, list):
        raise ProgrammingError(
            "a list binds as an array only in executemany (bulk insert)",
            errno=ER_FAILED_PROCESSING_QMARK,
        )
    return value


def _qmark(pieces: list[tuple[str, str]], values: list[Any]) -> tuple[str, list[Any]]:
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
    pieces: list[tuple[str, str]],
    positional: list[Any] | None,
    named: Mapping[str, Any] | None,
    *,
    exact: bool = False,
) -> tuple[str, list[Any]]:
    """``%s`` / ``%(name)s`` -> ``:n``. ``exact``: as Python's ``%`` over the whole text
    (the connector's way): ``%%`` is ``%`` inside quotes too, a placeholder in a comment
    takes its value (and vanishes with the comment), one in a string or quoted identifier
    is refused (the connector would splice the value's text into it)."""
    out: list[str] = []
    values: list[Any] = []
    slots: dict[str, int] = {}
    next_positional = 0
    for kind, text in pieces:
        if kind != "code":
            if exact and "%" in text:
                text, next_positional = _quoted_percent(text, positional, named, next_positional)
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
                if exact:
                    raise _bad_format(text[i : i + 2])
                out.append(ch)
                i += 1
    if positional is not None and next_positional != len(positional):
        raise ProgrammingError(
            f"not all parameters were used: {len(positional)} given, {next_positional} used"
        )
    return "".join(out), values


def _quoted_percent(
    text: str, positional: list[Any] | None, named: Mapping[str, Any] | None, taken: int
) -> tuple[str, int]:
    """A quoted piece under Python's ``%``: its text and the positional values it took."""
    comment = text.startswith(("--", "//", "/*"))
    out: list[str] = []
    i = 0
    while i < len(text):
        two = text[i : i + 2]
        if two == "%%":
            out.append("%")
            i += 2
            continue
        if text[i] != "%":
            out.append(text[i])
            i += 1
            continue
        if two == "%s" or two == "%(":
            end = i + 2 if two == "%s" else text.find(")s", i) + 2
            if end < i + 2:
                raise ProgrammingError(f"unterminated %(name)s placeholder in {text!r}")
            if not comment:
                raise ProgrammingError(
                    f"a parameter placeholder inside a quoted string or identifier ({text}): "
                    "the connector would splice the value's SQL text into it; bind the whole "
                    "value instead",
                    errno=ER_FAILED_PROCESSING_PYFORMAT,
                )
            if two == "%s":
                if positional is None or taken >= len(positional):
                    raise ProgrammingError("not enough parameters for the placeholders")
                taken += 1
            elif named is not None and text[i + 2 : end - 2] not in named:
                raise ProgrammingError(f"no value given for parameter {text[i:end]}")
            out.append("?")  # the comment keeps a harmless mark of the value
            i = end
            continue
        raise _bad_format(two)
    return "".join(out), taken


def _bad_format(marker: str) -> ProgrammingError:
    return ProgrammingError(
        f"Failed processing pyformat-parameters: unsupported format {marker!r} (with "
        "parameters bound in pyformat style, write a literal % as %%)",
        errno=ER_FAILED_PROCESSING_PYFORMAT,
    )


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
