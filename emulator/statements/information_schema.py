"""``<db>.INFORMATION_SCHEMA.TABLES`` / ``COLUMNS`` / ``SCHEMATA``, answered from the catalog.

https://docs.snowflake.com/en/sql-reference/info-schema/tables, …/info-schema/columns and
…/info-schema/schemata (the columns the emulator can fill; the rest are omitted rather than
invented). Each view is a DuckDB query over the metadata tables, built as nodes and put
in place of the view in the user's (translated) query.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ICEBERG_TABLE, META_SCHEMA, TABLE, VIEW

OWNER = "ACCOUNTADMIN"
#: The object kinds the TABLES and COLUMNS views list.
_LISTED = (TABLE, VIEW, ICEBERG_TABLE)


def _case(
    condition: exp.Expression, then: str, otherwise: str, *more: tuple[exp.Expression, str]
) -> exp.Case:
    """``CASE WHEN condition THEN 'then' [WHEN … THEN …] ELSE 'otherwise' END``."""
    case = exp.Case().when(condition, sql.literal(then), copy=False)
    for when, value in more:
        case = case.when(when, sql.literal(value), copy=False)
    return case.else_(sql.literal(otherwise), copy=False)


def _yes_no(condition: exp.Expression) -> exp.Case:
    return _case(condition, "YES", "NO")


def _is(column: exp.Expression, value: str) -> exp.EQ:
    return exp.EQ(this=column, expression=sql.literal(value))


def _utc(column: exp.Expression) -> exp.Expression:
    """``timezone('UTC', column)``: metadata instants are naive UTC, shown as UTC-aware."""
    return exp.Anonymous(this="timezone", expressions=[sql.literal("UTC"), column])


def _type_part(data_type: exp.Expression, pattern: str) -> exp.Expression:
    """The first group of ``pattern`` in the type text as BIGINT (NULL when absent)."""
    extracted = exp.func("regexp_extract", data_type, sql.literal(pattern), 1, dialect="duckdb")
    return exp.TryCast(this=extracted, to=exp.DataType.build("BIGINT"))


def _select(columns: list[tuple[str, exp.Expression]]) -> exp.Select:
    return exp.select(*(exp.alias_(node, sql.ident(name)) for name, node in columns))


def _listed(database: str) -> exp.Condition:
    """The TABLES / COLUMNS filter: objects of ``database`` that are tables or views."""
    kinds = [sql.literal(k) for k in _LISTED]
    return exp.and_(
        exp.EQ(this=sql.column("database", "o"), expression=sql.literal(database)),
        exp.In(this=sql.column("kind", "o"), expressions=kinds),
    )


def tables_view(database: str) -> exp.Select:
    """INFORMATION_SCHEMA.TABLES; the row count is DuckDB's estimate for the base table."""
    o = "o"
    kind, table_type = sql.column("kind", o), sql.column("table_type", o)
    columns = [
        ("TABLE_CATALOG", sql.column("database", o)),
        ("TABLE_SCHEMA", sql.column("schema", o)),
        ("TABLE_NAME", sql.column("name", o)),
        ("TABLE_OWNER", sql.literal(OWNER)),
        (
            "TABLE_TYPE",
            _case(
                _is(kind, VIEW),
                "VIEW",
                "BASE TABLE",
                (_is(table_type.copy(), "TEMPORARY"), "TEMPORARY TABLE"),
            ),
        ),
        ("IS_TRANSIENT", _yes_no(_is(table_type.copy(), "TRANSIENT"))),
        ("ROW_COUNT", exp.cast(sql.column("estimated_size", "t"), exp.DataType.Type.BIGINT)),
        ("RETENTION_TIME", sql.column("retention_days", o)),
        ("CREATED", _utc(sql.column("created_on", o))),
        ("LAST_ALTERED", _utc(sql.column("last_altered", o))),
        ("COMMENT", sql.column("comment", o)),
        ("IS_ICEBERG", _yes_no(_is(kind.copy(), ICEBERG_TABLE))),
    ]
    duck_tables = exp.Table(
        this=exp.Anonymous(this="duckdb_tables"), alias=exp.TableAlias(this=sql.ident("t"))
    )
    on = exp.and_(
        exp.EQ(this=sql.column("schema_name", "t"), expression=sql.column("duck_schema", o)),
        exp.EQ(this=sql.column("table_name", "t"), expression=sql.column("base_name", o)),
    )
    return (
        _select(columns)
        .from_(sql.table("objects", META_SCHEMA, alias=o), copy=False)
        .join(duck_tables, on=on, join_type="left", copy=False)
        .where(_listed(database), copy=False)
    )


