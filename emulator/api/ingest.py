"""``Emulator.insert_rows``: an Arrow batch appended atomically to a native table.

The batch is handed to DuckDB as an Arrow relation and inserted set-based (never row by
row through Python). Columns missing from the batch take their DEFAULT. When DuckDB
rejects the batch, the failing row and column are found and reported in an
:class:`~icebridge.errors.IngestError`; nothing of the batch is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import TABLE, Column
from emulator.core.outcome import Outcome
from emulator.core.tables import duck_type
from emulator.statements.dml import insert_statement
from icebridge.errors import IcebridgeError, IngestError
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

BATCH = "__ib_batch"


def _match_columns(table: ObjectName, batch: pa.Table, columns: list[Column]) -> list[str]:
    """Table column for each batch column: exact name first, then the unquoted (upper) form."""
    known = {c.name for c in columns}
    matched: list[str] = []
    for name in batch.column_names:
        target = name if name in known else name.upper() if name.upper() in known else None
        if target is None:
            raise IngestError(f"table {table} has no column {name!r}", column=name)
        if target in matched:
            raise IngestError(f"column {target!r} appears twice in the batch", column=name)
        matched.append(target)
    return matched


def insert_batch(emu: Engine, table: ObjectName | str, batch: pa.Table) -> Outcome:
    """Append ``batch`` to the native table ``table`` (a name or ``'DB.SCHEMA.T'`` text)."""
    if not isinstance(table, ObjectName):
        table = _table_name(emu, table)
    if not isinstance(batch, pa.Table):
        raise IngestError(f"rows for {table}: expected a pyarrow Table, got {type(batch).__name__}")
    obj = emu.catalog.find(table)
    if obj is None or obj.kind != TABLE:
        raise IngestError(f"table {table} does not exist or is not a native table")
    columns = emu.catalog.columns(obj.id)
    names = _match_columns(table, batch, columns)
    source = exp.select(*sql.columns(batch.column_names)).from_(sql.table(BATCH))
    emu.con.register(BATCH, batch)
    try:
        try:
            inserted = emu.capture.write(obj, insert_statement(emu, obj, names, source), "INSERT")
        except duckdb.Error as err:
            raise _diagnose(emu, table, batch, names, columns, err) from None
    finally:
        emu.con.unregister(BATCH)
    return Outcome(pa.table({"number of rows inserted": [inserted]}), inserted)


def _table_name(emu: Engine, text: object) -> ObjectName:
    """A table name given as text, completed with the current database and schema."""
    if not isinstance(text, str):
        raise IngestError(f"table: expected a name, got {type(text).__name__} {text!r}")
    try:
        return ObjectName.parse(
            text, database=emu.state.database, schema=emu.state.schema, what="table"
        )
    except IcebridgeError as err:
        raise IngestError(str(err)) from None


def _first_bad_row(source: str, column: Column) -> exp.Select:
    """The 0-based position of the first value of batch column ``source`` that ``column``
    rejects: not convertible to its type, or NULL when it is NOT NULL."""
    value, position = sql.column("v"), sql.column("n")
    numbered = exp.select(
        exp.alias_(exp.Window(this=exp.RowNumber()), sql.ident("n")),
        exp.alias_(sql.column(source), sql.ident("v")),
    ).from_(sql.table(BATCH))
    lost = exp.TryCast(this=value.copy(), to=duck_type(column)).is_(exp.Null())
    bad = exp.and_(exp.not_(value.copy().is_(exp.Null())), lost)
    if not column.nullable:
        bad = exp.or_(bad, value.copy().is_(exp.Null()))
    return (
        exp.select(exp.Sub(this=position, expression=sql.literal(1)))
        .from_(numbered.subquery(copy=False), copy=False)
        .where(bad, copy=False)
        .order_by(position.copy(), copy=False)
        .limit(1, copy=False)
    )


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, str):
        try:
            Decimal(value.strip())
        except ArithmeticError:
            return False
        return True
    return False


def _diagnose(
    emu: Engine,
    table: ObjectName,
    batch: pa.Table,
    names: list[str],
    columns: list[Column],
    err: duckdb.Error,
) -> IngestError:
    """Find the first bad row/column of a rejected batch (runs only on failure)."""
    by_name = {c.name: c for c in columns}
    probe = duckdb.connect()
    try:
        probe.register(BATCH, batch)
        for source, target in zip(batch.column_names, names, strict=True):
            column = by_name[target]
            bad = sql.run(probe, _first_bad_row(source, column)).fetchone()
            if bad is not None:
                value = batch.column(source)[int(bad[0])].as_py()
                if column.nullable is False and value is None:
                    what = "NULL in a NOT NULL column"
                elif _is_number(value) and column.data_type.upper().startswith("NUMBER"):
                    # A number too wide for NUMBER(p,s): Snowflake's 100046.
                    what = "Number out of representable range: "
                    what += f"type {column.data_type}, value {value}"
                else:
                    what = f"value not convertible to {column.data_type}"
                return IngestError(
                    f"row {bad[0]}, column {target} of {table}: {what}",
                    row=int(bad[0]),
                    column=target,
                )
        missing = [
            c for c in columns if c.name not in names and not c.nullable and c.default_sql is None
        ]
        if missing and batch.num_rows:
            return IngestError(
                f"row 0, column {missing[0].name} of {table}: NULL in a NOT NULL column "
                "(missing from the batch and without DEFAULT)",
                row=0,
                column=missing[0].name,
            )
    finally:
        probe.close()
    return IngestError(f"rows rejected by {table}: {str(err).splitlines()[0]}")
