"""COPY INTO <table> from JSON and Parquet files, MATCH_BY_COLUMN_NAME and INFER_SCHEMA."""

from __future__ import annotations

import json
from collections.abc import Callable

import pyarrow as pa
import pytest
from stage_helpers import parquet_bytes, rows

from emulator import Emulator
from icebridge.errors import SqlError

Stage = Callable[..., None]

HOUSES = """[{
    "location": {"city": "Lexington", "zip": "40503"},
    "sq__ft": "1000", "sale_date": "4-25-16", "price": "75836", "type": "Residential"
},
{
    "location": {"city": "Belmont", "zip": "02478"},
    "sq__ft": "1103", "sale_date": "6-18-16", "price": "92567", "type": "Residential"
},
{
    "location": {"city": "Winchester", "zip": "01890"},
    "sq__ft": "1122", "sale_date": "1-31-16", "price": "89921", "type": "Condo"
}]"""


def test_json_into_a_variant_column(emu: Emulator, staged: Stage) -> None:
    """The docs' house_sales example: a JSON file format that strips the outer array, a
    stage using it, one VARIANT row per array element.
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table
    (Loading JSON data into a VARIANT column)"""
    emu.sql("CREATE OR REPLACE FILE FORMAT json_format TYPE = 'JSON' STRIP_OUTER_ARRAY = TRUE")
    emu.sql("CREATE OR REPLACE STAGE mystage FILE_FORMAT = json_format")
    staged("sales.json", HOUSES, stage="@mystage", options="AUTO_COMPRESS=TRUE")
    emu.sql("CREATE OR REPLACE TABLE house_sales (src VARIANT)")
    result = emu.sql("COPY INTO house_sales FROM @mystage/sales.json.gz").to_pylist()
    assert [(r["status"], r["rows_loaded"]) for r in result] == [("LOADED", 3)]
    cities = rows(
        emu, "SELECT src:location.city::STRING AS city, src:price::INT AS price FROM house_sales"
    )
    assert cities == [
        {"CITY": "Lexington", "PRICE": 75836},
        {"CITY": "Belmont", "PRICE": 92567},
        {"CITY": "Winchester", "PRICE": 89921},
    ]


def test_json_documents_one_per_line_and_strip_null_values(emu: Emulator, staged: Stage) -> None:
    """Without STRIP_OUTER_ARRAY each JSON document is a row; STRIP_NULL_VALUES removes
    fields whose value is null (``{"a":null,"b":null,"c":123}`` becomes ``{"c":123}``)."""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE t (v VARIANT)")
    staged("a.json", '{"a":null,"b":null,"c":123}\n{"c":4}\n')
    emu.sql("COPY INTO t FROM @s FILE_FORMAT = (TYPE = JSON STRIP_NULL_VALUES = TRUE)")
    assert [json.loads(r["V"]) for r in rows(emu, "SELECT v FROM t")] == [{"c": 123}, {"c": 4}]


def test_json_into_several_columns_needs_match_or_transform(emu: Emulator, staged: Stage) -> None:
    """A JSON load without transformation produces one column: a table of several columns
    needs MATCH_BY_COLUMN_NAME or a transformation.
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table"""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE t (a INT, b INT)")
    staged("a.json", '{"a":1,"b":2}')
    with pytest.raises(SqlError) as caught:
        emu.sql("COPY INTO t FROM @s FILE_FORMAT = (TYPE = JSON)")
    assert "one and only one column" in str(caught.value)


def test_json_match_by_column_name(emu: Emulator, staged: Stage) -> None:
    """MATCH_BY_COLUMN_NAME loads fields into the columns of the same name, in any order;
    CASE_INSENSITIVE ignores case, CASE_SENSITIVE does not; table columns without a match get
    NULL and extra fields are not loaded.
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (MATCH_BY_COLUMN_NAME)"""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE t (id INT, city STRING, missing STRING)")
    staged("a.json", '{"City": "Belmont", "ID": 7, "extra": true}')
    emu.sql(
        "COPY INTO t FROM @s FILE_FORMAT = (TYPE = 'JSON') MATCH_BY_COLUMN_NAME='CASE_INSENSITIVE'"
    )
    assert rows(emu, "SELECT * FROM t") == [{"ID": 7, "CITY": "Belmont", "MISSING": None}]
    emu.sql("TRUNCATE TABLE t")
    emu.sql(
        "COPY INTO t FROM @s FORCE = TRUE FILE_FORMAT = (TYPE = JSON) "
        "MATCH_BY_COLUMN_NAME = CASE_SENSITIVE"
    )
    assert rows(emu, "SELECT * FROM t") == [{"ID": 7, "CITY": None, "MISSING": None}]


