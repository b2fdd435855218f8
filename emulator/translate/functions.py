"""Function checks and the small function rewrites that sqlglot's baseline gets wrong."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake

from emulator import errors
from emulator.translate.context import TranslateContext
from emulator.translate.walk import rewrite

# Functions sqlglot leaves as plain calls that the translation handles or that DuckDB
# implements with Snowflake's behaviour.
SUPPORTED_CALLS = frozenset(
    {
        "HASH",
        "TO_TIMESTAMP",
        "TO_TIMESTAMP_NTZ",
        "TO_TIMESTAMP_LTZ",
        "TO_TIMESTAMP_TZ",
        "TRY_TO_TIMESTAMP",
        "TRY_TO_TIMESTAMP_NTZ",
        "TRY_TO_TIMESTAMP_LTZ",
        "TRY_TO_TIMESTAMP_TZ",
    }
)

# Typed nodes whose DuckDB rendering works on DuckDB lists/structs, not on the JSON values
# that hold VARIANT, OBJECT and ARRAY here.
_UNSUPPORTED_NODES: dict[type[exp.Expr], str] = {
    exp.ObjectInsert: "OBJECT_INSERT",
    exp.ToArray: "TO_ARRAY",
    exp.Flatten: "ARRAY_FLATTEN",
    exp.Split: "SPLIT",
    exp.StrtokToArray: "STRTOK_TO_ARRAY",
    exp.GenerateSeries: "ARRAY_GENERATE_RANGE",
    exp.ObjectAgg: "OBJECT_AGG",
    exp.IsArray: "IS_ARRAY",
    exp.Typeof: "TYPEOF",
}
# Every other array function (ARRAY_SLICE, ARRAY_CONTAINS, ...) likewise, except these.
_ARRAY_PREFIXES = ("ARRAY_", "ARRAYS_")
_ARRAY_SUPPORTED = frozenset({"ARRAY_AGG", "ARRAY_SIZE"})

# Snowflake function names sqlglot does not list but Snowflake documents
# (https://docs.snowflake.com/en/sql-reference/functions-all); a call to one of these
# is "unsupported by the emulator", any other unknown name is "Unknown function".
_EXTRA_SNOWFLAKE = frozenset(
    {
        "TO_OBJECT",
        "OBJECT_CONSTRUCT_KEEP_NULL",
        "ARRAY_APPEND",
        "ARRAY_CAT",
        "ARRAY_COMPACT",
        "ARRAY_DISTINCT",
        "ARRAY_FLATTEN",
        "ARRAY_INSERT",
        "ARRAY_POSITION",
        "ARRAY_PREPEND",
        "ARRAY_SLICE",
        "ARRAY_SORT",
        "ARRAYS_OVERLAP",
        "OBJECT_DELETE",
        "OBJECT_PICK",
        "STRIP_NULL_VALUE",
        "TRY_TO_BOOLEAN",
        "TRY_TO_DECIMAL",
        "TRY_TO_DOUBLE",
        "TRY_TO_NUMERIC",
        "TRY_TO_TIME",
        "TIME_SLICE",
        "HASH_AGG",
        "APPROX_COUNT_DISTINCT",
        "LAST_QUERY_ID",
        "CURRENT_ACCOUNT",
        "CURRENT_ROLE",
        "CURRENT_WAREHOUSE",
        "CURRENT_DATABASE",
        "CURRENT_SCHEMA",
        "CURRENT_USER",
        "CURRENT_SESSION",
        "CURRENT_REGION",
        # Table functions (the session answers these itself where it can).
        "TASK_HISTORY",
        "TASK_DEPENDENTS",
        "COMPLETE_TASK_GRAPHS",
        "CURRENT_TASK_GRAPHS",
        "SERVERLESS_TASK_HISTORY",
        "DYNAMIC_TABLE_REFRESH_HISTORY",
        "DYNAMIC_TABLE_GRAPH_HISTORY",
        "DYNAMIC_TABLES",
        "QUERY_HISTORY",
        "COPY_HISTORY",
        "RESULT_SCAN",
        "INFER_SCHEMA",
        "VALIDATE",
        "SPLIT_TO_TABLE",
        "STRTOK_SPLIT_TO_TABLE",
    }
)


def _snowflake_names() -> frozenset[str]:
    return frozenset(name.upper() for name in Snowflake.Parser.FUNCTIONS) | _EXTRA_SNOWFLAKE


_SNOWFLAKE_NAMES = _snowflake_names()


def check_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Reject calls the emulator cannot run with Snowflake's meaning, before DuckDB sees them.

    A call sqlglot does not model is accepted only if listed in :data:`SUPPORTED_CALLS`.
    A documented Snowflake function is ``errors.unsupported("function NAME")``; a name
    Snowflake does not know is its "Unknown function NAME" error (002140, 42601).
    """
    for node in tree.find_all(exp.Func):
        if type(node) in _UNSUPPORTED_NODES:
            raise errors.unsupported(f"function {_UNSUPPORTED_NODES[type(node)]}")
        if not isinstance(node, exp.Anonymous):
            sql_name = node.sql_name()
            if sql_name.startswith(_ARRAY_PREFIXES) and sql_name not in _ARRAY_SUPPORTED:
                raise errors.unsupported(f"function {sql_name}")
            continue
        name = node.name.upper()
        if name in SUPPORTED_CALLS:
            continue
        if name in _SNOWFLAKE_NAMES or name.startswith("SYSTEM$"):
            raise errors.unsupported(f"function {name}")
        raise errors.unknown_function(name)
    return tree


def _truthy(value: exp.Expression) -> exp.Expression:
    # BOOLAND & co. take numbers (non-zero is TRUE) or booleans; casting to BOOLEAN
    # covers both in DuckDB.
    return exp.cast(exp.Paren(this=value), "BOOLEAN")


def rewrite_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """BOOLAND/BOOLOR/BOOLNOT/BOOLXOR and HASH.

    BOOLAND(a, b) is TRUE when both are non-zero (or TRUE), NULL-aware like AND
    (https://docs.snowflake.com/en/sql-reference/functions/booland); sqlglot's baseline
    rounds the operands, which fails for booleans. HASH returns a signed 64-bit integer
    from DuckDB's deterministic hash: stable across runs, but the values differ from
    Snowflake's (https://docs.snowflake.com/en/sql-reference/functions/hash).
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Booland):
            return exp.And(this=_truthy(node.this), expression=_truthy(node.expression))
        if isinstance(node, exp.Boolor):
            return exp.Or(this=_truthy(node.this), expression=_truthy(node.expression))
        if isinstance(node, exp.Boolnot):
            return exp.Not(this=_truthy(node.this))
        if isinstance(node, exp.Xor) and node.this is not None and node.expression is not None:
            left, right = _truthy(node.this), _truthy(node.expression)
            return exp.NEQ(this=left, expression=right)
        if isinstance(node, exp.Anonymous) and node.name.upper() == "HASH":
            if not node.expressions:
                raise errors.generic(
                    "SQL compilation error:\nnot enough arguments for function [HASH()]",
                    errno=938,
                    sqlstate="22023",
                )
            unsigned = exp.cast(exp.Anonymous(this="hash", expressions=node.expressions), "HUGEINT")
            shifted = exp.Sub(this=unsigned, expression=exp.Literal.number(2**63))
            return exp.cast(shifted, "BIGINT")
        return node

    return rewrite(tree, replace)
