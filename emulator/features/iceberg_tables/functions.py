"""``SYSTEM$GET_ICEBERG_TABLE_INFORMATION('<db.schema.table>')``.

Returns ``{"metadataLocation":"…/metadata/vN.metadata.json","status":"success"}`` as a
JSON string (https://docs.snowflake.com/en/sql-reference/functions/system_get_iceberg_table_information).
The emulator writes metadata on every commit, so the location is always current and the
call never writes anything.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core.catalog_objects import DYNAMIC_TABLE, ICEBERG_TABLE, CatalogObject
from emulator.translate.names import output_name
from icebridge.errors import IcebridgeError
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

FUNCTION = "SYSTEM$GET_ICEBERG_TABLE_INFORMATION"


def table_information(emu: Engine, text: str) -> str:
    """The function's JSON result for the table named ``text``."""
    try:
        name = ObjectName.parse(
            text, database=emu.state.database, schema=emu.state.schema, what="table name"
        )
    except IcebridgeError:
        raise errors.object_does_not_exist(text, "Table") from None
    obj = emu.catalog.find(name)
    if obj is None or not _is_iceberg(obj):
        raise errors.object_does_not_exist(text, "Table")
    location = emu.lake.store.metadata_location(obj.name)
    return json.dumps({"metadataLocation": location, "status": "success"}, separators=(",", ":"))


def _is_iceberg(obj: CatalogObject) -> bool:
    """Iceberg tables, including dynamic Iceberg tables (CREATE DYNAMIC ICEBERG TABLE)."""
    if obj.kind == ICEBERG_TABLE:
        return True
    if obj.kind == DYNAMIC_TABLE:
        from emulator.core.dynamic_spec import spec_of

        return spec_of(obj).is_iceberg
    return False


def rewrite_iceberg_functions(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Statement rewriter: each call with a literal table name becomes its result."""
    if not any(str(n.this).upper() == FUNCTION for n in node.find_all(exp.Anonymous)):
        return node
    node = node.copy()
    for call in [n for n in node.find_all(exp.Anonymous) if str(n.this).upper() == FUNCTION]:
        args = call.expressions
        if len(args) != 1 or not isinstance(args[0], exp.Literal) or not args[0].is_string:
            raise errors.unsupported(f"{FUNCTION} with an argument that is not a string literal")
        value: exp.Expression = exp.Literal.string(table_information(emu, args[0].name))
        if isinstance(call.parent, exp.Select):  # keep Snowflake's result column name
            value = exp.Alias(this=value, alias=exp.Identifier(this=output_name(call), quoted=True))
        call.replace(value)
    return node
