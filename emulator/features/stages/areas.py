"""From a stage location to the stage's files: named, table (``@%t``) and user (``@~``) stages.

https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage: every
table has a stage of its own and every user one; named stages are schema objects. LIST
names a named stage's files ``<stage name in lower case>/<path>`` and a table or user
stage's files by their path alone (https://docs.snowflake.com/en/sql-reference/sql/list,
https://docs.snowflake.com/en/sql-reference/sql/copy-into-location examples).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, TABLE, CatalogObject
from emulator.core.stage_files import NAMED, USER, StagedFile, StageFiles
from emulator.core.stage_files import TABLE as TABLE_DIR
from emulator.features.stages.formats import FileFormat, csv_default
from emulator.features.stages.objects import STAGE, NamedStage, name_of_parts, require
from icebridge.sql.stage_location import StageLocation

if TYPE_CHECKING:
    from emulator.core.engine import Engine


@dataclass(frozen=True)
class StageArea:
    """One stage's files: where they are, how LIST names them, and the stage's identity
    in the load history (``key``)."""

    directory: Path
    prefix: str
    key: str
    stage: NamedStage | None = None
    table: CatalogObject | None = None

    def display(self, rel: str) -> str:
        """The name LIST and COPY show for the stage path ``rel``."""
        return self.prefix + rel

    def file_format(self, emu: Engine) -> FileFormat:
        """The stage's default file format (CSV for table and user stages)."""
        return self.stage.file_format(emu) if self.stage is not None else csv_default()


def stage_files(emu: Engine) -> StageFiles:
    """The emulator's stage directories (registered by the stages feature)."""
    files = emu.registry.service(StageFiles)
    assert files is not None, "the stages feature is not installed"
    return files


def resolve(emu: Engine, location: StageLocation, action: str) -> StageArea:
    """The stage a location names (it must exist)."""
    files = stage_files(emu)
    if location.kind == "USER":
        return StageArea(files.directory(USER), "", "user")
    if location.kind == "TABLE":
        name = name_of_parts(emu, location.parts, action)
        table = emu.catalog.find(name)
        if table is None or table.kind not in (TABLE, ICEBERG_TABLE):
            raise errors.object_does_not_exist(name.sql(), "Table")
        return StageArea(files.directory(TABLE_DIR, table.id), "", f"table:{table.id}", table=table)
    name = name_of_parts(emu, location.parts, action)
    stage = NamedStage(require(emu, name, STAGE))
    prefix = stage.name.name.lower() + "/"
    return StageArea(files.directory(NAMED, stage.obj.id), prefix, f"stage:{stage.obj.id}", stage)


def table_stage(emu: Engine, table: CatalogObject) -> StageArea:
    """The stage of ``table`` (``@%t``)."""
    directory = stage_files(emu).directory(TABLE_DIR, table.id)
    return StageArea(directory, "", f"table:{table.id}", table=table)


def listed(emu: Engine, area: StageArea, path: str, pattern: str | None = None) -> list[StagedFile]:
    """The files of ``area`` below ``path`` (a prefix of their stage path) whose LIST name
    matches ``pattern`` (a regular expression, matched whole) when one is given."""
    found = stage_files(emu).list(area.directory, path)
    if pattern is None:
        return found
    regex = compile_pattern(pattern)
    return [f for f in found if regex.fullmatch(area.display(f.path))]


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A PATTERN regular expression (Java syntax, which Python's covers for the usual
    cases); an invalid one is Snowflake's invalid-value error."""
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:
        raise errors.invalid_value("PATTERN", pattern) from None
