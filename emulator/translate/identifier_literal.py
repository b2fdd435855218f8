"""``IDENTIFIER('name')``, ``IDENTIFIER($var)`` and ``IDENTIFIER(?)``: names given as values.

https://docs.snowflake.com/en/sql-reference/identifier-literal: the string (a literal, a
session variable, or a bound value) is an object name, possibly qualified
(``'db.schema.t'``), whose parts follow the identifier rules: unquoted parts are
case-insensitive (stored upper-case), double-quoted parts exact. A string that is not a
name is an invalid identifier; it is never read as a file or an expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from emulator import errors
from emulator.translate.context import TranslateContext
from icebridge.errors import IdentifierError
from icebridge.sql.identifiers import split_name


def _text(node: exp.DynamicIdentifier, variables: Mapping[str, Any] | None) -> str:
    value = node.this
    if isinstance(value, exp.Parameter) and isinstance(value.this, exp.Var | exp.Identifier):
        name = value.this.name.upper()
        found = {k.upper(): v for k, v in (variables or {}).items()}
        if variables is None:
            raise errors.unsupported(f"IDENTIFIER(${name}) in this statement")
        if name not in found:
            raise errors.generic(
                f"SQL compilation error:\nSession variable '${name}' does not exist",
                errno=2211,
                sqlstate="02000",
            )
        value = exp.Literal.string(str(found[name]))
    if isinstance(value, exp.Literal) and value.is_string:
        return str(value.this)
    if isinstance(value, exp.Placeholder):
        raise errors.generic(
            "SQL compilation error:\nBind variable ? not set.", errno=2049, sqlstate="42601"
        )
    raise errors.invalid_identifier(value.sql(dialect="snowflake"))


def name_parts(node: exp.DynamicIdentifier, variables: Mapping[str, Any] | None) -> list[str]:
    """The stored name parts (outermost first) an ``IDENTIFIER(...)`` names.

    ``variables`` are the session variables (stored names); ``None`` means they are not
    available where the name is read, and ``IDENTIFIER($v)`` is then unsupported.
    """
    text = _text(node, variables)
    try:
        parts = split_name(text, what="identifier")
    except IdentifierError:
        raise errors.invalid_identifier(text) from None
    if not 1 <= len(parts) <= 3:
        raise errors.invalid_identifier(text)
    return parts


def _table(table: exp.Table, variables: Mapping[str, Any]) -> None:
    dynamic = table.this
    assert isinstance(dynamic, exp.DynamicIdentifier)
    parts = [exp.Identifier(this=p, quoted=True) for p in name_parts(dynamic, variables)]
    table.set("this", parts[-1])
    table.set("db", parts[-2] if len(parts) > 1 else None)
    table.set("catalog", parts[-3] if len(parts) > 2 else None)


def identifier_literals(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Replace ``IDENTIFIER(...)`` by the name it holds: a table (FROM, JOIN, DML
    targets) or a column (elsewhere).

    Runs after session variables are substituted (``$v`` is a literal by then) and before
    identifiers are normalised, so the parts are written as the string spells them
    (stored form, quoted).
    """
    for node in list(tree.find_all(exp.DynamicIdentifier)):
        parent = node.parent
        if isinstance(parent, exp.Table) and parent.this is node:
            _table(parent, ctx.variables)
            continue
        parts = [exp.Identifier(this=p, quoted=True) for p in name_parts(node, ctx.variables)]
        if len(parts) > 2:
            raise errors.invalid_identifier(".".join(p.name for p in parts))
        table = parts[0] if len(parts) == 2 else None
        node.replace(exp.Column(this=parts[-1], table=table))
    return tree
