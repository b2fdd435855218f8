"""Reading one staged file into rows: CSV fields, JSON documents or Parquet columns.

Files are read in Python (the CSV reader of :mod:`.csv_reader`, ``json``, PyArrow's Parquet
reader), never through DuckDB's file functions. The result, :class:`Source`, is an Arrow
table with the row number (``__ib_row``, from 1) and the data columns:

* CSV: ``__ib_c1`` … ``__ib_cN``, text or NULL, one per field (``$1`` … ``$N``);
* JSON: ``__ib_v``, each document's JSON text (``$1``); with STRIP_OUTER_ARRAY the elements
  of the outer array are the documents;
* Parquet: the file's own columns (``$1`` is the row as an object).

Rows that cannot be parsed are not in the table: their errors are in ``errors``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from emulator import errors
from emulator.features.stages import compression
from emulator.features.stages.csv_reader import CsvReader, CsvRecord, Positions, skip_lines
from emulator.features.stages.formats import FileFormat
from emulator.features.stages.load_errors import RowError, column_count

ROW = "__ib_row"
VALUE = "__ib_v"
#: The file a row came from: its LIST name, LAST_MODIFIED and MD5 (METADATA$ columns).
FILE = "__ib_file"
MODIFIED = "__ib_modified"
CONTENT_KEY = "__ib_md5"


def field_column(number: int) -> str:
    """The column of CSV field ``number`` (1-based)."""
    return f"__ib_c{number}"


@dataclass
class Source:
    """The rows of one staged file (see the module docstring)."""

    kind: str
    table: pa.Table
    parsed: int
    errors: list[RowError] = field(default_factory=list)
    width: int = 0
    names: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    #: (row, field or None) -> (line, character) of a row's field, for error reports.
    locate: Callable[[int, int | None], tuple[int, int]] = lambda row, _f: (row, 1)


def unreadable(kind: str, error: RowError) -> Source:
    """The source of a file that cannot be read at all: no rows, one error."""
    columns: dict[str, pa.Array] = {ROW: pa.array([], pa.int64())}
    if kind == "JSON":
        columns[VALUE] = pa.array([], pa.string())
    return Source(kind, pa.table(columns), 1, [error])


def _text(data: bytes, fmt: FileFormat, file: str) -> str:
    encoding = str(fmt.options.get("ENCODING") or "UTF8").upper()
    codec = {"UTF8": "utf-8", "UTF-8": "utf-8", "UTF16": "utf-16", "ISO88591": "latin-1"}.get(
        encoding, encoding.lower()
    )
    replace = bool(fmt.options.get("REPLACE_INVALID_CHARACTERS"))
    try:
        text = data.decode(codec, errors="replace" if replace else "strict")
    except (UnicodeDecodeError, LookupError):
        raise errors.generic(
            f"Invalid UTF8 detected in string in file '{file}'", errno=100069, sqlstate="22000"
        ) from None
    if fmt.options.get("SKIP_BYTE_ORDER_MARK", True) and text.startswith("\ufeff"):
        text = text[1:]
    return text


def read(data: bytes, fmt: FileFormat, file: str, *, expected: int | None) -> Source:
    """Read ``data`` (the bytes of staged ``file``) as ``fmt``; ``expected`` is the field
    count a CSV record must have (a load without transformation), or None."""
    raw = compression.decompress(data, str(fmt.options.get("COMPRESSION", "AUTO")), file)
    if fmt.type == "PARQUET":
        return _parquet(raw, fmt, file)
    text = _text(raw, fmt, file)
    if fmt.type == "JSON":
        return _json(text, fmt)
    return _csv(text, fmt, expected)


def _csv(text: str, fmt: FileFormat, expected: int | None) -> Source:
    reader = CsvReader(fmt)
    names: list[str] = []
    start = skip_lines(text, int(fmt["SKIP_HEADER"]))
    if fmt["PARSE_HEADER"]:
        names, start = reader.header(text)
    records = reader.records(text, start)
    positions = Positions(text)
    check = expected is not None and bool(fmt["ERROR_ON_COLUMN_COUNT_MISMATCH"])
    good: list[tuple[int, CsvRecord]] = []
    errors: list[RowError] = []
    for number, record in enumerate(records, start=1):
        problem = record.error
        if problem is not None:
            line, character = positions.line_col(problem.offset)
            errors.append(
                RowError(number, line, character, problem.message, problem.code, category="parsing")
            )
            continue
        if check and expected is not None and len(record.fields) != expected:
            line, _ = positions.line_col(record.start)
            message = column_count(len(record.fields), expected)
            errors.append(RowError(number, line, 1, message, 100080, category="parsing"))
            continue
        good.append((number, record))
    width = expected if expected is not None else max((len(r.fields) for _, r in good), default=0)
    columns: dict[str, pa.Array] = {ROW: pa.array([n for n, _ in good], pa.int64())}
    fields = [r.fields for _, r in good]
    if all(len(f) == width for f in fields):
        transposed: list[Any] = list(zip(*fields, strict=True)) or [()] * width
    else:  # short records: the missing fields are NULL (long ones were refused or cut)
        transposed = [[f[i] if i < len(f) else None for f in fields] for i in range(width)]
    for index, values in enumerate(transposed):
        columns[field_column(index + 1)] = pa.array(values, pa.string())
    by_row = dict(good)

    def locate(row: int, number: int | None) -> tuple[int, int]:
        record = by_row.get(row)
        if record is None:
            return row, 1
        offset = record.start
        if number is not None:
            starts = reader.offsets(text, record)
            if 0 < number <= len(starts):
                offset = starts[number - 1]
        return positions.line_col(offset)

    return Source("CSV", pa.table(columns), len(records), errors, width, names, locate=locate)


def _json(text: str, fmt: FileFormat) -> Source:
    decoder = json.JSONDecoder()
    documents: list[tuple[int, str]] = []
    errors: list[RowError] = []
    positions = Positions(text)
    keys: dict[str, None] = {}
    strip_nulls = bool(fmt["STRIP_NULL_VALUES"])
    position, size = _skip_space(text, 0), len(text)
    in_array = bool(fmt["STRIP_OUTER_ARRAY"]) and text.startswith("[", position)
    if in_array:
        position = _skip_space(text, position + 1)
    while position < size:
        if in_array and text.startswith("]", position):
            break
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            line, character = positions.line_col(error.pos)
            message = f"Error parsing JSON: {error.msg}"
            errors.append(
                RowError(
                    len(documents) + 1, line, character, message, 100069, "22P02", None, "parsing"
                )
            )
            break
        raw = text[position:end]
        if strip_nulls:
            raw = json.dumps(_without_nulls(value), separators=(",", ":"))
        if isinstance(value, dict):
            keys.update(dict.fromkeys(value))
        documents.append((position, raw))
        position = _skip_space(text, end)
        if in_array and text.startswith(",", position):
            position = _skip_space(text, position + 1)
    table = pa.table(
        {
            ROW: pa.array(range(1, len(documents) + 1), pa.int64()),
            VALUE: pa.array([d for _, d in documents], pa.string()),
        }
    )
    starts = [p for p, _ in documents]

    def locate(row: int, _number: int | None) -> tuple[int, int]:
        return positions.line_col(starts[row - 1]) if 0 < row <= len(starts) else (row, 1)

    parsed = len(documents) + len(errors)
    return Source("JSON", table, parsed, errors, keys=list(keys), locate=locate)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _without_nulls(value: Any) -> Any:
    """STRIP_NULL_VALUES: object fields and array elements that are null removed."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value


