"""Function checks and the small function rewrites that sqlglot's baseline gets wrong."""

from __future__ import annotations

from sqlglot import exp

from emulator import errors
from emulator.translate.context import TranslateContext
from emulator.translate.snowflake_functions import is_snowflake_function
from emulator.translate.walk import rewrite

# Functions sqlglot leaves as plain calls that the translation handles or that DuckDB
# implements with Snowflake's behaviour.
SUPPORTED_CALLS = frozenset(
    {
        "HASH",
        "HAVERSINE",
        "RATIO_TO_REPORT",
        "CONDITIONAL_TRUE_EVENT",
        "TO_TIMESTAMP",
        "TO_TIMESTAMP_NTZ",
        "TO_TIMESTAMP_LTZ",
        "TO_TIMESTAMP_TZ",
        "TRY_TO_TIMESTAMP",
        "TRY_TO_TIMESTAMP_NTZ",
        "TRY_TO_TIMESTAMP_LTZ",
        "TRY_TO_TIMESTAMP_TZ",
        "TO_DATE",
        "TRY_TO_DATE",
    }
)

# Supported calls that are window functions only.
_WINDOW_ONLY = frozenset({"RATIO_TO_REPORT", "CONDITIONAL_TRUE_EVENT"})

# Typed nodes whose DuckDB rendering works on DuckDB lists/structs, not on the JSON values
# that hold VARIANT, OBJECT and ARRAY here.
_UNSUPPORTED_NODES: dict[type[exp.Expr], str] = {
    exp.ObjectInsert: "OBJECT_INSERT",
    exp.ToArray: "TO_ARRAY",
    exp.Flatten: "ARRAY_FLATTEN",
    exp.GenerateSeries: "ARRAY_GENERATE_RANGE",
    exp.IsArray: "IS_ARRAY",
    exp.Typeof: "TYPEOF",
}
# Typed nodes sqlglot renders as a DuckDB function that DuckDB does not have (found by
# generating every documented Snowflake function): refused by name rather than letting
# DuckDB's "function does not exist" through.
_NO_DUCKDB_FUNCTION = frozenset(
    {
        exp.AIAgg,
        exp.AIClassify,
        exp.AIEmbed,
        exp.AIGenerate,
        exp.AISimilarity,
        exp.AISummarizeAgg,
        exp.Agg,
        exp.ApproxPercentileAccumulate,
        exp.ApproxPercentileCombine,
        exp.ApproxPercentileEstimate,
        exp.ApproxTopKAccumulate,
        exp.ApproxTopKCombine,
        exp.ApproxTopKEstimate,
        exp.BitmapCount,
        exp.BitmapOrAgg,
        exp.CheckXml,
        exp.CurrentAccount,
        exp.CurrentAccountName,
        exp.CurrentAvailableRoles,
        exp.CurrentClient,
        exp.CurrentIpAddress,
        exp.CurrentOrganizationName,
        exp.CurrentOrganizationUser,
        exp.CurrentRegion,
        exp.CurrentRoleType,
        exp.CurrentSecondaryRoles,
        exp.CurrentSession,
        exp.CurrentStatement,
        exp.CurrentTransaction,
        exp.CurrentUser,  # DuckDB's own user name otherwise
        exp.DotProduct,
        exp.Hll,
        exp.ManhattanDistance,
        exp.Search,
        exp.SearchIp,
        exp.SoundexP123,
        exp.SplitToTable,
        exp.StDistance,
        exp.StPoint,
        exp.StrtokSplitToTable,
        exp.ToDecfloat,
        exp.ToFile,
        exp.TryBase64DecodeBinary,
        exp.TryBase64DecodeString,
        exp.TryHexDecodeBinary,
        exp.TryHexDecodeString,
        exp.TryToDecfloat,
        exp.XMLGet,
    }
)
# Every other array function (ARRAY_SLICE, ARRAY_CONTAINS, ...) likewise, except these.
_ARRAY_PREFIXES = ("ARRAY_", "ARRAYS_")
_ARRAY_SUPPORTED = frozenset(
    {"ARRAY_AGG", "ARRAY_SIZE", "ARRAY_CONCAT", "ARRAY_CONSTRUCT_COMPACT", "ARRAY_CONTAINS"}
)

# Typed nodes that DuckDB renders as its file readers: Snowflake has no such function
# (the emulator builds its own READ_PARQUET relations after this check).
_FILE_READERS: dict[type[exp.Expr], str] = {
    exp.ReadCSV: "READ_CSV",
    exp.ReadParquet: "READ_PARQUET",
}


def check_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Reject calls the emulator cannot run with Snowflake's meaning, before DuckDB sees them.

    A call sqlglot does not model is accepted only if listed in :data:`SUPPORTED_CALLS`.
    A documented Snowflake function (:mod:`emulator.translate.snowflake_functions`) is
    ``errors.unsupported("function NAME")``; a name Snowflake does not know, and DuckDB's
    file readers that sqlglot models (``READ_CSV``, ``READ_PARQUET``), are its "Unknown
    function NAME" error (002140, 42601).
    """
    if tree.find(exp.DirectoryStage):
        raise errors.unsupported("function DIRECTORY")
    for node in tree.find_all(exp.Func):
        if type(node) in _FILE_READERS:
            raise errors.unknown_function(_FILE_READERS[type(node)])
        if type(node) in _UNSUPPORTED_NODES:
            raise errors.unsupported(f"function {_UNSUPPORTED_NODES[type(node)]}")
        if type(node) in _NO_DUCKDB_FUNCTION:
            raise errors.unsupported(f"function {node.sql_name()}")
        if isinstance(node, exp.ToBinary) and node.args.get("safe"):
            raise errors.unsupported("function TRY_TO_BINARY")
        if not isinstance(node, exp.Anonymous):
            sql_name = node.sql_name()
            if sql_name.startswith(_ARRAY_PREFIXES) and sql_name not in _ARRAY_SUPPORTED:
                raise errors.unsupported(f"function {sql_name}")
            continue
        name = node.name.upper()
        if name in _WINDOW_ONLY and not isinstance(node.parent, exp.Window):
            raise errors.generic(
                f"SQL compilation error:\nWindow function {name} requires an OVER clause",
                errno=2303,
                sqlstate="42601",
            )
        if name in SUPPORTED_CALLS:
            continue
        if is_snowflake_function(name):
            raise errors.unsupported(f"function {name}")
        raise errors.unknown_function(name)
    return tree


def _truthy(value: exp.Expression) -> exp.Expression:
    # BOOLAND & co. take numbers (non-zero is TRUE) or booleans; casting to BOOLEAN
    # covers both in DuckDB.
    return exp.cast(exp.Paren(this=value), "BOOLEAN")


def rewrite_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """BOOLAND/BOOLOR/BOOLNOT/BOOLXOR.

    BOOLAND(a, b) is TRUE when both are non-zero (or TRUE), NULL-aware like AND
    (https://docs.snowflake.com/en/sql-reference/functions/booland); sqlglot's baseline
    rounds the operands, which fails for booleans. HASH is
    :func:`emulator.translate.hashing.hash_functions`'.
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
        return node

    return rewrite(tree, replace)
