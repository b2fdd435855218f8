"""Planning a COPY INTO <table>: its target, columns, source location, format and files.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table: the table and its column
list; FROM a stage location (a path is a prefix of the files' paths), a transformation
``(SELECT … FROM @stage)``, or nothing (the table's own stage); FILES or PATTERN. Files the
table loaded already and that did not change are left out unless FORCE = TRUE, and so are
files whose load status is no longer known unless LOAD_UNCERTAIN_FILES = TRUE
(:mod:`.load_history`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, TABLE, CatalogObject, Column
from emulator.core.resolve import stored
from emulator.core.stage_files import StagedFile
from emulator.features.stages.areas import (
    StageArea,
    compile_pattern,
    listed,
    resolve,
    stage_files,
    table_stage,
)
from emulator.features.stages.copy_options import (
    LOAD_OPTIONS,
    CopyOptions,
    named_format,
    read_options,
)
from emulator.features.stages.formats import FileFormat
from emulator.features.stages.load_history import RETENTION, LoadHistory
from emulator.features.stages.objects import expand_identifier
from icebridge.errors import SqlError
from icebridge.sql.stage_location import StageLocation, location_text

if TYPE_CHECKING:
    from emulator.core.engine import Engine


@dataclass
class Load:
    """One COPY INTO <table> as planned."""

    obj: CatalogObject
    table_columns: list[Column]
    targets: list[Column]
    query: exp.Select | None
    area: StageArea
    path: str
    fmt: FileFormat
    options: CopyOptions
    stage_pattern: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)


def plan(emu: Engine, node: exp.Copy) -> Load:
    written = node.this
    given: list[str] | None = None
    if isinstance(written, exp.Schema):
        given = [str(stored(c)) for c in written.expressions]
        written = written.this
    table = expand_identifier(written)
    if not isinstance(table, exp.Table):
        raise errors.syntax_error(1, 0, written.sql(dialect="snowflake"))
    obj = emu.resolver.require(table, "COPY", (TABLE, ICEBERG_TABLE), label="Table")
    options = read_options(emu, node, LOAD_OPTIONS)
    columns = emu.catalog.columns(obj.id)
    files = node.args.get("files") or []
    if len(files) > 1:
        raise errors.unsupported("COPY from more than one location")
    source = files[0] if files else None
    query: exp.Select | None = None
    stage_node: exp.Expression | None = source
    if isinstance(source, exp.Subquery):
        inner = source.this
        if not isinstance(inner, exp.Select):
            raise errors.unsupported("a COPY transformation that is not one SELECT")
        query = inner
        stage_node = next((t for t in inner.find_all(exp.Table) if location_text(t)), None)
        if stage_node is None:
            raise errors.unsupported("a COPY transformation that reads no stage")
    location: StageLocation | None = None
    if stage_node is not None:
        text = location_text(stage_node)
        if text is None:
            raise errors.unsupported("COPY from an external location (use a stage)")
        location = StageLocation.parse(text)
    area = resolve(emu, location, "COPY") if location is not None else table_stage(emu, obj)
    fmt = options.file_format
    stage_pattern: str | None = None
    if isinstance(stage_node, exp.Table):
        named = stage_node.args.get("format")
        if fmt is None and named is not None:
            fmt = named_format(emu, named)
        pattern = stage_node.args.get("pattern")
        stage_pattern = pattern.name if isinstance(pattern, exp.Literal) else None
    targets = _targets(columns, given)
    if query is not None:
        if options.match_by != "NONE":
            raise errors.generic(
                "SQL compilation error:\nmatch_by_column_name is not supported with copy "
                "transform.",
                errno=2019,
                sqlstate="0A000",
            )
        if options.validation is not None:
            raise errors.generic(
                "SQL compilation error:\nVALIDATION_MODE does not support COPY statements that "
                "transform data during a load.",
                errno=2019,
                sqlstate="0A000",
            )
        width = len(query.expressions)
        if width != len(targets):
            raise errors.generic(
                "SQL compilation error:\nInsert value list does not match column list "
                f"expecting {len(targets)} but got {width}",
                errno=2020,
                sqlstate="21S01",
            )
    if options.validation is not None and options.match_by != "NONE":
        raise errors.generic(
            "SQL compilation error:\nVALIDATION_MODE does not support MATCH_BY_COLUMN_NAME.",
            errno=2019,
            sqlstate="0A000",
        )
    if options.validation is not None and obj.kind == ICEBERG_TABLE:
        raise errors.unsupported("VALIDATION_MODE for Iceberg tables")
    return Load(
        obj,
        columns,
        targets,
        query,
        area,
        location.path if location is not None else "",
        fmt or area.file_format(emu),
        options,
        stage_pattern,
    )


def _targets(columns: list[Column], given: list[str] | None) -> list[Column]:
    if given is None:
        return columns
    by_name = {c.name: c for c in columns}
    seen: set[str] = set()
    out: list[Column] = []
    for name in given:
        if name not in by_name:
            raise errors.invalid_identifier(name)
        if name in seen:
            raise errors.duplicate_column(name)
        seen.add(name)
        out.append(by_name[name])
    return out


def select_files(emu: Engine, load: Load) -> tuple[list[StagedFile], list[str]]:
    """The files to load, and FILES entries the stage does not have."""
    options = load.options
    files = stage_files(emu)
    wanted = options.files
    missing: list[str] = []
    if wanted is not None:
        found: list[StagedFile] = []
        for name in wanted:
            rel = load.path + name
            if files.exists(load.area.directory, rel):
                found.append(files.describe(load.area.directory, rel))
            else:
                missing.append(load.area.display(rel))
    else:
        found = listed(emu, load.area, load.path, options.pattern)
        if load.stage_pattern is not None:  # FROM @s (PATTERN => '…') narrows it too
            regex = compile_pattern(load.stage_pattern)
            found = [f for f in found if regex.fullmatch(load.area.display(f.path))]
    if options.flag("FORCE") or options.validation == "RETURN_ALL_ERRORS":
        return found, missing
    history = LoadHistory(emu)
    loaded = history.loaded(load.obj.id, load.area.key)
    first = history.first_load(load.obj.id)
    uncertain_after = emu.now - RETENTION
    load_uncertain = options.flag("LOAD_UNCERTAIN_FILES")
    kept: list[StagedFile] = []
    for staged in found:
        if (staged.path, staged.md5) in loaded:
            continue  # loaded already and unchanged
        uncertain = (
            staged.last_modified < uncertain_after and first is not None and first < uncertain_after
        )
        if uncertain and not load_uncertain:
            continue
        kept.append(staged)
    return kept, missing


def not_found(name: str) -> SqlError:
    return errors.generic(
        f"Remote file '{name}' was not found. There are several potential causes. The file "
        "might not exist. The required credentials may be missing or invalid. If you are "
        "running a copy command, please make sure files are not deleted when they are being "
        "loaded or files are not being loaded into two different tables concurrently with auto "
        "purge option.",
        errno=3001,
        sqlstate="22000",
    )
