"""Turn user rows into one Arrow batch for the staging table, validating every value first.

Rows may be a list of dicts, a pyarrow Table/RecordBatch or a pandas DataFrame. Column
names follow the identifier rules (``order_id`` matches ``ORDER_ID``; an exact stored name
always matches). Nothing is written unless every row is valid: errors are
:class:`~icebridge.errors.IngestError` with the 0-based ``row`` and the ``column``.
Columns absent from the input take their DEFAULT; a key absent from one dict is NULL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from icebridge.errors import IdentifierError, IngestError
from icebridge.pipeline.converters import arrow_type, converter
from icebridge.pipeline.specs import Stage
from icebridge.sql.identifiers import normalize
from icebridge.types import STRING_TYPES, string_length

if TYPE_CHECKING:
    import pyarrow as pa

# Python types whose Arrow inference is exact (bool is not an int here: type() is exact).
_SIMPLE_PYTHON = frozenset({int, float, str, bool, bytes, Decimal, dt.date, dt.datetime, dt.time})


def _is_pandas(rows: object) -> bool:
    return type(rows).__module__.split(".")[0] == "pandas" and hasattr(rows, "columns")


def _columns_of(rows: object, stage: Stage) -> tuple[dict[str, Any], int]:
    """Stored column name -> values (a list or an Arrow array), and the row count."""
    import pyarrow as pa

    if isinstance(rows, pa.RecordBatch):
        rows = pa.Table.from_batches([rows])
    if isinstance(rows, pa.Table):
        cols: dict[str, Any] = {n: rows.column(n) for n in rows.column_names}
        return _by_stored_name(cols, stage), rows.num_rows
    if _is_pandas(rows):
        cols, count = _pandas_columns(rows)
        return _by_stored_name(cols, stage), count
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or isinstance(rows, str):
        raise IngestError("rows: give a list of dicts, a pyarrow Table or a pandas DataFrame")
    names: dict[str, str] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise IngestError(f"row {i}: expected a dict of column -> value", row=i)
        seen: dict[str, str] = {}
        for key in row:
            if key not in names:
                names[key] = _stored_name(key, stage, row=i)
            name = names[key]
            if name in seen:
                raise IngestError(
                    f"row {i}: keys {seen[name]!r} and {key!r} both name column {name}",
                    row=i,
                    column=name,
                )
            seen[name] = key
    values: dict[str, list[Any]] = {
        name: [None] * len(rows) for name in dict.fromkeys(names.values())
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            values[names[key]][i] = value
    return dict(values), len(rows)


def _pandas_columns(df: Any) -> tuple[dict[str, Any], int]:
    import pandas as pd
    import pyarrow as pa

    cols: dict[str, Any] = {}
    for name in df.columns:
        series = df[name]
        try:
            cols[str(name)] = pa.Array.from_pandas(series)
        except (pa.ArrowException, TypeError, ValueError):
            # Mixed object columns: validate value by value (missing values become NULL).
            cols[str(name)] = [None if _scalar_na(pd, v) else v for v in series.tolist()]
    return cols, len(df)


def _scalar_na(pd: Any, value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _stored_name(key: object, stage: Stage, *, row: int | None) -> str:
    """The staged column ``key`` names: the exact stored name, else identifier rules."""
    if not isinstance(key, str):
        raise IngestError(f"column {key!r}: column names must be text", row=row)
    stored = stage.column_names
    if key in stored:
        return key
    try:
        name = normalize(key.strip(), what="column")
    except IdentifierError:
        name = None
    if name is None or name not in stored:
        raise IngestError(
            f"column {key!r} is not a column of {stage.table} (columns: {', '.join(stored)})",
            row=row,
            column=key,
        )
    return name


def _by_stored_name(cols: Mapping[str, Any], stage: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    given: dict[str, str] = {}
    for key, values in cols.items():
        name = _stored_name(key, stage, row=None)
        if name in out:
            raise IngestError(f"columns {given[name]!r} and {key!r} both name {name}", column=name)
        out[name] = values
        given[name] = key
    return out


def to_arrow(rows: object, stage: Stage, *, not_null: frozenset[str]) -> pa.Table:
    """Validate ``rows`` against the staging columns and return one Arrow table."""
    import pyarrow as pa

    by_name, count = _columns_of(rows, stage)
    if count == 0:
        return pa.table({})
    arrays: list[pa.Array] = []
    names: list[str] = []
    for col in stage.columns:
        if col.name not in by_name:
            if col.name in not_null and col.default is None:
                raise IngestError(
                    f"column {col.name} is NOT NULL and has no DEFAULT; it must be given",
                    row=0 if count else None,
                    column=col.name,
                )
            continue
        array = _convert(by_name[col.name], col.dtype, col.name)
        if col.name in not_null and array.null_count:
            index = array.is_null().index(True).as_py()
            raise IngestError(
                f"row {index}: column {col.name} is NOT NULL but the value is missing",
                row=index,
                column=col.name,
            )
        arrays.append(array)
        names.append(col.name)
    return pa.Table.from_arrays(arrays, names=names) if names else pa.table({})


def _convert(values: Any, dtype: Any, column: str) -> pa.Array:
    import pyarrow as pa

    target = arrow_type(dtype)
    convert: Callable[[Any], Any] = converter(dtype)
    if isinstance(values, pa.ChunkedArray | pa.Array):
        fast = _fast_cast(values, target, dtype)
        if fast is not None:
            return fast
        values = values.to_pylist()
    else:
        fast = _fast_cast_list(values, target, dtype)
        if fast is not None:
            return fast
    out: list[Any] = []
    for index, value in enumerate(values):
        if value is None:
            out.append(None)
            continue
        try:
            out.append(convert(value))
        except (ValueError, TypeError, ArithmeticError) as err:
            raise IngestError(
                f"row {index}: column {column}: {err}", row=index, column=column
            ) from None
    return pa.array(out, type=target)


def _fast_cast_list(values: list[Any], target: pa.DataType, dtype: Any) -> pa.Array | None:
    """The Arrow path for a list of Python values of one simple type (all ints, all
    datetimes, ...); None when inference fails or loses information."""
    import pyarrow as pa

    kinds = {type(v) for v in values if v is not None}
    if len(kinds) != 1 or not kinds <= _SIMPLE_PYTHON:
        return None  # mixed types: Arrow would coerce them; check value by value
    if kinds == {dt.datetime} and any(v is not None and v.tzinfo for v in values):
        return None  # aware datetimes follow the per-column time zone rules
    try:
        inferred = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None
    return _fast_cast(inferred, target, dtype)


def _fast_cast(values: Any, target: pa.DataType, dtype: Any) -> pa.Array | None:
    """Vectorised cast for Arrow input; None means "check value by value" (which also
    finds the failing row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from icebridge.pipeline.converters import fast_cast_ok

    if not fast_cast_ok(dtype, values.type):
        return None
    if pa.types.is_integer(values.type) and pa.types.is_decimal(target):
        # Through NUMBER(38,0) first: Arrow then checks each value against the precision.
        values = pc.cast(values, pa.decimal128(38, 0))
    try:
        result = pc.cast(values, target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    length = string_length(dtype) if dtype.this in STRING_TYPES else None
    if length is not None and pc.any(pc.greater(pc.utf8_length(result), length)).as_py():
        return None  # the value-by-value path names the first row that is too long
    if isinstance(result, pa.ChunkedArray):
        result = result.combine_chunks()
    return result
