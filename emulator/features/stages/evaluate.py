"""A file's rows converted to the target columns, with the first error of each row.

The load query of :mod:`.transform` is translated to DuckDB and run over the file's rows
into the scratch table :data:`ROWS`: one row per source row with the converted values, the
row number and, for a row that fails, which check failed first and the value it failed on.
Nothing raises on bad data, so one statement finds every bad row
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, ON_ERROR):

* every CAST the transformation does is a TRY_CAST, and fails a row whose value did not
  convert (``$1::INT`` of ``'abc'``);
* each value is converted to its column's type (text to numbers, dates, booleans as
  Snowflake reads them: ``TRUE``/``yes``/``on``/``1`` …; anything to VARIANT as JSON) and
  fails the row when it does not convert;
* a NULL in a NOT NULL column fails the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import Column
from emulator.core.tables import duck_type
from emulator.features.stages.readers import ROW

if TYPE_CHECKING:
    from emulator.core.engine import Engine

ROWS = "__ib_copy_rows"
ERROR = "__ib_err"
VALUE = "__ib_errval"
_TRUE = ("true", "t", "yes", "y", "on", "1")
_FALSE = ("false", "f", "no", "n", "off", "0")
_VARCHAR = exp.DataType.build("VARCHAR", dialect="duckdb")
_JSON = exp.DataType.build("JSON", dialect="duckdb")


@dataclass(frozen=True)
class Check:
    """One way a row can fail: target column ``column`` (0-based) did not convert to a
    ``family`` (NUMBER, DATE, …) or was NULL in a NOT NULL column."""

    column: int
    family: str
    not_null: bool = False


def target(index: int) -> str:
    """The scratch column holding target column ``index``'s value."""
    return f"__ib_t{index}"


def family_of(snowflake_type: str) -> str:
    """NUMBER, BOOLEAN, DATE, TIME, TIMESTAMP, BINARY, VARIANT or TEXT."""
    text = snowflake_type.upper()
    for prefix, family in (
        ("NUMBER", "NUMBER"),
        ("DECIMAL", "NUMBER"),
        ("INT", "NUMBER"),
        ("FLOAT", "NUMBER"),
        ("DOUBLE", "NUMBER"),
        ("REAL", "NUMBER"),
        ("BOOLEAN", "BOOLEAN"),
        ("DATE", "DATE"),
        ("TIMESTAMP", "TIMESTAMP"),
        ("TIME", "TIME"),
        ("BINARY", "BINARY"),
        ("VARIANT", "VARIANT"),
        ("OBJECT", "VARIANT"),
        ("ARRAY", "VARIANT"),
    ):
        if text.startswith(prefix):
            return family
    return "TEXT"


def _duck_family(dtype: exp.DataType) -> str:
    kind = dtype.this
    T = exp.DataType.Type
    if kind in (T.DATE,):
        return "DATE"
    if kind in (T.TIME, T.TIMETZ):
        return "TIME"
    if kind in exp.DataType.TEMPORAL_TYPES:
        return "TIMESTAMP"
    if kind == T.BOOLEAN:
        return "BOOLEAN"
    if kind in exp.DataType.NUMERIC_TYPES:
        return "NUMBER"
    if kind in (T.BINARY, T.VARBINARY, T.BLOB):
        return "BINARY"
    return "TEXT"


def try_cast(value: exp.Expr, to: exp.DataType) -> exp.Expr:
    """``TRY_CAST(value AS to)``; a wide DECIMAL goes through DECIMAL(18, s) first.

    DuckDB 1.5.5 parses text into a DECIMAL wider than 18 digits about a hundred times more
    slowly than into one of 18 (measured: 2.7 s against 0.02 s for 200k values), and loads
    cast text to NUMBER(38, s) all the time: the narrow cast handles every value that fits,
    the wide one only the others.
    """
    wide = exp.TryCast(this=value.copy(), to=to.copy())
    if to.this != exp.DataType.Type.DECIMAL or len(to.expressions) != 2:
        return wide
    precision, scale = (int(p.this.name) for p in to.expressions)
    if precision <= 18 or scale > 18:
        return wide
    narrow = exp.DataType.build(f"DECIMAL(18, {scale})", dialect="duckdb")
    fast = exp.cast(exp.TryCast(this=value.copy(), to=narrow), to.copy())
    return exp.Coalesce(this=fast, expressions=[wide])


