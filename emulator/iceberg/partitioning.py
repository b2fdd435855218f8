"""Partition specs for ``PARTITION BY (...)`` on Snowflake-managed Iceberg tables.

Snowflake accepts a column (identity), ``BUCKET(n, c)``, ``TRUNCATE(w, c)`` and
``YEAR|MONTH|DAY|HOUR(c)`` (https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake);
each becomes one Iceberg partition field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyiceberg.partitioning import PartitionField as IcebergPartitionField
from pyiceberg.partitioning import PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import (
    BucketTransform,
    DayTransform,
    HourTransform,
    IdentityTransform,
    MonthTransform,
    Transform,
    TruncateTransform,
    YearTransform,
)
from pyiceberg.types import DateType, TimestampType, TimestamptzType

from emulator.errors import generic, invalid_identifier

_PARAMETERISED = {"bucket", "truncate"}
_TIME = {"year", "month", "day", "hour"}
_PARTITION_FIELD_ID_START = 1000  # Iceberg's convention for partition field ids


@dataclass(frozen=True)
class PartitionField:
    """One ``PARTITION BY`` item: ``transform`` is identity, bucket, truncate, year, month,
    day or hour; ``param`` is the bucket count or truncate width."""

    column: str
    transform: str = "identity"
    param: int | None = None

    def label(self) -> str:
        """The item as written in DDL, for error messages."""
        kind = self.transform.upper()
        if self.transform == "identity":
            return self.column
        if self.param is not None:
            return f"{kind}({self.param}, {self.column})"
        return f"{kind}({self.column})"

    def field_name(self) -> str:
        """The partition field name, following Iceberg's naming (``C_bucket``...)."""
        if self.transform.lower() == "identity":
            return self.column
        return f"{self.column}_{self.transform.lower()}"


def _transform(item: PartitionField) -> Transform[Any, Any]:
    kind = item.transform.lower()
    if kind in _PARAMETERISED:
        if item.param is None or item.param < 1:
            raise generic(f"Invalid partition {item.label()}: {kind} needs a positive integer")
        return BucketTransform(item.param) if kind == "bucket" else TruncateTransform(item.param)
    if item.param is not None:
        raise generic(f"Invalid partition {item.label()}: {kind} takes no number")
    simple: dict[str, Transform[Any, Any]] = {
        "identity": IdentityTransform(),
        "year": YearTransform(),
        "month": MonthTransform(),
        "day": DayTransform(),
        "hour": HourTransform(),
    }
    if kind not in simple:
        raise generic(f"Invalid partition transform '{item.transform}' for column '{item.column}'")
    return simple[kind]


def build_spec(schema: Schema, items: Sequence[PartitionField]) -> PartitionSpec:
    """A PyIceberg partition spec for ``items`` over ``schema`` (validated)."""
    fields = []
    seen: set[str] = set()
    for offset, item in enumerate(items):
        try:
            source = schema.find_field(item.column)
        except ValueError:
            raise invalid_identifier(item.column) from None
        transform = _transform(item)
        if not transform.can_transform(source.field_type):
            raise generic(
                f"Invalid partition {item.label()}: cannot apply {item.transform} "
                f"to column '{item.column}' of type {source.field_type}"
            )
        if item.transform.lower() == "hour" and not isinstance(
            source.field_type, TimestampType | TimestamptzType
        ):
            raise generic(f"Invalid partition {item.label()}: HOUR needs a timestamp column")
        if item.transform.lower() in _TIME - {"hour"} and not isinstance(
            source.field_type, DateType | TimestampType | TimestamptzType
        ):
            raise generic(f"Invalid partition {item.label()}: needs a date or timestamp column")
        name = item.field_name()
        if name in seen:
            raise generic(f"Duplicate partition field {item.label()}")
        seen.add(name)
        fields.append(
            IcebergPartitionField(
                source_id=source.field_id,
                field_id=_PARTITION_FIELD_ID_START + offset,
                transform=transform,
                name=name,
            )
        )
    return PartitionSpec(*fields)
