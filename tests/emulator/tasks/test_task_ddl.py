"""CREATE / ALTER / DROP TASK, SHOW TASKS, DESCRIBE TASK and the modification rules.

https://docs.snowflake.com/en/sql-reference/sql/create-task,
https://docs.snowflake.com/en/sql-reference/sql/alter-task.
"""

from __future__ import annotations

import json

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError, SqlError


def show(emu: Emulator, name: str) -> dict[str, object]:
    rows = [r for r in emu.sql("SHOW TASKS").to_pylist() if r["name"] == name]
    assert len(rows) == 1
    return rows[0]


def test_created_and_replaced_tasks_are_suspended(emu: Emulator) -> None:
    emu.execute("CREATE TASK r SCHEDULE = '1 MINUTE' AS INSERT INTO t VALUES (1, 'a')")
    assert show(emu, "R")["state"] == "suspended"
    emu.execute("ALTER TASK r RESUME")
    assert show(emu, "R")["state"] == "started"
    emu.execute("CREATE OR REPLACE TASK r SCHEDULE = '5 MINUTE' AS INSERT INTO t VALUES (2, 'b')")
    row = show(emu, "R")
    assert row["state"] == "suspended"
    assert row["schedule"] == "5 MINUTE"
    assert row["definition"] == "INSERT INTO t VALUES (2, 'b')"


def test_if_not_exists_and_duplicate(emu: Emulator) -> None:
    emu.execute("CREATE TASK r AS SELECT 1")
    result = emu.sql("CREATE TASK IF NOT EXISTS r AS SELECT 2")
    assert "already exists" in result.column(0)[0].as_py()
    with pytest.raises(ProgrammingError, match="already exists"):
        emu.sql("CREATE TASK r AS SELECT 3")


def test_show_tasks_columns(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r WAREHOUSE = wh SCHEDULE = 'USING CRON 0 9 * * * UTC' "
        "CONFIG = '{\"env\": \"dev\"}' COMMENT = 'root' AS SELECT 1"
    )
    emu.execute(
        "CREATE TASK c AFTER r WHEN SYSTEM$GET_PREDECESSOR_RETURN_VALUE() = 'go' AS SELECT 2"
    )
    emu.execute("CREATE TASK f FINALIZE = r AS SELECT 3")
    root, child = show(emu, "R"), show(emu, "C")
    assert root["warehouse"] == "WH"
    assert root["schedule"] == "USING CRON 0 9 * * * UTC"
    assert root["comment"] == "root"
    assert json.loads(str(root["config"])) == {"env": "dev"}
    assert json.loads(str(root["task_relations"])) == {
        "Predecessors": [],
        "FinalizerTask": "DB.PUBLIC.F",
    }
    assert json.loads(str(child["predecessors"])) == ["DB.PUBLIC.R"]
    assert child["condition"] == "SYSTEM$GET_PREDECESSOR_RETURN_VALUE() = 'go'"
    assert child["schedule"] is None
    assert emu.sql("SHOW TASKS LIKE 'c%'").column("name").to_pylist() == ["C"]
    described = emu.sql("DESCRIBE TASK c").to_pylist()
    assert [r["name"] for r in described] == ["C"]


def test_resumed_standalone_task_cannot_be_modified(emu: Emulator) -> None:
    emu.execute("CREATE TASK r SCHEDULE = '1 MINUTE' AS SELECT 1; ALTER TASK r RESUME")
    with pytest.raises(SqlError, match="not suspended") as info:
        emu.sql("ALTER TASK r SET SUSPEND_TASK_AFTER_NUM_FAILURES = 3")
    assert (info.value.errno, info.value.sqlstate) == (91421, "22000")
    emu.execute("ALTER TASK r SUSPEND; ALTER TASK r SET SUSPEND_TASK_AFTER_NUM_FAILURES = 3")


def test_bundle_2026_06_allows_altering_a_resumed_singleton() -> None:
    # https://docs.snowflake.com/release-notes/bcr-bundles/2026_06/bcr-2363
    with Emulator(behavior_change_bundles={"2026_06"}) as emu:
        emu.execute("CREATE DATABASE db")
        emu.execute("CREATE TASK r SCHEDULE = '1 MINUTE' AS SELECT 1; ALTER TASK r RESUME")
        emu.execute("ALTER TASK r SET SCHEDULE = '2 MINUTE'")
        assert show(emu, "R")["schedule"] == "2 MINUTE"
        # A graph still needs its root suspended.
        emu.execute("ALTER TASK r SUSPEND; CREATE TASK c AFTER r AS SELECT 2; ALTER TASK r RESUME")
        with pytest.raises(SqlError, match="not suspended"):
            emu.sql("ALTER TASK r SET COMMENT = 'x'")


def test_graph_changes_need_the_root_suspended(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' AS SELECT 1; CREATE TASK c AFTER r AS SELECT 2"
    )
    emu.execute("ALTER TASK r RESUME")
    for statement in (
        "CREATE TASK d AFTER r AS SELECT 3",
        "ALTER TASK c RESUME",
        "ALTER TASK c MODIFY AS SELECT 4",
        "CREATE OR REPLACE TASK c AFTER r AS SELECT 5",
        "CREATE TASK f FINALIZE = r AS SELECT 6",
    ):
        with pytest.raises(SqlError, match=r"root task DB\.PUBLIC\.R .*not suspended"):
            emu.sql(statement)
    emu.execute("ALTER TASK r SUSPEND; ALTER TASK c RESUME; ALTER TASK c MODIFY AS SELECT 4")
    assert show(emu, "C")["definition"] == "SELECT 4"


