"""CREATE / ALTER / DROP / SHOW / DESCRIBE SEQUENCE, and ``<name>.NEXTVAL``.

https://docs.snowflake.com/en/sql-reference/sql/create-sequence:
``CREATE [OR REPLACE | OR ALTER] SEQUENCE [IF NOT EXISTS] s [WITH] [START [WITH] [=] n]
[INCREMENT [BY] [=] n] [ORDER | NOORDER] [COMMENT = '…']`` (START and INCREMENT default to
1; NOORDER is the default since the 2024_01 bundle,
https://docs.snowflake.com/en/release-notes/bcr-bundles/2024_01/bcr-1483);
https://docs.snowflake.com/en/sql-reference/sql/alter-sequence (RENAME TO, SET INCREMENT,
SET ORDER | NOORDER | COMMENT, UNSET COMMENT; START cannot change, NOORDER cannot become
ORDER); SHOW SEQUENCES and DESCRIBE SEQUENCE list ``created_on``, ``name``,
``schema_name``, ``database_name``, ``next_value``, ``interval``, ``owner``, ``comment``,
``owner_role_type`` and ``ordered``. Values come from :mod:`emulator.core.sequences`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sequences
from emulator.core.catalog_objects import SEQUENCE, CatalogObject
from emulator.core.create_target import create_target
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.listing import (
    INSTANT,
    NUMBER,
    clauses_of,
    listing,
    objects_in,
    outcome_of,
    show,
    show_scope,
)
from emulator.core.registry import Kind, Registry
from emulator.core.resolve import written_parts
from emulator.core.script import leading_words
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_objects import AlterSequence

if TYPE_CHECKING:
    from emulator.core.engine import Engine

OWNER = "ACCOUNTADMIN"
LISTING = listing(
    [
        ("created_on", INSTANT),
        "name",
        "schema_name",
        "database_name",
        ("next_value", NUMBER),
        ("interval", NUMBER),
        "owner",
        "comment",
        "owner_role_type",
        "ordered",
    ]
)


def install(registry: Registry[Engine]) -> None:
    """Register the sequence statements and the ``<name>.NEXTVAL`` rewriter (CREATE
    SEQUENCE comes through the native CREATE handler, :func:`run_create_sequence`)."""
    registry.statement(AlterSequence, Kind.ALTER, run_alter_sequence)
    registry.statement((exp.Drop, "SEQUENCE"), Kind.DROP, run_drop_sequence)
    registry.statement((exp.Show, "SEQUENCES"), Kind.SHOW, run_show_sequences)
    registry.statement((exp.Describe, "SEQUENCE"), Kind.DESCRIBE, run_describe_sequence)
    registry.rewriter(("NEXTVAL",), sequences.rewrite_nextval)


def _options(node: exp.Create) -> dict[str, Any]:
    """START, INCREMENT, ORDER and COMMENT as written (absent ones left out)."""
    found: dict[str, Any] = {}
    props = node.args.get("properties")
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.SequenceProperties):
            start = sequences.number(prop.args.get("start"), "START")
            increment = sequences.number(prop.args.get("increment"), "INCREMENT")
            if start is not None:
                found["start"] = sequences.checked(start, "START")
            if increment is not None:
                found["increment"] = sequences.checked(increment, "INCREMENT", nonzero=True)
            for option in prop.args.get("options") or []:
                word = option.name.upper()
                if word not in ("ORDER", "NOORDER"):
                    raise errors.unsupported(f"CREATE SEQUENCE … {word}")
                found["order"] = word == "ORDER"
            for key in ("minvalue", "maxvalue", "cache", "owned"):
                if prop.args.get(key) is not None:
                    raise errors.unsupported(f"CREATE SEQUENCE … {key.upper()}")
        elif isinstance(prop, exp.SchemaCommentProperty):
            found["comment"] = prop.this.name
        else:
            raise errors.unsupported(f"CREATE SEQUENCE … {prop.sql('snowflake')}")
    return found


def run_create_sequence(emu: Engine, node: exp.Create, text: str) -> Outcome:
    """CREATE [OR REPLACE | OR ALTER] SEQUENCE [IF NOT EXISTS] (see the module docstring)."""
    name = emu.resolver.object_name(node.this, "CREATE SEQUENCE")
    duck_schema = emu.catalog.require_schema(name.database, name.schema)
    options = _options(node)
    if_not_exists = bool(node.args.get("exists"))
    replace = bool(node.args.get("replace"))
    or_alter = leading_words(text, 3) == ["CREATE", "OR", "ALTER"]
    existing = emu.catalog.find(name)
    if or_alter and existing is not None and existing.kind == SEQUENCE:
        return _create_or_alter(emu, existing, options)
    found = create_target(emu, name, SEQUENCE, if_not_exists=if_not_exists, replace=replace)
    if found.done is not None:
        return found.done
    if found.existing is not None:
        emu.catalog.forget_object(found.existing)
    object_id = emu.catalog.next_id()
    start, increment = options.get("start", 1), options.get("increment", 1)
    duck = f"seq_{object_id}"
    sequences.create_duck_sequence(emu, duck, start, increment)
    now = emu.now
    obj = CatalogObject(
        id=object_id,
        name=name,
        kind=SEQUENCE,
        duck_schema=duck_schema,
        duck_name=name.name,
        base_name=None,
        table_type=SEQUENCE,
        comment=options.get("comment"),
        created_on=now,
        last_altered=now,
        change_tracking=False,
        retention_days=0,
        max_extension_days=0,
        version=0,
        definition=text.strip(),
        properties=sequences.properties(duck, start, increment, options.get("order", False)),
    )
    emu.catalog.add_object(obj, [])
    return status(f"Sequence {name.name} successfully created.")


def _create_or_alter(emu: Engine, obj: CatalogObject, options: dict[str, Any]) -> Outcome:
    """CREATE OR ALTER on an existing sequence: ALTER's rules (START cannot change)."""
    sequence = sequences.from_object(obj)
    if "start" in options and options["start"] != sequence.start:
        raise errors.generic(
            "SQL compilation error:\nThe initial value of a sequence cannot be changed.",
            errno=2005,
            sqlstate="22023",
        )
    _apply(
        emu,
        sequence,
        increment=options.get("increment"),
        order=options.get("order"),
        comment=options.get("comment", obj.comment),
        comment_given=True,
    )
    return status(f"Sequence {obj.name.name} successfully altered.")