def _is_null(node: exp.Expr) -> exp.Expr:
    return exp.Is(this=node, expression=exp.Null())


def _not_null(node: exp.Expr) -> exp.Expr:
    return exp.Not(this=_is_null(node))


def _instrument(projection: exp.Expr) -> list[tuple[exp.Expr, exp.Expr, str]]:
    """Turn the CASTs of a translated projection into TRY_CASTs; for each, the condition
    that it failed, the value it failed on (as text) and the type family."""
    casts = [c for c in projection.find_all(exp.Cast) if type(c) is exp.Cast]
    found: list[tuple[exp.Expr, exp.Expr, str]] = []
    for cast in reversed(casts):  # innermost first: an outer cast sees the TRY_CAST inside
        to = cast.to
        if not isinstance(to, exp.DataType) or to.this in (
            exp.DataType.Type.VARCHAR,
            exp.DataType.Type.TEXT,
        ):
            continue
        inner = cast.this
        failed = exp.and_(_not_null(inner.copy()), _is_null(try_cast(inner, to)))
        text = exp.cast(inner.copy(), _VARCHAR.copy())
        found.append((failed, text, _duck_family(to)))
        cast.replace(try_cast(inner, to))
    return list(reversed(found))


def _convert(
    value: exp.Expr, source_type: str, column: Column
) -> tuple[exp.Expr, exp.Expr | None, exp.Expr | None]:
    """(converted value, failed condition, failing value as text) for one target column."""
    to = duck_type(column)
    kind = source_type.upper()
    if to.this == exp.DataType.Type.JSON:
        if kind == "JSON":
            return value, None, None
        return exp.Anonymous(this="to_json", expressions=[value]), None, None
    text = value
    if kind == "JSON":
        text = exp.Anonymous(
            this="json_extract_string", expressions=[value, exp.Literal.string("$")]
        )
    if to.this in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):
        return exp.cast(text, _VARCHAR.copy()), None, None
    if to.this == exp.DataType.Type.BOOLEAN and (kind.startswith("VARCHAR") or kind == "JSON"):
        word = exp.Lower(this=exp.Trim(this=exp.cast(text.copy(), _VARCHAR.copy())))
        converted: exp.Expr = exp.Case(
            ifs=[
                exp.If(this=word.copy().isin(*map(exp.Literal.string, _TRUE)), true=exp.true()),
                exp.If(this=word.copy().isin(*map(exp.Literal.string, _FALSE)), true=exp.false()),
            ]
        )
    else:
        converted = try_cast(text, to)
    failed = exp.and_(_not_null(text.copy()), _is_null(converted.copy()))
    return converted, failed, exp.cast(text.copy(), _VARCHAR.copy())


