"""COPY INTO <location>: unload a table or a query into files on a stage.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-location:

* ``FROM t`` or ``FROM (query)``; a query that reads a stream consumes it when the statement
  commits (a COPY is DML, https://docs.snowflake.com/en/user-guide/streams-intro);
* FILE_FORMAT TYPE = CSV (default; COMPRESSION AUTO is gzip), JSON (one VARIANT column, one
  document per line) or PARQUET (snappy); HEADER = TRUE writes the column names (Parquet
  without HEADER names its columns col1, col2, …);
* files are ``<path>data_0_0_0.csv.gz`` … (a path not ending in ``/`` is a file name prefix);
  SINGLE = TRUE writes one file named by the path (``data`` when the path is a folder);
  MAX_FILE_SIZE (default 16 MB) splits the rows into more files;
* OVERWRITE = FALSE (the default) refuses to replace a file of the same name;
* a query with no rows writes no file;
* the result is one row: rows_unloaded, input_bytes, output_bytes (DETAILED_OUTPUT = TRUE:
  one row per file, FILE_NAME, FILE_SIZE, ROW_COUNT); VALIDATION_MODE = RETURN_ROWS returns
  the query's rows instead of writing them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

from emulator import errors
from emulator.core.engine import Outcome
from emulator.core.query import translate_query
from emulator.features.stages import compression
from emulator.features.stages.areas import resolve, stage_files
from emulator.features.stages.copy_options import UNLOAD_OPTIONS, read_options
from emulator.features.stages.formats import FileFormat, build
from emulator.features.stages.objects import expand_identifier
from icebridge.sql.stage_location import StageLocation

if TYPE_CHECKING:
    from emulator.core.engine import Engine

DEFAULT_MAX_FILE_SIZE = 16_777_216
_RESULT = (("rows_unloaded", pa.int64()), ("input_bytes", pa.int64()), ("output_bytes", pa.int64()))
_DETAILED = (("FILE_NAME", pa.string()), ("FILE_SIZE", pa.int64()), ("ROW_COUNT", pa.int64()))


def run_unload(emu: Engine, node: exp.Copy, location: StageLocation) -> Outcome:
    """COPY INTO <location> (see the module docstring)."""
    options = read_options(emu, node, UNLOAD_OPTIONS)
    area = resolve(emu, location, "COPY")
    files = node.args.get("files") or []
    if len(files) != 1:
        raise errors.syntax_error(1, 0, "COPY")
    source = files[0]
    if isinstance(source, exp.Subquery):
        query = source.this
    else:
        query = exp.select(exp.Star()).from_(expand_identifier(source).copy())
    rows = emu.fetch(translate_query(emu, query))
    validation = options.validation
    if validation is not None:
        if validation != "RETURN_ROWS":
            raise errors.invalid_value("VALIDATION_MODE", validation)
        return Outcome(rows, rows.num_rows)
    if options.flag("INCLUDE_QUERY_ID"):
        raise errors.unsupported("COPY INTO <location> … INCLUDE_QUERY_ID = TRUE")
    fmt = options.file_format or _unload_default(area.file_format(emu))
    header = options.flag("HEADER")
    single = options.flag("SINGLE")
    limit = max(options.number("MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE), 1)
    chunks = _encode(rows, fmt, header, None if single else limit)
    names = _names(location.path, fmt, len(chunks), single)
    stage = stage_files(emu)
    if not options.flag("OVERWRITE"):
        taken = [n for n in names if stage.exists(area.directory, n)]
        if taken:
            raise errors.generic(
                f"Files already existing at the unload destination: {location.sql()}. "
                "Use overwrite option to force unloading.",
                errno=2185,
                sqlstate="22000",
            )
    written: list[tuple[str, int, int, int]] = []
    method = _compression(fmt)
    for name, (data, count) in zip(names, chunks, strict=True):
        stored = compression.gzip_bytes(data) if method == "GZIP" else data
        stage.write(area.directory, name, stored, emu.now)
        written.append((area.display(name), len(data), len(stored), count))
    if options.flag("DETAILED_OUTPUT"):
        detail = [{"FILE_NAME": n, "FILE_SIZE": out, "ROW_COUNT": c} for n, _i, out, c in written]
        table = pa.Table.from_pylist(detail, schema=pa.schema(list(_DETAILED)))
        return Outcome(table, table.num_rows)
    summary = {
        "rows_unloaded": rows.num_rows,
        "input_bytes": sum(i for _n, i, _o, _c in written),
        "output_bytes": sum(o for _n, _i, o, _c in written),
    }
    table = pa.Table.from_pylist([summary], schema=pa.schema(list(_RESULT)))
    return Outcome(table, rows.num_rows)


def _unload_default(fmt: FileFormat) -> FileFormat:
    return fmt if fmt.type in ("CSV", "JSON", "PARQUET") else build("CSV", {})


def _compression(fmt: FileFormat) -> str:
    method = str(fmt.options.get("COMPRESSION") or "AUTO").upper()
    if fmt.type == "PARQUET":
        return "NONE"  # Parquet compresses inside the file
    if method in ("AUTO", "GZIP"):
        return "GZIP"
    if method == "NONE":
        return "NONE"
    raise errors.unsupported(f"unloading with COMPRESSION = {method}")


def _extension(fmt: FileFormat) -> str:
    given = fmt.options.get("FILE_EXTENSION")
    if fmt.type == "PARQUET":
        snappy = str(fmt.options.get("COMPRESSION") or "AUTO").upper() != "NONE"
        return ".snappy.parquet" if snappy else ".parquet"
    base = "." + str(given).lstrip(".") if given else (".json" if fmt.type == "JSON" else ".csv")
    return base + (".gz" if _compression(fmt) == "GZIP" else "")


def _names(path: str, fmt: FileFormat, count: int, single: bool) -> list[str]:
    """The stage paths of the files, in order."""
    if single:
        return [path + "data" if not path or path.endswith("/") else path]
    prefix = path + "data_" if not path or path.endswith("/") else path
    if not prefix.endswith("_"):
        prefix += "_"
    return [f"{prefix}0_0_{i}{_extension(fmt)}" for i in range(count)]


def _encode(
    rows: pa.Table, fmt: FileFormat, header: bool, limit: int | None
) -> list[tuple[bytes, int]]:
    """The files' bytes (uncompressed) and row counts; none when there are no rows."""
    if rows.num_rows == 0:
        return []
    if fmt.type == "PARQUET":
        snappy = str(fmt.options.get("COMPRESSION") or "AUTO").upper() != "NONE"
        return _parquet(rows, header, limit, snappy)
    if fmt.type == "JSON":
        if rows.num_columns != 1:
            raise errors.generic(
                "SQL compilation error:\nJSON file format can produce one and only one column of "
                "type variant, object, or array.",
                errno=2019,
                sqlstate="0A000",
            )
        lines = [(_json_text(v) + "\n").encode() for v in rows.column(0).to_pylist()]
        return _split(lines, b"", limit)
    return _csv(rows, fmt, header, limit)


