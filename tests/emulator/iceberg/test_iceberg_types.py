"""Iceberg type strings -> PyIceberg, Arrow and DuckDB types."""

from __future__ import annotations

import pyarrow as pa
import pytest
from pyiceberg.types import DecimalType, FixedType, LongType, TimestamptzType

from emulator.iceberg import arrow_type, duckdb_type, iceberg_type
from emulator.iceberg.types import type_text
from icebridge.errors import ProgrammingError, UnsupportedError

ALL_TYPES = [
    "boolean",
    "int",
    "long",
    "float",
    "double",
    "decimal(10,2)",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "timestamp_ns",
    "timestamptz_ns",
    "string",
    "binary",
    "fixed[16]",
    "uuid",
]


@pytest.mark.parametrize("text", ALL_TYPES)
def test_type_text_round_trips(text: str) -> None:
    assert type_text(iceberg_type(text)) == text


def test_parses_parameters_and_spacing() -> None:
    assert iceberg_type("DECIMAL( 38 , 0 )") == DecimalType(38, 0)
    assert iceberg_type("fixed(8)") == FixedType(8)
    assert iceberg_type(" long ") == LongType()
    assert iceberg_type("timestamptz") == TimestamptzType()


@pytest.mark.parametrize(
    ("text", "arrow", "duck"),
    [
        ("int", pa.int32(), "INTEGER"),
        ("long", pa.int64(), "BIGINT"),
        ("decimal(10,2)", pa.decimal128(10, 2), "DECIMAL(10,2)"),
        ("timestamp", pa.timestamp("us"), "TIMESTAMP"),
        ("timestamptz", pa.timestamp("us", tz="UTC"), "TIMESTAMP WITH TIME ZONE"),
        ("time", pa.time64("us"), "TIME"),
        ("fixed[4]", pa.binary(4), "BLOB"),
        ("uuid", pa.uuid(), "UUID"),
        ("string", pa.string(), "VARCHAR"),
    ],
)
def test_arrow_and_duckdb_types(text: str, arrow: pa.DataType, duck: str) -> None:
    assert arrow_type(text) == arrow
    assert duckdb_type(text) == duck


@pytest.mark.parametrize("text", ["decimal(39,2)", "decimal(5,6)", "fixed[0]", "varchar", "number"])
def test_bad_types_are_rejected_naming_the_column(text: str) -> None:
    with pytest.raises(ProgrammingError, match="column 'PRICE'"):
        iceberg_type(text, column="PRICE")


@pytest.mark.parametrize(
    ("text", "arrow", "duck"),
    [
        ("list<string>", pa.list_(pa.field("element", pa.string())), "VARCHAR[]"),
        ("map<string, long>", pa.map_(pa.string(), pa.int64()), "MAP(VARCHAR, BIGINT)"),
        (
            "struct<A: int, B: list<decimal(10,2)>>",
            pa.struct(
                [("A", pa.int32()), ("B", pa.list_(pa.field("element", pa.decimal128(10, 2))))]
            ),
            'STRUCT("A" INTEGER, "B" DECIMAL(10,2)[])',
        ),
    ],
)
def test_nested_types(text: str, arrow: pa.DataType, duck: str) -> None:
    assert type_text(iceberg_type(text)) == text
    assert arrow_type(text) == arrow
    assert duckdb_type(text) == duck


@pytest.mark.parametrize("text", ["list<string", "map<string>", "struct<A int>", "list<nope>"])
def test_malformed_nested_types(text: str) -> None:
    with pytest.raises(ProgrammingError, match="column 'TAGS'"):
        iceberg_type(text, column="TAGS")


def test_v3_semi_structured_types_are_unsupported_not_ignored() -> None:
    with pytest.raises(UnsupportedError, match="variant"):
        iceberg_type("variant", column="V")
