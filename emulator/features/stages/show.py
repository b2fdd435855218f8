"""SHOW STAGES, SHOW FILE FORMATS, DESCRIBE STAGE and DESCRIBE FILE FORMAT.

Columns: https://docs.snowflake.com/en/sql-reference/sql/show-stages (an internal stage has
no url, credentials, encryption key, region or cloud; ``type`` is INTERNAL or INTERNAL
TEMPORARY), https://docs.snowflake.com/en/sql-reference/sql/show-file-formats,
https://docs.snowflake.com/en/sql-reference/sql/desc-stage and
https://docs.snowflake.com/en/sql-reference/sql/desc-file-format (one row per option).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core.engine import Outcome
from emulator.core.listing import INSTANT, Listing, clauses_of, objects_in, show, show_scope
from emulator.features.stages.formats import DEFAULTS, FileFormat, describe_value
from emulator.features.stages.objects import (
    FILE_FORMAT,
    STAGE,
    NamedStage,
    load_format,
    object_name,
    require,
)

if TYPE_CHECKING:
    from emulator.core.catalog import CatalogObject
    from emulator.core.engine import Engine

OWNER = "ACCOUNTADMIN"
STAGE_COLUMNS = [
    ("created_on", INSTANT),
    "name",
    "database_name",
    "schema_name",
    "url",
    "has_credentials",
    "has_encryption_key",
    "owner",
    "comment",
    "region",
    "type",
    "cloud",
    "notification_channel",
    "storage_integration",
    "endpoint",
    "owner_role_type",
    "directory_enabled",
]
FORMAT_COLUMNS = [
    ("created_on", INSTANT),
    "name",
    "database_name",
    "schema_name",
    "type",
    "owner",
    "comment",
    "format_options",
    "owner_role_type",
]
_DESCRIBE_STAGE = ["parent_property", "property", "property_type", "property_value", "default"]
_DESCRIBE_FORMAT = ["property", "property_type", "property_value", "property_default"]


def _schema(columns: list[Any]) -> pa.Schema:
    return pa.schema(
        [pa.field(c, pa.string()) if isinstance(c, str) else pa.field(*c) for c in columns]
    )


STAGES = Listing(_schema(STAGE_COLUMNS))
FORMATS = Listing(_schema(FORMAT_COLUMNS))


def _stage_row(obj: CatalogObject) -> dict[str, Any]:
    temporary = bool(obj.properties.get("temporary"))
    return {
        "created_on": obj.created_on,
        "name": obj.name.name,
        "database_name": obj.name.database,
        "schema_name": obj.name.schema,
        "url": "",
        "has_credentials": "N",
        "has_encryption_key": "N",
        "owner": OWNER,
        "comment": obj.comment or "",
        "region": None,
        "type": "INTERNAL TEMPORARY" if temporary else "INTERNAL",
        "cloud": None,
        "notification_channel": None,
        "storage_integration": None,
        "endpoint": None,
        "owner_role_type": "ROLE",
        "directory_enabled": "N",
    }


def _format_row(obj: CatalogObject) -> dict[str, Any]:
    fmt = FileFormat.from_json(obj.properties["format"])
    options = {k: list(v) if isinstance(v, tuple) else v for k, v in fmt.options.items()}
    return {
        "created_on": obj.created_on,
        "name": obj.name.name,
        "database_name": obj.name.database,
        "schema_name": obj.name.schema,
        "type": fmt.type,
        "owner": OWNER,
        "comment": obj.comment or "",
        "format_options": json.dumps({"TYPE": fmt.type, **options}),
        "owner_role_type": "ROLE",
    }


def run_show_stages(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW STAGES [LIKE …] [IN …]."""
    clauses = clauses_of(node, sql)
    objs = objects_in(emu, show_scope(emu, clauses, "SHOW STAGES"), (STAGE,))
    return show(node, sql, STAGES, [_stage_row(o) for o in objs], clauses)


def run_show_file_formats(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW FILE FORMATS [LIKE …] [IN …]."""
    clauses = clauses_of(node, sql)
    objs = objects_in(emu, show_scope(emu, clauses, "SHOW FILE FORMATS"), (FILE_FORMAT,))
    return show(node, sql, FORMATS, [_format_row(o) for o in objs], clauses)


def _option_rows(fmt: FileFormat) -> list[tuple[str, str, str, str]]:
    defaults = DEFAULTS[fmt.type]
    rows = [("TYPE", "String", fmt.type, "CSV")]
    for name, value in fmt.options.items():
        default = defaults.get(name)
        kind = (
            "Boolean"
            if isinstance(default, bool)
            else "Integer"
            if isinstance(default, int)
            else "List"
            if isinstance(default, tuple)
            else "String"
        )
        rows.append((name, kind, describe_value(value), describe_value(default)))
    return rows


def run_describe_stage(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DESCRIBE STAGE s: its file format options (STAGE_FILE_FORMAT) and location."""
    name = object_name(emu, node.this, "DESCRIBE STAGE")
    stage = NamedStage(require(emu, name, STAGE))
    rows = [("STAGE_FILE_FORMAT", *r) for r in _option_rows(stage.file_format(emu))]
    rows.append(("STAGE_LOCATION", "URL", "String", "", ""))
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(_DESCRIBE_STAGE)})
    return Outcome(table, table.num_rows)


def run_describe_file_format(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DESCRIBE FILE FORMAT f: one row per option."""
    name = object_name(emu, node.this, "DESCRIBE FILE FORMAT")
    rows = _option_rows(load_format(emu, name))
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(_DESCRIBE_FORMAT)})
    return Outcome(table, table.num_rows)
