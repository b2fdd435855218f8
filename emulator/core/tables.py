"""CREATE TABLE / CREATE VIEW: columns, the base table + view pair, CTAS, LIKE, CLONE.

https://docs.snowflake.com/en/sql-reference/sql/create-table and
https://docs.snowflake.com/en/sql-reference/sql/create-view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ROW_ID, TABLE, VIEW, CatalogObject, Column
from emulator.core.coltypes import from_duckdb, snowflake_datatype, snowflake_type
from emulator.core.engine import Outcome, status
from emulator.core.query import translate_query
from emulator.core.resolve import stored
from emulator.core.translation import duckdb_type
from emulator.core.views import EXPANDS, placeholder, translated_body
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Table properties recorded from CREATE TABLE / ALTER TABLE SET.
_INT_PROPERTIES = {
    "DATA_RETENTION_TIME_IN_DAYS": "retention_days",
    "MAX_DATA_EXTENSION_TIME_IN_DAYS": "max_extension_days",
}
_RECORDED = {"CLUSTER_BY", "ENABLE_SCHEMA_EVOLUTION", "DEFAULT_DDL_COLLATION"}


def column_from_def(coldef: exp.ColumnDef) -> Column:
    """A catalog column from a parsed column definition."""
    name = str(stored(coldef.this))
    dtype = coldef.args.get("kind")
    if not isinstance(dtype, exp.DataType):
        raise errors.generic(
            f"SQL compilation error:\nColumn '{name}' needs a data type.",
            errno=2040,
            sqlstate="42601",
        )
    nullable, default, comment = True, None, None
    for constraint in coldef.constraints:
        kind = constraint.kind
        if isinstance(kind, exp.NotNullColumnConstraint):
            nullable = bool(kind.args.get("allow_null"))
        elif isinstance(kind, exp.DefaultColumnConstraint):
            default = kind.this.sql(dialect="snowflake")
        elif isinstance(kind, exp.CommentColumnConstraint):
            comment = kind.this.name
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            nullable = False  # Snowflake makes PRIMARY KEY columns NOT NULL
        elif isinstance(kind, exp.UniqueColumnConstraint):
            pass  # recorded but not enforced, like Snowflake standard tables
        elif isinstance(
            kind, exp.AutoIncrementColumnConstraint | exp.GeneratedAsIdentityColumnConstraint
        ):
            raise errors.unsupported(f"AUTOINCREMENT / IDENTITY column {name}")
        else:
            raise errors.unsupported(f"column constraint {constraint.sql('snowflake')}")
    return Column(name, snowflake_type(dtype), nullable, default, comment)


def _inline_keys(coldef: exp.ColumnDef, name: str) -> list[str]:
    """A column's inline PRIMARY KEY / UNIQUE as the out-of-line constraints they equal."""
    keys: list[str] = []
    for constraint in coldef.constraints:
        if isinstance(constraint.kind, exp.PrimaryKeyColumnConstraint):
            keys.append(exp.PrimaryKey(expressions=[sql.ident(name)]).sql("snowflake"))
        elif isinstance(constraint.kind, exp.UniqueColumnConstraint):
            unique = exp.UniqueColumnConstraint(this=exp.Schema(expressions=[sql.ident(name)]))
            keys.append(unique.sql("snowflake"))
    return keys


def duck_type(column: Column) -> exp.DataType:
    """The DuckDB type of a catalog column."""
    return duckdb_type(snowflake_datatype(column.data_type))


def duck_column_def(
    column: Column, *, constraints: bool = True, default: exp.Expression | None = None
) -> exp.ColumnDef:
    """The DuckDB column definition of a catalog column.

    DEFAULTs are not DuckDB defaults (the session fills them per statement); ``default``
    is only for ADD COLUMN, where existing rows take it. ``constraints=False`` leaves out
    NOT NULL (change logs, and ADD COLUMN, which DuckDB refuses with constraints).
    """
    not_null = constraints and not column.nullable
    return sql.column_def(column.name, duck_type(column), not_null=not_null, default=default)


