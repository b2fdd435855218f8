"""Shared pieces of SHOW statements: LIKE patterns, IN scopes and result tables.

https://docs.snowflake.com/en/sql-reference/sql/show (LIKE is case-insensitive with SQL
wildcards; IN ACCOUNT | DATABASE d | SCHEMA s narrows the objects listed).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import CatalogObject
from emulator.core.outcome import Outcome
from emulator.core.resolve import written_parts

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def like_filter(pattern: exp.Expression | None) -> Callable[[str], bool]:
    """A predicate for ``LIKE '<pattern>'`` (everything when there is none)."""
    if pattern is None:
        return lambda name: True
    regex = fnmatch.translate(pattern.name.replace("%", "*").replace("_", "?").upper())
    compiled = re.compile(regex)
    return lambda name: compiled.match(name.upper()) is not None


def rows_table(rows: list[dict[str, Any]], names: list[str]) -> pa.Table:
    """Rows as an Arrow table with columns ``names`` (all strings when empty)."""
    return (
        pa.table({n: pa.array([r[n] for r in rows]) for n in names})
        if rows
        else pa.table({n: pa.array([], pa.string()) for n in names})
    )


def outcome_of(table: pa.Table) -> Outcome:
    """A SHOW result: the table and its row count."""
    return Outcome(table, table.num_rows)


def scope_database(emu: Engine, node: exp.Expression) -> str:
    """The database a SHOW … IN DATABASE names, else the current one."""
    scope = node.args.get("scope")
    if isinstance(scope, exp.Table):
        name = written_parts(scope)[-1]
        if not emu.catalog.database_exists(name):
            raise errors.object_does_not_exist(name, "Database")
        return name
    if emu.state.database is None:
        raise errors.no_current_database("SHOW SCHEMAS")
    return emu.state.database


def scoped_objects(emu: Engine, node: exp.Expression, kind: str) -> list[CatalogObject]:
    """The objects of ``kind`` a SHOW statement's IN clause covers."""
    scope = node.args.get("scope")
    scope_kind = str(node.args.get("scope_kind") or "").upper()
    if isinstance(scope, exp.Table):
        parts = written_parts(scope)
        if scope_kind == "DATABASE" or (
            scope_kind != "SCHEMA" and len(parts) == 1 and emu.catalog.database_exists(parts[0])
        ):
            if not emu.catalog.database_exists(parts[-1]):
                raise errors.object_does_not_exist(parts[-1], "Database")
            return emu.catalog.objects(database=parts[-1], kind=kind)
        database = parts[0] if len(parts) == 2 else emu.state.database
        if database is None:
            raise errors.no_current_database("SHOW")
        emu.catalog.require_schema(database, parts[-1])
        return emu.catalog.objects(database=database, schema=parts[-1], kind=kind)
    if scope_kind == "ACCOUNT" or emu.state.database is None:
        return emu.catalog.objects(kind=kind)
    if emu.state.schema is None:
        return emu.catalog.objects(database=emu.state.database, kind=kind)
    return emu.catalog.objects(database=emu.state.database, schema=emu.state.schema, kind=kind)