def test_child_cannot_have_a_schedule(emu: Emulator) -> None:
    emu.execute("CREATE TASK r SCHEDULE = '1 MINUTE' AS SELECT 1")
    with pytest.raises(SqlError, match="cannot have a SCHEDULE"):
        emu.sql("CREATE TASK c SCHEDULE = '1 MINUTE' AFTER r AS SELECT 2")


@pytest.mark.parametrize("schedule", ["1 FORTNIGHT", "0 MINUTE", "USING CRON 0 9 * * * Mars/Base"])
def test_invalid_schedule(emu: Emulator, schedule: str) -> None:
    with pytest.raises(SqlError, match="SCHEDULE"):
        emu.sql(f"CREATE TASK r SCHEDULE = '{schedule}' AS SELECT 1")


@pytest.mark.parametrize(
    "condition",
    [
        "PARSE_JSON('{}') IS NOT NULL",
        "(SELECT COUNT(*) FROM t) > 0",
        "CURRENT_DATE() > '2020-01-01'",
    ],
)
def test_when_allows_only_documented_constructs(emu: Emulator, condition: str) -> None:
    with pytest.raises(SqlError, match="WHEN clause"):
        emu.sql(f"CREATE TASK r WHEN {condition} AS SELECT 1")
    emu.execute("CREATE TASK r AS SELECT 1")
    with pytest.raises(SqlError, match="WHEN clause"):
        emu.sql(f"ALTER TASK r MODIFY WHEN {condition}")


def test_when_accepts_the_documented_constructs(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r WHEN NOT (SYSTEM$STREAM_HAS_DATA('s') OR "
        "SYSTEM$GET_PREDECESSOR_RETURN_VALUE()::INT >= 2) AND TRUE AS SELECT 1"
    )
    assert "SYSTEM$STREAM_HAS_DATA" in str(show(emu, "R")["condition"])


def test_alter_set_unset_and_when(emu: Emulator) -> None:
    emu.execute("CREATE TASK r SCHEDULE = '1 MINUTE' COMMENT = 'a' AS SELECT 1")
    emu.execute("ALTER TASK r SET SCHEDULE = '2 HOURS', CONFIG = '{\"k\": 1}'")
    emu.execute("ALTER TASK r UNSET COMMENT")
    emu.execute("ALTER TASK r MODIFY WHEN SYSTEM$GET_PREDECESSOR_RETURN_VALUE() = 'x'")
    row = show(emu, "R")
    assert (row["schedule"], row["comment"], row["config"]) == ("2 HOURS", "", '{"k": 1}')
    assert row["condition"] is not None
    emu.execute("ALTER TASK r REMOVE WHEN")
    assert show(emu, "R")["condition"] is None


def test_add_and_remove_after(emu: Emulator) -> None:
    emu.execute("CREATE TASK a AS SELECT 1; CREATE TASK b AS SELECT 2; CREATE TASK c AS SELECT 3")
    emu.execute("ALTER TASK c ADD AFTER a, b")
    assert json.loads(str(show(emu, "C")["predecessors"])) == ["DB.PUBLIC.A", "DB.PUBLIC.B"]
    with pytest.raises(SqlError, match="cycle"):
        emu.sql("ALTER TASK a ADD AFTER c")
    emu.execute("ALTER TASK c REMOVE AFTER a")
    assert json.loads(str(show(emu, "C")["predecessors"])) == ["DB.PUBLIC.B"]


def test_task_options_are_checked(emu: Emulator) -> None:
    with pytest.raises(SqlError, match="USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE"):
        emu.sql(
            "CREATE TASK r WAREHOUSE = wh USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'XSMALL' "
            "AS SELECT 1"
        )
    with pytest.raises(SqlError, match="TASK_AUTO_RETRY_ATTEMPTS"):
        emu.sql("CREATE TASK r TASK_AUTO_RETRY_ATTEMPTS = 31 AS SELECT 1")
    with pytest.raises(SqlError, match="AUTOCOMMIT"):
        emu.sql("CREATE TASK r AUTOCOMMIT = FALSE AS SELECT 1")
    emu.execute("CREATE TASK r ALLOW_OVERLAPPING_EXECUTION = TRUE AS SELECT 1")
    assert show(emu, "R")["allow_overlapping_execution"] == "true"


def test_drop_task(emu: Emulator) -> None:
    emu.execute("CREATE TASK r AS SELECT 1; CREATE TASK c AFTER r AS SELECT 2")
    emu.execute("DROP TASK r")
    assert json.loads(str(show(emu, "C")["predecessors"])) == []
    assert "already dropped" in emu.sql("DROP TASK IF EXISTS r").column(0)[0].as_py()
    with pytest.raises(ProgrammingError, match="does not exist"):
        emu.sql("DROP TASK r")
    with pytest.raises(ProgrammingError, match="does not exist"):
        emu.sql("ALTER TASK r RESUME")