def create_native_table(
    emu: Engine,
    name: ObjectName,
    columns: list[Column],
    *,
    table_type: str = "PERMANENT",
    comment: str | None = None,
    change_tracking: bool = False,
    retention_days: int = 1,
    max_extension_days: int = 14,
    properties: dict[str, Any] | None = None,
) -> CatalogObject:
    """Create the base table, its row-id-hiding view and the catalog rows."""
    duck_schema = emu.catalog.require_schema(name.database, name.schema)
    if not columns:
        raise errors.generic(
            "SQL compilation error:\nA table needs at least one column.",
            errno=2040,
            sqlstate="42601",
        )
    seen: set[str] = set()
    for column in columns:
        if column.name in seen:
            raise errors.generic(
                f"SQL compilation error:\nduplicate column name '{column.name}'",
                errno=2025,
                sqlstate="42S21",
            )
        seen.add(column.name)
    object_id = emu.catalog.next_id()
    base_name = f"__ib_t{object_id}"
    base = sql.table(base_name, duck_schema)
    # Row ids are assigned by the capture point (ChangeCapture.write), not by a DEFAULT.
    defs = [sql.column_def(ROW_ID, "BIGINT", not_null=True), *map(duck_column_def, columns)]
    sql.run(emu.con, exp.Create(kind="TABLE", this=exp.Schema(this=base, expressions=defs)))
    hidden = exp.select(exp.Star(except_=[sql.column(ROW_ID)])).from_(base.copy())
    view = sql.table(name.name, duck_schema)
    sql.run(emu.con, exp.Create(kind="VIEW", this=view, expression=hidden))
    now = emu.now
    obj = CatalogObject(
        id=object_id,
        name=name,
        kind=TABLE,
        duck_schema=duck_schema,
        duck_name=name.name,
        base_name=base_name,
        table_type=table_type,
        comment=comment,
        created_on=now,
        last_altered=now,
        change_tracking=change_tracking,
        retention_days=retention_days,
        max_extension_days=max_extension_days,
        version=0,
        definition=None,
        properties=properties or {},
    )
    emu.catalog.add_object(obj, columns)
    if change_tracking:
        emu.capture.enable(obj)
    return obj


def drop_relation(emu: Engine, obj: CatalogObject) -> None:
    """Drop an object's DuckDB relations and its catalog rows."""
    view = sql.table(obj.duck_name, obj.duck_schema)
    sql.run(emu.con, exp.Drop(kind="VIEW", exists=True, tables=[view]))
    if obj.base_name is not None:
        sql.run(emu.con, exp.Drop(kind="TABLE", exists=True, tables=[obj.base()]))
    emu.catalog.forget_object(obj)


def table_options(create: exp.Create) -> dict[str, Any]:
    """TRANSIENT/TEMPORARY, COMMENT and the recorded parameters of CREATE TABLE."""
    options: dict[str, Any] = {"table_type": "PERMANENT", "properties": {}}
    props = create.args.get("properties")
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.TransientProperty):
            options["table_type"] = "TRANSIENT"
        elif isinstance(prop, exp.TemporaryProperty):
            options["table_type"] = "TEMPORARY"
        elif isinstance(prop, exp.SchemaCommentProperty):
            options["comment"] = prop.this.name
        elif isinstance(prop, exp.ClusterProperty):
            options["properties"]["CLUSTER_BY"] = prop.sql("snowflake")
        elif isinstance(prop, exp.LikeProperty):
            continue
        elif isinstance(prop, exp.IcebergProperty):
            raise errors.unsupported("CREATE ICEBERG TABLE")
        elif isinstance(prop, exp.DynamicProperty):
            raise errors.unsupported("CREATE DYNAMIC TABLE")
        elif isinstance(prop, exp.Property):
            apply_property(options, str(prop.name).upper(), prop.args.get("value"))
        else:
            raise errors.unsupported(f"table property {prop.sql('snowflake')}")
    return options


def apply_property(options: dict[str, Any], key: str, value: exp.Expression | None) -> None:
    """Record one ``KEY = value`` table property into ``options``."""
    if key in _INT_PROPERTIES:
        try:
            number = int(value.name) if value is not None else -1
        except ValueError:
            number = -1
        if number < 0 or number > 90:
            raise errors.invalid_value(key, value.sql("snowflake") if value else "")
        options[_INT_PROPERTIES[key]] = number
    elif key == "CHANGE_TRACKING":
        text = value.sql("snowflake").upper() if value is not None else ""
        if text not in ("TRUE", "FALSE"):
            raise errors.invalid_value(key, text)
        options["change_tracking"] = text == "TRUE"
    elif key in _RECORDED:
        options["properties"][key] = value.sql("snowflake") if value is not None else None
    else:
        raise errors.unsupported(f"table property {key}")


def query_columns(emu: Engine, duck_query: exp.Expression) -> list[Column]:
    """Columns (name, Snowflake type) of a DuckDB query, from DuckDB's DESCRIBE."""
    rows = sql.run(emu.con, exp.Describe(this=duck_query)).fetchall()
    return [Column(str(r[0]), from_duckdb(str(r[1]))) for r in rows]


