"""SHOW DYNAMIC TABLES columns, and dynamic tables surviving a reopen.

https://docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables
"""

from __future__ import annotations

from pathlib import Path

from emulator import Emulator
from emulator.core.clock import VirtualClock

SHOW_COLUMNS = [
    "created_on",
    "name",
    "database_name",
    "schema_name",
    "cluster_by",
    "rows",
    "owner",
    "target_lag",
    "scheduler",
    "refresh_mode",
    "refresh_mode_reason",
    "warehouse",
    "comment",
    "text",
    "automatic_clustering",
    "scheduling_state",
    "last_suspended_on",
    "is_clone",
    "is_replica",
    "is_iceberg",
    "data_timestamp",
    "owner_role_type",
]


def test_show_columns_scope_and_like(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE SCHEMA myschema;
        CREATE TABLE t (id INT);
        CREATE DYNAMIC TABLE product_a TARGET_LAG = '1 minute' WAREHOUSE = w
            COMMENT = 'first' AS SELECT id FROM t;
        CREATE DYNAMIC TABLE other TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM t;
        CREATE SCHEMA elsewhere;
        CREATE DYNAMIC TABLE product_b TARGET_LAG = '1 minute' WAREHOUSE = w
            AS SELECT id FROM db.myschema.t;
        """
    )
    table = emu.sql("SHOW DYNAMIC TABLES LIKE 'product_%' IN SCHEMA db.myschema")
    assert table.column_names == SHOW_COLUMNS
    rows = table.to_pylist()
    assert [r["name"] for r in rows] == ["PRODUCT_A"]
    assert rows[0]["comment"] == "first"
    assert rows[0]["text"].startswith("CREATE DYNAMIC TABLE product_a")
    assert [r["name"] for r in emu.sql("SHOW DYNAMIC TABLES IN DATABASE db").to_pylist()] == [
        "PRODUCT_B",
        "OTHER",
        "PRODUCT_A",
    ]
    emu.sql("ALTER DYNAMIC TABLE db.myschema.other SUSPEND")
    other = emu.sql("SHOW DYNAMIC TABLES LIKE 'OTHER' IN SCHEMA db.myschema").to_pylist()[0]
    assert (other["scheduling_state"], other["last_suspended_on"]) == ("SUSPENDED", emu.now)
    assert emu.sql("SHOW TABLES IN SCHEMA db.myschema").column("name").to_pylist() == ["T"]


def test_dynamic_tables_survive_reopen(tmp_path: Path) -> None:
    with Emulator(path=tmp_path) as emu:
        emu.execute(
            """
            CREATE DATABASE db;
            CREATE TABLE src (k VARCHAR, v INT);
            INSERT INTO src VALUES ('a', 1), ('b', 2);
            CREATE DYNAMIC TABLE totals TARGET_LAG = '1 minute' WAREHOUSE = w
                AS SELECT k, SUM(v) AS s FROM src GROUP BY k;
            INSERT INTO src VALUES ('a', 10);
            """
        )
        emu.advance("1 minute")
        created = emu.sql("SHOW DYNAMIC TABLES").to_pylist()[0]
    # The clock is not persisted: the reopened emulator starts where the first one stopped.
    with Emulator(path=tmp_path, clock=VirtualClock(created["data_timestamp"])) as emu:
        emu.sql("USE SCHEMA db.public")
        assert emu.sql("SELECT k, s FROM totals ORDER BY k").to_pylist() == [
            {"K": "a", "S": 11},
            {"K": "b", "S": 2},
        ]
        shown = emu.sql("SHOW DYNAMIC TABLES").to_pylist()[0]
        assert shown == created
        emu.sql("INSERT INTO src VALUES ('b', 5)")
        records = emu.advance("1 minute")
        assert [r.details["refresh_action"] for r in records] == ["INCREMENTAL"]
        assert emu.sql("SELECT s FROM totals WHERE k = 'b'").column(0).to_pylist() == [7]
        history = emu.sql(
            "SELECT refresh_trigger FROM TABLE(INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY())"
        ).column(0)
        assert history.to_pylist() == ["SCHEDULED", "SCHEDULED", "CREATION"]