def test_parquet_match_by_column_name(emu: Emulator, staged: Stage) -> None:
    """MATCH_BY_COLUMN_NAME on Parquet matches the file's columns to the table's by name.
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (MATCH_BY_COLUMN_NAME)"""
    emu.sql("CREATE STAGE s FILE_FORMAT = (TYPE = PARQUET)")
    emu.sql("CREATE TABLE t (name STRING, id INT)")
    data = pa.table({"id": [1, 2], "name": ["a", "b"], "unused": [0.5, 1.5]})
    staged("p.parquet", parquet_bytes(data))
    emu.sql("COPY INTO t FROM @s MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE")
    assert rows(emu, "SELECT id, name FROM t ORDER BY id") == [
        {"ID": 1, "NAME": "a"},
        {"ID": 2, "NAME": "b"},
    ]


def test_parquet_transformation_with_typed_columns(emu: Emulator, staged: Stage) -> None:
    """``$1:"col"`` reads a Parquet column in a transformation (what the connector's
    write_pandas sends); columns left out of the list take their DEFAULT.
    https://docs.snowflake.com/en/user-guide/data-load-transform"""
    emu.sql("CREATE STAGE s FILE_FORMAT = (TYPE = PARQUET)")
    emu.sql('CREATE TABLE t ("id" INT, "amount" NUMBER(10,2), src STRING DEFAULT \'parquet\')')
    data = pa.table({"id": [1, 2], "amount": [1.5, None]})
    staged("p.parquet", parquet_bytes(data))
    emu.sql('COPY INTO t ("id", "amount") FROM (SELECT $1:"id", $1:"amount" FROM @s)')
    assert rows(emu, 'SELECT "id", "amount", src FROM t ORDER BY "id"') == [
        {"id": 1, "amount": pytest.approx(1.5), "SRC": "parquet"},
        {"id": 2, "amount": None, "SRC": "parquet"},
    ]


def test_parquet_rows_into_a_variant_column(emu: Emulator, staged: Stage) -> None:
    """A Parquet row loads into one VARIANT column as an object of its columns."""
    emu.sql("CREATE STAGE s FILE_FORMAT = (TYPE = PARQUET)")
    emu.sql("CREATE TABLE t (v VARIANT)")
    staged("p.parquet", parquet_bytes(pa.table({"k": [1], "s": ["x"]})))
    emu.sql("COPY INTO t FROM @s")
    assert rows(emu, "SELECT v:k::INT AS k, v:s::STRING AS s FROM t") == [{"K": 1, "S": "x"}]


def test_infer_schema_of_parquet_files(emu: Emulator, staged: Stage) -> None:
    """INFER_SCHEMA returns COLUMN_NAME, TYPE, NULLABLE, EXPRESSION, FILENAMES and ORDER_ID
    of the staged files' columns.
    https://docs.snowflake.com/en/sql-reference/functions/infer_schema"""
    emu.sql("CREATE FILE FORMAT my_parquet_format TYPE = parquet")
    emu.sql("CREATE STAGE mystage")
    data = pa.table({"continent": ["Europe"], "population": [5], "ratio": [0.5]})
    staged("cities.parquet", parquet_bytes(data), stage="@mystage/geography/")
    found = rows(
        emu,
        "SELECT * FROM TABLE(INFER_SCHEMA(LOCATION=>'@mystage', FILE_FORMAT=>'my_parquet_format'))",
    )
    assert [(r["COLUMN_NAME"], r["TYPE"], r["ORDER_ID"]) for r in found] == [
        ("continent", "TEXT", 0),
        ("population", "NUMBER(38, 0)", 1),
        ("ratio", "REAL", 2),
    ]
    assert found[0]["EXPRESSION"] == "$1:continent::TEXT"
    assert found[0]["FILENAMES"] == "geography/cities.parquet"
    assert found[0]["NULLABLE"] is True
