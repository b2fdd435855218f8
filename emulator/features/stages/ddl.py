"""CREATE / DROP of named internal stages and file formats.

https://docs.snowflake.com/en/sql-reference/sql/create-stage: ``CREATE [OR REPLACE]
[TEMPORARY] STAGE [IF NOT EXISTS] s [FILE_FORMAT = ( TYPE = … | FORMAT_NAME = … )]
[COMMENT = '…']``; replacing a stage drops its files. External stages (URL = …) and
directory tables are not emulated.
https://docs.snowflake.com/en/sql-reference/sql/create-file-format: ``CREATE [OR REPLACE]
[TEMPORARY] FILE FORMAT [IF NOT EXISTS] f TYPE = CSV | JSON | PARQUET <options>``.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.create_target import create_target
from emulator.core.engine import Handler, Outcome, status
from emulator.core.stage_files import NAMED, TABLE
from emulator.features.stages.after_commit import AfterCommit
from emulator.features.stages.areas import stage_files
from emulator.features.stages.formats import from_options, option_values, python_value
from emulator.features.stages.objects import (
    FILE_FORMAT,
    STAGE,
    find,
    load_format,
    new_object,
    object_name,
    require,
)
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.engine import Engine
    from icebridge.sql.identifiers import ObjectName

#: Stage properties accepted and ignored: they change nothing the emulator shows.
_IGNORED_STAGE = frozenset({"ENCRYPTION"})


def routed_create(native: Handler) -> Handler:
    """The CREATE handler: stages and file formats here, every other kind ``native``."""

    def run(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
        kind = str(node.args.get("kind") or "").upper() if isinstance(node, exp.Create) else ""
        if kind == STAGE:
            return run_create_stage(emu, node, sql)
        if kind == FILE_FORMAT:
            return run_create_file_format(emu, node, sql)
        return native(emu, node, sql)

    return run


def _properties(node: exp.Create) -> list[exp.Expression]:
    props = node.args.get("properties")
    return list(props.expressions) if isinstance(props, exp.Properties) else []


def _comment(props: list[exp.Expression]) -> str | None:
    for prop in props:
        if isinstance(prop, exp.SchemaCommentProperty):
            return python_value(prop.this) if isinstance(prop.this, exp.Expression) else None
    found = option_values(props).get("COMMENT")
    return None if found is None else str(found)


def _prepare(
    emu: Engine, node: exp.Create, kind: str, label: str
) -> tuple[ObjectName, Outcome | None, Any]:
    """The name, a finished outcome (IF NOT EXISTS of an existing one), the replaced object."""
    name = object_name(emu, node.this, f"CREATE {kind}")
    emu.catalog.require_schema(name.database, name.schema)
    found = create_target(
        emu,
        name,
        kind,
        if_not_exists=bool(node.args.get("exists")),
        replace=bool(node.args.get("replace")),
    )
    return name, found.done, found.existing


def run_create_stage(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """CREATE STAGE (see the module docstring)."""
    assert isinstance(node, exp.Create)
    props = _properties(node)
    temporary = any(isinstance(p, exp.TemporaryProperty) for p in props)
    file_format: dict[str, Any] | None = None
    for prop in props:
        if isinstance(prop, exp.TemporaryProperty | exp.SchemaCommentProperty):
            continue
        if isinstance(prop, exp.FileFormatProperty):
            file_format = _stage_format(emu, prop)
            continue
        label = prop.name.upper() if isinstance(prop, exp.Property) else type(prop).__name__
        if label == "URL":
            raise errors.unsupported("external stages (CREATE STAGE … URL = …)")
        if label == "COMMENT" or label in _IGNORED_STAGE:
            continue
        raise errors.unsupported(f"CREATE STAGE … {label}")
    name, done, existing = _prepare(emu, node, STAGE, "Stage")
    if done is not None:
        return done
    if existing is not None:
        _forget_stage(emu, existing.id)
        emu.catalog.forget_object(existing)
    properties: dict[str, Any] = {"temporary": temporary}
    if file_format is not None:
        properties["file_format"] = file_format
    new_object(emu, name, STAGE, properties, _comment(props))
    return status(f"Stage area {name.name} successfully created.")


def _stage_format(emu: Engine, prop: exp.FileFormatProperty) -> dict[str, Any]:
    """A stage's FILE_FORMAT as saved: the options, or the named format's name."""
    items = list(prop.expressions or [])
    if not items and isinstance(prop.this, exp.Expression):
        items = [exp.Property(this=exp.Var(this="FORMAT_NAME"), value=prop.this)]
    given = {i.name.upper(): i.args.get("value") for i in items if isinstance(i, exp.Property)}
    named = given.get("FORMAT_NAME")
    if named is not None:
        format_name = object_name(emu, format_name_table(named), "CREATE STAGE")
        load_format(emu, format_name)  # it must exist
        return {"FORMAT_NAME": list(format_name.parts)}
    return from_options(option_values(items)).to_json()


def format_name_table(value: exp.Expression) -> exp.Expression:
    """A FORMAT_NAME value (a name, or a string holding one) as a table node."""
    if isinstance(value, exp.Table):
        return value
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.Table(this=exp.DynamicIdentifier(this=value.copy()))
    if isinstance(value, exp.Identifier):
        return exp.Table(this=value.copy())
    if isinstance(value, exp.Column | exp.Var):
        return exp.Table(this=exp.Identifier(this=value.name, quoted=False))
    raise errors.invalid_value("FORMAT_NAME", value.sql(dialect="snowflake"))


def run_create_file_format(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """CREATE FILE FORMAT (see the module docstring)."""
    assert isinstance(node, exp.Create)
    props = _properties(node)
    temporary = any(isinstance(p, exp.TemporaryProperty) for p in props)
    given = option_values(props)
    given.pop("COMMENT", None)
    file_format = from_options(given)
    name, done, existing = _prepare(emu, node, FILE_FORMAT, "File format")
    if done is not None:
        return done
    if existing is not None:
        emu.catalog.forget_object(existing)
    properties = {"temporary": temporary, "format": file_format.to_json()}
    new_object(emu, name, FILE_FORMAT, properties, _comment(props))
    return status(f"File format {name.name} successfully created.")


def run_drop(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DROP STAGE | FILE FORMAT [IF EXISTS] name."""
    assert isinstance(node, exp.Drop)
    kind = str(node.args.get("kind") or "").upper()
    target = node.args["tables"][0]
    name = object_name(emu, target, f"DROP {kind}")
    obj = find(emu, name, kind)
    if obj is None:
        if node.args.get("exists"):
            return status(f"Drop statement executed successfully ({name.name} already dropped).")
        require(emu, name, kind)
    assert obj is not None
    if kind == STAGE:
        _forget_stage(emu, obj.id)
    emu.catalog.forget_object(obj)
    return status(f"{name.name} successfully dropped.")


def _forget_stage(emu: Engine, stage_id: int) -> None:
    """The stage's files go once the statement commits (a rolled back DROP keeps them)."""
    files = stage_files(emu)
    directory = files.directory(NAMED, stage_id)
    later = emu.registry.service(AfterCommit)
    assert later is not None, "the stages feature is not installed"
    later.add(lambda: files.remove_directory(directory))


def routed_drop_table(native: Handler) -> Handler:
    """DROP TABLE, then the dropped tables' stages (``@%t``) go once it commits."""

    def run(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
        ids: list[int] = []
        for table in node.args.get("tables") or []:
            try:
                found = emu.catalog.find(object_name(emu, table, "DROP TABLE"))
            except SqlError:
                continue  # the native handler reports it
            if found is not None:
                ids.append(found.id)
        outcome = native(emu, node, sql)
        files = stage_files(emu)
        later = emu.registry.service(AfterCommit)
        for table_id in ids:
            if emu.catalog.by_id(table_id) is None and later is not None:
                later.add(partial(files.remove_directory, files.directory(TABLE, table_id)))
        return outcome

    return run
