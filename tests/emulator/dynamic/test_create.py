"""CREATE / DROP DYNAMIC TABLE: options, refresh-mode resolution, initialization, errors.

Examples follow https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table and
https://docs.snowflake.com/en/user-guide/dynamic-tables/refresh-modes.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator
from icebridge.errors import DataError, ProgrammingError, SqlError

CREATE_D = (
    "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM staging_table"
)


@pytest.fixture
def emu(emu: Emulator) -> Emulator:
    emu.execute(
        """
        CREATE TABLE staging_table (id INT, product_name VARCHAR, revenue INT, cost INT);
        INSERT INTO staging_table VALUES (1, 'a', 10, 4), (2, 'b', 20, 5), (3, 'a', 30, 6);
        """
    )
    return emu


def _show(emu: Emulator, name: str) -> dict[str, Any]:
    rows = emu.sql(f"SHOW DYNAMIC TABLES LIKE '{name}'").to_pylist()
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


def test_create_refreshes_on_create_and_reads_like_a_table(emu: Emulator) -> None:
    out = emu.sql(
        "CREATE DYNAMIC TABLE my_dynamic_table TARGET_LAG = '20 minutes' WAREHOUSE = mywh "
        "AS SELECT id, product_name FROM staging_table WHERE revenue > 10"
    )
    assert out.column(0).to_pylist() == ["Dynamic table MY_DYNAMIC_TABLE successfully created."]
    rows = emu.sql("SELECT * FROM my_dynamic_table ORDER BY id").to_pylist()
    assert rows == [{"ID": 2, "PRODUCT_NAME": "b"}, {"ID": 3, "PRODUCT_NAME": "a"}]
    row = _show(emu, "my_dynamic_table")
    assert (row["target_lag"], row["warehouse"], row["rows"]) == ("20 minutes", "MYWH", 2)
    assert (row["refresh_mode"], row["refresh_mode_reason"]) == ("INCREMENTAL", None)
    assert row["is_iceberg"] == "false"  # plain CREATE DYNAMIC TABLE is never Iceberg
    assert row["scheduling_state"] == "RUNNING"


def test_column_list_renames_expression_columns(emu: Emulator) -> None:
    emu.sql(
        "CREATE DYNAMIC TABLE profits (pre_tax_profit, taxes COMMENT 'fixed rate') "
        "TARGET_LAG = '20 minutes' WAREHOUSE = mywh "
        "AS SELECT revenue - cost, (revenue - cost) * 0.5 FROM staging_table"
    )
    described = emu.sql("DESCRIBE DYNAMIC TABLE profits").to_pylist()
    assert [r["name"] for r in described] == ["PRE_TAX_PROFIT", "TAXES"]
    assert described[1]["comment"] == "fixed rate"
    total = emu.sql("SELECT SUM(pre_tax_profit) FROM profits").column(0).to_pylist()
    assert total == [45]


@pytest.mark.parametrize("lag", ["'59 seconds'", "'0 minutes'"])
def test_target_lag_below_one_minute_is_an_error(emu: Emulator, lag: str) -> None:
    with pytest.raises(ProgrammingError, match="at least 1 minute"):
        emu.sql(f"CREATE DYNAMIC TABLE d TARGET_LAG = {lag} WAREHOUSE = w AS SELECT 1 AS x")
    assert emu.sql("SHOW DYNAMIC TABLES").num_rows == 0


def test_sixty_seconds_and_downstream_are_accepted(emu: Emulator) -> None:
    emu.sql("CREATE DYNAMIC TABLE d1 TARGET_LAG = '60 seconds' WAREHOUSE = w AS SELECT 1 AS x")
    emu.sql("CREATE DYNAMIC TABLE d2 TARGET_LAG = DOWNSTREAM WAREHOUSE = w AS SELECT 1 AS x")
    assert _show(emu, "d1")["target_lag"] == "60 seconds"
    assert _show(emu, "d2")["target_lag"] == "DOWNSTREAM"


def test_warehouse_and_target_lag_are_required(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError, match="WAREHOUSE"):
        emu.sql("CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' AS SELECT 1 AS x")
    with pytest.raises(ProgrammingError, match="TARGET_LAG"):
        emu.sql("CREATE DYNAMIC TABLE d WAREHOUSE = w AS SELECT 1 AS x")


def test_scheduler_disable_forbids_target_lag(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError, match="SCHEDULER = DISABLE"):
        emu.sql(
            "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' SCHEDULER = DISABLE "
            "WAREHOUSE = w AS SELECT 1 AS x"
        )
    emu.sql("CREATE DYNAMIC TABLE d SCHEDULER = DISABLE WAREHOUSE = w AS SELECT 1 AS x")
    row = _show(emu, "d")
    assert (row["target_lag"], row["scheduler"]) == (None, "DISABLE")


def test_auto_resolves_to_full_with_the_reason(emu: Emulator) -> None:
    emu.execute("CREATE TABLE excluded (id INT); INSERT INTO excluded VALUES (2)")
    emu.sql(
        "CREATE DYNAMIC TABLE dt_non_null_orders TARGET_LAG = '1 minute' WAREHOUSE = w AS "
        "SELECT id FROM staging_table EXCEPT SELECT id FROM excluded"
    )
    row = _show(emu, "dt_non_null_orders")
    assert row["refresh_mode"] == "FULL"
    assert row["refresh_mode_reason"] == "Unsupported query operator type: SetOperation[EXCEPT]"
    ids = emu.sql("SELECT id FROM dt_non_null_orders ORDER BY id").column(0).to_pylist()
    assert ids == [1, 3]


def test_incremental_with_an_unsupported_construct_fails(emu: Emulator) -> None:
    with pytest.raises(SqlError, match="incrementally") as info:
        emu.sql(
            "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w "
            "REFRESH_MODE = INCREMENTAL AS SELECT id FROM staging_table LIMIT 1"
        )
    assert "Limit" in str(info.value)
    assert emu.sql("SHOW DYNAMIC TABLES").num_rows == 0


def test_explicit_full_mode_has_no_reason(emu: Emulator) -> None:
    emu.sql(
        "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w REFRESH_MODE = FULL "
        "AS SELECT id FROM staging_table"
    )
    row = _show(emu, "d")
    assert (row["refresh_mode"], row["refresh_mode_reason"]) == ("FULL", None)


@pytest.mark.parametrize(
    ("query", "construct"),
    [
        ("SELECT ANY_VALUE(id) AS x FROM staging_table", "ANY_VALUE"),
        ("SELECT id FROM staging_table SAMPLE (50)", "SAMPLE"),
        ("SELECT id, CURRENT_TIMESTAMP() AS ts FROM staging_table", "CURRENT_TIMESTAMP"),
        ("SELECT CURRENT_USER() AS u FROM staging_table", "CURRENT_USER"),
    ],
)
def test_never_supported_constructs_are_rejected(emu: Emulator, query: str, construct: str) -> None:
    with pytest.raises(ProgrammingError, match=construct):
        emu.sql(f"CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS {query}")


def test_current_timestamp_is_allowed_in_where(emu: Emulator) -> None:
    emu.sql(
        "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS "
        "SELECT id FROM staging_table WHERE CURRENT_TIMESTAMP() > '2000-01-01'::TIMESTAMP_LTZ"
    )
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [3]


def test_on_schedule_is_not_initialized_until_refreshed(emu: Emulator) -> None:
    emu.sql(
        "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w INITIALIZE = ON_SCHEDULE "
        "AS SELECT id FROM staging_table"
    )
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SELECT * FROM d")
    assert info.value.msg == (
        "Dynamic Table is not initialized. Please run a manual refresh or wait for a "
        "scheduled refresh before querying."
    )
    emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [3]


def test_a_failed_initial_refresh_fails_the_create(emu: Emulator) -> None:
    emu.sql("INSERT INTO staging_table VALUES (4, 'x', 0, 0)")
    with pytest.raises(DataError):
        emu.sql(
            "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w "
            "AS SELECT revenue / cost AS ratio FROM staging_table"
        )
    assert emu.sql("SHOW DYNAMIC TABLES").num_rows == 0
    # ON_SCHEDULE does not refresh at creation, so the same definition is accepted.
    emu.sql(
        "CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w INITIALIZE = ON_SCHEDULE "
        "AS SELECT revenue / cost AS ratio FROM staging_table"
    )
    assert emu.sql("SHOW DYNAMIC TABLES").num_rows == 1


def test_creation_turns_on_change_tracking_of_inputs(emu: Emulator) -> None:
    assert emu.sql("SHOW TABLES LIKE 'staging_table'").column("change_tracking")[0].as_py() == "OFF"
    emu.sql(CREATE_D.replace("SELECT id", "SELECT *"))
    assert emu.sql("SHOW TABLES LIKE 'staging_table'").column("change_tracking")[0].as_py() == "ON"


def test_replace_if_not_exists_and_already_exists(emu: Emulator) -> None:
    create = CREATE_D
    emu.sql(create)
    with pytest.raises(ProgrammingError, match="already exists"):
        emu.sql(create)
    out = emu.sql(create.replace("TABLE d", "TABLE IF NOT EXISTS d"))
    assert out.column(0).to_pylist() == ["D already exists, statement succeeded."]
    emu.sql(
        "CREATE OR REPLACE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w "
        "AS SELECT id, revenue FROM staging_table WHERE id = 1"
    )
    assert emu.sql("SELECT * FROM d").to_pylist() == [{"ID": 1, "REVENUE": 10}]
    with pytest.raises(ProgrammingError, match="not specified type 'DYNAMIC_TABLE'"):
        emu.sql(
            create.replace("CREATE", "CREATE OR REPLACE").replace("TABLE d", "TABLE staging_table")
        )


def test_create_or_alter_keeps_data_when_only_properties_change(emu: Emulator) -> None:
    base = "DYNAMIC TABLE d TARGET_LAG = '{lag}' WAREHOUSE = w AS SELECT id FROM staging_table"
    emu.sql("CREATE " + base.format(lag="1 minute"))
    emu.sql("INSERT INTO staging_table VALUES (9, 'z', 1, 1)")
    emu.sql("CREATE OR ALTER " + base.format(lag="5 minutes"))
    assert _show(emu, "d")["target_lag"] == "5 minutes"
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [3]  # not refreshed
    emu.sql(
        "CREATE OR ALTER " + base.format(lag="5 minutes").replace("SELECT id", "SELECT id, cost")
    )
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [4]  # rebuilt


def test_dml_on_a_dynamic_table_is_rejected(emu: Emulator) -> None:
    emu.sql(CREATE_D)
    for statement in ("INSERT INTO d VALUES (5)", "DELETE FROM d", "UPDATE d SET id = 1"):
        with pytest.raises(ProgrammingError, match="is a dynamic table"):
            emu.sql(statement)
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [3]


def test_drop_dynamic_table(emu: Emulator) -> None:
    emu.sql(CREATE_D)
    assert emu.sql("DROP DYNAMIC TABLE d").column(0).to_pylist() == ["D successfully dropped."]
    with pytest.raises(ProgrammingError, match="does not exist"):
        emu.sql("SELECT * FROM d")
    with pytest.raises(ProgrammingError, match="Dynamic table 'D' does not exist"):
        emu.sql("DROP DYNAMIC TABLE d")
    out = emu.sql("DROP DYNAMIC TABLE IF EXISTS d").column(0).to_pylist()
    assert out == ["Drop statement executed successfully (D already dropped)."]


def test_downstream_lag_must_not_be_below_upstream_lag(emu: Emulator) -> None:
    emu.sql(CREATE_D.replace("TABLE d", "TABLE up").replace("1 minute", "10 minutes"))
    with pytest.raises(ProgrammingError, match="greater than or equal"):
        emu.sql(
            "CREATE DYNAMIC TABLE down TARGET_LAG = '5 minutes' WAREHOUSE = w AS SELECT id FROM up"
        )
    emu.sql(
        "CREATE DYNAMIC TABLE down TARGET_LAG = '10 minutes' WAREHOUSE = w AS SELECT id FROM up"
    )
    assert emu.sql("SELECT COUNT(*) FROM down").column(0).to_pylist() == [3]


def test_a_failed_replace_keeps_the_old_table(emu: Emulator) -> None:
    emu.sql(CREATE_D)
    emu.sql("INSERT INTO staging_table VALUES (4, 'x', 0, 0)")
    with pytest.raises(DataError):
        emu.sql(
            "CREATE OR REPLACE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w "
            "AS SELECT revenue / cost AS ratio FROM staging_table"
        )
    assert emu.sql("SELECT COUNT(*) FROM d").column(0).to_pylist() == [3]
    assert [c.name for c in emu.sql("SELECT * FROM d").schema] == ["ID"]


def test_declared_column_types_are_kept(emu: Emulator) -> None:
    emu.sql(
        "CREATE DYNAMIC TABLE typed (id NUMBER(10, 0), name STRING) TARGET_LAG = '20 minutes' "
        "WAREHOUSE = mywh AS SELECT id, product_name FROM staging_table"
    )
    described = emu.sql("DESCRIBE DYNAMIC TABLE typed").to_pylist()
    assert [(r["name"], r["type"]) for r in described] == [
        ("ID", "NUMBER(10,0)"),
        ("NAME", "VARCHAR(16777216)"),
    ]
    assert emu.sql("SELECT COUNT(*) FROM typed").column(0).to_pylist() == [3]
