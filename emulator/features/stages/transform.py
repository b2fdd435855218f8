"""What a COPY loads from a file's rows: its projection, as a Snowflake query over them.

Every load is a ``SELECT`` over the file's rows (the scratch relation :data:`SOURCE`):

* a plain load maps CSV fields ``$1`` … ``$N`` onto the table's columns in order, and a JSON
  or Parquet document ``$1`` onto the table's one VARIANT column;
* MATCH_BY_COLUMN_NAME maps each table column to the field of the same name, matched case
  sensitively or not; columns without a match get NULL;
* a transformation, ``COPY INTO t (c1, c2) FROM (SELECT $1, $2:x::INT FROM @s)``, is the
  user's query with ``$n`` (and ``alias.$n``) as the file's fields and METADATA$FILENAME /
  METADATA$FILE_ROW_NUMBER / METADATA$FILE_LAST_MODIFIED / METADATA$FILE_CONTENT_KEY /
  METADATA$START_SCAN_TIME as the file's metadata
  (https://docs.snowflake.com/en/user-guide/data-load-transform,
  https://docs.snowflake.com/en/user-guide/querying-metadata). On Parquet, ``$1:"name"`` reads
  the column ``name`` itself (its own type, not a JSON round trip).

The query is translated like any other Snowflake query (:meth:`Engine.translate`).
"""

from __future__ import annotations

from datetime import datetime

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import Column
from emulator.features.stages.readers import (
    CONTENT_KEY,
    FILE,
    MODIFIED,
    ROW,
    VALUE,
    Source,
    field_column,
)
from emulator.translate.column_types import TYPE_KEY
from emulator.translate.relations import SCRATCH_PREFIX

#: The file's rows as the Snowflake translation sees them (left as they are).
SOURCE = SCRATCH_PREFIX + "copy_src"
RAW = SCRATCH_PREFIX + "copy_raw"
_VARIANT = exp.DataType.build("VARIANT", dialect="snowflake")


def _col(name: str) -> exp.Column:
    return exp.Column(this=exp.Identifier(this=name, quoted=True))


def _variant(name: str) -> exp.Column:
    column = _col(name)
    column.meta[TYPE_KEY] = _VARIANT.copy()  # $1 of JSON and Parquet is a VARIANT
    return column


def source_view(source: Source) -> exp.Select:
    """The DuckDB query of :data:`SOURCE` over the registered rows :data:`RAW`: JSON text
    as JSON, and a Parquet row as one JSON object (computed only when ``$1`` is read)."""
    raw = sql.table(RAW)
    if source.kind == "JSON":
        value = exp.cast(sql.column(VALUE), exp.DataType.build("JSON", dialect="duckdb"))
        others = [sql.column(c) for c in (ROW, FILE, MODIFIED, CONTENT_KEY)]
        return exp.select(*others, exp.alias_(value, sql.ident(VALUE))).from_(raw)
    if source.kind == "PARQUET":
        pairs = [
            exp.PropertyEQ(this=exp.Literal.string(n), expression=sql.column(n))
            for n in source.names
        ]
        row: exp.Expr = exp.Anonymous(this="to_json", expressions=[exp.Struct(expressions=pairs)])
        if not pairs:
            row = exp.cast(exp.Literal.string("{}"), exp.DataType.build("JSON", dialect="duckdb"))
        return exp.select(exp.Star(), exp.alias_(row, sql.ident(VALUE))).from_(raw)
    return exp.select(exp.Star()).from_(raw)


def _query(projections: list[exp.Expression]) -> exp.Select:
    return exp.select(*projections).from_(exp.Table(this=exp.Identifier(this=SOURCE, quoted=True)))


def plain(source: Source, targets: list[Column], kind: str) -> exp.Select:
    """A load without transformation (see the module docstring)."""
    if kind == "CSV":
        return _query([_field(source, i + 1) for i in range(len(targets))])
    if len(targets) != 1:
        raise errors.generic(
            f"SQL compilation error:\n{kind} file format can produce one and only one column of "
            "type variant, object, or array. Load data into separate columns using the "
            "MATCH_BY_COLUMN_NAME copy option or copy with transformation.",
            errno=2019,
            sqlstate="0A000",
        )
    return _query([_variant(VALUE)])


def _field(source: Source, number: int) -> exp.Expression:
    if number > source.width:
        return exp.Null()
    return _col(field_column(number))


