"""Declared Snowflake types of column references, for rewrites that depend on them.

Snowflake decides DATEADD's result type, a division's scale and what ``v::STRING`` means
from the operand types. When the session provides ``TranslateContext.column_types``,
:func:`annotate_columns` records each resolvable column's declared type in
``column.meta[TYPE_KEY]``; :func:`declared_type` reads it back (also for casts).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp
from sqlglot.optimizer.annotate_types import TypeAnnotator
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import ensure_schema

from emulator.translate.context import TranslateContext

TYPE_KEY = "snowflake_type"
T = exp.DataType.Type

Types = Mapping[str, exp.DataType]

#: An empty schema in Snowflake's rules, shared by the type annotations (it holds no table:
#: column types come from ``column.meta[TYPE_KEY]`` / ``column.type``).
_SNOWFLAKE_RULES = ensure_schema(None, dialect="snowflake")


def declared_type(node: exp.Expr) -> exp.DataType | None:
    """The Snowflake type of a column (as annotated) or of a CAST, else ``None``."""
    if isinstance(node, exp.Paren):
        return declared_type(node.this)
    if isinstance(node, exp.Cast | exp.TryCast) and isinstance(node.to, exp.DataType):
        return node.to
    found = node.meta.get(TYPE_KEY) if isinstance(node, exp.Column) else None
    return found if isinstance(found, exp.DataType) else None


def expression_type(node: exp.Expr) -> exp.DataType | None:
    """The Snowflake type of any expression when it can be told, else ``None``.

    A column's declared type or a cast wins; otherwise sqlglot's Snowflake type rules
    derive it from the operands (``MAX(d)`` of a DATE column is DATE, ``LAST_DAY(d)`` is
    DATE, ``CURRENT_TIMESTAMP`` is TIMESTAMP_LTZ). Annotated columns keep their types.
    """
    declared = declared_type(node)
    if declared is not None:
        return declared
    if isinstance(node, exp.Literal):
        return _literal_type(node, 0)
    if isinstance(node, exp.Column | exp.Interval):
        return None  # a column nobody could attribute to one typed source; no value
    TypeAnnotator(schema=_SNOWFLAKE_RULES, overwrite_types=False).annotate(node)
    found = node.type
    if found is None or found.this in (T.UNKNOWN, T.NULL):
        return None
    return found


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


def _from_values(values: exp.Values, name: str) -> exp.DataType | None:
    # Columns are the alias's names, else Snowflake's COLUMN1, COLUMN2, ...
    alias = values.args.get("alias")
    names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    if not names and name.upper().startswith("COLUMN") and name[6:].isdigit():
        position = int(name[6:]) - 1
    elif name in names:
        position = names.index(name)
    else:
        return None
    found = {_literal_type(row, position) for row in values.expressions}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _literal_type(row: exp.Expression, position: int) -> exp.DataType | None:
    items = row.expressions if isinstance(row, exp.Tuple) else [row]
    item = items[position] if position < len(items) else None
    if isinstance(item, exp.Neg):
        item = item.this
    if not isinstance(item, exp.Literal):
        return declared_type(item) if item is not None else None
    if item.is_string:
        return exp.DataType.build("VARCHAR")
    text = str(item.this)
    if "e" in text.lower():
        return exp.DataType.build("FLOAT")
    scale = len(text.split(".", 1)[1]) if "." in text else 0
    return exp.DataType.build(f"NUMBER(38, {scale})", dialect="snowflake")


def _from_scope(scope: Scope, name: str, lookup: _Lookup) -> exp.DataType | None:
    query = scope.expression
    if isinstance(query, exp.Values):
        return _from_values(query, name)
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
        # stays DATE). Shared, not copied: nothing changes a type in place, and a copy of
        # the tree copies it.
        column.type = dtype


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
