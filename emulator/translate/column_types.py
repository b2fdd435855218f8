"""Declared Snowflake types of column references, for rewrites that depend on them.

Snowflake decides DATEADD's result type, a division's scale and what ``v::STRING`` means
from the operand types. When the session provides ``TranslateContext.column_types``,
:func:`annotate_columns` records each resolvable column's declared type in
``column.meta[TYPE_KEY]``; :func:`declared_type` reads it back (also for casts).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from emulator.translate.context import TranslateContext

TYPE_KEY = "snowflake_type"

Types = Mapping[str, exp.DataType]


def declared_type(node: exp.Expr) -> exp.DataType | None:
    """The Snowflake type of a column (as annotated) or of a CAST, else ``None``."""
    if isinstance(node, exp.Paren):
        return declared_type(node.this)
    if isinstance(node, exp.Cast | exp.TryCast) and isinstance(node.to, exp.DataType):
        return node.to
    found = node.meta.get(TYPE_KEY) if isinstance(node, exp.Column) else None
    return found if isinstance(found, exp.DataType) else None


class _Lookup:
    def __init__(self, ctx: TranslateContext) -> None:
        self.ctx = ctx
        self.cache: dict[int, Types] = {}

    def table(self, table: exp.Table) -> Types:
        key = id(table)
        if key not in self.cache:
            provider = self.ctx.column_types
            found = provider(table.copy()) if provider is not None else None
            self.cache[key] = found or {}
        return self.cache[key]


def _from_scope(scope: Scope, name: str, lookup: _Lookup) -> exp.DataType | None:
    query = scope.expression
    if not isinstance(query, exp.Select):
        return None
    for projection in query.selects:
        if projection.alias_or_name == name and not projection.is_star:
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            return declared_type(inner)
    if any(projection.is_star for projection in query.selects):
        return _source_type(name, list(scope.sources.values()), lookup)
    return None


def _source_type(name: str, sources: list[object], lookup: _Lookup) -> exp.DataType | None:
    candidates: list[exp.DataType] = []
    for source in sources:
        if isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier):
            dtype = lookup.table(source).get(name)
        elif isinstance(source, Scope):
            dtype = _from_scope(source, name, lookup)
        else:
            dtype = None
        if dtype is not None:
            candidates.append(dtype)
    return candidates[0] if len(candidates) == 1 else None


def _annotate(column: exp.Column, sources: Mapping[str, object], lookup: _Lookup) -> None:
    chosen = [sources.get(column.table)] if column.table else list(sources.values())
    dtype = _source_type(column.name, chosen, lookup)
    if dtype is not None:
        column.meta[TYPE_KEY] = dtype
        # sqlglot's DuckDB generator reads ``type`` too (e.g. DATE_TRUNC on a DATE
        # stays DATE).
        column.type = dtype.copy()


def annotate_columns(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Record declared column types (from ``ctx.column_types``) on column references.

    Columns that cannot be attributed to exactly one typed source stay unannotated and
    the rewrites fall back to their type-agnostic forms.
    """
    if ctx.column_types is None:
        return tree
    lookup = _Lookup(ctx)
    for scope in traverse_scope(tree) if isinstance(tree, exp.Query) else []:
        for column in scope.columns:
            _annotate(column, scope.sources, lookup)
    if isinstance(tree, exp.Update | exp.Delete):
        # DML targets are not query scopes; their own columns refer to the target and
        # any FROM/USING tables.
        sources: dict[str, object] = {}
        for table in [tree.this, *tree.find_all(exp.Table)]:
            if isinstance(table, exp.Table) and table.find_ancestor(exp.Select) is None:
                sources.setdefault(table.alias_or_name, table)
        for column in tree.find_all(exp.Column):
            if column.find_ancestor(exp.Select) is None and TYPE_KEY not in column.meta:
                _annotate(column, sources, lookup)
    return tree