def _split(lines: list[bytes], head: bytes, limit: int | None) -> list[tuple[bytes, int]]:
    """Lines grouped into files of at most ``limit`` bytes (one line at least each)."""
    out: list[tuple[bytes, int]] = []
    current: list[bytes] = []
    size = len(head)
    for line in lines:
        if limit is not None and current and size + len(line) > limit:
            out.append((head + b"".join(current), len(current)))
            current, size = [], len(head)
        current.append(line)
        size += len(line)
    if current:
        out.append((head + b"".join(current), len(current)))
    return out


def _csv(
    rows: pa.Table, fmt: FileFormat, header: bool, limit: int | None
) -> list[tuple[bytes, int]]:
    field = str(fmt.options.get("FIELD_DELIMITER") or "")
    record = str(fmt.options.get("RECORD_DELIMITER") or "")
    enclosure = str(fmt.options.get("FIELD_OPTIONALLY_ENCLOSED_BY") or "")
    escape = str(fmt.options.get("ESCAPE_UNENCLOSED_FIELD") or "")
    null_if = fmt.options.get("NULL_IF") or ()
    null_text = str(null_if[0]) if null_if else ""
    columns = [rows.column(i).to_pylist() for i in range(rows.num_columns)]
    texts = [pa.types.is_string(f.type) or pa.types.is_large_string(f.type) for f in rows.schema]

    def text(value: Any, is_text: bool) -> str:
        if value is None:
            return null_text
        if not isinstance(value, str):
            return _scalar(value)
        if not is_text:
            return value  # VARIANT values arrive as JSON text
        if enclosure:
            return enclosure + value.replace(enclosure, enclosure * 2) + enclosure
        out = str(value)
        if escape:
            for special in (escape, field, record):
                if special:
                    out = out.replace(special, escape + special)
        return out

    lines: list[bytes] = []
    for values in zip(*columns, strict=True):
        fields = [text(v, t) for v, t in zip(values, texts, strict=True)]
        lines.append((field.join(fields) + record).encode())
    head = (field.join(rows.column_names) + record).encode() if header else b""
    return _split(lines, head, limit)


def _scalar(value: Any) -> str:
    """A non-text value as Snowflake prints it in a CSV file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
        return text + (value.strftime(" %z") if value.tzinfo is not None else "")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex().upper()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _json_text(value: Any) -> str:
    if isinstance(value, str):
        return value  # VARIANT values arrive as JSON text
    return json.dumps(value, default=str)


def _parquet(
    rows: pa.Table, header: bool, limit: int | None, snappy: bool
) -> list[tuple[bytes, int]]:
    for column in rows.schema:
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            raise errors.generic(
                "Unloading TIMESTAMP_TZ or TIMESTAMP_LTZ data to Parquet files is not supported.",
                errno=2183,
                sqlstate="0A000",
            )
    if not header:
        rows = rows.rename_columns([f"col{i}" for i in range(1, rows.num_columns + 1)])
    per_row = max(rows.nbytes // max(rows.num_rows, 1), 1)
    step = rows.num_rows if limit is None else max(limit // per_row, 1)
    out: list[tuple[bytes, int]] = []
    for start in range(0, rows.num_rows, step):
        part = rows.slice(start, step)
        buffer = io.BytesIO()
        pq.write_table(part, buffer, compression="snappy" if snappy else "none")
        out.append((buffer.getvalue(), part.num_rows))
    return out