def columns_view(database: str) -> exp.Select:
    """INFORMATION_SCHEMA.COLUMNS; precision, scale and length are read from the type text."""
    c = "c"
    data_type = sql.column("data_type", c)
    base_type = exp.func(
        "regexp_replace", data_type.copy(), sql.literal(r"\(.*$"), sql.literal(""), dialect="duckdb"
    )
    columns = [
        ("TABLE_CATALOG", sql.column("database", "o")),
        ("TABLE_SCHEMA", sql.column("schema", "o")),
        ("TABLE_NAME", sql.column("name", "o")),
        ("COLUMN_NAME", sql.column("name", c)),
        ("ORDINAL_POSITION", sql.column("ordinal", c)),
        ("COLUMN_DEFAULT", sql.column("default_sql", c)),
        ("IS_NULLABLE", _yes_no(sql.column("nullable", c))),
        (
            "DATA_TYPE",
            exp.Case()
            .when(exp.Like(this=data_type, expression=sql.literal("VARCHAR%")), sql.literal("TEXT"))
            .else_(base_type),
        ),
        ("CHARACTER_MAXIMUM_LENGTH", _type_part(data_type.copy(), r"VARCHAR\((\d+)\)")),
        ("NUMERIC_PRECISION", _type_part(data_type.copy(), r"NUMBER\((\d+),")),
        ("NUMERIC_SCALE", _type_part(data_type.copy(), r"NUMBER\(\d+,(\d+)\)")),
        ("COMMENT", sql.column("comment", c)),
    ]
    on = exp.EQ(this=sql.column("object_id", c), expression=sql.column("id", "o"))
    return (
        _select(columns)
        .from_(sql.table("objects", META_SCHEMA, alias="o"), copy=False)
        .join(sql.table("columns", META_SCHEMA, alias=c), on=on, copy=False)
        .where(_listed(database), copy=False)
    )


def schemata_view(database: str) -> exp.Select:
    """INFORMATION_SCHEMA.SCHEMATA."""
    columns = [
        ("CATALOG_NAME", sql.column("database")),
        ("SCHEMA_NAME", sql.column("name")),
        ("SCHEMA_OWNER", sql.literal(OWNER)),
        ("IS_TRANSIENT", _yes_no(sql.column("is_transient"))),
        ("CREATED", _utc(sql.column("created_on"))),
        ("COMMENT", sql.column("comment")),
    ]
    return (
        _select(columns)
        .from_(sql.meta("schemas"), copy=False)
        .where(exp.EQ(this=sql.column("database"), expression=sql.literal(database)), copy=False)
    )


#: The INFORMATION_SCHEMA views answered from the catalog, by view name.
VIEWS: dict[str, Callable[[str], exp.Select]] = {
    "TABLES": tables_view,
    "COLUMNS": columns_view,
    "SCHEMATA": schemata_view,
}


def information_schema(view: str, database: str, written: exp.Table) -> exp.Expression:
    """``<db>.INFORMATION_SCHEMA.<view>`` as a DuckDB subquery under the written alias."""
    build = VIEWS.get(view)
    if build is None:
        raise errors.unsupported(f"INFORMATION_SCHEMA.{view}")
    alias = written.args.get("alias")
    return exp.Subquery(
        this=build(database),
        alias=alias.copy() if alias is not None else exp.TableAlias(this=sql.ident(written.name)),
    )