def _apply(
    emu: Engine,
    sequence: sequences.Sequence,
    *,
    increment: int | None = None,
    order: bool | None = None,
    comment: str | None = None,
    comment_given: bool = False,
) -> None:
    obj = sequence.obj
    props = dict(obj.properties)
    if increment is not None and increment != sequence.increment:
        props = sequences.set_increment(emu, sequence, increment)
    if order is not None and order != sequence.ordered:
        if order:  # alter-sequence: a NOORDER sequence cannot become ORDER
            raise errors.generic(
                "SQL compilation error:\nA NOORDER sequence cannot be changed to ORDER.",
                errno=2005,
                sqlstate="22023",
            )
        props["order"] = False
    values: dict[str, Any] = {"properties": props, "last_altered": emu.now}
    if comment_given:
        values["comment"] = comment
    emu.catalog.update_object(obj.id, **values)


def _lookup(emu: Engine, target: exp.Table, action: str, missing_ok: bool) -> CatalogObject | None:
    return emu.resolver.lookup(target, action, (SEQUENCE,), missing_ok=missing_ok, label="Sequence")


def run_alter_sequence(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """ALTER SEQUENCE [IF EXISTS] s RENAME TO | SET … | UNSET COMMENT."""
    assert isinstance(node, AlterSequence)
    obj = _lookup(emu, node.this, "ALTER SEQUENCE", bool(node.args.get("exists")))
    if obj is None:
        return status(SUCCESS)
    sequence = sequences.from_object(obj)
    rename = node.args.get("rename")
    if isinstance(rename, exp.Table):
        _rename(emu, obj, rename)
        return status(SUCCESS)
    if node.args.get("unset_comment"):
        _apply(emu, sequence, comment=None, comment_given=True)
        return status(SUCCESS)
    increment = sequences.number(node.args.get("increment"), "INCREMENT")
    comment = node.args.get("comment")
    _apply(
        emu,
        sequence,
        increment=None
        if increment is None
        else sequences.checked(increment, "INCREMENT", nonzero=True),
        order=node.args.get("order"),
        comment=comment.name if isinstance(comment, exp.Literal) else None,
        comment_given=comment is not None,
    )
    return status(SUCCESS)


def _rename(emu: Engine, obj: CatalogObject, target: exp.Table) -> None:
    """RENAME TO, within the schema or into another one (alter-sequence)."""
    parts = written_parts(target)
    new = emu.resolver.object_name(target, "ALTER SEQUENCE")
    if len(parts) == 1:
        new = ObjectName(obj.name.database, obj.name.schema, new.name)
    duck_schema = emu.catalog.require_schema(new.database, new.schema)
    if emu.catalog.find(new) is not None:
        raise errors.already_exists(new.name)
    emu.catalog.update_object(
        obj.id,
        database=new.database,
        schema=new.schema,
        name=new.name,
        duck_schema=duck_schema,
        duck_name=new.name,
        last_altered=emu.now,
    )


def run_drop_sequence(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """DROP SEQUENCE [IF EXISTS] s (its values go with it)."""
    assert isinstance(node, exp.Drop)
    target = (node.args.get("tables") or [node.this])[0]
    assert isinstance(target, exp.Table)
    obj = _lookup(emu, target, "DROP SEQUENCE", bool(node.args.get("exists")))
    if obj is None:
        name = written_parts(target)[-1]
        return status(f"Drop statement executed successfully ({name} already dropped).")
    emu.catalog.forget_object(obj)
    return status(f"{obj.name.name} successfully dropped.")


def _row(emu: Engine, obj: CatalogObject) -> dict[str, Any]:
    sequence = sequences.from_object(obj)
    return {
        "created_on": obj.created_on,
        "name": obj.name.name,
        "schema_name": obj.name.schema,
        "database_name": obj.name.database,
        "next_value": sequences.next_value(emu, sequence),
        "interval": sequence.increment,
        "owner": OWNER,
        "comment": obj.comment or "",
        "owner_role_type": "ROLE",
        "ordered": "Y" if sequence.ordered else "N",
    }


def run_show_sequences(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW SEQUENCES [LIKE …] [IN ACCOUNT | DATABASE d | SCHEMA s] [STARTS WITH …]
    [LIMIT …]."""
    clauses = clauses_of(node, text)
    objs = objects_in(emu, show_scope(emu, clauses, "SHOW SEQUENCES"), (SEQUENCE,))
    return show(node, text, LISTING, [_row(emu, o) for o in objs], clauses)


def run_describe_sequence(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """DESCRIBE SEQUENCE s: the SHOW SEQUENCES row of one sequence."""
    target = node.this
    assert isinstance(target, exp.Table)
    obj = _lookup(emu, target, "DESCRIBE SEQUENCE", False)
    assert obj is not None
    return outcome_of(pa.Table.from_pylist([_row(emu, obj)], schema=LISTING.schema))
