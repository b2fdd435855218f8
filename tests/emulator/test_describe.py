"""DESCRIBE (DESC) TABLE / VIEW / SCHEMA / DATABASE: documented columns and values."""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError, UnsupportedError

DESCRIBE_COLUMNS = [
    "name",
    "type",
    "kind",
    "null?",
    "default",
    "primary key",
    "unique key",
    "check",
    "expression",
    "comment",
    "policy name",
    "privacy domain",
]


@pytest.fixture
def orders(emu: Emulator) -> Emulator:
    emu.sql(
        "CREATE TABLE orders (id INT PRIMARY KEY, code VARCHAR UNIQUE COMMENT 'external',"
        " amount NUMBER(10, 2) DEFAULT 0, placed TIMESTAMP_NTZ NOT NULL, note STRING)"
    )
    return emu


def test_describe_table_columns_and_types(orders: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-table: one row per column with
    the documented columns; types as Snowflake renders them (NUMBER(38,0),
    VARCHAR(16777216), TIMESTAMP_NTZ(9)); a PRIMARY KEY column is NOT NULL and primary key Y,
    a UNIQUE column unique key Y; policy name and privacy domain are NULL without policies."""
    table = orders.sql("DESCRIBE TABLE orders")
    assert table.column_names == DESCRIBE_COLUMNS
    rows = [
        (r["name"], r["type"], r["kind"], r["null?"], r["default"], r["primary key"])
        for r in table.to_pylist()
    ]
    assert rows == [
        ("ID", "NUMBER(38,0)", "COLUMN", "N", None, "Y"),
        ("CODE", "VARCHAR(16777216)", "COLUMN", "Y", None, "N"),
        ("AMOUNT", "NUMBER(10,2)", "COLUMN", "Y", "0", "N"),
        ("PLACED", "TIMESTAMP_NTZ(9)", "COLUMN", "N", None, "N"),
        ("NOTE", "VARCHAR(16777216)", "COLUMN", "Y", None, "N"),
    ]
    by_name = {r["name"]: r for r in table.to_pylist()}
    assert (by_name["CODE"]["unique key"], by_name["ID"]["unique key"]) == ("Y", "N")
    assert by_name["CODE"]["comment"] == "external"
    assert {(r["check"], r["policy name"], r["privacy domain"]) for r in by_name.values()} == {
        (None, None, None)
    }


def test_desc_is_describe(orders: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-table: DESCRIBE can be
    abbreviated to DESC; TYPE = COLUMNS is the default."""
    described = orders.sql("DESCRIBE TABLE orders").to_pylist()
    assert orders.sql("DESC TABLE orders").to_pylist() == described
    assert orders.sql("DESC TABLE orders TYPE = COLUMNS").to_pylist() == described


def test_out_of_line_composite_key(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-table: every column of an
    out-of-line PRIMARY KEY shows primary key Y."""
    emu.sql("CREATE TABLE t (a INT, b INT, c INT, CONSTRAINT pk PRIMARY KEY (a, b))")
    keys = [r["primary key"] for r in emu.sql("DESC TABLE t").to_pylist()]
    assert keys == ["Y", "Y", "N"]


def test_describe_view(orders: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-view: the columns of the view,
    with the same output columns; DESCRIBE TABLE and DESCRIBE VIEW are interchangeable."""
    orders.sql("CREATE VIEW big AS SELECT id, amount * 2 AS doubled FROM orders")
    view = orders.sql("DESCRIBE VIEW big")
    assert view.column_names == DESCRIBE_COLUMNS
    assert view.column("name").to_pylist() == ["ID", "DOUBLED"]
    assert orders.sql("DESC TABLE big").to_pylist() == view.to_pylist()
    assert orders.sql("DESC VIEW orders").column("name").to_pylist()[0] == "ID"


def test_describe_missing_table(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-table: an unknown table is
    Snowflake's 002003 does-not-exist error."""
    with pytest.raises(ProgrammingError) as info:
        emu.sql("DESCRIBE TABLE nothing_here")
    assert info.value.errno == 2003
    assert "Table 'NOTHING_HERE' does not exist or not authorized." in info.value.msg


def test_describe_table_stage_properties_are_unsupported(orders: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-table: TYPE = STAGE shows stage
    properties, which the emulator does not keep: an UnsupportedError, not columns."""
    with pytest.raises(UnsupportedError, match="TYPE = STAGE"):
        orders.sql("DESCRIBE TABLE orders TYPE = STAGE")


def test_describe_schema_and_database(orders: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-schema and …/desc-database:
    the tables and views of a schema, the schemas of a database (created_on, name, kind)."""
    orders.sql("CREATE VIEW v AS SELECT id FROM orders")
    schema = orders.sql("DESCRIBE SCHEMA db.public")
    assert schema.column_names == ["created_on", "name", "kind"]
    assert [(r["name"], r["kind"]) for r in schema.to_pylist()] == [
        ("ORDERS", "TABLE"),
        ("V", "VIEW"),
    ]
    orders.sql("CREATE SCHEMA staging")
    database = orders.sql("DESC DATABASE db")
    assert database.column_names == ["created_on", "name", "kind"]
    assert [(r["name"], r["kind"]) for r in database.to_pylist()] == [
        ("PUBLIC", "SCHEMA"),
        ("STAGING", "SCHEMA"),
    ]


def test_describe_dynamic_table_has_the_same_columns(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/desc-dynamic-table: a row per column,
    with the columns of DESCRIBE TABLE."""
    emu.sql("CREATE TABLE src (a INT)")
    emu.sql("CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT a FROM src")
    table = emu.sql("DESCRIBE DYNAMIC TABLE d")
    assert table.column_names == DESCRIBE_COLUMNS
    assert table.column("type").to_pylist() == ["NUMBER(38,0)"]
