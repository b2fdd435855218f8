"""The one path every SHOW takes: TERSE, LIKE, IN, STARTS WITH and LIMIT … FROM.

https://docs.snowflake.com/en/sql-reference/sql/show-objects (and every SHOW <objects> page):

* ``TERSE`` returns only the kind's short column list (a kind without one refuses TERSE);
* ``LIKE '<pattern>'`` filters by object name, case-insensitively, with ``%`` and ``_``;
* ``IN ACCOUNT | DATABASE [db] | SCHEMA [schema] | TABLE t`` narrows the objects listed;
* ``STARTS WITH '<s>'`` keeps names beginning with ``s``, case-sensitively;
* ``LIMIT n [FROM '<s>']`` returns at most ``n`` rows, starting at the first row whose name
  matches ``s`` (a partial, case-sensitive name), after the other filters.

A handler builds the rows of its kind (in Snowflake's order) and hands them to :func:`show`
with the kind's :class:`Listing`; :func:`show_scope` and :func:`objects_in` resolve ``IN``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import CatalogObject
from emulator.core.outcome import Outcome
from emulator.core.resolve import written_parts
from emulator.core.script import leading_words
from icebridge.sql.identifiers import join_parts

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Arrow types of SHOW columns (SHOW output is text, numbers and instants).
TEXT = pa.string()
NUMBER = pa.int64()
INSTANT = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Clauses:
    """The filters written after ``SHOW [TERSE] <kind>``."""

    terse: bool = False
    like: str | None = None
    scope_kind: str | None = None
    scope: exp.Table | None = None
    starts_with: str | None = None
    limit: int | None = None
    from_: str | None = None


def clauses_of(node: exp.Expression, text: str) -> Clauses:
    """The clauses of a parsed ``SHOW`` (TERSE is read from the text as well: sqlglot drops
    it for some kinds, e.g. ``SHOW TERSE PRIMARY KEYS``)."""

    def string(key: str) -> str | None:
        value = node.args.get(key)
        return value.name if isinstance(value, exp.Literal) else None

    limit = node.args.get("limit")
    count = limit.args.get("expression") if isinstance(limit, exp.Limit) else None
    scope = node.args.get("scope")
    terse = bool(node.args.get("terse")) or leading_words(text, 2)[1:] == ["TERSE"]
    return Clauses(
        terse=terse,
        like=string("like"),
        scope_kind=str(node.args.get("scope_kind") or "").upper() or None,
        scope=scope if isinstance(scope, exp.Table) else None,
        starts_with=string("starts_with"),
        limit=int(count.name) if isinstance(count, exp.Literal) else None,
        from_=string("from_"),
    )


@dataclass(frozen=True)
class Listing:
    """The output shape of one SHOW kind.

    ``schema`` holds the documented columns in order; ``terse`` the TERSE columns (None:
    the kind has no TERSE form); ``name`` the column LIKE, STARTS WITH and FROM read;
    ``terse_values`` values that TERSE shows instead of the row's (``kind`` is ``TABLE``
    for every SHOW TERSE TABLES row).
    """

    schema: pa.Schema
    terse: tuple[str, ...] | None = None
    name: str = "name"
    terse_values: Mapping[str, Any] = field(default_factory=dict)


def listing(
    columns: Sequence[str | tuple[str, pa.DataType]],
    terse: Sequence[str] | None = None,
    *,
    name: str = "name",
    terse_values: Mapping[str, Any] | None = None,
) -> Listing:
    """A :class:`Listing` from column names (text) or ``(name, type)`` pairs."""
    fields = [pa.field(c, TEXT) if isinstance(c, str) else pa.field(*c) for c in columns]
    return Listing(
        pa.schema(fields),
        tuple(terse) if terse is not None else None,
        name,
        dict(terse_values or {}),
    )


def like_pattern(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern (``%``, ``_``, ``\\`` escapes) as a case-insensitive regex."""
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def like_filter(pattern: exp.Expression | str | None) -> Callable[[str], bool]:
    """A predicate for ``LIKE '<pattern>'`` (everything when there is none)."""
    if pattern is None:
        return lambda name: True
    compiled = like_pattern(pattern if isinstance(pattern, str) else pattern.name)
    return lambda name: compiled.fullmatch(name) is not None


