"""``TABLE(INFER_SCHEMA(LOCATION => '@stage[/path]', FILE_FORMAT => 'name' [, FILES => (…)]))``.

https://docs.snowflake.com/en/sql-reference/functions/infer_schema: the column definitions
of staged files — COLUMN_NAME, TYPE, NULLABLE, EXPRESSION (``$1:name::TYPE``), FILENAMES,
ORDER_ID (0-based). Parquet columns get their types from the file's schema (every timestamp
is TIMESTAMP_NTZ); JSON keys and CSV columns (``c1``, … or PARSE_HEADER names) are typed from
their values. Table stages are not supported, as in Snowflake. The call is replaced by the
rows, registered with DuckDB under a scratch name (as the task table functions are).
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.features.stages import compression
from emulator.features.stages.areas import listed, resolve, stage_files
from emulator.features.stages.ddl import format_name_table
from emulator.features.stages.formats import python_value
from emulator.features.stages.objects import load_format, object_name
from emulator.features.stages.readers import field_column, read
from emulator.translate.relations import SCRATCH_PREFIX
from icebridge.sql.stage_location import StageLocation

if TYPE_CHECKING:
    from emulator.core.engine import Engine

FUNCTION = "INFER_SCHEMA"
_counter = itertools.count()
_SCHEMA = pa.schema(
    [
        ("COLUMN_NAME", pa.string()),
        ("TYPE", pa.string()),
        ("NULLABLE", pa.bool_()),
        ("EXPRESSION", pa.string()),
        ("FILENAMES", pa.string()),
        ("ORDER_ID", pa.int64()),
    ]
)


def rewrite(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Replace each ``TABLE(INFER_SCHEMA(…))`` of a statement by its rows."""
    for call in list(node.find_all(exp.Anonymous)):
        if str(call.name).upper() != FUNCTION:
            continue
        holder = call.parent
        if not isinstance(holder, exp.TableFromRows):
            raise errors.generic(
                "SQL compilation error:\nINFER_SCHEMA is a table function: use "
                "TABLE(INFER_SCHEMA(...)).",
                errno=2140,
                sqlstate="42601",
            )
        rows = infer(emu, _arguments(call))
        scratch = f"{SCRATCH_PREFIX}infer_schema_{next(_counter) % 8}"
        emu.con.register(scratch, rows)
        relation = sql.table(scratch)
        alias = holder.args.get("alias")
        if alias is not None:
            relation.set("alias", alias.copy())
        if holder is node:
            return exp.select(exp.Star()).from_(relation)
        holder.replace(relation)
    return node


def _arguments(call: exp.Anonymous) -> dict[str, exp.Expression]:
    out: dict[str, exp.Expression] = {}
    for arg in call.expressions:
        if not isinstance(arg, exp.Kwarg):
            raise errors.generic(
                "SQL compilation error:\nINFER_SCHEMA takes named arguments (NAME => value).",
                errno=1044,
                sqlstate="22023",
            )
        out[arg.this.name.upper()] = arg.expression
    return out


def infer(emu: Engine, args: dict[str, exp.Expression]) -> pa.Table:
    """The INFER_SCHEMA rows of the arguments given."""
    location_node = args.get("LOCATION")
    if not isinstance(location_node, exp.Literal) or not location_node.is_string:
        raise errors.invalid_value("INFER_SCHEMA LOCATION", str(location_node))
    location = StageLocation.parse(location_node.name)
    if location.kind == "TABLE":
        raise errors.unsupported("INFER_SCHEMA on a table stage (Snowflake does not support it)")
    format_node = args.get("FILE_FORMAT")
    if format_node is None:
        raise errors.invalid_value("INFER_SCHEMA FILE_FORMAT", "")
    fmt = load_format(emu, object_name(emu, format_name_table(format_node), "INFER_SCHEMA"))
    ignore_case = bool(python_value(args["IGNORE_CASE"])) if "IGNORE_CASE" in args else False
    area = resolve(emu, location, "INFER_SCHEMA")
    wanted = python_value(args["FILES"]) if "FILES" in args else None
    staged = listed(emu, area, location.path)
    if wanted is not None:
        names = {
            location.path + str(w) for w in (wanted if isinstance(wanted, tuple) else (wanted,))
        }
        staged = [f for f in staged if f.path in names]
    columns: dict[str, tuple[str, list[str]]] = {}
    files = stage_files(emu)
    for item in staged:
        data = files.read(area.directory, item.path)
        for name, kind in _columns(data, fmt, item.path):
            key = name.upper() if ignore_case else name
            found = columns.setdefault(key, (kind, []))
            if item.path not in found[1]:
                found[1].append(item.path)
    rows: list[dict[str, Any]] = []
    for order, (name, (kind, paths)) in enumerate(columns.items()):
        expression = (
            f"GET_IGNORE_CASE ($1, {name})::{kind}" if ignore_case else f"$1:{name}::{kind}"
        )
        rows.append(
            {
                "COLUMN_NAME": name,
                "TYPE": kind,
                "NULLABLE": True,
                "EXPRESSION": expression,
                "FILENAMES": ", ".join(paths),
                "ORDER_ID": order,
            }
        )
    return pa.Table.from_pylist(rows, schema=_SCHEMA)


