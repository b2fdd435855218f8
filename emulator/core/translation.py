"""The session's access to the translation layer (:mod:`emulator.translate`).

Everything the session needs from translation goes through this module so that the rest
of the session does not depend on how translation is organised.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict
from collections.abc import Hashable

from sqlglot import exp

from emulator.core.resolve import READABLE, Resolver
from emulator.core.state import SessionState
from emulator.translate import (
    TranslateContext,
    check_statement,
    duckdb_type,
    output_name,
)
from emulator.translate import to_duckdb as translate_to_duckdb
from icebridge.errors import SqlError

__all__ = [
    "TranslateContext",
    "Translations",
    "check_statement",
    "duckdb_type",
    "output_name",
    "to_duckdb",
    "with_session_functions",
]


def to_duckdb(
    expression: exp.Expression, ctx: TranslateContext, *, copy: bool = True
) -> exp.Expression:
    """:func:`emulator.translate.to_duckdb` with the catalog's column types.

    When ``ctx`` resolves tables through a :class:`Resolver` and names no
    ``column_types`` of its own, the declared types of the columns of the tables, views
    and dynamic tables a statement reads come from the catalog, so that type-dependent
    rules (DATEADD on a DATE column stays DATE, division scale, implicit casts) follow
    Snowflake for columns as well as literals.
    """
    return translate_to_duckdb(expression, with_catalog_types(ctx), copy=copy)


def with_catalog_types(ctx: TranslateContext) -> TranslateContext:
    """``ctx`` with ``column_types`` read from the catalog of its resolver (if it has one)."""
    resolver = getattr(ctx.resolve_table, "__self__", None)
    if ctx.column_types is not None or not isinstance(resolver, Resolver):
        return ctx
    return dataclasses.replace(ctx, column_types=functools.partial(catalog_types, resolver))


def catalog_types(resolver: Resolver, table: exp.Table) -> dict[str, exp.DataType] | None:
    """``{stored column name: Snowflake type}`` of a readable object, None when unknown."""
    try:
        obj = resolver.lookup(table, "SELECT", READABLE, missing_ok=True)
    except SqlError:
        return None  # no current database/schema: the resolver reports it when reading
    columns = resolver.catalog.columns(obj.id) if obj is not None else []
    if not columns:
        return None
    return _types(tuple((column.name, column.data_type) for column in columns))


@functools.lru_cache(maxsize=256)
def _types(columns: tuple[tuple[str, str], ...]) -> dict[str, exp.DataType]:
    # Shared between translations: the rewrites read these types and copy what they keep.
    return {name: exp.DataType.build(text, dialect="snowflake") for name, text in columns}


def with_session_functions(node: exp.Expression, state: SessionState) -> exp.Expression:
    """Session values for CURRENT_DATABASE() & co.; fully qualified columns shortened."""

    def value(text: str | None) -> exp.Expression:
        return exp.Null() if text is None else exp.Literal.string(text)

    def fix(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and (n.args.get("db") or n.args.get("catalog")):
            # db.schema.t.col -> t.col: relations keep the written table name as alias.
            n.set("db", None)
            n.set("catalog", None)
            return n
        if isinstance(n, exp.CurrentDatabase):
            return value(state.database)
        if isinstance(n, exp.CurrentSchema):
            return value(state.schema)
        if isinstance(n, exp.CurrentWarehouse):
            return value(state.warehouse)
        if isinstance(n, exp.CurrentRole):
            return value(state.role)
        if isinstance(n, exp.Anonymous):
            name = str(n.name).upper()
            if name == "CURRENT_WAREHOUSE":
                return value(state.warehouse)
            if name == "CURRENT_ROLE":
                return value(state.role)
        return n

    return node.copy().transform(fix, copy=False)


class Translations:
    """Translations kept for reuse: a statement that runs again unchanged (a poll, a task
    body) is copied, not translated again.

    The key must hold everything a translation depends on (the caller builds it: the
    statement, the catalog generation, the session state, the clock); only translations
    that resolved plain tables and views are kept, never those a feature took part in
    (stream reads register themselves, read checks raise).
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, exp.Expression] = OrderedDict()
        # Hashes of keys met once: a translation is kept from its second run on, so a
        # statement that never repeats (DML with new values) costs no copies.
        self._seen: OrderedDict[int, None] = OrderedDict()

    def worth_keeping(self, key: Hashable) -> bool:
        """Whether ``key`` was met before (and is now remembered as met)."""
        digest = hash(key)
        if digest in self._seen:
            return True
        self._seen[digest] = None
        if len(self._seen) > 4 * self.size:
            self._seen.popitem(last=False)
        return False

    def get(self, key: Hashable) -> exp.Expression | None:
        """A copy of the translation kept under ``key``, or None."""
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found.copy()

    def put(self, key: Hashable, tree: exp.Expression) -> None:
        """Keep a copy of ``tree`` under ``key`` (the oldest go first)."""
        self._kept[key] = tree.copy()
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
