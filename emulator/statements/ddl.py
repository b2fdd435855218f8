"""CREATE / DROP / ALTER for databases, schemas, warehouses, tables and views.

Status texts follow Snowflake's (e.g. "Table T successfully created.",
"T successfully dropped.", "Drop statement executed successfully (T already dropped).").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import TABLE, VIEW, CatalogObject
from emulator.core.create_target import create_target
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.resolve import stored, written_parts
from emulator.core.script import statement_name
from emulator.core.tables import (
    apply_property,
    column_from_def,
    create_table,
    create_view,
    drop_relation,
    duck_column_sql,
    qident,
)
from icebridge.sql.identifiers import ObjectName, join_parts

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_KIND_LABEL = {TABLE: "Table", VIEW: "View"}


def run_create(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    assert isinstance(node, exp.Create)
    kind = str(node.args.get("kind") or "").upper()
    replace = bool(node.args.get("replace"))
    if_not_exists = bool(node.args.get("exists"))
    if kind == "DATABASE":
        return _create_database(emu, node, replace, if_not_exists)
    if kind == "SCHEMA":
        return _create_schema(emu, node, replace, if_not_exists)
    if kind == "WAREHOUSE":
        name = str(stored(node.this if not isinstance(node.this, exp.Table) else node.this.this))
        props = node.args.get("properties")
        recorded = {
            str(p.name).upper(): p.args["value"].sql("snowflake")
            for p in (props.expressions if props else [])
            if isinstance(p, exp.Property)
        }
        exists = emu.catalog.warehouse_exists(name)
        if exists and if_not_exists:
            return status(f"{name} already exists, statement succeeded.")
        if exists and not replace:
            raise errors.already_exists(name)
        emu.catalog.add_warehouse(name, recorded, emu.now)
        emu.state.warehouse = name
        return status(f"Warehouse {name} successfully created.")
    if kind not in ("TABLE", "VIEW"):
        raise errors.unsupported(statement_name(sql))
    target = node.this.this if isinstance(node.this, exp.Schema) else node.this
    label = "CREATE TABLE" if kind == "TABLE" else "CREATE VIEW"
    if kind == "TABLE":
        _refuse_table_variants(node, sql)
    object_name = emu.resolver.object_name(target, label)
    emu.catalog.require_schema(object_name.database, object_name.schema)
    found = create_target(emu, object_name, kind, if_not_exists=if_not_exists, replace=replace)
    if found.done is not None:
        return found.done
    if found.existing is not None:
        drop_relation(emu, found.existing)
    if kind == "TABLE":
        return create_table(emu, node, object_name)
    return create_view(emu, node, object_name)


def _refuse_table_variants(node: exp.Create, sql: str) -> None:
    props = node.args.get("properties")
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.IcebergProperty | exp.DynamicProperty):
            raise errors.unsupported(statement_name(sql))


def _create_database(emu: Engine, node: exp.Create, replace: bool, if_not_exists: bool) -> Outcome:
    name = written_parts(node.this)[-1]
    if emu.catalog.database_exists(name):
        if if_not_exists:
            return status(f"{name} already exists, statement succeeded.")
        if not replace:
            raise errors.already_exists(name)
        emu.catalog.drop_database(name)
    now = emu.now
    transient = _has(node, exp.TransientProperty)
    emu.catalog.add_database(name, now, comment=_comment(node), transient=transient)
    emu.catalog.add_schema(name, "PUBLIC", now)
    # Creating a database makes it (and its PUBLIC schema) current.
    # https://docs.snowflake.com/en/sql-reference/sql/create-database
    emu.state.database, emu.state.schema = name, "PUBLIC"
    return status(f"Database {name} successfully created.")


def _create_schema(emu: Engine, node: exp.Create, replace: bool, if_not_exists: bool) -> Outcome:
    table = node.this
    database, schema = emu.resolver.schema_name(
        exp.Table(this=table.args.get("db"), db=table.args.get("catalog")), "CREATE SCHEMA"
    )
    if not emu.catalog.database_exists(database):
        raise errors.object_does_not_exist(join_parts([database]), "Database")
    if emu.catalog.schema_exists(database, schema):
        if if_not_exists:
            return status(f"{schema} already exists, statement succeeded.")
        if not replace:
            raise errors.already_exists(schema)
        emu.catalog.drop_schema(database, schema)
    emu.catalog.add_schema(
        database,
        schema,
        emu.now,
        comment=_comment(node),
        transient=_has(node, exp.TransientProperty),
    )
    # https://docs.snowflake.com/en/sql-reference/sql/create-schema: the new schema is current.
    emu.state.database, emu.state.schema = database, schema
    return status(f"Schema {schema} successfully created.")


def _has(node: exp.Create, cls: type[exp.Expression]) -> bool:
    props = node.args.get("properties")
    return any(isinstance(p, cls) for p in (props.expressions if props else []))


def _comment(node: exp.Create) -> str | None:
    props = node.args.get("properties")
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            return str(prop.this.name)
    return None


def run_drop(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    assert isinstance(node, exp.Drop)
    kind = str(node.args.get("kind") or "").upper()
    if_exists = bool(node.args.get("exists"))
    tables = node.args.get("tables") or [node.this]
    target = tables[0]
    if not isinstance(target, exp.Table):
        raise errors.unsupported(statement_name(sql))
    if kind == "DATABASE":
        name = written_parts(target)[-1]
        if not emu.catalog.database_exists(name):
            if if_exists:
                return status(f"Drop statement executed successfully ({name} already dropped).")
            raise errors.object_does_not_exist(join_parts([name]), "Database")
        emu.catalog.drop_database(name)
        if emu.state.database == name:
            emu.state.database, emu.state.schema = None, None
        return status(f"{name} successfully dropped.")
    if kind == "SCHEMA":
        table = exp.Table(this=target.args.get("db"), db=target.args.get("catalog"))
        database, schema = emu.resolver.schema_name(table, "DROP SCHEMA")
        if not emu.catalog.schema_exists(database, schema):
            if if_exists:
                return status(f"Drop statement executed successfully ({schema} already dropped).")
            emu.catalog.require_schema(database, schema)
        emu.catalog.drop_schema(database, schema)
        if (emu.state.database, emu.state.schema) == (database, schema):
            emu.state.schema = None
        return status(f"{schema} successfully dropped.")
    if kind in ("TABLE", "VIEW"):
        obj = emu.resolver.lookup(
            target, f"DROP {kind}", (kind,), missing_ok=if_exists, label=_KIND_LABEL[kind]
        )
        if obj is None:
            name = written_parts(target)[-1]
            return status(f"Drop statement executed successfully ({name} already dropped).")
        drop_relation(emu, obj)
        return status(f"{obj.name.name} successfully dropped.")
    raise errors.unsupported(statement_name(sql))


def drop_temporary_tables(emu: Engine) -> None:
    """Temporary tables live for one session: drop those left by the previous one."""
    for obj in emu.catalog.objects(kind=TABLE):
        if obj.table_type == "TEMPORARY":
            drop_relation(emu, obj)


# -- ALTER TABLE ----------------------------------------------------------------------------


def run_alter(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """ALTER TABLE (https://docs.snowflake.com/en/sql-reference/sql/alter-table)."""
    assert isinstance(node, exp.Alter)
    kind = str(node.args.get("kind") or "").upper()
    if kind != "TABLE":
        raise errors.unsupported(statement_name(sql))
    obj = emu.resolver.lookup(
        node.this,
        "ALTER TABLE",
        (TABLE,),
        missing_ok=bool(node.args.get("exists")),
        label="Table",
    )
    if obj is None:
        return status(SUCCESS)
    for action in node.args.get("actions") or []:
        fresh = emu.catalog.by_id(obj.id)
        assert fresh is not None
        _alter_action(emu, fresh, action)
    emu.catalog.update_object(obj.id, last_altered=emu.now)
    return status(SUCCESS)


def _alter_action(emu: Engine, obj: CatalogObject, action: exp.Expression) -> None:
    columns = emu.catalog.columns(obj.id)
    names = [c.name for c in columns]
    base = obj.base().sql(dialect="duckdb")
    log = obj.log().sql(dialect="duckdb") if obj.change_tracking else None
    if isinstance(action, exp.AlterSet):
        _alter_set(emu, obj, action)
    elif isinstance(action, exp.ColumnDef):
        column = column_from_def(action)
        if column.name in names:
            raise errors.generic(
                f"SQL compilation error:\ncolumn '{column.name}' already exists",
                errno=2025,
                sqlstate="42S21",
            )
        _add_column(emu, obj, column)
        emu.catalog.set_columns(obj.id, [*columns, column])
    elif isinstance(action, exp.Drop) and str(action.args.get("kind")).upper() == "COLUMN":
        drop = [
            str(stored(c.this if isinstance(c, exp.Column) else c))
            for c in (action.args.get("tables") or action.expressions)
        ]
        for name in drop:
            if name not in names:
                raise errors.invalid_identifier(name)
            for relation in filter(None, (base, log)):
                emu.con.execute(f"ALTER TABLE {relation} DROP COLUMN {qident(name)}")
        emu.catalog.set_columns(obj.id, [c for c in columns if c.name not in drop])
    elif isinstance(action, exp.RenameColumn):
        old, new = str(stored(action.this.this)), str(stored(action.args["to"].this))
        if old not in names:
            raise errors.invalid_identifier(old)
        for relation in filter(None, (base, log)):
            emu.con.execute(f"ALTER TABLE {relation} RENAME COLUMN {qident(old)} TO {qident(new)}")
        emu.catalog.set_columns(obj.id, [_renamed(c, new) if c.name == old else c for c in columns])
    elif isinstance(action, exp.AlterRename):
        _rename_table(emu, obj, action.this)
    elif isinstance(action, exp.AlterColumn):
        _alter_column(emu, obj, action, columns)
    else:
        raise errors.unsupported(f"ALTER TABLE {action.sql('snowflake')}")


def _renamed(column: Any, name: str) -> Any:
    from dataclasses import replace

    return replace(column, name=name)


def _alter_set(emu: Engine, obj: CatalogObject, action: exp.AlterSet) -> None:
    options: dict[str, Any] = {"properties": dict(obj.properties)}
    for group in action.expressions:
        props = group.expressions if isinstance(group, exp.Properties) else [group]
        for prop in props:
            if isinstance(prop, exp.SchemaCommentProperty):
                options["comment"] = prop.this.name
            elif isinstance(prop, exp.Property):
                apply_property(options, str(prop.name).upper(), prop.args.get("value"))
            else:
                raise errors.unsupported(f"ALTER TABLE SET {prop.sql('snowflake')}")
    tracking = options.pop("change_tracking", None)
    properties = options.pop("properties")
    if options:
        emu.catalog.update_object(obj.id, **options)
    if properties != obj.properties:
        emu.catalog.update_object(obj.id, properties=properties)
    if tracking is not None and tracking != obj.change_tracking:
        emu.catalog.update_object(obj.id, change_tracking=tracking)
        if tracking:
            emu.capture.enable(obj)
        else:
            emu.capture.disable(obj)
        from emulator.features.streams.tracking import tracking_toggled

        tracking_toggled(emu, obj)  # the log restarts; streams on the table go stale


def _add_column(emu: Engine, obj: CatalogObject, column: Any) -> None:
    from emulator.core.defaults import default_expression

    definition = duck_column_sql(column)
    default = default_expression(emu, column)
    not_null = definition.endswith(" NOT NULL")
    if not_null:
        definition = definition[: -len(" NOT NULL")]
    # Existing rows take the DEFAULT (evaluated now), like Snowflake's ADD COLUMN … DEFAULT.
    fill = f" DEFAULT {default.sql(dialect='duckdb')}" if default is not None else ""
    emu.con.execute(f"ALTER TABLE {obj.base().sql(dialect='duckdb')} ADD COLUMN {definition}{fill}")
    if fill:
        emu.con.execute(
            f"ALTER TABLE {obj.base().sql(dialect='duckdb')} ALTER COLUMN "
            f"{qident(column.name)} DROP DEFAULT"
        )
    if not_null:
        emu.con.execute(
            f"ALTER TABLE {obj.base().sql(dialect='duckdb')} ALTER COLUMN "
            f"{qident(column.name)} SET NOT NULL"
        )
    if obj.change_tracking:
        emu.con.execute(
            f"ALTER TABLE {obj.log().sql(dialect='duckdb')} ADD COLUMN "
            f"{duck_column_sql(column).removesuffix(' NOT NULL')}"
        )


def _alter_column(
    emu: Engine, obj: CatalogObject, action: exp.AlterColumn, columns: list[Any]
) -> None:
    from dataclasses import replace

    name = str(stored(action.this))
    current = next((c for c in columns if c.name == name), None)
    if current is None:
        raise errors.invalid_identifier(name)
    base = obj.base().sql(dialect="duckdb")
    if action.args.get("default") is not None:
        updated = replace(current, default_sql=action.args["default"].sql("snowflake"))
    elif action.args.get("drop") and action.args.get("allow_null") is None:
        updated = replace(current, default_sql=None)
    elif action.args.get("allow_null") is not None:
        allow = bool(action.args.get("allow_null")) if not action.args.get("drop") else True
        verb = "DROP" if allow else "SET"
        emu.con.execute(f"ALTER TABLE {base} ALTER COLUMN {qident(name)} {verb} NOT NULL")
        updated = replace(current, nullable=allow)
    elif action.args.get("comment") is not None:
        updated = replace(current, comment=action.args["comment"].name)
    else:
        raise errors.unsupported(f"ALTER TABLE {action.sql('snowflake')}")
    emu.catalog.set_columns(obj.id, [updated if c.name == name else c for c in columns])


def _rename_table(emu: Engine, obj: CatalogObject, target: exp.Table) -> None:
    new = emu.resolver.object_name(target, "ALTER TABLE")
    if len(written_parts(target)) == 1:
        new = ObjectName(obj.name.database, obj.name.schema, new.name)
    if (new.database, new.schema) != (obj.name.database, obj.name.schema):
        raise errors.unsupported("ALTER TABLE … RENAME TO another schema")
    if emu.catalog.find(new) is not None:
        raise errors.already_exists(new.name)
    emu.con.execute(
        f"ALTER VIEW {obj.relation().sql(dialect='duckdb')} RENAME TO {qident(new.name)}"
    )
    emu.con.execute(
        "UPDATE __ib.objects SET name = ?, duck_name = ? WHERE id = ?", [new.name, new.name, obj.id]
    )
