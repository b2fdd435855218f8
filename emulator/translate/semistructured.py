"""VARIANT, OBJECT and ARRAY as DuckDB JSON: constructors, path access, casts, FLATTEN."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from emulator import errors
from emulator.quoting import ident
from emulator.translate.column_types import declared_type
from emulator.translate.context import TranslateContext
from emulator.translate.variant_text import as_type, is_variant, variant_meta
from emulator.translate.walk import rewrite

T = exp.DataType.Type
_VARIANT_TYPES = {T.VARIANT, T.OBJECT, T.ARRAY}
_FLATTEN_COLUMNS = ("SEQ", "KEY", "PATH", "INDEX", "VALUE", "THIS")
#: FLATTEN output columns that hold VARIANTs.
_FLATTEN_VARIANTS = ("VALUE", "THIS")

# One row per element of the input (json_each works on arrays and objects); the
# columns are FLATTEN's: https://docs.snowflake.com/en/sql-reference/functions/flatten
_FLATTEN_TEMPLATE = sqlglot.parse_one(
    """
    SELECT
      CAST(:seq AS BIGINT) AS "SEQ",
      CASE WHEN json_type(src.this_json) = 'ARRAY' THEN NULL ELSE e.key END AS "KEY",
      CASE WHEN e.key IS NULL THEN NULL
           WHEN json_type(src.this_json) = 'ARRAY' THEN :array_prefix || '[' || e.key || ']'
           ELSE :object_prefix || e.key END AS "PATH",
      CASE WHEN json_type(src.this_json) = 'ARRAY' THEN CAST(e.key AS BIGINT) END AS "INDEX",
      e.value AS "VALUE",
      src.this_json AS "THIS"
    FROM (SELECT CAST(:input AS JSON) AS this_json) AS src
    JOIN LATERAL (SELECT * FROM json_each(src.this_json)) AS e ON TRUE
    ORDER BY e.id
    """,
    read="duckdb",
)


def _is_variant_type(dtype: exp.DataType) -> bool:
    return dtype.this in _VARIANT_TYPES


def _flatten_args(explode: exp.Explode) -> dict[str, exp.Expression]:
    args: dict[str, exp.Expression] = {}
    for arg in [explode.this, *explode.expressions]:
        if isinstance(arg, exp.Kwarg):
            args[arg.this.name.upper()] = arg.expression
        elif "INPUT" not in args:
            args["INPUT"] = arg
        else:
            raise errors.unsupported("FLATTEN with positional arguments after INPUT")
    return args


def _flatten_relation(explode: exp.Explode, *, lateral: bool) -> exp.Select:
    args = _flatten_args(explode)
    if "INPUT" not in args:
        raise errors.generic(
            "SQL compilation error:\nFLATTEN requires the INPUT argument", 1044, "42601"
        )
    for name in ("RECURSIVE", "MODE"):
        if name in args:
            raise errors.unsupported(f"FLATTEN argument {name}")
    source = args["INPUT"]
    prefix = ""
    if "PATH" in args:
        path = args["PATH"]
        if not (isinstance(path, exp.Literal) and path.is_string):
            raise errors.unsupported("FLATTEN PATH that is not a string literal")
        prefix = path.this
        source = exp.JSONExtract(this=source, expression=exp.Literal.string("$." + prefix))
    outer = args.get("OUTER")
    is_outer = isinstance(outer, exp.Boolean) and bool(outer.this)
    # SEQ numbers the input rows; a single TABLE(FLATTEN(...)) has one input row.
    seq: exp.Expression = exp.Null() if lateral else exp.Literal.number(1)
    select = exp.replace_placeholders(
        _FLATTEN_TEMPLATE.copy(),
        input=source,
        seq=seq,
        array_prefix=exp.Literal.string(prefix),
        object_prefix=exp.Literal.string(prefix + "." if prefix else ""),
    )
    assert isinstance(select, exp.Select)
    if is_outer:
        # OUTER => TRUE keeps one row (THIS set, the rest NULL) for an empty input.
        select.args["joins"][0].set("side", "LEFT")
    return select


def _check_seq_unused(tree: exp.Expression, alias: str) -> None:
    for column in tree.find_all(exp.Column):
        if column.name.upper() == "SEQ" and column.table.upper() in ("", alias.upper()):
            raise errors.unsupported("FLATTEN output column SEQ")


def _mark_variant_columns(tree: exp.Expression, node: exp.Expr, alias: str) -> None:
    # VALUE and THIS are VARIANTs: ``f.value::string`` must read the JSON string as text.
    # An unqualified VALUE / THIS in the query that reads the FLATTEN is its column too.
    scope = node.find_ancestor(exp.Select) or tree
    for column in scope.find_all(exp.Column):
        if column.name.upper() in _FLATTEN_VARIANTS and column.table.upper() in ("", alias.upper()):
            variant_meta(column)


def flatten(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """``LATERAL FLATTEN(INPUT => x [, PATH => 'a.b'] [, OUTER => TRUE])`` and
    ``TABLE(FLATTEN(...))`` as a DuckDB (lateral) subquery over ``json_each``.

    Output columns KEY, PATH, INDEX, VALUE and THIS follow Snowflake; VALUE and THIS are
    VARIANTs (their references are typed so, for casts and string functions). SEQ is 1 for
    ``TABLE(FLATTEN(...))``; in the LATERAL form it is NULL and a query naming it is
    rejected as unsupported. RECURSIVE and MODE are unsupported.
    https://docs.snowflake.com/en/sql-reference/functions/flatten
    """
    for node in list(tree.find_all(exp.Lateral, exp.TableFromRows)):
        if not isinstance(node.this, exp.Explode):
            continue
        lateral = isinstance(node, exp.Lateral)
        select = _flatten_relation(node.this, lateral=lateral)
        alias = node.args.get("alias")
        if node.parent is not None and isinstance(node.parent.parent, exp.Table):
            alias = node.parent.parent.args.get("alias")
        name = alias.name if isinstance(alias, exp.TableAlias) and alias.name else "FLATTEN"
        if lateral:
            _check_seq_unused(tree, name)
        _mark_variant_columns(tree, node, name)
        table_alias = exp.TableAlias(this=ident(name))
        if lateral:
            node.replace(exp.Lateral(this=exp.Subquery(this=select), alias=table_alias))
        else:
            node.replace(exp.Subquery(this=select, alias=table_alias))
    return tree


def _object_construct(node: exp.Struct) -> exp.Expression:
    # json_merge_patch drops keys whose value is null, as OBJECT_CONSTRUCT drops pairs
    # with a NULL value: https://docs.snowflake.com/en/sql-reference/functions/object_construct
    args: list[exp.Expression] = []
    for pair in node.expressions:
        if not isinstance(pair, exp.PropertyEQ):
            raise errors.unsupported("OBJECT_CONSTRUCT argument " + pair.sql())
        args.extend([pair.this, _to_json(pair.expression)])
    obj = exp.Anonymous(this="json_object", expressions=args)
    empty = exp.cast(exp.Literal.string("{}"), "JSON")
    return exp.Anonymous(this="json_merge_patch", expressions=[empty, obj])


def _to_json(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="to_json", expressions=[value])


def _array_size(value: exp.Expression) -> exp.Expression:
    # json_array_length is 0 for an object or a scalar; Snowflake's ARRAY_SIZE is NULL.
    is_array = exp.EQ(
        this=exp.Anonymous(this="json_type", expressions=[value.copy()]),
        expression=exp.Literal.string("ARRAY"),
    )
    length = exp.Anonymous(this="json_array_length", expressions=[value])
    return exp.Case(ifs=[exp.If(this=is_array, true=length)])


def json_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """OBJECT_CONSTRUCT, ARRAY_CONSTRUCT, ARRAY_AGG, ARRAY_SIZE, TO_VARIANT as JSON values.

    https://docs.snowflake.com/en/sql-reference/functions/array_construct
    https://docs.snowflake.com/en/sql-reference/functions/array_agg (NULLs skipped; an
    empty input gives an empty array)
    https://docs.snowflake.com/en/sql-reference/functions/array_size (a VARIANT that is
    not an array, e.g. an object, gives NULL)
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.StarMap):
            raise errors.unsupported("OBJECT_CONSTRUCT(*)")
        if isinstance(node, exp.Struct):
            return _object_construct(node)
        if isinstance(node, exp.Array) and not isinstance(node.parent, exp.Unnest):
            return exp.Anonymous(this="json_array", expressions=node.expressions)
        if isinstance(node, exp.ArrayAgg | exp.WithinGroup) and not isinstance(
            node.parent, exp.WithinGroup
        ):
            empty = exp.cast(exp.Literal.string("[]"), "JSON")
            return exp.Coalesce(this=_to_json(node), expressions=[empty])
        if isinstance(node, exp.ArraySize):
            return _array_size(node.this)
        if isinstance(node, exp.ToVariant):
            return _to_json(node.this)
        return node

    return rewrite(tree, replace)


