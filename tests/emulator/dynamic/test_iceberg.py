"""Dynamic Iceberg tables: one Iceberg snapshot per refresh that changes the table, read
back by DuckDB's own Iceberg extension.

https://docs.snowflake.com/en/user-guide/dynamic-tables/create-iceberg
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from icebridge.errors import DataError, ProgrammingError, UnsupportedError
from icebridge.sql.identifiers import ObjectName

NAME = ObjectName("DB", "PUBLIC", "MY_DYNAMIC_TABLE")
CREATE = (
    "CREATE DYNAMIC ICEBERG TABLE my_dynamic_table (product_id NUMBER(10, 0), product_name "
    "STRING) TARGET_LAG = '20 minutes' WAREHOUSE = mywh CATALOG = 'SNOWFLAKE' "
    "BASE_LOCATION = 'my_iceberg_table' AS SELECT product_id, product_name FROM staging_table"
)


def _external(location: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        load_iceberg_extension(con)
        return con.execute("SELECT * FROM iceberg_scan(?) ORDER BY 1", [location]).fetchall()
    finally:
        con.close()


@pytest.fixture
def emu(emu: Emulator) -> Emulator:
    emu.execute(
        """
        CREATE TABLE staging_table (product_id INT, product_name VARCHAR(100));
        INSERT INTO staging_table VALUES (1, 'apple'), (2, 'pear');
        """
    )
    return emu


def test_each_changing_refresh_commits_one_snapshot(emu: Emulator) -> None:
    emu.sql(CREATE)
    store = emu.engine.lake.store
    assert len(store.snapshots(NAME)) == 1  # the initial refresh
    row = emu.sql("SHOW DYNAMIC TABLES").to_pylist()[0]
    assert row["is_iceberg"] == "true"
    described = emu.sql("DESCRIBE DYNAMIC TABLE my_dynamic_table").to_pylist()
    assert [(r["name"], r["type"]) for r in described] == [
        ("PRODUCT_ID", "NUMBER(10,0)"),
        ("PRODUCT_NAME", "VARCHAR(134217728)"),  # Iceberg string
    ]
    emu.sql("ALTER DYNAMIC TABLE my_dynamic_table REFRESH")  # NO_DATA: no snapshot
    assert len(store.snapshots(NAME)) == 1
    emu.execute(
        """
        INSERT INTO staging_table VALUES (3, 'plum');
        UPDATE staging_table SET product_name = 'green apple' WHERE product_id = 1;
        """
    )
    emu.advance("20 minutes")
    assert len(store.snapshots(NAME)) == 2
    expected = [(1, "green apple"), (2, "pear"), (3, "plum")]
    assert _external(store.metadata_location(NAME)) == expected
    rows = emu.sql("SELECT * FROM my_dynamic_table ORDER BY 1").to_pylist()
    assert [(r["PRODUCT_ID"], r["PRODUCT_NAME"]) for r in rows] == expected


def test_options_of_dynamic_iceberg_tables(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError, match="syntax error"):
        emu.sql(CREATE.replace("TABLE my_dynamic_table", "TABLE IF NOT EXISTS my_dynamic_table"))
    with pytest.raises(UnsupportedError, match="CATALOG"):
        emu.sql(CREATE.replace("CATALOG = 'SNOWFLAKE'", "CATALOG = 'glue'"))
    with pytest.raises(ProgrammingError, match="External volume 'NOPE'"):
        emu.sql(CREATE.replace("CATALOG", "EXTERNAL_VOLUME = 'nope' CATALOG"))
    assert emu.sql("SHOW DYNAMIC TABLES").num_rows == 0


def test_drop_removes_the_iceberg_table(emu: Emulator) -> None:
    emu.sql(CREATE)
    assert emu.engine.lake.store.exists(NAME)
    emu.sql("DROP DYNAMIC TABLE my_dynamic_table")
    assert not emu.engine.lake.store.exists(NAME)


def test_dynamic_iceberg_table_survives_reopen(tmp_path: Path) -> None:
    with Emulator(path=tmp_path) as emu:
        emu.execute(
            """
            CREATE DATABASE db;
            CREATE TABLE staging_table (product_id INT, product_name VARCHAR(100));
            INSERT INTO staging_table VALUES (1, 'apple');
            """
        )
        emu.sql(CREATE)
    with Emulator(path=tmp_path) as emu:
        emu.sql("USE SCHEMA db.public")
        emu.sql("INSERT INTO staging_table VALUES (2, 'pear')")
        emu.sql("ALTER DYNAMIC TABLE my_dynamic_table REFRESH")
        location = emu.engine.lake.store.metadata_location(NAME)
        assert _external(location) == [(1, "apple"), (2, "pear")]
        assert len(emu.engine.lake.store.snapshots(NAME)) == 2


def test_a_failed_replace_keeps_the_iceberg_table(emu: Emulator) -> None:
    emu.sql(CREATE)
    emu.sql("INSERT INTO staging_table VALUES (0, 'zero')")
    with pytest.raises(DataError, match="Division by zero"):
        emu.sql(
            CREATE.replace("CREATE", "CREATE OR REPLACE").replace(
                "SELECT product_id,", "SELECT 10 / product_id,"
            )
        )
    location = emu.engine.lake.store.metadata_location(NAME)
    assert _external(location) == [(1, "apple"), (2, "pear")]
