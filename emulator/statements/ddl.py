"""CREATE / DROP / ALTER for databases, schemas, warehouses, tables and views.

Status texts follow Snowflake's (e.g. "Table T successfully created.",
"T successfully dropped.", "Drop statement executed successfully (T already dropped).").
CREATE SEQUENCE and CREATE TAG are passed on to :mod:`emulator.statements.sequences` and
:mod:`emulator.statements.tags`. A CREATE TABLE's AUTOINCREMENT / IDENTITY columns keep a
DEFAULT naming their sequence (:mod:`emulator.core.sequences`); ``[WITH] TAG (…)`` sets tag
values on the new table or view (:mod:`emulator.core.tags`); CLUSTER BY keys are kept with
their unquoted names in stored (upper) case, as SHOW TABLES prints them
(https://docs.snowflake.com/en/sql-reference/sql/create-table: ``LINEAR(DATE, ID)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core import sequences, sql, tags
from emulator.core.catalog import TABLE, VIEW, CatalogObject, Column
from emulator.core.catalog_objects import IDENTITY
from emulator.core.create_target import check_column_names, create_target
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.resolve import stored, written_parts
from emulator.core.script import statement_name
from emulator.core.tables import (
    apply_property,
    column_from_def,
    create_table,
    create_view,
    drop_relation,
    duck_column_def,
)
from emulator.statements import sequences as sequence_statements
from emulator.statements import tags as tag_statements
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName, join_parts
from icebridge.sql.nodes_objects import DropClusteringKey

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_KIND_LABEL = {TABLE: "Table", VIEW: "View"}


def run_create(emu: Engine, node: exp.Expression, text: str) -> Outcome:
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
    if kind == "SEQUENCE":
        return sequence_statements.run_create_sequence(emu, node, text)
    if kind == "TAG":
        return tag_statements.run_create_tag(emu, node, text)
    if kind not in ("TABLE", "VIEW"):
        raise errors.unsupported(statement_name(text))
    target = node.this.this if isinstance(node.this, exp.Schema) else node.this
    label = "CREATE TABLE" if kind == "TABLE" else "CREATE VIEW"
    node, tagged = _without_tags(node)
    if kind == "TABLE":
        _refuse_table_variants(node, text)
        node = _with_identity_and_keys(node)
        if isinstance(node.this, exp.Schema):
            defs = [d for d in node.this.expressions if isinstance(d, exp.ColumnDef)]
            check_column_names(str(stored(d.this)) for d in defs)
    object_name = emu.resolver.object_name(target, label)
    emu.catalog.require_schema(object_name.database, object_name.schema)
    found = create_target(emu, object_name, kind, if_not_exists=if_not_exists, replace=replace)
    if found.done is not None:
        return found.done
    if found.existing is not None:
        drop_relation(emu, found.existing)
    outcome = (
        create_table(emu, node, object_name)
        if kind == "TABLE"
        else create_view(emu, node, object_name)
    )
    if tagged:
        created = emu.catalog.find(object_name)
        assert created is not None
        props = tags.with_values(emu, created, tagged)
        emu.catalog.update_object(created.id, properties=props)
    return outcome


def _without_tags(node: exp.Create) -> tuple[exp.Create, list[tuple[exp.Expression, Any]]]:
    """``node`` without its ``[WITH] TAG (t = 'v', …)`` clause, and the tag values it sets."""
    props = node.args.get("properties")
    found = [p for p in (props.expressions if props else []) if isinstance(p, exp.Tags)]
    if not found:
        return node, []
    node = node.copy()
    kept = [p for p in node.args["properties"].expressions if not isinstance(p, exp.Tags)]
    node.set("properties", exp.Properties(expressions=kept) if kept else None)
    pairs = [(p.this, p.args.get("value")) for tag in found for p in tag.expressions]
    return node, pairs


def _identity(constraint: exp.Expr) -> tuple[int, int, bool] | None:
    """(start, increment, ORDER) of an AUTOINCREMENT / IDENTITY constraint, else None
    (create-table: START and INCREMENT default to 1; NOORDER is the default, bcr-1483)."""
    if isinstance(constraint, exp.AutoIncrementColumnConstraint):
        return 1, 1, False
    if not isinstance(constraint, exp.GeneratedAsIdentityColumnConstraint):
        return None
    start = sequences.number(constraint.args.get("start"), "START")
    increment = sequences.number(constraint.args.get("increment"), "INCREMENT")
    return (
        sequences.checked(1 if start is None else start, "START"),
        sequences.checked(1 if increment is None else increment, "INCREMENT", nonzero=True),
        bool(constraint.args.get("order")),
    )


def _with_identity_and_keys(node: exp.Create) -> exp.Create:
    """``node`` with each AUTOINCREMENT / IDENTITY written as the DEFAULT that draws from
    the column's sequence, ``DEFAULT <seq>.NEXTVAL`` kept as written, and CLUSTER BY keys
    in stored case (a copy when anything changes)."""
    schema = node.this
    defs = (
        [d for d in schema.expressions if isinstance(d, exp.ColumnDef)]
        if isinstance(schema, exp.Schema)
        else []
    )
    props = node.args.get("properties")
    clusters = [
        p for p in (props.expressions if props else []) if isinstance(p, exp.ClusterProperty)
    ]
    changing = clusters or any(
        _identity(c.kind) is not None or _names_sequence(c.kind)
        for d in defs
        for c in d.constraints
    )
    if not changing:
        return node
    node = node.copy()
    for coldef in node.this.expressions if isinstance(node.this, exp.Schema) else []:
        if isinstance(coldef, exp.ColumnDef):
            _identity_default(coldef)
    for prop in node.args["properties"].expressions if node.args.get("properties") else []:
        if isinstance(prop, exp.ClusterProperty):
            prop.replace(_stored_keys(prop))
    return node


def _names_sequence(constraint: exp.Expr) -> bool:
    return isinstance(constraint, exp.DefaultColumnConstraint) and bool(
        constraint.find(exp.NextValueFor)
    )


def _identity_default(coldef: exp.ColumnDef) -> None:
    """Replace an identity constraint of ``coldef`` by its DEFAULT (in place); a sequence
    DEFAULT is written back in Snowflake's ``<seq>.NEXTVAL`` form."""
    name = str(stored(coldef.this))
    identities = [c for c in coldef.constraints if _identity(c.kind) is not None]
    for constraint in coldef.constraints:
        if _names_sequence(constraint.kind):
            text = generate(constraint.kind.this)
            constraint.set("kind", exp.DefaultColumnConstraint(this=exp.Var(this=text)))
    if not identities:
        return
    if any(isinstance(c.kind, exp.DefaultColumnConstraint) for c in coldef.constraints):
        raise errors.generic(  # create-table: DEFAULT and AUTOINCREMENT are mutually exclusive
            f"SQL compilation error:\nColumn '{name}' cannot have both a DEFAULT and "
            "AUTOINCREMENT / IDENTITY.",
            errno=2040,
            sqlstate="42601",
        )
    dtype = coldef.args.get("kind")
    if not isinstance(dtype, exp.DataType) or not dtype.is_type(*exp.DataType.NUMERIC_TYPES):
        raise errors.generic(  # create-table: only numeric columns auto-increment
            f"SQL compilation error:\nAUTOINCREMENT / IDENTITY column '{name}' must have a "
            "numeric data type.",
            errno=2040,
            sqlstate="42601",
        )
    spec = _identity(identities[0].kind)
    assert spec is not None
    identities[0].set(
        "kind", exp.DefaultColumnConstraint(this=exp.Var(this=sequences.identity_text(*spec)))
    )


