"""VARIANT values read as text, where Snowflake converts them to VARCHAR.

Snowflake casts a VARIANT holding a string to that string (``"green"`` -> ``green``) and
any other VARIANT (number, boolean, object, array) to its JSON text
(https://docs.snowflake.com/en/sql-reference/data-types-semistructured,
https://docs.snowflake.com/en/user-guide/querying-semistructured). It does so for an
explicit cast (``v:name::string``), where a string function or LIKE takes a VARIANT
argument, and where a VARIANT value is written into a VARCHAR column. The emulator stores
VARIANT, OBJECT and ARRAY as DuckDB JSON, whose own JSON -> VARCHAR cast keeps the JSON
quotes: each of those places reads the JSON scalar as text instead (``->> '$'``).

What is a VARIANT is decided from the Snowflake AST: the node (a path, ``GET``,
``PARSE_JSON``, a constructor, a cast to VARIANT/OBJECT/ARRAY, FLATTEN's VALUE and THIS)
or a column's declared type (``column_types.declared_type``), never from text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from sqlglot import exp

from emulator.translate.column_types import TYPE_KEY, declared_type
from emulator.translate.context import TranslateContext
from emulator.translate.names import stored
from emulator.translate.walk import rewrite

T = exp.DataType.Type
SEMI_STRUCTURED = frozenset({T.VARIANT, T.OBJECT, T.ARRAY})
_TEXT = frozenset({T.VARCHAR, T.NVARCHAR, T.CHAR, T.NCHAR, T.TEXT})

#: Nodes whose Snowflake result is a VARIANT, OBJECT or ARRAY.
_VARIANT_NODES: tuple[type[exp.Expr], ...] = (
    exp.JSONExtract,
    exp.GetExtract,
    exp.Bracket,
    exp.ParseJSON,
    exp.Array,
    exp.Struct,
    exp.ArrayAgg,
    exp.ToVariant,
)

#: String functions (and LIKE) and the arguments Snowflake reads as VARCHAR: a VARIANT
#: passed there is converted to text first.
STRING_ARGUMENTS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Upper: ("this",),
    exp.Lower: ("this",),
    exp.Initcap: ("this",),
    exp.Length: ("this",),
    exp.Trim: ("this",),
    exp.Substring: ("this",),
    exp.Concat: ("expressions",),
    exp.DPipe: ("this", "expression"),
    exp.Left: ("this",),
    exp.Right: ("this",),
    exp.Pad: ("this",),
    exp.Replace: ("this", "expression", "replacement"),
    exp.Reverse: ("this",),
    exp.StrPosition: ("this", "substr"),
    exp.StartsWith: ("this", "expression"),
    exp.EndsWith: ("this", "expression"),
    exp.Contains: ("this", "expression"),
    exp.Split: ("this",),
    exp.SplitPart: ("this",),
    exp.RegexpLike: ("this",),
    exp.RegexpReplace: ("this",),
    exp.RegexpExtract: ("this",),
    exp.Ascii: ("this",),
    exp.Like: ("this",),
    exp.ILike: ("this",),
}


class Assigned(exp.Expression):
    """A value written into a column of Snowflake type ``to`` (INSERT … SELECT, CREATE
    TABLE (columns) AS SELECT, UPDATE … SET).

    Snowflake converts the value to the column's type; :func:`variant_text` turns the node
    into that conversion where DuckDB's own would differ (a VARIANT into a VARCHAR column)
    and into the bare value otherwise. ``variant`` set: the caller knows the value is a
    VARIANT although its node does not show it (a column of a subquery).
    """

    arg_types: ClassVar[dict[str, bool]] = {"this": True, "to": True, "variant": False}


def assigned(value: exp.Expression, to: exp.DataType, *, variant: bool = False) -> exp.Expression:
    """``value`` marked as written into a column of type ``to`` (see :class:`Assigned`)."""
    if to.this in SEMI_STRUCTURED:
        return value  # DuckDB JSON holds it as it is
    node = Assigned(this=value, to=to.copy())
    if variant:
        node.set("variant", exp.true())
    return node


def mark_assignments(query: exp.Expression, types: Sequence[exp.DataType | None]) -> None:
    """Mark the projections of ``query`` (in place) as written into columns of ``types``.

    Every branch of a set operation is marked; a SELECT with a star is left alone (its
    columns are not known here).
    """
    for select in _output_selects(query):
        projections = list(select.expressions)
        if len(projections) != len(types) or any(p.is_star for p in projections):
            continue
        for projection, to in zip(projections, types, strict=True):
            if to is None:
                continue
            slot = projection.this if isinstance(projection, exp.Alias) else projection
            slot.replace(assigned(slot.copy(), to))


def mark_merge_assignments(
    merge: exp.Merge,
    target: Mapping[str, exp.DataType],
    source: Mapping[str, exp.DataType] | None = None,
) -> exp.Merge:
    """A copy of ``merge`` whose UPDATE SET and INSERT values are marked as written into
    the target's columns (``target``: stored column name -> type).

    The values are translated one by one, away from the statement, so whether a value is a
    VARIANT is decided here: from its node, from the USING subquery's projection it names,
    or from ``source`` (the column types of a USING table).
    """
    merge = merge.copy()
    using = merge.args.get("using")
    names = {using.alias_or_name.upper()} if isinstance(using, exp.Expression) else set()
    if isinstance(using, exp.Table):
        names.add(using.name.upper())
    whens = merge.args.get("whens")
    for when in whens.expressions if isinstance(whens, exp.Whens) else []:
        for column, value in _merge_assignments(when.args.get("then")):
            to = target.get(stored(column))
            if to is None:
                continue
            variant = is_variant(value) or _source_variant(value, names, source)
            value.replace(assigned(value.copy(), to, variant=variant))
    return merge


def _source_variant(
    value: exp.Expression, names: set[str], source: Mapping[str, exp.DataType] | None
) -> bool:
    """Whether ``value`` is a VARIANT column of the USING table (``source``: its types)."""
    if (
        not source
        or not isinstance(value, exp.Column)
        or not isinstance(value.this, exp.Identifier)
    ):
        return False
    if value.table and value.table.upper() not in names:
        return False
    return is_semi_structured(source.get(stored(value.this)))


def _merge_assignments(then: exp.Expr | None) -> list[tuple[exp.Identifier, exp.Expression]]:
    pairs: list[tuple[exp.Identifier, exp.Expression]] = []
    if isinstance(then, exp.Update):
        for item in then.expressions:
            if isinstance(item, exp.EQ) and isinstance(item.this, exp.Column):
                pairs.append((item.this.this, item.expression))
    elif isinstance(then, exp.Insert):
        columns, values = then.this, then.expression
        if isinstance(columns, exp.Tuple) and isinstance(values, exp.Tuple):
            for column, value in zip(columns.expressions, values.expressions, strict=False):
                if isinstance(column, exp.Column):
                    pairs.append((column.this, value))
    return [(c, v) for c, v in pairs if isinstance(c, exp.Identifier)]


def _output_selects(query: exp.Expression) -> Iterable[exp.Select]:
    if isinstance(query, exp.Select):
        yield query
    elif isinstance(query, exp.SetOperation):
        yield from _output_selects(query.this)
        yield from _output_selects(query.expression)
    elif isinstance(query, exp.Subquery):
        yield from _output_selects(query.this)


def is_semi_structured(dtype: exp.DataType | None) -> bool:
    """Whether ``dtype`` is VARIANT, OBJECT or ARRAY."""
    return dtype is not None and dtype.this in SEMI_STRUCTURED


def is_variant(node: exp.Expr) -> bool:
    """Whether the Snowflake value of ``node`` is a VARIANT, OBJECT or ARRAY."""
    if isinstance(node, exp.Paren):
        return is_variant(node.this)
    if isinstance(node, _VARIANT_NODES):
        return True
    if isinstance(node, exp.WithinGroup):
        return isinstance(node.this, exp.ArrayAgg)
    if isinstance(node, exp.Coalesce):
        return all(is_variant(e) or isinstance(e, exp.Null) for e in _branches(node))
    if isinstance(node, exp.Case | exp.If):
        values = [e for e in _branches(node) if not isinstance(e, exp.Null)]
        return bool(values) and all(is_variant(e) for e in values)
    if isinstance(node, exp.Subquery):
        projection = _single_projection(node.this)
        return projection is not None and is_variant(projection)
    dtype = declared_type(node)
    if dtype is None and isinstance(node, exp.Column):
        return _derived_variant(node)
    return is_semi_structured(dtype)


def _single_projection(query: exp.Expr) -> exp.Expr | None:
    select = _leftmost(query)
    if select is None or len(select.expressions) != 1:
        return None
    only: exp.Expr = select.expressions[0]
    inner: exp.Expr = only.this if isinstance(only, exp.Alias) else only
    return inner


def _leftmost(query: exp.Expr) -> exp.Select | None:
    while isinstance(query, exp.SetOperation | exp.Subquery):
        query = query.this
    return query if isinstance(query, exp.Select) else None


def _derived_variant(column: exp.Column) -> bool:
    """Whether ``column`` names a VARIANT projection of a derived table or CTE it reads
    (``SELECT x::string FROM (SELECT v:a AS x FROM t)``)."""
    scope = column.find_ancestor(exp.Select, exp.Merge)
    if scope is None:
        return False
    for alias, query in _derived_sources(scope):
        if column.table and column.table.upper() != alias.upper():
            continue
        inner = _leftmost(query)
        if inner is None:
            continue
        for projection in inner.expressions:
            if projection.alias_or_name.upper() == column.name.upper():
                value = projection.this if isinstance(projection, exp.Alias) else projection
                return is_variant(value)
    return False


def _derived_sources(scope: exp.Expression) -> Iterable[tuple[str, exp.Expr]]:
    """(alias, query) of the subqueries and CTEs a SELECT reads (FROM, JOINs) or a MERGE
    merges from (USING)."""
    if isinstance(scope, exp.Merge):
        sources = [scope.args.get("using")]
    else:
        from_ = scope.args.get("from_")
        sources = [from_.this] if isinstance(from_, exp.From) else []
        sources += [join.this for join in scope.args.get("joins") or []]
    for source in sources:
        if isinstance(source, exp.Subquery):
            yield source.alias_or_name, source.this
        elif isinstance(source, exp.Table) and not source.db:
            cte = _cte(scope, source.name)
            if cte is not None:
                yield source.alias_or_name, cte.this


def _cte(select: exp.Expression, name: str) -> exp.CTE | None:
    node: exp.Expr | None = select
    while node is not None:
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                if isinstance(cte, exp.CTE) and cte.alias_or_name.upper() == name.upper():
                    return cte
        node = node.parent
    return None


def _branches(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.Coalesce):
        return [node.this, *node.expressions]
    if isinstance(node, exp.If):
        return [node.args["true"], *([node.args["false"]] if node.args.get("false") else [])]
    assert isinstance(node, exp.Case)
    found = [branch.args["true"] for branch in node.args.get("ifs") or []]
    default = node.args.get("default")
    return [*found, *([default] if default is not None else [])]


def as_text(variant: exp.Expr) -> exp.Expression:
    """The DuckDB text of a VARIANT, as Snowflake's VARIANT -> VARCHAR: a JSON string
    unquoted, anything else its JSON text, JSON null -> NULL."""
    if isinstance(variant, exp.JSONExtract):
        return exp.JSONExtractScalar(this=variant.this, expression=variant.expression)
    return exp.JSONExtractScalar(this=variant, expression=exp.Literal.string("$"))


def as_type(variant: exp.Expr, to: exp.DataType, cast: type[exp.Cast]) -> exp.Expression:
    """A VARIANT converted to the scalar type ``to``: its text (see :func:`as_text`), cast
    when ``to`` is not a string type (``v:n::NUMBER`` parses the number)."""
    text = as_text(variant)
    if to.this in _TEXT and not to.expressions:
        return text
    return cast(this=text, to=to.copy())


def variant_meta(column: exp.Column) -> None:
    """Record on ``column`` that it holds a VARIANT (FLATTEN's VALUE and THIS)."""
    column.meta.setdefault(TYPE_KEY, exp.DataType.build("VARIANT"))


def variant_text(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Read a VARIANT as text wherever Snowflake converts it to VARCHAR (or another scalar).

    - ``CAST(v AS type)`` / ``v::type`` / ``TRY_CAST`` of a VARIANT to a scalar type: the
      JSON scalar as text first, so ``v:name::string`` is ``green``, not ``"green"``, and
      ``v:n::NUMBER`` parses the number
      (https://docs.snowflake.com/en/sql-reference/functions/cast);
    - a VARIANT argument of a string function or of LIKE (``UPPER(v:fruit)`` is ``APPLE``):
      Snowflake casts it to VARCHAR implicitly
      (https://docs.snowflake.com/en/sql-reference/data-type-conversion);
    - a VARIANT written into a scalar column (:class:`Assigned`; ``UPDATE … SET c = v`` when
      the target column's type is known): converted as by a cast.
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, Assigned):
            value: exp.Expression = node.this
            if node.args.get("variant") or is_variant(value):
                return as_type(value, node.args["to"], exp.Cast)
            return value
        if isinstance(node, exp.Cast | exp.TryCast):
            if not is_semi_structured(node.to) and is_variant(node.this):
                return as_type(node.this, node.to, type(node))
            return node
        if isinstance(node, exp.Update):
            _update_assignments(node)
            return node
        keys = STRING_ARGUMENTS.get(type(node))
        if keys is not None:
            _text_arguments(node, keys)
        return node

    return rewrite(tree, replace)


def _text_arguments(node: exp.Expression, keys: tuple[str, ...]) -> None:
    for key in keys:
        value: Any = node.args.get(key)
        if isinstance(value, list):
            node.set(key, [as_text(v) if is_variant(v) else v for v in value])
        elif isinstance(value, exp.Expression) and is_variant(value):
            node.set(key, as_text(value))


def _update_assignments(update: exp.Update) -> None:
    for assignment in update.expressions:
        if not isinstance(assignment, exp.EQ):
            continue
        to = declared_type(assignment.this)
        value = assignment.expression
        if to is not None and not is_semi_structured(to) and is_variant(value):
            assignment.set("expression", as_type(value, to, exp.Cast))


#: The node classes :func:`variant_text` acts on (its pipeline trigger).
TRIGGER_CLASSES: tuple[type[exp.Expr], ...] = (
    Assigned,
    exp.Cast,
    exp.TryCast,
    exp.Update,
    *STRING_ARGUMENTS,
)
