"""The single path through which every identifier is parsed, normalised and quoted.

Snowflake rules (https://docs.snowflake.com/en/sql-reference/identifiers-syntax):
an unquoted identifier starts with a letter or underscore, continues with
letters, digits, underscores or dollar signs, and is stored upper-case; a
double-quoted identifier keeps its exact text (a ``"`` inside is doubled).

Names given by users are written in that syntax: ``orders`` means ``ORDERS``,
``"Orders"`` means ``Orders``. Rendering quotes a name only when the bare form
would not read back as the same name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from icebridge.errors import IdentifierError

_UNQUOTED = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")
_STORED_BARE = re.compile(r"[A-Z_][A-Z0-9_$]*\Z")
MAX_LENGTH = 255

# Reserved and limited keywords that cannot stand unquoted as object names.
# https://docs.snowflake.com/en/sql-reference/reserved-keywords
RESERVED = frozenset(
    {
        "ACCOUNT",
        "ALL",
        "ALTER",
        "AND",
        "ANY",
        "AS",
        "BETWEEN",
        "BY",
        "CASE",
        "CAST",
        "CHECK",
        "COLUMN",
        "CONNECT",
        "CONNECTION",
        "CONSTRAINT",
        "CREATE",
        "CROSS",
        "CURRENT",
        "CURRENT_DATE",
        "CURRENT_TIME",
        "CURRENT_TIMESTAMP",
        "CURRENT_USER",
        "DATABASE",
        "DELETE",
        "DISTINCT",
        "DROP",
        "ELSE",
        "EXISTS",
        "FALSE",
        "FOLLOWING",
        "FOR",
        "FROM",
        "FULL",
        "GRANT",
        "GROUP",
        "GSCLUSTER",
        "HAVING",
        "ILIKE",
        "IN",
        "INCREMENT",
        "INNER",
        "INSERT",
        "INTERSECT",
        "INTO",
        "IS",
        "ISSUE",
        "JOIN",
        "LATERAL",
        "LEFT",
        "LIKE",
        "LOCALTIME",
        "LOCALTIMESTAMP",
        "MINUS",
        "NATURAL",
        "NOT",
        "NULL",
        "OF",
        "ON",
        "OR",
        "ORDER",
        "ORGANIZATION",
        "QUALIFY",
        "REGEXP",
        "REVOKE",
        "RIGHT",
        "RLIKE",
        "ROW",
        "ROWS",
        "SAMPLE",
        "SCHEMA",
        "SELECT",
        "SET",
        "SOME",
        "START",
        "TABLE",
        "TABLESAMPLE",
        "THEN",
        "TO",
        "TRIGGER",
        "TRUE",
        "TRY_CAST",
        "UNION",
        "UNIQUE",
        "UPDATE",
        "USING",
        "VALUES",
        "VIEW",
        "WHEN",
        "WHENEVER",
        "WHERE",
        "WITH",
    }
)


def normalize(part: str, *, what: str = "identifier") -> str:
    """Return the stored form of one identifier written in Snowflake syntax.

    ``orders`` -> ``ORDERS``; ``"Orders"`` -> ``Orders``; ``"a""b"`` -> ``a"b``.
    Raises :class:`IdentifierError` naming ``what`` when the text is not one identifier.
    """
    if not part:
        raise IdentifierError(f"{what}: an identifier cannot be empty", field=what)
    if part.startswith('"'):
        if len(part) < 2 or not part.endswith('"'):
            raise IdentifierError(f"{what}: unterminated quoted identifier {part!r}", field=what)
        inner = part[1:-1]
        if '"' in inner.replace('""', ""):
            raise IdentifierError(
                f"{what}: a double quote inside a quoted identifier must be doubled: {part!r}",
                field=what,
            )
        value = inner.replace('""', '"')
        if not value:
            raise IdentifierError(f"{what}: an identifier cannot be empty", field=what)
    else:
        if not _UNQUOTED.match(part):
            raise IdentifierError(
                f"{what}: {part!r} is not a valid unquoted identifier; "
                'double-quote it (e.g. "my name") to use other characters',
                field=what,
            )
        value = part.upper()
    if len(value) > MAX_LENGTH:
        raise IdentifierError(f"{what}: identifier longer than {MAX_LENGTH} characters", field=what)
    if "\x00" in value:
        raise IdentifierError(f"{what}: identifier contains a NUL character", field=what)
    return value


def split_name(text: str, *, what: str = "name") -> list[str]:
    """Split a dotted name (``db.schema."My Table"``) into stored parts."""
    parts: list[str] = []
    buf: list[str] = []
    in_quotes = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            if in_quotes and i + 1 < len(text) and text[i + 1] == '"':
                buf.append('""')
                i += 2
                continue
            in_quotes = not in_quotes
            buf.append(ch)
        elif ch == "." and not in_quotes:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    if in_quotes:
        raise IdentifierError(f"{what}: unterminated quoted identifier in {text!r}", field=what)
    parts.append("".join(buf))
    return [normalize(p.strip(), what=what) for p in parts]


def needs_quotes(value: str) -> bool:
    """True when the stored name ``value`` must be double-quoted to read back unchanged."""
    return not _STORED_BARE.match(value) or value in RESERVED


def quote(value: str) -> str:
    """Render a stored name as SQL text, quoting only when needed."""
    if needs_quotes(value):
        return '"' + value.replace('"', '""') + '"'
    return value


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def case_insensitive_key(value: str) -> str:
    """The stored name ``value`` with its ASCII letters lower-cased.

    Snowflake keeps ``ID`` and ``"id"`` apart, but DuckDB, which holds the emulator's tables,
    compares identifiers ignoring ASCII case: names with the same key are one name there.
    """
    return value.translate(_ASCII_LOWER)


def identifier(value: str) -> exp.Identifier:
    """A sqlglot identifier node for the stored name ``value``."""
    return exp.Identifier(this=value, quoted=needs_quotes(value))


@dataclass(frozen=True, order=True)
class ObjectName:
    """A fully-qualified object name: database, schema and object, in stored form."""

    database: str
    schema: str
    name: str

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        database: str | None = None,
        schema: str | None = None,
        what: str = "name",
    ) -> ObjectName:
        """Parse ``[db.][schema.]name``, filling missing parts from the defaults given."""
        parts = split_name(text, what=what)
        if len(parts) > 3:
            raise IdentifierError(f"{what}: {text!r} has more than three parts", field=what)
        if len(parts) == 3:
            return cls(*parts)
        if len(parts) == 2:
            if database is None:
                raise IdentifierError(f"{what}: {text!r} needs a database", field=what)
            return cls(database, parts[0], parts[1])
        if database is None or schema is None:
            raise IdentifierError(
                f"{what}: {text!r} needs a schema (write SCHEMA.NAME)", field=what
            )
        return cls(database, schema, parts[0])

    @property
    def parts(self) -> tuple[str, str, str]:
        return (self.database, self.schema, self.name)

    def sql(self) -> str:
        """The name as SQL text, e.g. ``DB.STAGING."my table"``."""
        return ".".join(quote(p) for p in self.parts)

    def table(self) -> exp.Table:
        """A sqlglot table node for this name."""
        return exp.Table(
            this=identifier(self.name),
            db=identifier(self.schema),
            catalog=identifier(self.database),
        )

    def with_name(self, name: str) -> ObjectName:
        """The same database and schema, another object name (stored form)."""
        return ObjectName(self.database, self.schema, name)

    def __str__(self) -> str:
        return self.sql()


def column(value: str, table: str | None = None) -> exp.Column:
    """A sqlglot column node for the stored column name ``value`` (optionally qualified)."""
    return exp.Column(this=identifier(value), table=identifier(table) if table else None)


def join_parts(parts: Sequence[str]) -> str:
    """Render stored name parts as a dotted SQL name."""
    return ".".join(quote(p) for p in parts)
