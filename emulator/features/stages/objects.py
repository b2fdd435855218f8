"""Named stages and file formats: catalog rows of kind STAGE and FILE FORMAT.

A stage row keeps its file format (``properties["file_format"]``: a saved
:class:`~.formats.FileFormat` or ``{"FORMAT_NAME": [db, schema, name]}``) and whether it is
temporary; a file format row keeps its options. Temporary ones end with the session: the
emulator drops them when it closes (and, for a lake, any a crash left behind when it opens).

Names may be written as ``IDENTIFIER('<name>')`` (what the connector's ``write_pandas``
sends, https://docs.snowflake.com/en/sql-reference/identifier-literal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import CatalogObject
from emulator.features.stages.formats import FileFormat, csv_default
from icebridge.errors import IcebridgeError
from icebridge.sql.identifiers import ObjectName, join_parts, split_name

if TYPE_CHECKING:
    from emulator.core.engine import Engine

STAGE = "STAGE"
FILE_FORMAT = "FILE FORMAT"


@dataclass(frozen=True)
class NamedStage:
    """A named internal stage as stored."""

    obj: CatalogObject

    @property
    def name(self) -> ObjectName:
        return self.obj.name

    @property
    def temporary(self) -> bool:
        return bool(self.obj.properties.get("temporary"))

    def file_format(self, emu: Engine) -> FileFormat:
        """The stage's FILE_FORMAT (a named format is read now: it may have changed)."""
        saved = self.obj.properties.get("file_format")
        if not saved:
            return csv_default()
        named = saved.get("FORMAT_NAME")
        if named is not None:
            return load_format(emu, ObjectName(*named))
        return FileFormat.from_json(saved)


def expand_identifier(table: exp.Expression) -> exp.Expression:
    """``IDENTIFIER('db.s."T"')`` as the table it names; any other node unchanged."""
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.DynamicIdentifier):
        return table
    literal = table.this.this
    if not isinstance(literal, exp.Literal) or not literal.is_string:
        raise errors.unsupported("IDENTIFIER() of anything but a string literal here")
    try:
        parts = split_name(literal.name, what="identifier")
    except IcebridgeError:
        raise errors.invalid_identifier(literal.name) from None
    if len(parts) > 3:
        raise errors.invalid_identifier(literal.name)
    quoted = [exp.Identifier(this=p, quoted=True) for p in parts]
    node = exp.Table(this=quoted[-1])
    if len(quoted) >= 2:
        node.set("db", quoted[-2])
    if len(quoted) == 3:
        node.set("catalog", quoted[0])
    alias = table.args.get("alias")
    if alias is not None:
        node.set("alias", alias.copy())
    return node


def object_name(emu: Engine, node: exp.Expression, action: str) -> ObjectName:
    """The full name a statement's object node (a table or IDENTIFIER(...)) gives."""
    table = expand_identifier(node)
    if not isinstance(table, exp.Table):
        raise errors.syntax_error(1, 0, node.sql(dialect="snowflake"))
    return emu.resolver.object_name(table, action)


def name_of_parts(emu: Engine, parts: tuple[str, ...], action: str) -> ObjectName:
    """The full name of stored ``parts`` (``name``, ``schema.name`` or all three)."""
    table = exp.Table(this=exp.Identifier(this=parts[-1], quoted=True))
    if len(parts) >= 2:
        table.set("db", exp.Identifier(this=parts[-2], quoted=True))
    if len(parts) == 3:
        table.set("catalog", exp.Identifier(this=parts[0], quoted=True))
    return emu.resolver.object_name(table, action)


def find(emu: Engine, name: ObjectName, kind: str) -> CatalogObject | None:
    """The stage or file format called ``name``, or None."""
    obj = emu.catalog.find(name)
    return obj if obj is not None and obj.kind == kind else None


def require(emu: Engine, name: ObjectName, kind: str) -> CatalogObject:
    """The stage or file format called ``name``, or Snowflake's does-not-exist error."""
    obj = find(emu, name, kind)
    if obj is None:
        if not emu.catalog.database_exists(name.database):
            raise errors.object_does_not_exist(join_parts([name.database]), "Database")
        if not emu.catalog.schema_exists(name.database, name.schema):
            raise errors.object_does_not_exist(join_parts([name.database, name.schema]), "Schema")
        label = "Stage" if kind == STAGE else "File format"
        raise errors.object_does_not_exist(name.sql(), label)
    return obj


def load_format(emu: Engine, name: ObjectName) -> FileFormat:
    """The options of the file format object ``name``."""
    obj = require(emu, name, FILE_FORMAT)
    return FileFormat.from_json(obj.properties["format"])


def new_object(
    emu: Engine,
    name: ObjectName,
    kind: str,
    properties: dict[str, Any],
    comment: str | None,
) -> CatalogObject:
    """Record a stage or file format called ``name``."""
    duck = emu.catalog.require_schema(name.database, name.schema)
    now = emu.now
    obj = CatalogObject(
        id=emu.catalog.next_id(),
        name=name,
        kind=kind,
        duck_schema=duck,
        duck_name="",
        base_name=None,
        table_type=kind,
        comment=comment,
        created_on=now,
        last_altered=now,
        change_tracking=False,
        retention_days=0,
        max_extension_days=0,
        version=0,
        definition=None,
        properties=properties,
    )
    emu.catalog.add_object(obj, [])
    return obj


def temporary_objects(emu: Engine) -> list[CatalogObject]:
    """Every temporary stage and file format."""
    return [
        o
        for o in emu.catalog.objects()
        if o.kind in (STAGE, FILE_FORMAT) and o.properties.get("temporary")
    ]
