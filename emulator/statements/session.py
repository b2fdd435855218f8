"""USE, ALTER SESSION, SET / UNSET and transaction control."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from emulator import errors
from emulator.core import sql
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.resolve import stored, written_parts
from emulator.core.rows import first_row
from emulator.core.script import tokens, unexpected
from emulator.core.state import PARAMETER_DEFAULTS, coerce_parameter
from icebridge.sql.identifiers import join_parts

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def run_use(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """USE [DATABASE|SCHEMA|WAREHOUSE|ROLE] name (https://docs.snowflake.com/en/sql-reference/sql/use)."""
    kind = str(node.args.get("kind") or "").upper()
    target = node.this
    if not isinstance(target, exp.Table):
        raise errors.unsupported("USE " + kind)
    parts = written_parts(target)
    if kind == "WAREHOUSE":
        emu.state.warehouse = parts[-1]
        return status(SUCCESS)
    if kind in ("ROLE", "SECONDARY"):
        emu.state.role = parts[-1]
        return status(SUCCESS)
    if kind == "DATABASE" or (kind == "" and len(parts) == 1):
        name = parts[-1]
        if not emu.catalog.database_exists(name):
            raise errors.object_does_not_exist(join_parts([name]), "Database")
        emu.state.database = name
        emu.state.schema = "PUBLIC" if emu.catalog.schema_exists(name, "PUBLIC") else None
        return status(SUCCESS)
    if kind in ("SCHEMA", ""):
        if len(parts) >= 2:
            database, schema = parts[-2], parts[-1]
        else:
            if emu.state.database is None:
                raise errors.no_current_database("USE SCHEMA")
            database, schema = emu.state.database, parts[-1]
        emu.catalog.require_schema(database, schema)
        emu.state.database, emu.state.schema = database, schema
        return status(SUCCESS)
    raise errors.unsupported(f"USE {kind}")


def _literal_value(value: exp.Expression) -> Any:
    if isinstance(value, exp.Boolean):
        return bool(value.this)
    if isinstance(value, exp.Literal):
        return value.this if value.is_string else value.to_py()
    if isinstance(value, exp.Column | exp.Identifier | exp.Var):
        return value.name
    return value.sql(dialect="snowflake")


def run_alter_session(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """ALTER SESSION SET / UNSET (https://docs.snowflake.com/en/sql-reference/sql/alter-session)."""
    for action in node.args.get("actions") or []:
        unset = bool(action.args.get("unset"))
        for item in action.expressions:
            target = item.this
            if stored(target.this if isinstance(target, exp.EQ) else target) == "AUTOCOMMIT":
                emu.commit()  # setting AUTOCOMMIT commits an open transaction (Snowflake)
            if unset:
                name = str(stored(target))
                if name not in PARAMETER_DEFAULTS:
                    raise errors.invalid_parameter(name)
                emu.state.parameters[name] = PARAMETER_DEFAULTS[name]
                continue
            if not isinstance(target, exp.EQ):
                raise errors.unsupported("ALTER SESSION form " + item.sql("snowflake"))
            name = str(stored(target.this))
            emu.state.parameters[name] = coerce_parameter(name, _literal_value(target.expression))
    emu.apply_timezone()
    return status(SUCCESS)


def run_set(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SET var = expr (https://docs.snowflake.com/en/sql-reference/sql/set)."""
    for item in node.expressions:
        target = item.this
        if not isinstance(target, exp.EQ):
            raise errors.unsupported("SET form " + item.sql("snowflake"))
        left = target.this
        names = (
            [str(stored(e)) for e in left.expressions]
            if isinstance(left, exp.Tuple)
            else [str(stored(left))]
        )
        right = target.expression
        values_nodes = right.expressions if isinstance(right, exp.Tuple) else [right]
        if len(names) != len(values_nodes):
            raise errors.generic(
                "SQL compilation error:\nVariable list and expression list sizes differ.",
                errno=2020,
                sqlstate="42601",
            )
        select = exp.select(*[v.copy() for v in values_nodes])
        row = first_row(sql.run(emu.con, emu.translate(select)))  # no pytz: through Arrow
        assert row is not None
        for name, value in zip(names, row, strict=True):
            emu.state.variables[name] = value
    return status(SUCCESS)


def run_unset(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """UNSET var | UNSET (a, b) (https://docs.snowflake.com/en/sql-reference/sql/unset)."""
    for name in _unset_names(text):
        if name not in emu.state.variables:
            raise errors.generic(
                f"Session variable '{name}' does not exist", errno=2069, sqlstate="42000"
            )
        del emu.state.variables[name]
    return status(SUCCESS)


def _unset_names(text: str) -> list[str]:
    """The variable names of an UNSET, as SET stores them (upper-case); the syntax error at the
    first token that does not fit ``UNSET name`` / ``UNSET (name, ...)``."""
    found = tokens(text)
    while found and found[-1].token_type == TokenType.SEMICOLON:
        found.pop()  # a statement may end in ';'
    rest = found[1:]
    wrapped = bool(rest) and rest[0].token_type == TokenType.L_PAREN
    if wrapped:
        if len(rest) < 2 or rest[-1].token_type != TokenType.R_PAREN:
            raise unexpected(text, None, found[-1])
        rest = rest[1:-1]
    names: list[str] = []
    for index, token in enumerate(rest):
        if index % 2:  # between names: a comma, only inside parentheses
            if not wrapped or token.token_type != TokenType.COMMA:
                raise unexpected(text, token)
            continue
        quoted = token.token_type == TokenType.IDENTIFIER
        if quoted or (token.token_type != TokenType.STRING and _UNQUOTED_NAME.match(token.text)):
            # SET keeps every variable name upper-case, and $name looks it up so.
            names.append(token.text.upper())
        else:
            raise unexpected(text, token)
    if not rest or len(rest) % 2 == 0:  # nothing, or a trailing comma
        raise unexpected(text, None, found[-1])
    return names


_UNQUOTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")


def run_begin(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """BEGIN / START TRANSACTION; a nested BEGIN is ignored as in Snowflake."""
    emu.begin()
    return status(SUCCESS)


def run_commit(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    emu.commit()
    return status(SUCCESS)


def run_rollback(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    emu.rollback()
    return status(SUCCESS)
