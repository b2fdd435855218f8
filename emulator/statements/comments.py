"""COMMENT ON … IS and ALTER VIEW … SET | UNSET COMMENT / TAG.

https://docs.snowflake.com/en/sql-reference/sql/comment: ``COMMENT [IF EXISTS] ON
<object_type> <object_name> IS '<string_literal>'`` and ``COMMENT [IF EXISTS] ON COLUMN
<table_name>.<column_name> IS '…'``. The comment is kept where the CREATE … COMMENT and
ALTER … SET COMMENT forms keep it: the ``comment`` field of the catalog object
(``__ib.objects``), of the column (``__ib.columns``), of the schema (``__ib.schemas``) or
of the database (``__ib.databases``), which SHOW, DESCRIBE and INFORMATION_SCHEMA read.
https://docs.snowflake.com/en/sql-reference/sql/alter-view: ``ALTER VIEW v SET COMMENT =
'…'`` / ``UNSET COMMENT`` / ``SET TAG t = 'v'`` / ``UNSET TAG t``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import tags
from emulator.core.catalog_objects import (
    DYNAMIC_TABLE,
    ICEBERG_TABLE,
    SEQUENCE,
    STREAM,
    TABLE,
    TAG,
    TASK,
    VIEW,
)
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.registry import Kind, Registry
from emulator.core.resolve import stored

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: COMMENT ON <word> -> the catalog kinds it may name, and the label of its errors.
_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "TABLE": ((TABLE, ICEBERG_TABLE, DYNAMIC_TABLE), "Table"),
    "VIEW": ((VIEW,), "View"),
    "SEQUENCE": ((SEQUENCE,), "Sequence"),
    "STREAM": ((STREAM,), "Stream"),
    "TASK": ((TASK,), "Task"),
    "TAG": ((TAG,), "Tag"),
}


def install(registry: Registry[Engine]) -> None:
    """Register COMMENT ON and ALTER VIEW."""
    registry.statement(exp.Comment, Kind.ALTER, run_comment)
    registry.statement((exp.Alter, "VIEW"), Kind.ALTER, run_alter_view)


def run_comment(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """COMMENT [IF EXISTS] ON <kind> <name> IS '<text>' (see the module docstring)."""
    assert isinstance(node, exp.Comment)
    kind = str(node.args.get("kind") or "").upper()
    value = node.expression
    if not isinstance(value, exp.Literal) or not value.is_string:
        raise errors.invalid_value("COMMENT", value.sql("snowflake"))
    comment = str(value.name)
    missing_ok = bool(node.args.get("exists"))
    target = node.this
    if kind == "COLUMN":
        _comment_column(emu, target, comment, missing_ok)
    elif kind == "DATABASE":
        name = str(stored(target.this))
        if emu.catalog.database_exists(name):
            emu.catalog.set_database_comment(name, comment)
        elif not missing_ok:
            raise errors.object_does_not_exist(name, "Database")
    elif kind == "SCHEMA":
        assert isinstance(target, exp.Table)
        database, schema = emu.resolver.schema_name(target, "COMMENT")
        if emu.catalog.schema_exists(database, schema):
            emu.catalog.set_schema_comment(database, schema, comment)
        elif not missing_ok:
            emu.catalog.require_schema(database, schema)
    elif kind in _KINDS:
        assert isinstance(target, exp.Table)
        kinds, label = _KINDS[kind]
        obj = emu.resolver.lookup(target, "COMMENT", kinds, missing_ok=missing_ok, label=label)
        if obj is not None:
            emu.catalog.update_object(obj.id, comment=comment, last_altered=emu.now)
    else:
        raise errors.unsupported(f"COMMENT ON {kind}")
    return status(SUCCESS)


def _comment_column(emu: Engine, target: exp.Expression, comment: str, missing_ok: bool) -> None:
    """COMMENT ON COLUMN <table>.<column>: tables and views of the catalog."""
    if not isinstance(target, exp.Column) or not target.args.get("table"):
        raise errors.generic(
            "SQL compilation error:\nCOMMENT ON COLUMN needs <table_name>.<column_name>.",
            errno=1003,
            sqlstate="42000",
        )
    table = exp.Table(
        this=target.args["table"], db=target.args.get("db"), catalog=target.args.get("catalog")
    )
    obj = emu.resolver.lookup(table, "COMMENT", (TABLE, VIEW), missing_ok=missing_ok)
    if obj is None:
        return
    name = str(stored(target.this))
    columns = emu.catalog.columns(obj.id)
    if name not in {c.name for c in columns}:
        raise errors.invalid_identifier(name)
    emu.catalog.set_columns(
        obj.id, [replace(c, comment=comment) if c.name == name else c for c in columns]
    )
    emu.catalog.update_object(obj.id, last_altered=emu.now)


def run_alter_view(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """ALTER VIEW [IF EXISTS] v SET COMMENT = '…' | UNSET COMMENT | SET TAG … | UNSET TAG …."""
    assert isinstance(node, exp.Alter)
    obj = emu.resolver.lookup(
        node.this, "ALTER VIEW", (VIEW,), missing_ok=bool(node.args.get("exists")), label="View"
    )
    if obj is None:
        return status(SUCCESS)
    for action in node.args.get("actions") or []:
        fresh = emu.catalog.by_id(obj.id) or obj
        if isinstance(action, exp.AlterSet) and action.args.get("tag"):
            pairs = [(a.this, a.expression) for a in action.args["tag"]]
            emu.catalog.update_object(obj.id, properties=tags.with_values(emu, fresh, pairs))
        elif isinstance(action, exp.AlterSet) and _set_comment(action) is not None:
            emu.catalog.update_object(obj.id, comment=_set_comment(action))
        elif isinstance(action, exp.Set) and action.args.get("unset") and action.args.get("tag"):
            props = tags.without_values(emu, fresh, list(action.expressions))
            emu.catalog.update_object(obj.id, properties=props)
        elif isinstance(action, exp.Set) and action.args.get("unset") and _unsets_comment(action):
            emu.catalog.update_object(obj.id, comment=None)
        else:
            raise errors.unsupported(f"ALTER VIEW {action.sql('snowflake')}")
    emu.catalog.update_object(obj.id, last_altered=emu.now)
    return status(SUCCESS)


def _set_comment(action: exp.AlterSet) -> str | None:
    """The comment of ``SET COMMENT = '…'`` (None when the SET sets something else)."""
    props = [
        p
        for group in action.expressions
        for p in (group.expressions if isinstance(group, exp.Properties) else [group])
    ]
    if len(props) == 1 and isinstance(props[0], exp.SchemaCommentProperty):
        return str(props[0].this.name)
    return None


def _unsets_comment(action: exp.Set) -> bool:
    """Whether ``UNSET …`` names exactly COMMENT."""
    names = [str(e.name).upper() for e in action.expressions]
    return names == ["COMMENT"]
