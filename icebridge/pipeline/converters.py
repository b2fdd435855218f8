"""Per-type value conversion for ingest: Snowflake staging type -> Arrow type and value.

Semi-structured values (VARIANT, OBJECT, ARRAY) travel as JSON text; UUID, GEOGRAPHY and
GEOMETRY as text. Naive datetimes for TIMESTAMP_LTZ/TZ columns are taken as UTC; aware
datetimes for TIMESTAMP_NTZ keep their wallclock (NTZ ignores time zones,
https://docs.snowflake.com/en/sql-reference/data-types-datetime).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from icebridge.types import (
    BINARY_TYPES,
    DECIMAL_TYPES,
    FLOAT_TYPES,
    INTEGER_TYPES,
    LTZ_TYPES,
    NTZ_TYPES,
    SEMI_STRUCTURED,
    SNOWFLAKE_TIME_PRECISION,
    STRING_TYPES,
    TZ_TYPES,
    T,
    decimal_params,
    string_length,
    time_precision,
    type_params,
)

if TYPE_CHECKING:
    import pyarrow as pa

_TRUE = {"true", "t", "yes", "y", "on", "1"}
_FALSE = {"false", "f", "no", "n", "off", "0"}


def _unit(dtype: exp.DataType) -> str:
    precision = time_precision(dtype)
    precision = SNOWFLAKE_TIME_PRECISION if precision is None else precision
    return "us" if precision <= 6 else "ns"


def arrow_type(dtype: exp.DataType) -> pa.DataType:
    """The Arrow type a staging column's values are sent as."""
    import pyarrow as pa

    kind = dtype.this
    if kind in INTEGER_TYPES:
        return pa.decimal128(38, 0)  # every integer synonym is NUMBER(38,0) in Snowflake
    if kind in DECIMAL_TYPES:
        return pa.decimal128(*decimal_params(dtype))
    if kind in FLOAT_TYPES:
        return pa.float64()
    if kind == T.BOOLEAN:
        return pa.bool_()
    if kind == T.DATE:
        return pa.date32()
    if kind == T.TIME:
        return pa.time64(_unit(dtype))
    if kind in NTZ_TYPES:
        return pa.timestamp(_unit(dtype))
    if kind in LTZ_TYPES or kind in TZ_TYPES:
        return pa.timestamp(_unit(dtype), tz="UTC")
    if kind in BINARY_TYPES:
        return pa.binary()
    return pa.string()


def fast_cast_ok(dtype: exp.DataType, source: pa.DataType) -> bool:
    """True when a vectorised Arrow cast from ``source`` gives exactly what the
    value-by-value path gives (otherwise values are converted one by one)."""
    import pyarrow as pa

    kind = dtype.this
    t = pa.types
    if t.is_null(source):
        return True
    if kind in INTEGER_TYPES or kind in DECIMAL_TYPES:
        # Floats are excluded: Arrow truncates to the scale, Snowflake rounds half away from 0.
        return bool(t.is_integer(source) or t.is_decimal(source))
    if kind in FLOAT_TYPES:
        return bool(t.is_integer(source) or t.is_floating(source) or t.is_decimal(source))
    if kind in STRING_TYPES:
        return bool(t.is_string(source))  # lengths are checked vectorised
    if kind == T.BOOLEAN:
        return bool(t.is_boolean(source))
    if kind == T.DATE:
        return bool(t.is_date(source))
    if kind == T.TIME:
        return bool(t.is_time(source))
    if kind in NTZ_TYPES:
        # Aware values keep their wallclock in the Python path; Arrow would shift them.
        return bool(t.is_date(source) or (t.is_timestamp(source) and source.tz is None))
    if kind in LTZ_TYPES or kind in TZ_TYPES:
        return bool(t.is_timestamp(source))  # naive values are UTC on both paths
    if kind in BINARY_TYPES:
        return bool(t.is_binary(source) and not type_params(dtype))
    return False  # semi-structured, UUID, geospatial: always checked value by value


