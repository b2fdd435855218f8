"""``<db>.INFORMATION_SCHEMA.LOAD_HISTORY``: the COPY INTO <table> loads of the last 14 days.

https://docs.snowflake.com/en/sql-reference/info-schema/load_history: one row per file
loaded into a table of the database (SCHEMA_NAME, FILE_NAME, TABLE_NAME, LAST_LOAD_TIME,
STATUS — LOADED, LOAD FAILED or PARTIALLY LOADED —, ROW_COUNT, ROW_PARSED,
FIRST_ERROR_MESSAGE, FIRST_ERROR_LINE_NUMBER, FIRST_ERROR_CHARACTER_POSITION,
FIRST_ERROR_COL_NAME, ERROR_COUNT, ERROR_LIMIT); a dropped table's loads leave the view.
The rows are registered with DuckDB under a scratch name and stand in for the view.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import ICEBERG_TABLE, TABLE, utc_aware
from emulator.features.stages.load_history import COLUMNS, LoadHistory
from emulator.translate.relations import SCRATCH_PREFIX

if TYPE_CHECKING:
    from emulator.core.engine import Engine

VIEW = "LOAD_HISTORY"
WINDOW = timedelta(days=14)
_counter = itertools.count()
_SCHEMA = pa.schema(
    [
        ("SCHEMA_NAME", pa.string()),
        ("FILE_NAME", pa.string()),
        ("TABLE_NAME", pa.string()),
        ("LAST_LOAD_TIME", pa.timestamp("us", tz="UTC")),
        ("STATUS", pa.string()),
        ("ROW_COUNT", pa.int64()),
        ("ROW_PARSED", pa.int64()),
        ("FIRST_ERROR_MESSAGE", pa.string()),
        ("FIRST_ERROR_LINE_NUMBER", pa.int64()),
        ("FIRST_ERROR_CHARACTER_POSITION", pa.int64()),
        ("FIRST_ERROR_COL_NAME", pa.string()),
        ("ERROR_COUNT", pa.int64()),
        ("ERROR_LIMIT", pa.int64()),
    ]
)


def relation(emu: Engine, database: str, written: exp.Table) -> exp.Expression:
    """The view's rows for ``database`` as a relation, under the written alias."""
    tables = {
        o.id: o for o in emu.catalog.objects(database=database) if o.kind in (TABLE, ICEBERG_TABLE)
    }
    names = [n for n, _ in COLUMNS]
    rows = []
    for found in LoadHistory(emu).rows_for(list(tables), emu.now - WINDOW):
        record = dict(zip(names, found, strict=True))
        table = tables[int(record["table_id"])]
        rows.append(
            {
                "SCHEMA_NAME": table.name.schema,
                "FILE_NAME": record["file_name"],
                "TABLE_NAME": table.name.name,
                "LAST_LOAD_TIME": utc_aware(record["loaded_at"]),
                "STATUS": str(record["status"]).replace("_", " "),
                "ROW_COUNT": record["rows_loaded"],
                "ROW_PARSED": record["rows_parsed"],
                "FIRST_ERROR_MESSAGE": record["first_error"],
                "FIRST_ERROR_LINE_NUMBER": record["first_error_line"],
                "FIRST_ERROR_CHARACTER_POSITION": record["first_error_character"],
                "FIRST_ERROR_COL_NAME": record["first_error_column_name"],
                "ERROR_COUNT": record["error_count"],
                "ERROR_LIMIT": record["error_limit"],
            }
        )
    scratch = f"{SCRATCH_PREFIX}load_history_{next(_counter) % 8}"
    emu.con.register(scratch, pa.Table.from_pylist(rows, schema=_SCHEMA))
    alias = written.args.get("alias")
    relation = sql.table(scratch)
    relation.set(
        "alias", alias.copy() if alias is not None else exp.TableAlias(this=sql.ident(written.name))
    )
    return relation
