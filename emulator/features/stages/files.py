"""PUT, GET, LIST and REMOVE: files between the local file system and a stage.

* PUT 'file:///abs/path/name*' @stage[/path] [PARALLEL = n] [AUTO_COMPRESS = TRUE | FALSE]
  [SOURCE_COMPRESSION = …] [OVERWRITE = TRUE | FALSE]
  (https://docs.snowflake.com/en/sql-reference/sql/put). The local files are read here, in
  Python. One row per file: source, target, source_size, target_size, source_compression,
  target_compression, status (UPLOADED, or SKIPPED when the stage has the file already and
  OVERWRITE is FALSE), message — the columns the Snowflake connector reports.
* GET @stage[/path] 'file:///dir/' [PARALLEL = n] [PATTERN = '…']
  (https://docs.snowflake.com/en/sql-reference/sql/get): file, size, status (DOWNLOADED),
  message.
* LIST @stage[/path] [PATTERN = '…'] (https://docs.snowflake.com/en/sql-reference/sql/list):
  name, size, md5, last_modified.
* REMOVE @stage[/path] [PATTERN = '…'] (https://docs.snowflake.com/en/sql-reference/sql/remove):
  every file whose path starts with the path given; name, result.
"""

from __future__ import annotations

import glob
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.engine import Outcome
from emulator.features.stages import compression
from emulator.features.stages.areas import listed, resolve, stage_files
from emulator.features.stages.formats import option_values
from icebridge.errors import ProgrammingError
from icebridge.sql.nodes_stage import RemoveFiles
from icebridge.sql.stage_location import StageLocation, location_text

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_PUT_OPTIONS = frozenset({"PARALLEL", "AUTO_COMPRESS", "SOURCE_COMPRESSION", "OVERWRITE"})
_GET_OPTIONS = frozenset({"PARALLEL", "PATTERN"})
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _location(node: exp.Expression | None) -> StageLocation:
    text = location_text(node)
    if text is None:
        raise errors.syntax_error(1, 0, node.sql(dialect="snowflake") if node else "<EOF>")
    return StageLocation.parse(text)


def _options(node: exp.Expression, allowed: frozenset[str], statement: str) -> dict[str, Any]:
    props = node.args.get("properties")
    given = option_values(props.expressions if isinstance(props, exp.Properties) else [])
    for name in given:
        if name not in allowed:
            raise errors.invalid_parameter(name)
    parallel = given.get("PARALLEL", 4)
    if not isinstance(parallel, int) or not 1 <= parallel <= 99:
        raise errors.invalid_value(f"{statement} PARALLEL", str(parallel))
    return given


def _local_path(uri: str, statement: str) -> str:
    """The local path of a ``file://`` URI."""
    if not uri.lower().startswith("file://"):
        raise errors.syntax_error(1, 4, uri)
    path = uri[len("file://") :]
    if not os.path.isabs(path):
        raise ProgrammingError(
            f"{statement}: the local path must be absolute (file:///abs/path), got '{uri}'",
            errno=253006,
        )
    return path


