"""CREATE / DROP / ALTER ICEBERG TABLE on the session's Iceberg store.

https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake: columns map
to Iceberg types (https://docs.snowflake.com/en/user-guide/tables-iceberg-data-types),
PRIMARY KEY columns become identifier fields, PARTITION BY becomes the partition spec,
EXTERNAL_VOLUME defaults to SNOWFLAKE_MANAGED, OR REPLACE drops the history. DEFAULTs of a
v2 table are Snowflake-only: they live in the emulator's catalog (applied on INSERT), not
in the Iceberg metadata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ICEBERG_TABLE, CatalogObject, Column
from emulator.core.create_target import check_column_names, create_target
from emulator.core.engine import SUCCESS, Handler, Outcome, status
from emulator.core.iceberg_typing import TypedColumn, declared, from_query
from emulator.core.query import translate_query
from emulator.core.resolve import stored, written_parts
from emulator.core.script import statement_name
from emulator.core.tables import column_from_def, query_columns
from emulator.features.iceberg_tables.exactly_once import offsets_summary
from icebridge.errors import SqlError
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_common import string_value
from icebridge.sql.nodes_table import CreateIcebergTable

if TYPE_CHECKING:
    from emulator.core.engine import Engine
    from emulator.iceberg import IcebergColumn, PartitionField

#: Options accepted and recorded (no effect on the emulator's storage).
_RECORDED = {
    "TARGET_FILE_SIZE",
    "STORAGE_SERIALIZATION_POLICY",
    "PATH_LAYOUT",
    "ICEBERG_MERGE_ON_READ_BEHAVIOR",
    "CATALOG_SYNC",
    "MAX_DATA_EXTENSION_TIME_IN_DAYS",
}
_HANDLED = {
    "CATALOG",
    "EXTERNAL_VOLUME",
    "BASE_LOCATION",
    "ICEBERG_VERSION",
    "DATA_RETENTION_TIME_IN_DAYS",
    "CHANGE_TRACKING",
    "COMMENT",
}
_TRANSFORMS = {exp.Year: "year", exp.Month: "month", exp.Day: "day", exp.Hour: "hour"}


def run_create_iceberg(emu: Engine, node: exp.Expression, sql_text: str) -> Outcome:
    """CREATE [OR REPLACE] ICEBERG TABLE [IF NOT EXISTS] … [AS query]."""
    assert isinstance(node, CreateIcebergTable)
    name = emu.resolver.object_name(node.table, "CREATE ICEBERG TABLE")
    duck_schema = emu.catalog.require_schema(name.database, name.schema)
    _check_options(emu, node)
    found = create_target(
        emu, name, ICEBERG_TABLE, if_not_exists=node.if_not_exists, replace=node.or_replace
    )
    if found.done is not None:
        return found.done
    existing = found.existing
    version = node.iceberg_version or 2
    typed, keys = _declared_columns(node, version)
    duck_query: exp.Expression | None = None
    if node.query is not None:
        duck_query = translate_query(emu, node.args["expression"])
        described = query_columns(emu, duck_query)
        if not typed:
            typed = [from_query(c.name, c.data_type, version) for c in described]
        elif len(typed) != len(described):
            raise errors.generic(
                "SQL compilation error:\nInvalid column definition list: expected "
                f"{len(typed)} columns but the query returns {len(described)}.",
                errno=2026,
                sqlstate="42601",
            )
    if not typed:
        raise errors.generic(
            "SQL compilation error:\nA table needs at least one column.",
            errno=2040,
            sqlstate="42601",
        )
    columns = [t.column for t in typed]
    check_column_names(c.name for c in columns)
    ice_columns = [_ice(t) for t in typed]
    partition = [_partition_field(p) for p in node.partition_by]
    store = emu.lake.store
    if existing is not None:
        emu.catalog.forget_object(existing)  # the store drops the old table on replace
    # replace also covers a store entry left without a catalog row by an interrupted CREATE.
    store.create_table(
        name,
        ice_columns,
        partition_by=partition,
        identifier_fields=keys,
        external_volume=node.external_volume,
        base_location=node.base_location,
        replace=store.exists(name),
        format_version=version,
    )
    obj = _add_object(emu, node, name, duck_schema, columns)
    if duck_query is not None:
        rows = sql.fetch_arrow(emu.con, duck_query)
        rows = rows.rename_columns([c.name for c in columns])
        if rows.num_rows:
            with emu.lake.write(obj, summary=offsets_summary(emu, obj)) as unit:
                unit.append(rows)
    return status(f"Table {name.name} successfully created.")


def _check_options(emu: Engine, node: CreateIcebergTable) -> None:
    catalog = node.catalog
    if catalog is not None and catalog.upper() != "SNOWFLAKE":
        raise errors.unsupported(f"CATALOG = '{catalog}' (only Snowflake-managed Iceberg tables)")
    volume = node.external_volume
    if volume is not None and not emu.lake.volume_exists(volume):
        raise errors.external_volume_does_not_exist(volume)
    for option in node.option_names():
        if option and option not in _HANDLED and option not in _RECORDED:
            raise errors.unsupported(f"ICEBERG TABLE option {option}")
    if node.cluster_by:
        return  # CLUSTER BY only orders files in Snowflake; nothing to emulate


def _ice(typed: TypedColumn) -> IcebergColumn:
    from emulator.iceberg import IcebergColumn

    column = typed.column
    return IcebergColumn(column.name, typed.iceberg, not column.nullable, column.comment)


def _declared_columns(
    node: CreateIcebergTable, version: int
) -> tuple[list[TypedColumn], list[str]]:
    columns: list[TypedColumn] = []
    keys: list[str] = []
    for item in node.columns:
        if isinstance(item, exp.ColumnDef):
            column = column_from_def(item)
            dtype = item.args.get("kind")
            assert isinstance(dtype, exp.DataType)
            if version == 3 and column.default_sql is not None:
                _check_constant_default(item, column.name)
            columns.append(declared(column, dtype, version))
            if any(isinstance(c.kind, exp.PrimaryKeyColumnConstraint) for c in item.constraints):
                keys.append(column.name)
        elif isinstance(item, exp.PrimaryKey):
            keys.extend(
                str(stored(e.this if isinstance(e, exp.Ordered) else e)) for e in item.expressions
            )
        else:
            raise errors.unsupported(f"table constraint {item.sql('snowflake')}")
    if keys:  # identifier fields must be required in Iceberg
        columns = [
            TypedColumn(_required(t.column), t.iceberg) if t.column.name in keys else t
            for t in columns
        ]
    return columns, keys


def _required(c: Column) -> Column:
    return Column(c.name, c.data_type, False, c.default_sql, c.comment)


def _check_constant_default(item: exp.ColumnDef, name: str) -> None:
    for constraint in item.constraints:
        if isinstance(constraint.kind, exp.DefaultColumnConstraint):
            value = constraint.kind.this
            if not isinstance(value, exp.Literal | exp.Null | exp.Boolean | exp.Neg):
                raise errors.generic(
                    "SQL compilation error:\nIceberg v3 tables allow only constant DEFAULT "
                    f"values; column '{name}' has {value.sql('snowflake')}.",
                    errno=2040,
                    sqlstate="42601",
                )


def _partition_field(item: exp.Expression) -> PartitionField:
    from emulator.iceberg import PartitionField

    def column_of(node: exp.Expression | None) -> str:
        if isinstance(node, exp.Column | exp.Identifier):
            return str(stored(node.this if isinstance(node, exp.Column) else node))
        raise errors.unsupported(f"PARTITION BY item {item.sql('snowflake')}")

    if isinstance(item, exp.Column | exp.Identifier):
        return PartitionField(column_of(item))
    if isinstance(item, exp.PartitionedByBucket | exp.PartitionByTruncate):
        count = item.args.get("expression")
        column = item.this
        if isinstance(column, exp.Literal):  # BUCKET(n, col): the number is written first
            column, count = count, column
        if not isinstance(count, exp.Literal):
            raise errors.unsupported(f"PARTITION BY item {item.sql('snowflake')}")
        kind = "bucket" if isinstance(item, exp.PartitionedByBucket) else "truncate"
        return PartitionField(column_of(column), kind, int(count.name))
    for cls, transform in _TRANSFORMS.items():
        if isinstance(item, cls):
            return PartitionField(column_of(item.this), transform)
    raise errors.unsupported(f"PARTITION BY item {item.sql('snowflake')}")


def _add_object(
    emu: Engine,
    node: CreateIcebergTable,
    name: ObjectName,
    duck_schema: str,
    columns: list[Column],
) -> CatalogObject:
    now = emu.now
    properties: dict[str, object] = {
        "external_volume": (node.external_volume or "SNOWFLAKE_MANAGED").upper(),
        "base_location": node.base_location,
        "iceberg_version": node.iceberg_version or 2,
    }
    for option in _RECORDED:
        value = node.option(option)
        if value is not None:
            properties[option] = string_value(value) or value.sql("snowflake")
    obj = CatalogObject(
        id=emu.catalog.next_id(),
        name=name,
        kind=ICEBERG_TABLE,
        duck_schema=duck_schema,
        duck_name=name.name,
        base_name=None,
        table_type="TRANSIENT" if node.transient else "PERMANENT",
        comment=node.comment,
        created_on=now,
        last_altered=now,
        change_tracking=bool(node.change_tracking),
        retention_days=node.data_retention_time_in_days
        if node.data_retention_time_in_days is not None
        else 1,
        max_extension_days=node.max_data_extension_time_in_days or 14,
        version=0,
        definition=None,
        properties=properties,
    )
    emu.catalog.add_object(obj, columns)
    return obj


def _forget(emu: Engine, obj: CatalogObject) -> None:
    """Drop the Iceberg table and its catalog row (its streams go stale)."""
    store = emu.lake.store
    if store.exists(obj.name):
        store.drop_table(obj.name)
    emu.catalog.forget_object(obj)


def find_iceberg(emu: Engine, table: exp.Expression) -> CatalogObject | None:
    """The Iceberg table ``table`` names, or None (missing, other kind, bad name)."""
    if not isinstance(table, exp.Table):
        return None
    try:
        return emu.resolver.lookup(table, "DROP", (ICEBERG_TABLE,), missing_ok=True)
    except SqlError:
        return None


def run_drop_iceberg(emu: Engine, obj: CatalogObject) -> Outcome:
    """DROP [ICEBERG] TABLE on an Iceberg table: catalog entry, data and metadata."""
    _forget(emu, obj)
    return status(f"{obj.name.name} successfully dropped.")


def run_alter_iceberg(emu: Engine, node: exp.Alter) -> Outcome:
    """ALTER [ICEBERG] TABLE … ADD COLUMN (schema evolution; old rows read NULL)."""
    obj = emu.resolver.lookup(
        node.this,
        "ALTER ICEBERG TABLE",
        (ICEBERG_TABLE,),
        missing_ok=bool(node.args.get("exists")),
        label="Table",
    )
    if obj is None:
        return status(SUCCESS)
    version = int(obj.properties.get("iceberg_version", 2))
    columns = emu.catalog.columns(obj.id)
    for action in node.args.get("actions") or []:
        if not isinstance(action, exp.ColumnDef):
            raise errors.unsupported(f"ALTER ICEBERG TABLE {action.sql('snowflake')}")
        column = column_from_def(action)
        if column.name in {c.name for c in columns}:
            if action.args.get("exists"):
                continue
            raise errors.already_exists(column.name, "Column")
        dtype = action.args.get("kind")
        assert isinstance(dtype, exp.DataType)
        typed = declared(column, dtype, version)
        emu.lake.store.add_column(obj.name, _ice(typed))
        columns.append(typed.column)
    emu.catalog.set_columns(obj.id, columns)
    emu.catalog.update_object(obj.id, last_altered=emu.now)
    return status(SUCCESS)


def routed_drop(native: Handler) -> Handler:
    """DROP [ICEBERG] TABLE: the Iceberg path for an Iceberg table, else ``native``."""

    def run(emu: Engine, node: exp.Expression, sql_text: str) -> Outcome:
        assert isinstance(node, exp.Drop)
        target = (node.args.get("tables") or [node.this])[0]
        iceberg = find_iceberg(emu, target)
        if iceberg is not None:
            return run_drop_iceberg(emu, iceberg)
        return native(emu, node, sql_text)

    return run


def run_drop_iceberg_table(emu: Engine, node: exp.Expression, sql_text: str) -> Outcome:
    """DROP ICEBERG TABLE [IF EXISTS]: only an Iceberg table answers to the name."""
    assert isinstance(node, exp.Drop)
    target = (node.args.get("tables") or [node.this])[0]
    iceberg = find_iceberg(emu, target)
    if iceberg is not None:
        return run_drop_iceberg(emu, iceberg)
    if not isinstance(target, exp.Table):
        raise errors.unsupported(statement_name(sql_text))
    if node.args.get("exists"):
        name = written_parts(target)[-1]
        return status(f"Drop statement executed successfully ({name} already dropped).")
    emu.resolver.require(target, "DROP ICEBERG TABLE", (ICEBERG_TABLE,), label="Table")
    raise AssertionError("require raises for a name that is not an Iceberg table")


def routed_alter(native: Handler) -> Handler:
    """ALTER [ICEBERG] TABLE: the Iceberg path for an Iceberg table, else ``native``."""

    def run(emu: Engine, node: exp.Expression, sql_text: str) -> Outcome:
        assert isinstance(node, exp.Alter)
        if node.args.get("iceberg") or find_iceberg(emu, node.this) is not None:
            return run_alter_iceberg(emu, node)
        return native(emu, node, sql_text)

    return run
