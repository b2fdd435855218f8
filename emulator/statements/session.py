"""USE, ALTER SESSION, SET / UNSET and transaction control."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.resolve import stored, written_parts
from emulator.core.script import leading_words
from emulator.core.state import PARAMETER_DEFAULTS, coerce_parameter
from icebridge.sql.identifiers import join_parts, split_name

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
        row = sql.run(emu.con, emu.translate(select)).fetchone()
        assert row is not None
        for name, value in zip(names, row, strict=True):
            emu.state.variables[name] = value
    return status(SUCCESS)


def run_unset(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """UNSET var | UNSET (a, b)."""
    words = leading_words(text, 200)[1:]
    names = [split_name(w)[0] for w in words if w not in ("(", ")", ",")]
    for name in names:
        if name not in emu.state.variables:
            raise errors.generic(
                f"Session variable '{name}' does not exist", errno=2069, sqlstate="42000"
            )
        del emu.state.variables[name]
    return status(SUCCESS)


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