def _read_local(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ProgrammingError(f"PUT: cannot read {path}: {error}", errno=253006) from None


def _flag(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    raise errors.invalid_value(name, str(value))


def last_modified_text(instant: datetime) -> str:
    """``Wed, 5 Aug 2020 16:58:16 GMT``, as LIST shows it."""
    at = instant.astimezone(UTC)
    return f"{_DAYS[at.weekday()]}, {at.day} {_MONTHS[at.month - 1]} {at.year} {at:%H:%M:%S} GMT"


def run_put(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """PUT (see the module docstring)."""
    assert isinstance(node, exp.Put)
    options = _options(node, _PUT_OPTIONS, "PUT")
    auto = _flag(options.get("AUTO_COMPRESS"), "AUTO_COMPRESS", True)
    overwrite = _flag(options.get("OVERWRITE"), "OVERWRITE", False)
    declared = str(options.get("SOURCE_COMPRESSION") or "AUTO_DETECT").upper()
    if declared not in compression.SOURCE_METHODS:
        raise errors.invalid_value("SOURCE_COMPRESSION", declared)
    location = _location(node.args.get("target"))
    area = resolve(emu, location, "PUT")
    pattern = _local_path(node.this.name, "PUT")
    if "**" in pattern:
        raise errors.unsupported("PUT of files in nested directories (**)")
    sources = sorted(p for p in glob.glob(pattern) if os.path.isfile(p))
    if not sources:
        raise ProgrammingError(f"File doesn't exist: ['{pattern}']", errno=253006)
    files = stage_files(emu)
    # The path is a folder: PUT keeps file names (https://docs.snowflake.com/en/sql-reference/sql/put).
    folder = (
        location.path if not location.path or location.path.endswith("/") else location.path + "/"
    )
    rows: list[dict[str, Any]] = []
    now = emu.now
    for source in sources:
        data = _read_local(source)
        name = os.path.basename(source)
        found = compression.detect(data) if declared == "AUTO_DETECT" else declared
        stored, target_method, target = data, found, name
        if auto and found == "NONE":
            stored, target_method = compression.gzip_bytes(data), "GZIP"
            target = name + ".gz"
        rel = folder + target
        exists = files.exists(area.directory, rel)
        status_text = "UPLOADED"
        if exists and not overwrite:
            status_text = "SKIPPED"
        else:
            files.write(area.directory, rel, stored, now)
        rows.append(
            {
                "source": name,
                "target": target,
                "source_size": len(data),
                "target_size": len(stored),
                "source_compression": found,
                "target_compression": target_method,
                "status": status_text,
                "message": "",
            }
        )
    return _rows_outcome(rows, _PUT_TYPES)


_PUT_TYPES: dict[str, pa.DataType] = {
    "source": pa.string(),
    "target": pa.string(),
    "source_size": pa.int64(),
    "target_size": pa.int64(),
    "source_compression": pa.string(),
    "target_compression": pa.string(),
    "status": pa.string(),
    "message": pa.string(),
}
_GET_TYPES: dict[str, pa.DataType] = {
    "file": pa.string(),
    "size": pa.int64(),
    "status": pa.string(),
    "message": pa.string(),
}
_LIST_TYPES: dict[str, pa.DataType] = {
    "name": pa.string(),
    "size": pa.int64(),
    "md5": pa.string(),
    "last_modified": pa.string(),
}
_REMOVE_TYPES: dict[str, pa.DataType] = {"name": pa.string(), "result": pa.string()}


def _rows_outcome(rows: list[dict[str, Any]], types: dict[str, pa.DataType]) -> Outcome:
    schema = pa.schema(list(types.items()))
    table = pa.Table.from_pylist(rows, schema=schema)
    return Outcome(table, table.num_rows)


def run_get(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """GET (see the module docstring)."""
    assert isinstance(node, exp.Get)
    options = _options(node, _GET_OPTIONS, "GET")
    location = _location(node.args.get("target"))
    area = resolve(emu, location, "GET")
    directory = Path(_local_path(node.this.name, "GET"))
    pattern = options.get("PATTERN")
    found = listed(emu, area, location.path, str(pattern) if pattern is not None else None)
    names = [os.path.basename(f.path) for f in found]
    if len(set(names)) != len(names):
        raise errors.unsupported("GET of files with the same name in different stage paths")
    files = stage_files(emu)
    rows = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for staged in found:
            (directory / os.path.basename(staged.path)).write_bytes(
                files.read(area.directory, staged.path)
            )
    except OSError as error:
        raise ProgrammingError(
            f"GET: cannot write into {directory}: {error}", errno=253006
        ) from None
    for staged, name in zip(found, names, strict=True):
        rows.append({"file": name, "size": staged.size, "status": "DOWNLOADED", "message": ""})
    return _rows_outcome(rows, _GET_TYPES)


def run_list(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """LIST | LS (see the module docstring)."""
    assert isinstance(node, exp.ListStage)
    location = _location(node.this)
    area = resolve(emu, location, "LIST")
    pattern = node.args.get("pattern")
    regex = pattern.name if isinstance(pattern, exp.Literal) else None
    rows = [
        {
            "name": area.display(f.path),
            "size": f.size,
            "md5": f.md5,
            "last_modified": last_modified_text(f.last_modified),
        }
        for f in listed(emu, area, location.path, regex)
    ]
    return _rows_outcome(rows, _LIST_TYPES)


def run_remove(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """REMOVE | RM (see the module docstring)."""
    assert isinstance(node, RemoveFiles)
    location = node.location
    area = resolve(emu, location, "REMOVE")
    files = stage_files(emu)
    rows = []
    for staged in listed(emu, area, location.path, node.pattern):
        files.remove(area.directory, staged.path)
        rows.append({"name": area.display(staged.path), "result": "removed"})
    return _rows_outcome(rows, _REMOVE_TYPES)