def by_name(source: Source, targets: list[Column], mode: str) -> exp.Select:
    """MATCH_BY_COLUMN_NAME = CASE_SENSITIVE | CASE_INSENSITIVE."""
    sensitive = mode == "CASE_SENSITIVE"

    def same(found: str, column: str) -> bool:
        return found == column if sensitive else found.casefold() == column.casefold()

    projections: list[exp.Expression] = []
    for target in targets:
        if source.kind == "PARQUET":
            match = next((n for n in source.names if same(n, target.name)), None)
            projections.append(_col(match) if match is not None else exp.Null())
        elif source.kind == "JSON":
            keys = [k for k in source.keys if same(k, target.name)]
            extracts = [_path(_variant(VALUE), k) for k in keys]
            if not extracts:
                projections.append(exp.Null())
            else:
                projections.append(
                    extracts[0]
                    if len(extracts) == 1
                    else exp.Coalesce(this=extracts[0], expressions=extracts[1:])
                )
        else:
            if not source.names:
                raise errors.generic(
                    "SQL compilation error:\nMATCH_BY_COLUMN_NAME on CSV files needs the file "
                    "format option PARSE_HEADER = TRUE.",
                    errno=2019,
                    sqlstate="0A000",
                )
            position = next((i for i, n in enumerate(source.names) if same(n, target.name)), None)
            projections.append(_field(source, position + 1) if position is not None else exp.Null())
    return _query(projections)


def _path(value: exp.Expression, key: str) -> exp.JSONExtract:
    """``value:"key"``."""
    path = exp.JSONPath(expressions=[exp.JSONPathRoot(), exp.JSONPathKey(this=key, quoted=True)])
    return exp.JSONExtract(this=value, expression=path, variant_extract=True)


def transformed(query: exp.Select, source: Source, scan_time: datetime) -> exp.Select:
    """The user's transformation SELECT over the file's rows (see the module docstring)."""
    out = query.copy()
    tables = list(out.find_all(exp.Table))
    staged = [t for t in tables if _is_stage(t)]
    if len(staged) != 1 or len(tables) != 1 or out.args.get("joins"):
        raise errors.unsupported("a COPY transformation that reads anything but one stage")
    stage = staged[0]
    alias = stage.args.get("alias")
    replacement = exp.Table(this=exp.Identifier(this=SOURCE, quoted=True))
    if alias is not None:
        replacement.set("alias", alias.copy())
    stage.replace(replacement)
    if source.kind == "PARQUET":
        _typed_parquet_paths(out, source)
    for column in list(out.find_all(exp.Column)):
        if isinstance(column.this, exp.Parameter):
            column.replace(_position(column.this, source))
        elif isinstance(column.this, exp.Identifier):
            found = _metadata(column.name.upper(), scan_time)
            if found is not None:
                column.replace(found)
    for parameter in list(out.find_all(exp.Parameter)):
        if isinstance(parameter.this, exp.Literal) and not parameter.this.is_string:
            parameter.replace(_position(parameter, source))
    return out


def _is_stage(table: exp.Table) -> bool:
    inner = table.this
    text = inner.name if isinstance(inner, exp.Var | exp.Literal) else ""
    return text.strip("'").startswith("@")


def _position(parameter: exp.Parameter, source: Source) -> exp.Expression:
    """``$n`` of this file."""
    number = int(parameter.this.name) if isinstance(parameter.this, exp.Literal) else 0
    if source.kind == "CSV":
        return _field(source, number)
    return _variant(VALUE) if number == 1 else exp.Null()


def _typed_parquet_paths(query: exp.Select, source: Source) -> None:
    """``$1:"name"`` on Parquet is the file's column ``name`` (NULL when it has none)."""
    for extract in list(query.find_all(exp.JSONExtract)):
        holder = extract.this
        if isinstance(holder, exp.Column) and isinstance(holder.this, exp.Parameter):
            holder = holder.this
        if not isinstance(holder, exp.Parameter) or holder.this.name != "1":
            continue
        path = extract.expression
        keys = path.expressions[1:] if isinstance(path, exp.JSONPath) else []
        if len(keys) != 1 or not isinstance(keys[0], exp.JSONPathKey):
            continue
        name = str(keys[0].this)
        extract.replace(_col(name) if name in source.names else exp.Null())


def _metadata(name: str, scan_time: datetime) -> exp.Expression | None:
    if name == "METADATA$FILENAME":
        return _col(FILE)
    if name == "METADATA$FILE_ROW_NUMBER":
        return _col(ROW)
    if name == "METADATA$FILE_CONTENT_KEY":
        return _col(CONTENT_KEY)
    if name == "METADATA$FILE_LAST_MODIFIED":
        return _col(MODIFIED)
    if name == "METADATA$START_SCAN_TIME":
        return exp.cast(
            exp.Literal.string(scan_time.isoformat()),
            exp.DataType.build("TIMESTAMP_LTZ", dialect="snowflake"),
        )
    return None