def create_table(emu: Engine, create: exp.Create, name: ObjectName) -> Outcome:
    """CREATE TABLE in all its forms (columns, CTAS, LIKE, CLONE)."""
    options = table_options(create)
    schema = create.this
    like = next(
        (
            p
            for p in (create.args.get("properties") or exp.Properties()).expressions
            if isinstance(p, exp.LikeProperty)
        ),
        None,
    )
    clone = create.args.get("clone")
    query = create.args.get("expression")
    columns: list[Column] = []
    if isinstance(schema, exp.Schema):
        for item in schema.expressions:
            if isinstance(item, exp.ColumnDef):
                columns.append(column_from_def(item))
                # Inline keys are recorded like out-of-line ones (SHOW PRIMARY KEYS, DESCRIBE).
                keys = _inline_keys(item, columns[-1].name)
                if keys:
                    options["properties"].setdefault("constraints", []).extend(keys)
            else:
                options["properties"].setdefault("constraints", []).append(item.sql("snowflake"))
    source: CatalogObject | None = None
    if like is not None or clone is not None:
        ref = like.this if like is not None else clone.this if clone is not None else None
        if not isinstance(ref, exp.Table):
            raise errors.unsupported("CREATE TABLE … LIKE/CLONE of a non-table")
        source = emu.resolver.require(ref, "CREATE TABLE", (TABLE,), label="Table")
        columns = emu.catalog.columns(source.id)
    duck_query: exp.Expression | None = None
    if query is not None:
        duck_query = translate_query(emu, query, into=[c.data_type for c in columns] or None)
        described = query_columns(emu, duck_query)
        if not columns:
            columns = described
        elif len(columns) != len(described):
            raise errors.generic(
                "SQL compilation error:\nInvalid column definition list: expected "
                f"{len(columns)} columns but the query returns {len(described)}.",
                errno=2026,
                sqlstate="42601",
            )
    obj = create_native_table(
        emu,
        name,
        columns,
        table_type=options["table_type"],
        comment=options.get("comment"),
        change_tracking=options.get("change_tracking", False),
        retention_days=options.get("retention_days", 1),
        max_extension_days=options.get("max_extension_days", 14),
        properties=options["properties"],
    )
    if clone is not None and source is not None:
        # A clone keeps its rows' ids (https://docs.snowflake.com/en/sql-reference/sql/create-clone).
        insert = exp.insert(exp.select(exp.Star()).from_(source.base()), obj.base())
        emu.capture.write(obj, insert, "INSERT")
    if duck_query is not None:
        names = [sql.ident(c.name) for c in columns]
        insert = exp.Insert(
            this=exp.Schema(this=obj.base(), expressions=names), expression=duck_query
        )
        emu.capture.write(obj, insert, "INSERT")
    return status(f"Table {name.name} successfully created.")


def create_view(emu: Engine, create: exp.Create, name: ObjectName) -> Outcome:
    """CREATE VIEW name [(columns)] AS query — a DuckDB view over the translated query."""
    duck_schema = emu.catalog.require_schema(name.database, name.schema)
    query = create.args.get("expression")
    if query is None:
        raise errors.unsupported("CREATE VIEW without a query")
    names: list[str] | None = None
    if isinstance(create.this, exp.Schema):
        names = [
            str(stored(c.this if isinstance(c, exp.ColumnDef) else c))
            for c in create.this.expressions
        ]
    translated, expands = translated_body(emu, query, names)
    view = sql.table(name.name, duck_schema)
    if expands:
        # The body reads through a feature: translated again at every read (core.views).
        described = sql.run(emu.con, exp.Describe(this=translated)).fetchall()
        translated = placeholder([(str(r[0]), str(r[1])) for r in described])
    sql.run(emu.con, exp.Create(kind="VIEW", this=view, expression=translated))
    columns = query_columns(emu, exp.select(exp.Star()).from_(view.copy()))
    now = emu.now
    comment = None
    props = create.args.get("properties")
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            comment = prop.this.name
    obj = CatalogObject(
        id=emu.catalog.next_id(),
        name=name,
        kind=VIEW,
        duck_schema=duck_schema,
        duck_name=name.name,
        base_name=None,
        table_type="VIEW",
        comment=comment,
        created_on=now,
        last_altered=now,
        change_tracking=False,
        retention_days=1,
        max_extension_days=14,
        version=0,
        definition=create.sql("snowflake"),
        properties={EXPANDS: True} if expands else {},
    )
    emu.catalog.add_object(obj, columns)
    return status(f"View {name.name} successfully created.")