def _parquet(data: bytes, fmt: FileFormat, file: str) -> Source:
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as error:
        message = f"Error while reading Parquet file '{file}': {error}"
        return unreadable("PARQUET", RowError(1, 1, 1, message, 100084, category="parsing"))
    table = table.drop_columns([c for c in table.column_names if c == ROW])
    if fmt["BINARY_AS_TEXT"]:
        for index, column in enumerate(table.schema):
            if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
                try:
                    text = table.column(index).cast(pa.string())
                except pa.ArrowInvalid:
                    continue  # not UTF-8: it stays binary
                table = table.set_column(index, column.name, text)
    rows = pa.array(range(1, table.num_rows + 1), pa.int64())
    return Source(
        "PARQUET",
        table.append_column(ROW, rows),
        table.num_rows,
        names=list(table.column_names),
    )


def with_file(source: Source, name: str, modified: datetime, md5: str) -> Source:
    """``source`` with the columns of its file's METADATA$ values."""
    count = source.table.num_rows
    table = (
        source.table.append_column(FILE, pa.array([name] * count, pa.string()))
        .append_column(MODIFIED, pa.array([modified] * count, pa.timestamp("us", tz="UTC")))
        .append_column(CONTENT_KEY, pa.array([md5] * count, pa.string()))
    )
    return replace(source, table=table)


def combine(sources: list[Source], kind: str) -> Source:
    """The rows of several files of format ``kind`` as one source (a query over a stage
    reads them all)."""
    if not sources:
        empty = unreadable(kind, RowError(0, 0, 0, "", 0))
        return replace(with_file(empty, "", datetime.now(UTC), ""), parsed=0, errors=[])
    width = max(s.width for s in sources)
    tables = []
    for source in sources:
        table = source.table
        for number in range(source.width + 1, width + 1):
            table = table.append_column(field_column(number), pa.nulls(table.num_rows, pa.string()))
        tables.append(table)
    names: list[str] = []
    for source in sources:
        names.extend(n for n in source.names if n not in names)
    joined = pa.concat_tables(tables, promote_options="permissive")
    errors = [e for s in sources for e in s.errors]
    parsed = sum(s.parsed for s in sources)
    keys = list(dict.fromkeys(k for s in sources for k in s.keys))
    return Source(kind, joined, parsed, errors, width, names, keys)
