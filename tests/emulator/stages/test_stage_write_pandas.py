"""The connector's unmodified ``write_pandas`` against the emulator's connection.

write_pandas (snowflakedb/snowflake-connector-python, src/snowflake/connector/pandas_tools.py)
creates a temporary stage, PUTs Parquet chunks onto it and runs one ``COPY INTO t ("c1", …)
FROM (SELECT $1:"c1", … FROM @stage) … PURGE=TRUE ON_ERROR=?``; it returns (success,
nchunks, nrows, output). SNOWFLAKE_SEMANTICS §7;
https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api
(write_pandas).
"""

from __future__ import annotations

import pandas as pd
import pytest
from snowflake.connector.pandas_tools import write_pandas
from stage_helpers import rows

import icebridge.testing
from emulator import Emulator
from icebridge.errors import SqlError

# The connector itself calls a pandas API that pandas 3 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:is_datetime64tz_dtype is deprecated")


def test_write_pandas_loads_the_frame(emu: Emulator) -> None:
    """All chunks load (success, one row per chunk in the output, nrows the rows loaded);
    the columns write_pandas leaves out take their DEFAULT; a stream sees the rows."""
    emu.sql('CREATE TABLE "T" ("id" INT, "name" STRING, "note" STRING DEFAULT \'pandas\')')
    emu.sql('CREATE STREAM st ON TABLE "T"')
    frame = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", None]})
    success, nchunks, nrows, output = write_pandas(emu.connect(), frame, "T", chunk_size=2)
    assert (success, nchunks, nrows) == (True, 2, 3)
    assert [row[1] for row in output] == ["LOADED", "LOADED"]
    assert rows(emu, 'SELECT "id", "name", "note" FROM "T" ORDER BY "id"') == [
        {"id": 1, "name": "a", "note": "pandas"},
        {"id": 2, "name": "b", "note": "pandas"},
        {"id": 3, "name": None, "note": "pandas"},
    ]
    assert rows(emu, "SELECT count(*) AS n FROM st") == [{"N": 3}]


def test_quote_identifiers_makes_column_names_case_sensitive(emu: Emulator) -> None:
    """quote_identifiers=True (the default) quotes the DataFrame's column names, so lower-case
    names do not find an upper-case (unquoted) table; quote_identifiers=False lets them.
    SNOWFLAKE_SEMANTICS §7; https://docs.snowflake.com/en/sql-reference/identifiers-syntax"""
    emu.sql("CREATE TABLE customers (name STRING, balance INT)")
    frame = pd.DataFrame([("Mark", 10), ("Luke", 20)], columns=["name", "balance"])
    with pytest.raises(SqlError):
        write_pandas(emu.connect(), frame, "CUSTOMERS")
    assert rows(emu, "SELECT count(*) AS n FROM customers") == [{"N": 0}]
    success, _, nrows, _ = write_pandas(emu.connect(), frame, "customers", quote_identifiers=False)
    assert (success, nrows) == (True, 2)
    assert rows(emu, "SELECT name, balance FROM customers ORDER BY balance") == [
        {"NAME": "Mark", "BALANCE": 10},
        {"NAME": "Luke", "BALANCE": 20},
    ]


def test_auto_create_table(emu: Emulator) -> None:
    """auto_create_table=True creates the table from the Parquet schema (INFER_SCHEMA) with
    the DataFrame's column names, then loads it; overwrite=True replaces its rows."""
    frame = pd.DataFrame({"id": [1, 2], "price": [1.5, 2.5], "label": ["x", "y"]})
    write_pandas(emu.connect(), frame, "NEW_TABLE", auto_create_table=True)
    described = emu.sql('DESCRIBE TABLE "NEW_TABLE"').to_pylist()
    assert [(c["name"], c["type"]) for c in described] == [
        ("id", "NUMBER(38,0)"),
        ("price", "FLOAT"),
        ("label", "VARCHAR(16777216)"),
    ]
    write_pandas(emu.connect(), frame.head(1), "NEW_TABLE", auto_create_table=True, overwrite=True)
    assert rows(emu, 'SELECT "id", "price", "label" FROM "NEW_TABLE"') == [
        {"id": 1, "price": 1.5, "label": "x"}
    ]


def test_write_pandas_purges_its_staged_files(emu: Emulator) -> None:
    """The COPY runs with PURGE=TRUE: the temporary stage is left empty."""
    emu.sql('CREATE TABLE "T" ("id" INT)')
    write_pandas(emu.connect(), pd.DataFrame({"id": [1]}), "T")
    stages = emu.sql("SHOW STAGES").to_pylist()
    assert [s["type"] for s in stages] == ["INTERNAL TEMPORARY"]
    assert emu.sql(f'LIST @"{stages[0]["name"]}"').num_rows == 0


def test_write_pandas_through_the_patched_connector() -> None:
    """Code that calls ``snowflake.connector.connect`` gets the emulator inside
    ``icebridge.testing.patch()``; write_pandas on that connection loads the frame."""
    import snowflake.connector

    with icebridge.testing.patch() as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql('CREATE TABLE db.public."ORDERS" ("order_id" INT, "amount" NUMBER(10,2))')
        conn = snowflake.connector.connect(account="x", user="y", database="DB", schema="PUBLIC")
        frame = pd.DataFrame({"order_id": [7], "amount": [12.5]})
        success, _, nrows, _ = write_pandas(conn, frame, "ORDERS")
        assert (success, nrows) == (True, 1)
        found = rows(emu, 'SELECT "order_id", "amount" FROM db.public."ORDERS"')
        assert [(r["order_id"], str(r["amount"])) for r in found] == [(7, "12.50")]