def converter(dtype: exp.DataType) -> Callable[[Any], Any]:
    """A function turning one non-NULL Python value into the column's Arrow value.

    It raises ``ValueError``/``TypeError`` with a message naming the problem."""
    kind = dtype.this
    if kind in INTEGER_TYPES or kind in DECIMAL_TYPES:
        precision, scale = (38, 0) if kind in INTEGER_TYPES else decimal_params(dtype)
        return lambda v: _decimal(v, precision, scale)
    if kind in FLOAT_TYPES:
        return _float
    if kind in STRING_TYPES:
        length = string_length(dtype)
        return lambda v: _string(v, length)
    if kind == T.BOOLEAN:
        return _boolean
    if kind == T.DATE:
        return _date
    if kind == T.TIME:
        return _time
    if kind in NTZ_TYPES:
        return lambda v: _timestamp(v, aware=False)
    if kind in LTZ_TYPES or kind in TZ_TYPES:
        return lambda v: _timestamp(v, aware=True)
    if kind in BINARY_TYPES:
        params = type_params(dtype)
        return lambda v: _binary(v, params[0] if params else None)
    if kind == T.UUID:
        return lambda v: str(v if isinstance(v, uuid.UUID) else uuid.UUID(_need_str(v, "UUID")))
    if kind in SEMI_STRUCTURED:
        return lambda v: _json(v, kind)
    return lambda v: _need_str(v, str(kind.value))


def _need_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text for {what}, got {type(value).__name__} {value!r}")
    return value


#: Room for any NUMBER(p,s) value (at most 38 digits) while rounding it to its scale.
_WIDE = Context(prec=80)


def _decimal(value: Any, precision: int, scale: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise TypeError(f"{value!r} is not a number")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    # Snowflake rounds to the column scale (half away from zero) and rejects overflow with
    # 100046. Too many integer digits is overflow before rounding too: quantize would
    # otherwise exceed the context precision (InvalidOperation).
    too_big = number != 0 and number.adjusted() + 1 > precision - scale
    if not too_big:
        step = Decimal(1).scaleb(-scale)
        number = number.quantize(step, rounding=ROUND_HALF_UP, context=_WIDE)
        too_big = number != 0 and number.adjusted() + 1 > precision - scale
    if too_big:
        raise ValueError(
            f"Number out of representable range: type NUMBER({precision},{scale}), value {value}"
        )
    return number


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise TypeError(f"{value!r} is not a number")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None


def _string(value: Any, length: int | None) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TypeError(f"{type(value).__name__} {value!r} is not text")
    text = value if isinstance(value, str) else str(value)
    if length is not None and len(text) > length:
        raise ValueError(f"text of {len(text)} characters exceeds the length {length}")
    return text


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"{value!r} is not a boolean")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_need_str(value, "DATE").strip())


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(_need_str(value, "TIME").strip())


def _timestamp(value: Any, *, aware: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, dt.date):
        stamp = dt.datetime(value.year, value.month, value.day)
    else:
        stamp = dt.datetime.fromisoformat(_need_str(value, "TIMESTAMP").strip())
    if aware:
        if stamp.tzinfo is None:
            return stamp.replace(tzinfo=dt.UTC)
        return stamp.astimezone(dt.UTC)
    return stamp.replace(tzinfo=None)


def _binary(value: Any, length: int | None) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
    else:
        data = bytes.fromhex(_need_str(value, "BINARY (hex)"))
    if length is not None and len(data) > length:
        raise ValueError(f"{len(data)} bytes exceed the length {length}")
    return data


def _json(value: Any, kind: Any) -> str:
    parsed = json.loads(value) if isinstance(value, str) else value
    if kind == T.OBJECT and not isinstance(parsed, dict):
        raise TypeError(f"{value!r} is not an OBJECT (a dict or JSON object text)")
    if kind == T.ARRAY and not isinstance(parsed, list):
        raise TypeError(f"{value!r} is not an ARRAY (a list or JSON array text)")
    return json.dumps(parsed, default=_json_default, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