def filtered(
    rows: Iterable[Mapping[str, Any]], clauses: Clauses, name: str = "name"
) -> list[Mapping[str, Any]]:
    """The rows LIKE, STARTS WITH and LIMIT … FROM keep, in their order."""
    like = like_filter(clauses.like)
    prefix = clauses.starts_with
    kept = [
        r
        for r in rows
        if like(str(r.get(name) or "")) and (prefix is None or str(r.get(name)).startswith(prefix))
    ]
    if clauses.from_ is not None:
        start = next(
            (i for i, r in enumerate(kept) if str(r.get(name)).startswith(clauses.from_)),
            len(kept),
        )
        kept = kept[start:]
    if clauses.limit is not None:
        kept = kept[: max(clauses.limit, 0)]
    return kept


def show(
    node: exp.Expression,
    text: str,
    shape: Listing,
    rows: Iterable[Mapping[str, Any]],
    clauses: Clauses | None = None,
) -> Outcome:
    """The result of a SHOW: ``rows`` filtered by the statement's clauses, as ``shape``."""
    found = clauses if clauses is not None else clauses_of(node, text)
    kept = filtered(rows, found, shape.name)
    schema = shape.schema
    if found.terse:
        if shape.terse is None:
            raise errors.syntax_error(1, 5, "TERSE")
        types = {f.name: f.type for f in schema}
        schema = pa.schema([pa.field(c, types.get(c, TEXT)) for c in shape.terse])
        kept = [{**r, **shape.terse_values} for r in kept]
    return outcome_of(pa.Table.from_pylist([dict(r) for r in kept], schema=schema))


def outcome_of(table: pa.Table) -> Outcome:
    """A SHOW result: the table and its row count."""
    return Outcome(table, table.num_rows)


# -- IN ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a SHOW looks: the account (no database), a database, a schema or one table."""

    database: str | None = None
    schema: str | None = None
    table: CatalogObject | None = None


def _current(emu: Engine, level: str) -> Scope:
    """The session's current schema (or database, or the account when there is none)."""
    database, schema = emu.state.database, emu.state.schema
    if database is None:
        return Scope()
    if level == "DATABASE" or schema is None or not emu.catalog.schema_exists(database, schema):
        return Scope(database)
    return Scope(database, schema)


def _database(emu: Engine, name: str) -> Scope:
    if not emu.catalog.database_exists(name):
        raise errors.object_does_not_exist(join_parts([name]), "Database")
    return Scope(name)


def show_scope(
    emu: Engine,
    clauses: Clauses,
    action: str = "SHOW",
    *,
    level: str = "SCHEMA",
    table_kinds: Sequence[str] = (),
) -> Scope:
    """The scope an ``IN`` clause names, else the session's current schema or database.

    ``level`` is the finest scope the kind lists by (``DATABASE`` for SHOW SCHEMAS: a bare
    name there is a database); ``table_kinds`` the kinds ``IN TABLE t`` may name (SHOW
    COLUMNS, SHOW PRIMARY KEYS). A bare one-part name that is no schema of the current
    database but is a database scopes to that database.
    """
    kind, scope = clauses.scope_kind, clauses.scope
    if kind == "ACCOUNT":
        return Scope()
    if scope is None:
        return _current(emu, "DATABASE" if kind == "DATABASE" else level)
    parts = written_parts(scope)
    if kind == "DATABASE" or level == "DATABASE":
        return _database(emu, parts[-1])
    if kind in ("TABLE", "VIEW") and table_kinds:
        obj = emu.resolver.require(scope, action, table_kinds, label=kind.capitalize())
        return Scope(obj.name.database, obj.name.schema, obj)
    database = parts[0] if len(parts) >= 2 else emu.state.database
    bare = len(parts) == 1 and emu.catalog.database_exists(parts[0])
    if bare and (database is None or not emu.catalog.schema_exists(database, parts[0])):
        return Scope(parts[0])
    if database is None:
        raise errors.no_current_database(action)
    emu.catalog.require_schema(database, parts[-1])
    return Scope(database, parts[-1])


def objects_in(emu: Engine, scope: Scope, kinds: Sequence[str]) -> list[CatalogObject]:
    """The catalog objects of ``kinds`` in ``scope``, by database, schema and name."""
    if scope.table is not None:
        return [scope.table] if scope.table.kind in kinds else []
    found = emu.catalog.objects(database=scope.database, schema=scope.schema)
    return [o for o in found if o.kind in kinds]