def variant_casts(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """``x::VARIANT`` (and OBJECT / ARRAY) becomes JSON.

    Casts of a VARIANT to a scalar type were read as text already
    (:func:`emulator.translate.variant_text.variant_text`).
    https://docs.snowflake.com/en/user-guide/querying-semistructured
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast | exp.TryCast) and _is_variant_type(node.to):
            return _to_json(node.this)
        return node

    return rewrite(tree, replace)


#: The comparisons :func:`variant_comparisons` rewrites.
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ)


def _scalar_type(node: exp.Expr) -> exp.DataType | None:
    if isinstance(node, exp.Literal):
        return exp.DataType.build("VARCHAR" if node.is_string else "DOUBLE")
    if isinstance(node, exp.Boolean):
        return exp.DataType.build("BOOLEAN")
    dtype = declared_type(node)
    if dtype is not None and not _is_variant_type(dtype):
        return dtype
    return None


def _as_scalar(variant: exp.Expr, dtype: exp.DataType) -> exp.Expression:
    return as_type(variant, dtype, exp.Cast)


def variant_comparisons(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Compare a VARIANT with a scalar by the VARIANT's scalar value.

    ``payload:type = 'order'`` is TRUE for the JSON string ``"order"`` and
    ``v:n > 0`` compares numbers, as Snowflake casts the VARIANT to the other operand's
    type (https://docs.snowflake.com/en/user-guide/querying-semistructured); DuckDB would
    instead try to parse ``'order'`` as JSON.
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, COMPARISONS):
            left, right = node.left, node.right
            if is_variant(left) and (dtype := _scalar_type(right)) is not None:
                node.set("this", _as_scalar(left, dtype))
            elif is_variant(right) and (dtype := _scalar_type(left)) is not None:
                node.set("expression", _as_scalar(right, dtype))
        elif isinstance(node, exp.In) and is_variant(node.this) and node.expressions:
            types = {_scalar_type(e) for e in node.expressions}
            if len(types) == 1 and (dtype := types.pop()) is not None:
                node.set("this", _as_scalar(node.this, dtype))
        return node

    return rewrite(tree, replace)