def _stored_keys(prop: exp.ClusterProperty) -> exp.ClusterProperty:
    """A clustering key with its unquoted names in stored (upper) case."""
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    normalized = normalize_identifiers(prop.copy(), dialect="snowflake")
    assert isinstance(normalized, exp.ClusterProperty)
    return normalized


def _refuse_table_variants(node: exp.Create, text: str) -> None:
    props = node.args.get("properties")
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.IcebergProperty | exp.DynamicProperty):
            raise errors.unsupported(statement_name(text))


def _create_database(emu: Engine, node: exp.Create, replace: bool, if_not_exists: bool) -> Outcome:
    if _has(node, exp.Tags):  # tags are kept on tables and views only
        raise errors.unsupported("CREATE DATABASE … WITH TAG")
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
    if _has(node, exp.Tags):  # tags are kept on tables and views only
        raise errors.unsupported("CREATE SCHEMA … WITH TAG")
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


def run_drop(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    assert isinstance(node, exp.Drop)
    kind = str(node.args.get("kind") or "").upper()
    if_exists = bool(node.args.get("exists"))
    tables = node.args.get("tables") or [node.this]
    target = tables[0]
    if not isinstance(target, exp.Table):
        raise errors.unsupported(statement_name(text))
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
    raise errors.unsupported(statement_name(text))


def drop_temporary_tables(emu: Engine) -> None:
    """Temporary tables live for one session: drop those left by the previous one."""
    for obj in emu.catalog.objects(kind=TABLE):
        if obj.table_type == "TEMPORARY":
            drop_relation(emu, obj)


# -- ALTER TABLE ----------------------------------------------------------------------------


def run_alter(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """ALTER TABLE (https://docs.snowflake.com/en/sql-reference/sql/alter-table)."""
    assert isinstance(node, exp.Alter)
    kind = str(node.args.get("kind") or "").upper()
    if kind != "TABLE":
        raise errors.unsupported(statement_name(text))
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
    # The change log of a tracked table mirrors the base table's user columns.
    relations = [obj.base(), obj.log()] if obj.change_tracking else [obj.base()]
    if isinstance(action, exp.AlterSet) and action.args.get("tag"):
        pairs = [(a.this, a.expression) for a in action.args["tag"]]
        emu.catalog.update_object(obj.id, properties=tags.with_values(emu, obj, pairs))
    elif isinstance(action, exp.AlterSet):
        _alter_set(emu, obj, action)
    elif isinstance(action, exp.Set) and action.args.get("unset"):
        _alter_unset(emu, obj, action)
    elif isinstance(action, exp.ClusterProperty):
        # alter-table clusteringAction: the key replaces the table's (if any).
        known = set(names)
        for key in action.find_all(exp.Column):
            if str(stored(key.this)) not in known:
                raise errors.invalid_identifier(str(stored(key.this)))
        props = {**obj.properties, "CLUSTER_BY": _stored_keys(action).sql("snowflake")}
        emu.catalog.update_object(obj.id, properties=props)
    elif isinstance(action, DropClusteringKey):
        props = {k: v for k, v in obj.properties.items() if k != "CLUSTER_BY"}
        emu.catalog.update_object(obj.id, properties=props)
    elif isinstance(action, exp.ColumnDef):
        column = column_from_def(action)
        if column.name in names:
            raise errors.generic(
                f"SQL compilation error:\ncolumn '{column.name}' already exists",
                errno=2025,
                sqlstate="42S21",
            )
        check_column_names([*names, column.name])  # "id" beside ID: the emulator cannot
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
            for relation in relations:
                drop_column = exp.Drop(kind="COLUMN", tables=[sql.column(name)])
                sql.run(emu.con, _alter_table(relation, drop_column))
            if name in (obj.properties.get(IDENTITY) or {}):
                obj = emu.catalog.by_id(obj.id) or obj
                props = sequences.forget_identity(emu, obj, name)
                emu.catalog.update_object(obj.id, properties=props)
        emu.catalog.set_columns(obj.id, [c for c in columns if c.name not in drop])
    elif isinstance(action, exp.RenameColumn):
        old, new = str(stored(action.this.this)), str(stored(action.args["to"].this))
        if old not in names:
            raise errors.invalid_identifier(old)
        check_column_names([*(n for n in names if n != old), new])
        for relation in relations:
            rename = exp.RenameColumn(this=sql.column(old), to=sql.column(new))
            sql.run(emu.con, _alter_table(relation, rename))
        emu.catalog.set_columns(obj.id, [_renamed(c, new) if c.name == old else c for c in columns])
        if old in (obj.properties.get(IDENTITY) or {}):  # its values go on
            props = sequences.rename_identity(obj, old, new)
            emu.catalog.update_object(obj.id, properties=props)
    elif isinstance(action, exp.AlterRename):
        _rename_table(emu, obj, action.this)
    elif isinstance(action, exp.AlterColumn):
        _alter_column(emu, obj, action, columns)
    else:
        raise errors.unsupported(f"ALTER TABLE {action.sql('snowflake')}")


def _alter_unset(emu: Engine, obj: CatalogObject, action: exp.Set) -> None:
    """``UNSET TAG t, …`` or ``UNSET COMMENT`` (alter-table)."""
    if action.args.get("tag"):
        props = tags.without_values(emu, obj, list(action.expressions))
        emu.catalog.update_object(obj.id, properties=props)
        return
    for item in action.expressions:
        word = str(item.name).upper()
        if word != "COMMENT":
            raise errors.unsupported(f"ALTER TABLE UNSET {word}")
    emu.catalog.update_object(obj.id, comment=None)


def _alter_table(relation: exp.Table, action: exp.Expression) -> exp.Alter:
    """``ALTER TABLE <relation> <action>`` (a copy of ``relation``: it may be reused)."""
    return exp.Alter(kind="TABLE", this=relation.copy(), actions=[action])


def _not_null(name: str, nullable: bool) -> exp.AlterColumn:
    """``ALTER COLUMN "name" {DROP | SET} NOT NULL``.

    sqlglot's generator reports ``allow_null=False`` (SET NOT NULL) as unsupported although
    it writes it correctly, so SET passes FALSE as a node, which takes the same branch.
    """
    return exp.AlterColumn(
        this=sql.ident(name),
        drop=True if nullable else None,
        allow_null=True if nullable else exp.false(),
    )


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


def _add_column(emu: Engine, obj: CatalogObject, column: Column) -> None:
    from emulator.core.defaults import default_expression

    base = obj.base()
    default = default_expression(emu, column, obj)
    # DuckDB adds no column with constraints: NOT NULL is set afterwards. Existing rows take
    # the DEFAULT (evaluated now), like Snowflake's ADD COLUMN … DEFAULT; the DuckDB default
    # is dropped again because the session fills DEFAULTs per statement.
    added = duck_column_def(column, constraints=False, default=default)
    sql.run(emu.con, _alter_table(base, added))
    if default is not None:
        no_default = exp.AlterColumn(this=sql.ident(column.name), drop=True)
        sql.run(emu.con, _alter_table(base, no_default))
    if not column.nullable:
        sql.run(emu.con, _alter_table(base, _not_null(column.name, False)))
    if obj.change_tracking:
        sql.run(emu.con, _alter_table(obj.log(), duck_column_def(column, constraints=False)))


def _alter_column(
    emu: Engine, obj: CatalogObject, action: exp.AlterColumn, columns: list[Any]
) -> None:
    from dataclasses import replace

    name = str(stored(action.this))
    current = next((c for c in columns if c.name == name), None)
    if current is None:
        raise errors.invalid_identifier(name)
    if action.args.get("default") is not None:
        # icebridge's generator writes a sequence reference back as <seq>.NEXTVAL.
        updated = replace(current, default_sql=generate(action.args["default"]))
    elif action.args.get("drop") and action.args.get("allow_null") is None:
        updated = replace(current, default_sql=None)
    elif action.args.get("allow_null") is not None:
        allow = bool(action.args.get("allow_null")) if not action.args.get("drop") else True
        sql.run(emu.con, _alter_table(obj.base(), _not_null(name, allow)))
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
    rename = exp.AlterRename(this=sql.table(new.name))
    sql.run(emu.con, exp.Alter(kind="VIEW", this=obj.relation(), actions=[rename]))
    emu.catalog.update_object(obj.id, name=new.name, duck_name=new.name)
