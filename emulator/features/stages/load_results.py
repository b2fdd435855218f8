"""What a COPY INTO <table> returns: per-file result rows, validation errors and samples.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (Output: file, status,
rows_parsed, rows_loaded, error_limit, errors_seen, first_error, first_error_line,
first_error_character, first_error_column_name; the VALIDATION_MODE examples: ERROR, FILE,
LINE, CHARACTER, BYTE_OFFSET, CATEGORY, CODE, SQL_STATE, COLUMN_NAME, ROW_NUMBER,
ROW_START_LINE).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from emulator.core.catalog import Column
from emulator.core.engine import Outcome
from emulator.features.stages.areas import StageArea
from emulator.features.stages.copy_options import CopyOptions
from emulator.features.stages.load_errors import RowError
from emulator.features.stages.load_history import LOAD_FAILED
from emulator.features.stages.load_plan import not_found

NO_FILES = "Copy executed with 0 files processed."
RESULT: tuple[tuple[str, pa.DataType], ...] = (
    ("file", pa.string()),
    ("status", pa.string()),
    ("rows_parsed", pa.int64()),
    ("rows_loaded", pa.int64()),
    ("error_limit", pa.int64()),
    ("errors_seen", pa.int64()),
    ("first_error", pa.string()),
    ("first_error_line", pa.int64()),
    ("first_error_character", pa.int64()),
    ("first_error_column_name", pa.string()),
)
ERRORS: tuple[tuple[str, pa.DataType], ...] = (
    ("ERROR", pa.string()),
    ("FILE", pa.string()),
    ("LINE", pa.int64()),
    ("CHARACTER", pa.int64()),
    ("BYTE_OFFSET", pa.int64()),
    ("CATEGORY", pa.string()),
    ("CODE", pa.int64()),
    ("SQL_STATE", pa.string()),
    ("COLUMN_NAME", pa.string()),
    ("ROW_NUMBER", pa.int64()),
    ("ROW_START_LINE", pa.int64()),
)


def missing_row(name: str, options: CopyOptions) -> dict[str, Any]:
    return {
        "file": name,
        "status": LOAD_FAILED,
        "rows_parsed": 0,
        "rows_loaded": 0,
        "error_limit": options.on_error.error_limit(0),
        "errors_seen": 1,
        "first_error": not_found(name).msg,
        "first_error_line": None,
        "first_error_character": None,
        "first_error_column_name": None,
    }


def validation_name(area: StageArea, rel: str) -> str:
    """A file as VALIDATION_MODE's FILE column names it (``@MYTABLE/data1.csv.gz``)."""
    if area.stage is not None:
        return f"@{area.stage.name.name}/{rel}"
    if area.table is not None:
        return f"@{area.table.name.name}/{rel}"
    return f"@~/{rel}"


def errors_table(found: list[tuple[RowError, str]]) -> Outcome:
    rows = [
        {
            "ERROR": e.message,
            "FILE": file,
            "LINE": e.line,
            "CHARACTER": e.character,
            "BYTE_OFFSET": e.byte_offset,
            "CATEGORY": e.category,
            "CODE": e.code,
            "SQL_STATE": e.sqlstate,
            "COLUMN_NAME": e.column,
            "ROW_NUMBER": e.row,
            "ROW_START_LINE": e.line,
        }
        for e, file in found
    ]
    table = pa.Table.from_pylist(rows, schema=pa.schema(list(ERRORS)))
    return Outcome(table, table.num_rows)


def sample(parts: list[pa.Table], targets: list[Column], limit: int) -> Outcome:
    """RETURN_n_ROWS: the first rows as they would be loaded, under the column names."""
    kept = [p for p in parts if p.num_columns]
    if kept:
        table = pa.concat_tables(kept).slice(0, limit)
        table = table.rename_columns([c.name for c in targets])
    else:
        table = pa.table({c.name: pa.array([], pa.string()) for c in targets})
    return Outcome(table, table.num_rows)