def evaluate(emu: Engine, query: exp.Select, targets: list[Column]) -> list[Check]:
    """Run the load ``query`` (Snowflake, one projection per target column) into
    :data:`ROWS`; the checks, in the order a row's error is looked for."""
    snowflake = query.copy()
    snowflake.select(exp.Column(this=exp.Identifier(this=ROW, quoted=True)), copy=False)
    duck = emu.translate(snowflake)  # a fresh tree (a kept translation is handed out copied)
    assert isinstance(duck, exp.Select)
    projections = list(duck.expressions)
    own: list[exp.Expr] = []
    user: list[list[tuple[exp.Expr, exp.Expr, str]]] = []
    marks = 0
    for index, projection in enumerate(projections[:-1]):
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        holder = exp.Paren(this=inner.copy())  # so that a CAST at the top can be replaced
        found = _instrument(holder)
        inner = holder.this
        user.append(found)
        own.append(exp.alias_(inner, sql.ident(f"__ib_p{index}")))
        for cast_failed, cast_text, _family in found:
            own.append(exp.alias_(cast_failed, sql.ident(f"__ib_k{marks}")))
            own.append(exp.alias_(cast_text, sql.ident(f"__ib_kv{marks}")))
            marks += 1
    own.append(exp.alias_(sql.column(ROW), sql.ident(ROW)))
    duck.set("expressions", own)
    types = {str(r[0]): str(r[1]) for r in sql.run(emu.con, exp.Describe(this=duck)).fetchall()}

    inner_columns: list[exp.Expr] = []
    conditions: list[tuple[exp.Expr, exp.Expr]] = []
    checks: list[Check] = []
    mark = 0
    for index, column in enumerate(targets):
        source = sql.column(f"__ib_p{index}")
        converted, failed, text = _convert(source, types[f"__ib_p{index}"], column)
        inner_columns.append(exp.alias_(converted, sql.ident(target(index))))
        for _failed, _text, family in user[index]:
            conditions.append((sql.column(f"__ib_k{mark}"), sql.column(f"__ib_kv{mark}")))
            checks.append(Check(index, family))
            mark += 1
        if failed is not None and text is not None:
            inner_columns.append(exp.alias_(failed, sql.ident(f"__ib_f{index}")))
            inner_columns.append(exp.alias_(text, sql.ident(f"__ib_v{index}")))
            conditions.append((sql.column(f"__ib_f{index}"), sql.column(f"__ib_v{index}")))
            checks.append(Check(index, family_of(column.data_type)))
        if not column.nullable:
            conditions.append((_is_null(sql.column(target(index))), exp.Null()))
            checks.append(Check(index, family_of(column.data_type), not_null=True))
    marks_columns = [sql.column(f"__ib_k{m}") for m in range(marks)]
    marks_columns += [sql.column(f"__ib_kv{m}") for m in range(marks)]
    converted_rows = exp.select(*inner_columns, sql.column(ROW), *marks_columns).from_(
        duck.subquery(sql.ident("__ib_a"), copy=False), copy=False
    )
    outer: list[exp.Expr] = [sql.column(target(i)) for i in range(len(targets))]
    outer.append(sql.column(ROW))
    which: exp.Expr
    value_of: exp.Expr
    if conditions:
        which = exp.Case(
            ifs=[exp.If(this=c, true=exp.Literal.number(i)) for i, (c, _v) in enumerate(conditions)]
        )
        value_of = exp.Case(ifs=[exp.If(this=c.copy(), true=v) for c, v in conditions])
    else:
        which = exp.cast(exp.Null(), exp.DataType.build("INTEGER", dialect="duckdb"))
        value_of = exp.cast(exp.Null(), _VARCHAR.copy())
    outer.append(exp.alias_(which, sql.ident(ERROR)))
    outer.append(exp.alias_(value_of, sql.ident(VALUE)))
    final = exp.select(*outer).from_(converted_rows.subquery(sql.ident("__ib_b"), copy=False))
    sql.run(emu.con, sql.create_temp(ROWS, final))
    return checks


def failures(emu: Engine) -> list[tuple[int, int, str | None]]:
    """(row, check index, value) of each failed row of :data:`ROWS`, by row."""
    query = (
        exp.select(sql.column(ROW), sql.column(ERROR), sql.column(VALUE))
        .from_(sql.table(ROWS))
        .where(_not_null(sql.column(ERROR)))
        .order_by(sql.column(ROW))
    )
    return [(int(r[0]), int(r[1]), r[2]) for r in sql.run(emu.con, query).fetchall()]


def good_rows(count: int, skipped: bool = False) -> exp.Select:
    """The converted values of the rows that passed every check, in file order."""
    query = exp.select(*(sql.column(target(i)) for i in range(count))).from_(sql.table(ROWS))
    condition: exp.Expr = _is_null(sql.column(ERROR))
    if skipped:
        condition = exp.false()
    return query.where(condition).order_by(sql.column(ROW))
