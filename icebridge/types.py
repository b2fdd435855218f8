"""Snowflake column types: parsing, and their mapping to Apache Iceberg types.

Type text is parsed with the icebridge Snowflake dialect into a sqlglot ``exp.DataType``.
The Iceberg mapping follows
https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types :

- ``NUMBER(P,S)`` -> ``decimal(P,S)`` (``NUMBER`` is ``NUMBER(38,0)``, so ``decimal(38,0)``);
  in Iceberg DDL ``INT`` means the Iceberg ``int`` and ``BIGINT``/``LONG`` the ``long``.
- ``FLOAT``/``DOUBLE``/``REAL`` -> ``double`` (Snowflake computes in 64 bits).
- ``VARCHAR``/``STRING`` -> ``string``; the only length allowed is 134217728.
- ``TIMESTAMP_NTZ`` -> ``timestamp`` (microseconds); ``TIMESTAMP_LTZ`` -> ``timestamptz``;
  precision 9 gives ``timestamp_ns``/``timestamptz_ns`` on Iceberg v3 only.
- ``TIMESTAMP_TZ`` has no Iceberg equivalent; ``VARIANT``/``GEOGRAPHY``/``GEOMETRY`` need v3.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.expressions.datatypes import DType

from icebridge.errors import DefinitionError
from icebridge.sql.dialect import DIALECT

T = DType

#: The only VARCHAR length an Iceberg ``string`` column may state.
ICEBERG_STRING_LENGTH = 134_217_728
#: The only BINARY length an Iceberg ``binary`` column may state.
ICEBERG_BINARY_LENGTH = 67_108_864
#: ICEBERG_TIMESTAMP_DEFAULT_PRECISION's default: Iceberg timestamps are microseconds.
ICEBERG_TIMESTAMP_PRECISION = 6
#: Snowflake's default fractional-seconds precision for TIME and TIMESTAMP columns.
SNOWFLAKE_TIME_PRECISION = 9

INTEGER_TYPES = frozenset({T.INT, T.SMALLINT, T.TINYINT, T.BIGINT})
DECIMAL_TYPES = frozenset({T.DECIMAL})
FLOAT_TYPES = frozenset({T.DOUBLE, T.FLOAT})
STRING_TYPES = frozenset({T.VARCHAR, T.NVARCHAR, T.TEXT, T.CHAR, T.NCHAR})
BINARY_TYPES = frozenset({T.BINARY, T.VARBINARY})
NTZ_TYPES = frozenset({T.TIMESTAMPNTZ, T.TIMESTAMP, T.DATETIME})
LTZ_TYPES = frozenset({T.TIMESTAMPLTZ})
TZ_TYPES = frozenset({T.TIMESTAMPTZ})
SEMI_STRUCTURED = frozenset({T.VARIANT, T.OBJECT, T.ARRAY, T.MAP})
GEO_TYPES = frozenset({T.GEOGRAPHY, T.GEOMETRY})
SIMPLE_TYPES = frozenset({T.BOOLEAN, T.DATE, T.TIME, T.UUID})

SUPPORTED = (
    INTEGER_TYPES
    | DECIMAL_TYPES
    | FLOAT_TYPES
    | STRING_TYPES
    | BINARY_TYPES
    | NTZ_TYPES
    | LTZ_TYPES
    | TZ_TYPES
    | SEMI_STRUCTURED
    | GEO_TYPES
    | SIMPLE_TYPES
)


def _where(column: str | None) -> str:
    return f"column {column}" if column else "type"


def _error(column: str | None, message: str) -> DefinitionError:
    return DefinitionError(f"{_where(column)}: {message}", field=column or "type")


def type_params(dtype: exp.DataType) -> list[int]:
    """The integer parameters of a type, e.g. ``[10, 2]`` for ``NUMBER(10,2)``."""
    out: list[int] = []
    for param in dtype.expressions:
        node = param.this if isinstance(param, exp.DataTypeParam) else param
        if not (isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit()):
            raise ValueError(f"type parameter {param.sql()!r} must be an integer")
        out.append(int(node.this))
    return out


def parse_type(text: str, *, column: str | None = None) -> exp.DataType:
    """Parse Snowflake type text (``"NUMBER(10,2)"``, ``"TIMESTAMP_NTZ"``) into a DataType.

    Raises :class:`DefinitionError` naming ``column`` for unknown types, trailing text
    (``"INT NOT NULL"``) and out-of-range parameters.
    """
    if not isinstance(text, str) or not text.strip():
        raise _error(column, f"a type must be non-empty text, got {text!r}")
    try:
        parsed = DIALECT.parse_into(exp.DataType, text)
    except SqlglotError:
        raise _error(column, f"unknown or malformed type {text!r}") from None
    dtype = parsed[0] if parsed else None
    if not isinstance(dtype, exp.DataType) or dtype.this not in SUPPORTED:
        raise _error(column, f"unknown or unsupported type {text!r}")
    try:
        _check_params(dtype)
    except ValueError as err:
        raise _error(column, f"type {text!r}: {err}") from None
    return dtype


def _check_params(dtype: exp.DataType) -> None:
    kind = dtype.this
    if dtype.args.get("nested"):
        for child in dtype.expressions:
            inner = child.args.get("kind") if isinstance(child, exp.ColumnDef) else child
            if isinstance(inner, exp.DataType):
                _check_params(inner)
        return
    params = type_params(dtype)
    limits: dict[frozenset[DType], tuple[int, int, int]] = {
        # kinds: (max parameter count, min value, max value of the first parameter)
        DECIMAL_TYPES: (2, 1, 38),
        STRING_TYPES: (1, 1, ICEBERG_STRING_LENGTH),
        BINARY_TYPES: (1, 1, ICEBERG_BINARY_LENGTH),
        NTZ_TYPES | LTZ_TYPES | TZ_TYPES | frozenset({T.TIME}): (1, 0, 9),
    }
    for kinds, (count, low, high) in limits.items():
        if kind in kinds:
            if len(params) > count:
                raise ValueError(f"too many type parameters ({len(params)})")
            if params and not low <= params[0] <= high:
                raise ValueError(f"parameter {params[0]} is outside {low}..{high}")
            if kind in DECIMAL_TYPES and len(params) == 2 and params[1] > params[0]:
                raise ValueError(f"scale {params[1]} exceeds precision {params[0]}")
            return
    if params:
        raise ValueError("this type takes no parameters")


def decimal_params(dtype: exp.DataType) -> tuple[int, int]:
    """Precision and scale of a NUMBER/DECIMAL type (defaults 38 and 0)."""
    params = type_params(dtype)
    precision = params[0] if params else 38
    scale = params[1] if len(params) > 1 else 0
    return precision, scale


def time_precision(dtype: exp.DataType) -> int | None:
    """The declared fractional-seconds precision of a TIME/TIMESTAMP type, if any."""
    params = type_params(dtype)
    return params[0] if params else None


def string_length(dtype: exp.DataType) -> int | None:
    """Declared maximum length of a text type; CHAR without a length is CHAR(1)."""
    params = type_params(dtype)
    if params:
        return params[0]
    return 1 if dtype.this in (T.CHAR, T.NCHAR) else None


def to_iceberg(dtype: exp.DataType, *, column: str | None = None, iceberg_version: int = 2) -> str:
    """The Iceberg spec type string for a column declared with Snowflake type ``dtype``.

    This is the type Snowflake writes to the Iceberg metadata when ``dtype`` appears in
    ``CREATE ICEBERG TABLE`` (https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types).
    Raises :class:`DefinitionError` naming ``column`` for types Iceberg cannot hold.
    """
    kind = dtype.this
    if iceberg_version not in (2, 3):
        raise _error(column, f"ICEBERG_VERSION must be 2 or 3, got {iceberg_version}")
    v3 = iceberg_version == 3
    if kind == T.BOOLEAN:
        return "boolean"
    if kind in (T.INT, T.SMALLINT, T.TINYINT):
        return "int"
    if kind == T.BIGINT:
        return "long"
    if kind in DECIMAL_TYPES:
        precision, scale = decimal_params(dtype)
        return f"decimal({precision},{scale})"
    if kind in FLOAT_TYPES:
        return "double"
    if kind == T.DATE:
        return "date"
    if kind == T.TIME:
        return "time"
    if kind in NTZ_TYPES or kind in LTZ_TYPES:
        base = "timestamp" if kind in NTZ_TYPES else "timestamptz"
        ts_precision = time_precision(dtype)
        # Precision above 6 is cut to microseconds unless v3 asks for nanoseconds (9).
        return f"{base}_ns" if v3 and ts_precision == 9 else base
    if kind in TZ_TYPES:
        raise _error(
            column,
            "TIMESTAMP_TZ is not supported in Iceberg tables; "
            "use TIMESTAMP_LTZ (timestamptz) or TIMESTAMP_NTZ (timestamp)",
        )
    if kind in STRING_TYPES:
        length = string_length(dtype)
        if length is not None and length != ICEBERG_STRING_LENGTH:
            raise _error(
                column,
                f"{dtype.sql(dialect=DIALECT)} is not allowed in an Iceberg table: "
                f"use STRING or VARCHAR without a length (the only length allowed is "
                f"{ICEBERG_STRING_LENGTH})",
            )
        return "string"
    if kind in BINARY_TYPES:
        params = type_params(dtype)
        if not params or params[0] == ICEBERG_BINARY_LENGTH:
            return "binary"
        return f"fixed[{params[0]}]"
    if kind == T.UUID:
        return "uuid"
    if kind in (T.VARIANT, *GEO_TYPES):
        if not v3:
            raise _error(column, f"{kind.value} needs an Iceberg v3 table (ICEBERG_VERSION = 3)")
        return str(kind.value).lower()
    if kind in (T.ARRAY, T.OBJECT, T.MAP):
        return _nested_to_iceberg(dtype, column=column, iceberg_version=iceberg_version)
    raise _error(column, f"type {dtype.sql(dialect=DIALECT)} has no Iceberg equivalent")


def _nested_to_iceberg(dtype: exp.DataType, *, column: str | None, iceberg_version: int) -> str:
    children = dtype.expressions
    if not dtype.args.get("nested") or not children:
        raise _error(
            column,
            f"semi-structured {dtype.this.value} is not an Iceberg type: use a structured "
            f"type such as ARRAY(NUMBER) or OBJECT(a STRING), or VARIANT on Iceberg v3",
        )

    def inner(node: exp.Expression) -> str:
        assert isinstance(node, exp.DataType)
        return to_iceberg(node, column=column, iceberg_version=iceberg_version)

    if dtype.this == T.ARRAY:
        return f"list<{inner(children[0])}>"
    if dtype.this == T.MAP:
        return f"map<{inner(children[0])}, {inner(children[1])}>"
    fields = []
    for child in children:
        if not isinstance(child, exp.ColumnDef) or not isinstance(
            child.args.get("kind"), exp.DataType
        ):
            raise _error(column, f"malformed OBJECT field {child.sql(dialect=DIALECT)!r}")
        fields.append(f"{child.name}: {inner(child.args['kind'])}")
    return "struct<" + ", ".join(fields) + ">"


def iceberg_column_type(
    dtype: exp.DataType, *, column: str | None = None, iceberg_version: int = 2
) -> exp.DataType:
    """The Snowflake DDL type to declare in an Iceberg target for a staging column type.

    Staging tables are native Snowflake tables, so each staging type is widened to an
    Iceberg-legal type that holds every staged value: ``VARCHAR(50)`` -> ``STRING``,
    ``NUMBER`` and the integer synonyms (all ``NUMBER(38,0)`` in Snowflake) ->
    ``NUMBER(38,0)``, ``TIMESTAMP_NTZ(9)`` -> ``TIMESTAMP_NTZ(6)`` (``(9)`` on v3),
    ``BINARY(n)`` -> ``BINARY``.
    See https://docs.snowflake.com/en/sql-reference/data-types-numeric (integer synonyms).
    """
    kind = dtype.this
    result: exp.DataType
    if kind in INTEGER_TYPES:
        result = exp.DataType.build("NUMBER(38,0)", dialect=DIALECT)
    elif kind in DECIMAL_TYPES:
        precision, scale = decimal_params(dtype)
        result = exp.DataType.build(f"NUMBER({precision},{scale})", dialect=DIALECT)
    elif kind in FLOAT_TYPES:
        result = exp.DataType.build("FLOAT", dialect=DIALECT)
    elif kind in STRING_TYPES:
        result = exp.DataType.build("STRING", dialect=DIALECT)
    elif kind in BINARY_TYPES:
        result = exp.DataType.build("BINARY", dialect=DIALECT)
    elif kind in NTZ_TYPES or kind in LTZ_TYPES or kind == T.TIME:
        declared = time_precision(dtype)
        # Only an explicit precision 9 keeps nanoseconds, and only on v3.
        keep_ns = iceberg_version == 3 and declared == SNOWFLAKE_TIME_PRECISION
        target = SNOWFLAKE_TIME_PRECISION if keep_ns and kind != T.TIME else 6
        name = (
            "TIME"
            if kind == T.TIME
            else ("TIMESTAMP_LTZ" if kind in LTZ_TYPES else "TIMESTAMP_NTZ")
        )
        result = exp.DataType.build(f"{name}({target})", dialect=DIALECT)
    else:
        result = dtype.copy()
    # Validate against the Iceberg mapping so unsupported types fail here, naming the column.
    to_iceberg(result, column=column, iceberg_version=iceberg_version)
    return result


def type_sql(dtype: exp.DataType) -> str:
    """Render a type as Snowflake SQL text."""
    return dtype.sql(dialect=DIALECT)
