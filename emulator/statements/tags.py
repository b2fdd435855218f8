"""CREATE TAG, DROP TAG and SYSTEM$GET_TAG (values: :mod:`emulator.core.tags`).

https://docs.snowflake.com/en/sql-reference/sql/create-tag (``CREATE [OR REPLACE] TAG
[IF NOT EXISTS] t [ALLOWED_VALUES 'v', …] [COMMENT = '…']``) and
https://docs.snowflake.com/en/sql-reference/functions/system_get_tag: the value of a tag
on an object, NULL when it is not set. Domain ``TABLE`` covers every table-like object
(views too); tags are set on tables and views only, so the other domains the emulator
knows (COLUMN, SCHEMA, DATABASE, STREAM, TASK, SEQUENCE) return NULL for objects that
exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    CatalogObject,
)
from emulator.core.create_target import create_target
from emulator.core.engine import Outcome, status
from emulator.core.registry import Kind, Registry
from emulator.core.resolve import written_parts

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: SYSTEM$GET_TAG domains of catalog objects -> the kinds they name.
_DOMAINS: dict[str, tuple[str, ...]] = {
    "TABLE": (TABLE, VIEW, ICEBERG_TABLE, DYNAMIC_TABLE),
    "STREAM": (STREAM,),
    "TASK": (TASK,),
    "SEQUENCE": (SEQUENCE,),
}


def install(registry: Registry[Engine]) -> None:
    """Register DROP TAG and the SYSTEM$GET_TAG rewriter (CREATE TAG comes through the
    native CREATE handler, :func:`run_create_tag`)."""
    registry.statement((exp.Drop, "TAG"), Kind.DROP, run_drop_tag)
    registry.rewriter(("SYSTEM$GET_TAG",), rewrite_get_tag)


def run_create_tag(emu: Engine, node: exp.Create, text: str) -> Outcome:
    """CREATE [OR REPLACE | OR ALTER] TAG [IF NOT EXISTS] t [ALLOWED_VALUES …] [COMMENT = …]."""
    target = node.this if isinstance(node.this, exp.Table) else exp.Table(this=node.this)
    name = emu.resolver.object_name(target, "CREATE TAG")
    duck_schema = emu.catalog.require_schema(name.database, name.schema)
    comment, props = _options(node)
    existing = emu.catalog.find(name)
    if node.args.get("or_alter") and existing is not None and existing.kind == TAG:
        # create-tag, CREATE OR ALTER: the tag becomes the one written; unwritten
        # parameters are reset. Its values on objects stay.
        emu.catalog.update_object(
            existing.id, comment=comment, properties=props, last_altered=emu.now
        )
        return status(f"Tag {name.name} successfully altered.")
    found = create_target(
        emu,
        name,
        TAG,
        if_not_exists=bool(node.args.get("exists")),
        replace=bool(node.args.get("replace")),
    )
    if found.done is not None:
        return found.done
    if found.existing is not None:
        emu.catalog.forget_object(found.existing)
    now = emu.now
    obj = CatalogObject(
        id=emu.catalog.next_id(),
        name=name,
        kind=TAG,
        duck_schema=duck_schema,
        duck_name=name.name,
        base_name=None,
        table_type=TAG,
        comment=comment,
        created_on=now,
        last_altered=now,
        change_tracking=False,
        retention_days=0,
        max_extension_days=0,
        version=0,
        definition=text.strip(),
        properties=props,
    )
    emu.catalog.add_object(obj, [])
    return status(f"Tag {name.name} successfully created.")


def _options(node: exp.Create) -> tuple[str | None, dict[str, Any]]:
    """COMMENT and ALLOWED_VALUES of a CREATE TAG (the others are not emulated)."""
    comment: str | None = None
    props: dict[str, Any] = {}
    options = node.args.get("properties")
    for prop in options.expressions if options else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            comment = prop.this.name
        elif isinstance(prop, exp.AllowedValuesProperty):
            props["allowed_values"] = [v.name for v in prop.expressions]
        else:
            raise errors.unsupported(f"CREATE TAG … {prop.sql('snowflake')}")
    return comment, props


def run_drop_tag(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """DROP TAG [IF EXISTS] t (values set on objects are no longer read)."""
    assert isinstance(node, exp.Drop)
    target = (node.args.get("tables") or [node.this])[0]
    assert isinstance(target, exp.Table)
    obj = emu.resolver.lookup(
        target, "DROP TAG", (TAG,), missing_ok=bool(node.args.get("exists")), label="Tag"
    )
    if obj is None:
        name = written_parts(target)[-1]
        return status(f"Drop statement executed successfully ({name} already dropped).")
    emu.catalog.forget_object(obj)
    return status(f"{obj.name.name} successfully dropped.")


def _string(arg: exp.Expression) -> str:
    if not isinstance(arg, exp.Literal) or not arg.is_string:
        raise errors.generic(
            "SQL compilation error:\nSYSTEM$GET_TAG needs three string literal arguments "
            "(tag name, object name, object domain).",
            errno=1044,
            sqlstate="42P13",
        )
    return str(arg.name)


def get_tag(emu: Engine, call: exp.Expression) -> exp.Expression:
    """``SYSTEM$GET_TAG('<tag>', '<object>', '<domain>')`` as a VARCHAR literal or NULL."""
    args = call.expressions if isinstance(call, exp.Func) else []
    if len(args) != 3:
        _string(exp.Null())
    tag_name, obj_name, domain = (_string(a) for a in args)
    tag = tags.require_tag(emu, tags.from_text(tag_name), "SYSTEM$GET_TAG")
    word = domain.upper()
    value: str | None = None
    if word in _DOMAINS:
        obj = emu.resolver.require(tags.from_text(obj_name), "SYSTEM$GET_TAG", _DOMAINS[word])
        value = tags.value_on(obj, tag)
    elif word == "COLUMN":  # '<table>.<column>'; columns carry no tags in the emulator
        parts = tags.name_parts(obj_name)
        if len(parts) < 2:
            raise errors.invalid_identifier(obj_name)
        table = emu.resolver.require(
            tags.table_of(parts[:-1]), "SYSTEM$GET_TAG", _DOMAINS["TABLE"], label="Table"
        )
        if parts[-1] not in {c.name for c in emu.catalog.columns(table.id)}:
            raise errors.invalid_identifier(parts[-1])
    elif word == "SCHEMA":
        database, name = emu.resolver.schema_name(tags.from_text(obj_name), "SYSTEM$GET_TAG")
        emu.catalog.require_schema(database, name)
    elif word == "DATABASE":
        name = tags.name_parts(obj_name)[-1]
        if not emu.catalog.database_exists(name):
            raise errors.object_does_not_exist(obj_name, "Database")
    else:
        raise errors.unsupported(f"SYSTEM$GET_TAG for domain {domain}")
    literal = exp.Literal.string(value) if value is not None else exp.Null()
    return exp.cast(literal, exp.DataType.Type.VARCHAR)


def rewrite_get_tag(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Statement rewriter: SYSTEM$GET_TAG calls become their value (the column keeps the
    name Snowflake reports for the call)."""
    from emulator.core.translation import output_name

    node = node.copy()
    for call in list(node.find_all(exp.Anonymous)):
        if str(call.name).upper() != "SYSTEM$GET_TAG":
            continue
        value = get_tag(emu, call)
        if isinstance(call.parent, exp.Select) and call.arg_key == "expressions":
            name = exp.to_identifier(output_name(call), quoted=True)
            call.replace(exp.Alias(this=value, alias=name))
        else:
            call.replace(value)
    return node
