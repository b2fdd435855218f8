"""Snowflake type parsing and the Iceberg type mapping (tables-iceberg-data-types)."""

from __future__ import annotations

import pytest

from icebridge.errors import DefinitionError
from icebridge.types import iceberg_column_type, parse_type, to_iceberg, type_sql


@pytest.mark.parametrize(
    ("text", "v2", "v3"),
    [
        ("NUMBER", "decimal(38,0)", "decimal(38,0)"),
        ("NUMBER(10,2)", "decimal(10,2)", "decimal(10,2)"),
        ("DECIMAL(10,0)", "decimal(10,0)", "decimal(10,0)"),
        ("NUMERIC(5)", "decimal(5,0)", "decimal(5,0)"),
        ("INT", "int", "int"),
        ("INTEGER", "int", "int"),
        ("SMALLINT", "int", "int"),
        ("BIGINT", "long", "long"),
        ("FLOAT", "double", "double"),
        ("DOUBLE", "double", "double"),
        ("REAL", "double", "double"),
        ("BOOLEAN", "boolean", "boolean"),
        ("DATE", "date", "date"),
        ("TIME", "time", "time"),
        ("TIMESTAMP_NTZ", "timestamp", "timestamp"),
        ("TIMESTAMP_NTZ(6)", "timestamp", "timestamp"),
        ("TIMESTAMP_NTZ(9)", "timestamp", "timestamp_ns"),
        ("TIMESTAMP_LTZ", "timestamptz", "timestamptz"),
        ("TIMESTAMP_LTZ(9)", "timestamptz", "timestamptz_ns"),
        ("VARCHAR", "string", "string"),
        ("STRING", "string", "string"),
        ("TEXT", "string", "string"),
        ("VARCHAR(134217728)", "string", "string"),
        ("BINARY", "binary", "binary"),
        ("BINARY(16)", "fixed[16]", "fixed[16]"),
        ("UUID", "uuid", "uuid"),
        ("ARRAY(NUMBER(10,2))", "list<decimal(10,2)>", "list<decimal(10,2)>"),
        ("MAP(VARCHAR, INT)", "map<string, int>", "map<string, int>"),
    ],
)
def test_to_iceberg(text: str, v2: str, v3: str) -> None:
    dtype = parse_type(text, column="C")
    assert to_iceberg(dtype, column="C") == v2
    assert to_iceberg(dtype, column="C", iceberg_version=3) == v3


@pytest.mark.parametrize("text", ["VARIANT", "GEOGRAPHY", "GEOMETRY"])
def test_v3_only_types(text: str) -> None:
    dtype = parse_type(text, column="DOC")
    with pytest.raises(DefinitionError, match="v3") as err:
        to_iceberg(dtype, column="DOC")
    assert err.value.field == "DOC"
    assert to_iceberg(dtype, column="DOC", iceberg_version=3) == text.lower()


@pytest.mark.parametrize("text", ["VARCHAR(50)", "CHAR", "CHAR(3)", "VARCHAR(134217727)"])
def test_varchar_with_length_is_rejected(text: str) -> None:
    with pytest.raises(DefinitionError, match="STRING or VARCHAR without a length") as err:
        to_iceberg(parse_type(text), column="STATUS")
    assert err.value.field == "STATUS"
    assert "column STATUS" in str(err.value)


@pytest.mark.parametrize("text", ["TIMESTAMP_TZ", "OBJECT", "ARRAY"])
def test_types_without_iceberg_equivalent(text: str) -> None:
    with pytest.raises(DefinitionError) as err:
        to_iceberg(parse_type(text), column="X", iceberg_version=3)
    assert err.value.field == "X"


@pytest.mark.parametrize(
    "text",
    [
        "FOO",
        "VARCHAR(50) NOT NULL",
        "INT; DROP TABLE T",
        "NUMBER(39)",
        "NUMBER(5,6)",
        "number(a)",
        "TIMESTAMP_NTZ(10)",
        "BOOLEAN(1)",
        "",
        "VARCHAR(0)",
        "INTERVAL",
    ],
)
def test_parse_type_rejects(text: str) -> None:
    with pytest.raises(DefinitionError) as err:
        parse_type(text, column="AMOUNT")
    assert err.value.field == "AMOUNT"
    assert "column AMOUNT" in str(err.value)


@pytest.mark.parametrize(
    ("staging", "target", "iceberg"),
    [
        ("VARCHAR(50)", "STRING", "string"),
        ("CHAR(2)", "STRING", "string"),
        ("NUMBER", "NUMBER(38, 0)", "decimal(38,0)"),
        ("INT", "NUMBER(38, 0)", "decimal(38,0)"),
        ("BIGINT", "NUMBER(38, 0)", "decimal(38,0)"),
        ("NUMBER(10,2)", "NUMBER(10, 2)", "decimal(10,2)"),
        ("TIMESTAMP_NTZ(9)", "TIMESTAMP_NTZ(6)", "timestamp"),
        ("TIMESTAMP_NTZ", "TIMESTAMP_NTZ(6)", "timestamp"),
        ("TIMESTAMP_LTZ(3)", "TIMESTAMP_LTZ(6)", "timestamptz"),
        ("TIME(9)", "TIME(6)", "time"),
        ("BINARY(16)", "BINARY", "binary"),
        ("BOOLEAN", "BOOLEAN", "boolean"),
        ("FLOAT", "FLOAT", "double"),
    ],
)
def test_iceberg_column_type(staging: str, target: str, iceberg: str) -> None:
    dtype = iceberg_column_type(parse_type(staging), column="C")
    assert type_sql(dtype) == target
    assert to_iceberg(dtype) == iceberg


def test_iceberg_column_type_keeps_nanoseconds_on_v3_only_when_declared() -> None:
    ns = iceberg_column_type(parse_type("TIMESTAMP_NTZ(9)"), iceberg_version=3)
    assert to_iceberg(ns, iceberg_version=3) == "timestamp_ns"
    default = iceberg_column_type(parse_type("TIMESTAMP_NTZ"), iceberg_version=3)
    assert to_iceberg(default, iceberg_version=3) == "timestamp"


def test_iceberg_column_type_rejects_timestamp_tz() -> None:
    with pytest.raises(DefinitionError, match="TIMESTAMP_TZ") as err:
        iceberg_column_type(parse_type("TIMESTAMP_TZ"), column="TS")
    assert err.value.field == "TS"