def _columns(data: bytes, fmt: Any, file: str) -> list[tuple[str, str]]:
    """(name, Snowflake type) of one file's columns, in order."""
    if fmt.type == "PARQUET":
        raw = compression.decompress(data, "AUTO", file)
        try:
            schema = pq.read_schema(pa.BufferReader(raw))
        except (pa.ArrowException, OSError) as error:
            raise errors.generic(
                f"Error while reading Parquet file '{file}': {error}",
                errno=100084,
                sqlstate="22000",
            ) from None
        return [(f.name, arrow_type(f.type)) for f in schema]
    source = read(data, fmt, file, expected=None)
    if fmt.type == "JSON":
        kinds: dict[str, str] = {}
        for text in source.table.column("__ib_v").to_pylist():
            value = json.loads(text)
            if isinstance(value, dict):
                for key, item in value.items():
                    kinds[key] = _merge(kinds.get(key), _json_type(item))
        return list(kinds.items())
    names = source.names or [f"c{i}" for i in range(1, source.width + 1)]
    out: list[tuple[str, str]] = []
    for index, name in enumerate(names, start=1):
        column = field_column(index)
        values = (
            source.table.column(column).to_pylist() if column in source.table.column_names else []
        )
        kind: str | None = None
        for value in values:
            if value is not None:
                kind = _merge(kind, _text_type(value))
        out.append((name, kind or "TEXT"))
    return out


def arrow_type(kind: pa.DataType) -> str:
    """The Snowflake type INFER_SCHEMA gives a Parquet column's Arrow type."""
    if pa.types.is_boolean(kind):
        return "BOOLEAN"
    if pa.types.is_integer(kind):
        return "NUMBER(38, 0)"
    if pa.types.is_floating(kind):
        return "REAL"
    if pa.types.is_decimal(kind):
        return f"NUMBER({kind.precision}, {kind.scale})"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "TEXT"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return "BINARY"
    if pa.types.is_date(kind):
        return "DATE"
    if pa.types.is_time(kind):
        return "TIME(9)"
    if pa.types.is_timestamp(kind):
        return "TIMESTAMP_NTZ(9)"
    return "VARIANT"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "NUMBER(38, 0)"
    if isinstance(value, float):
        return "REAL"
    if isinstance(value, str):
        return "TEXT"
    if isinstance(value, list):
        return "ARRAY"
    if isinstance(value, dict):
        return "OBJECT"
    return "VARIANT"


def _text_type(value: str) -> str:
    text = value.strip()
    if text.lower() in ("true", "false"):
        return "BOOLEAN"
    try:
        int(text)
        return "NUMBER(38, 0)"
    except ValueError:
        pass
    try:
        float(text)
        return "REAL"
    except ValueError:
        return "TEXT"


def _merge(first: str | None, second: str) -> str:
    """One type for values of two types (numbers widen to REAL, else TEXT or VARIANT)."""
    if first is None or first == second:
        return second
    if {first, second} == {"NUMBER(38, 0)", "REAL"}:
        return "REAL"
    return "VARIANT" if "VARIANT" in (first, second) else "TEXT"
