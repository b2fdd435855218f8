"""Task runs: WHEN, bodies as transactions, graphs, finalizers, retries, auto-suspend.

https://docs.snowflake.com/en/user-guide/tasks-graphs,
https://docs.snowflake.com/en/sql-reference/sql/create-task,
https://docs.snowflake.com/en/sql-reference/sql/execute-task.
"""

from __future__ import annotations

import pytest
from task_helpers import values

from emulator import Emulator
from icebridge.errors import SqlError


def history(emu: Emulator) -> list[dict[str, object]]:
    """Runs oldest first (TASK_HISTORY returns newest first; virtual runs tie on time)."""
    rows = emu.sql(
        "SELECT NAME, STATE, CONDITION_TEXT, RETURN_VALUE, SCHEDULED_FROM, ATTEMPT_NUMBER, "
        "ERROR_MESSAGE, QUERY_ID, GRAPH_RUN_GROUP_ID FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY()) "
        "WHERE STATE <> 'SCHEDULED'"
    ).to_pylist()
    return rows[::-1]


def test_false_when_skips_the_run_and_its_children(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' WHEN 1 = 2 AS INSERT INTO t VALUES (1, 'root');"
        "CREATE TASK c AFTER r AS INSERT INTO t VALUES (2, 'child');"
        "CREATE TASK f FINALIZE = r AS INSERT INTO t VALUES (3, 'final');"
        "ALTER TASK c RESUME; ALTER TASK f RESUME; ALTER TASK r RESUME"
    )
    records = emu.advance(minutes=1)
    assert [(r.name.name, r.state) for r in records] == [("R", "SKIPPED")]
    rows = history(emu)
    assert [(r["NAME"], r["STATE"], r["CONDITION_TEXT"]) for r in rows] == [
        ("R", "SKIPPED", "1 = 2")
    ]
    assert rows[0]["QUERY_ID"] is None
    assert values(emu) == []


def test_failing_body_changes_nothing_and_is_failed(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' AS INSERT INTO t SELECT 1 / 0, 'x';ALTER TASK r RESUME"
    )
    [record] = emu.advance(minutes=1)
    assert record.state == "FAILED"
    assert record.error_message is not None
    assert "Division by zero" in record.error_message
    assert values(emu) == []


def test_scripting_block_autocommits_outside_its_transaction(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r AS BEGIN "
        "INSERT INTO t VALUES (1, 'autocommitted'); "
        "BEGIN TRANSACTION; INSERT INTO t VALUES (2, 'in transaction'); "
        "INSERT INTO t SELECT 1 / 0, 'fails'; COMMIT; END"
    )
    emu.execute("EXECUTE TASK r")
    assert values(emu) == [1]
    assert history(emu)[0]["STATE"] == "FAILED"
    emu.execute(
        "CREATE OR REPLACE TASK r AS BEGIN BEGIN TRANSACTION; INSERT INTO t VALUES (5, 'a'); "
        "INSERT INTO t VALUES (6, 'b'); COMMIT; END"
    )
    emu.execute("EXECUTE TASK r")
    assert values(emu) == [1, 5, 6]


def test_graph_order_multiple_predecessors_and_finalizer(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' AS INSERT INTO t VALUES (1, 'r');"
        "CREATE TASK a AFTER r AS INSERT INTO t VALUES (2, 'a');"
        "CREATE TASK b AFTER r AS INSERT INTO t VALUES (3, 'b');"
        "CREATE TASK c AFTER a, b AS INSERT INTO t VALUES (4, 'c');"
        "CREATE TASK f FINALIZE = r AS INSERT INTO t VALUES (5, 'f');"
        "SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('db.public.r')"
    )
    records = emu.advance(minutes=1)
    assert [r.name.name for r in records] == ["R", "A", "B", "C", "F"]
    assert {r.state for r in records} == {"SUCCEEDED"}
    assert len({r.details["graph_run_group_id"] for r in records}) == 1
    assert values(emu) == [1, 2, 3, 4, 5]


def test_failed_predecessor_stops_children_but_not_the_finalizer(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r AS INSERT INTO t VALUES (1, 'r');"
        "CREATE TASK a AFTER r AS INSERT INTO t SELECT 1 / 0, 'a';"
        "CREATE TASK c AFTER a AS INSERT INTO t VALUES (3, 'c');"
        "CREATE TASK f FINALIZE = r AS INSERT INTO t VALUES (9, 'f');"
        "ALTER TASK a RESUME; ALTER TASK c RESUME; ALTER TASK f RESUME"
    )
    emu.execute("EXECUTE TASK r")
    assert [(r["NAME"], r["STATE"]) for r in history(emu)] == [
        ("R", "SUCCEEDED"),
        ("A", "FAILED"),
        ("F", "SUCCEEDED"),
    ]
    assert values(emu) == [1, 9]


def test_suspended_child_is_skipped_as_though_it_succeeded(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r AS INSERT INTO t VALUES (1, 'r');"
        "CREATE TASK a AFTER r AS INSERT INTO t VALUES (2, 'a');"
        "CREATE TASK c AFTER a AS INSERT INTO t VALUES (3, 'c');"
        "ALTER TASK c RESUME"
    )
    emu.execute("EXECUTE TASK r")  # runs the suspended root once, without resuming it
    assert values(emu) == [1, 3]
    assert emu.sql("SHOW TASKS LIKE 'R'").column("state").to_pylist() == ["suspended"]


def test_return_values_reach_children_and_history(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r AS CALL SYSTEM$SET_RETURN_VALUE('go');"
        "CREATE TASK c AFTER r WHEN SYSTEM$GET_PREDECESSOR_RETURN_VALUE('R') = 'go' "
        "AS INSERT INTO t SELECT 7, SYSTEM$GET_PREDECESSOR_RETURN_VALUE();"
        "CREATE TASK d AFTER r WHEN SYSTEM$GET_PREDECESSOR_RETURN_VALUE() = 'stop' "
        "AS INSERT INTO t VALUES (8, 'never');"
        "ALTER TASK c RESUME; ALTER TASK d RESUME; EXECUTE TASK r"
    )
    assert values(emu, "SELECT note FROM t") == ["go"]
    states = {r["NAME"]: (r["STATE"], r["RETURN_VALUE"]) for r in history(emu)}
    assert states == {"R": ("SUCCEEDED", "go"), "C": ("SUCCEEDED", None), "D": ("SKIPPED", None)}


def test_execute_task_using_config_deep_merges(emu: Emulator) -> None:
    emu.execute(
        'CREATE TASK r CONFIG = \'{"env": {"name": "dev", "size": 1}, "keep": 1}\' AS '
        "INSERT INTO t SELECT 1, SYSTEM$GET_TASK_GRAPH_CONFIG('env')"
    )
    emu.execute('EXECUTE TASK r USING CONFIG = \'{"env": {"name": "prod"}}\'')
    emu.execute("EXECUTE TASK r")
    notes = values(emu, "SELECT note FROM t ORDER BY note")
    assert [__import__("json").loads(str(n)) for n in notes] == [
        {"name": "dev", "size": 1},
        {"name": "prod", "size": 1},
    ]
    assert {r["SCHEDULED_FROM"] for r in history(emu)} == {"EXECUTE_TASK"}


def test_execute_task_on_a_child_is_a_user_error(emu: Emulator) -> None:
    emu.execute("CREATE TASK r AS SELECT 1; CREATE TASK c AFTER r AS SELECT 2")
    with pytest.raises(SqlError, match="root task"):
        emu.sql("EXECUTE TASK c")


def test_automatic_retries_and_retry_last(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE flag (ok BOOLEAN);"
        "CREATE TASK r TASK_AUTO_RETRY_ATTEMPTS = 2 AS INSERT INTO t VALUES (1, 'r');"
        "CREATE TASK c AFTER r AS INSERT INTO t SELECT 10 / COUNT(*), 'c' FROM flag;"
        "ALTER TASK c RESUME; EXECUTE TASK r"
    )
    rows = history(emu)
    assert [(r["NAME"], r["STATE"], r["ATTEMPT_NUMBER"], r["SCHEDULED_FROM"]) for r in rows] == [
        ("R", "SUCCEEDED", 1, "EXECUTE_TASK"),
        ("C", "FAILED", 1, "EXECUTE_TASK"),
        ("C", "FAILED", 2, "AUTOMATIC RETRY"),
        ("C", "FAILED", 3, "AUTOMATIC RETRY"),
    ]
    emu.execute("INSERT INTO flag VALUES (TRUE); EXECUTE TASK r RETRY LAST")
    last = history(emu)[-1]
    assert (last["NAME"], last["STATE"], last["SCHEDULED_FROM"]) == (
        "C",
        "SUCCEEDED",
        "MANUAL RETRY",
    )
    assert values(emu) == [1, 10]  # only the failed task ran again
    with pytest.raises(SqlError, match="did not fail"):
        emu.sql("EXECUTE TASK r RETRY LAST")


def test_consecutive_failures_auto_suspend_the_root(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' SUSPEND_TASK_AFTER_NUM_FAILURES = 3 "
        "AS INSERT INTO t SELECT 1 / 0, 'x'; ALTER TASK r RESUME"
    )
    records = emu.advance(minutes=10)
    assert [r.state for r in records] == ["FAILED", "FAILED", "FAILED_AND_AUTO_SUSPENDED"]
    assert emu.sql("SHOW TASKS").column("state").to_pylist() == ["suspended"]


def test_skipped_runs_do_not_count_and_success_resets(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE mode (m INT); INSERT INTO mode VALUES (0);"
        "CREATE TASK r SCHEDULE = '1 MINUTE' SUSPEND_TASK_AFTER_NUM_FAILURES = 2 "
        "AS INSERT INTO t SELECT 1 / m, 'x' FROM mode; ALTER TASK r RESUME"
    )
    assert [r.state for r in emu.advance(minutes=1)] == ["FAILED"]
    emu.execute("UPDATE mode SET m = 1")
    assert [r.state for r in emu.advance(minutes=1)] == ["SUCCEEDED"]
    emu.execute("UPDATE mode SET m = 0")
    assert [r.state for r in emu.advance(minutes=1)] == ["FAILED"]
    emu.execute("ALTER TASK r SUSPEND; ALTER TASK r MODIFY WHEN FALSE; ALTER TASK r RESUME")
    assert [r.state for r in emu.advance(minutes=3)] == ["SKIPPED"] * 3
    emu.execute("ALTER TASK r SUSPEND; ALTER TASK r REMOVE WHEN; ALTER TASK r RESUME")
    assert [r.state for r in emu.advance(minutes=1)] == ["FAILED"]  # resume reset the count
    assert [r.state for r in emu.advance(minutes=1)] == ["FAILED_AND_AUTO_SUSPENDED"]


def test_task_runtime_info(emu: Emulator) -> None:
    with pytest.raises(SqlError, match="within a task run"):
        emu.sql("SELECT SYSTEM$TASK_RUNTIME_INFO('CURRENT_TASK_NAME')")
    emu.execute(
        "CREATE TASK r AS "
        "INSERT INTO t SELECT 1, SYSTEM$TASK_RUNTIME_INFO('CURRENT_ROOT_TASK_NAME')"
    )
    emu.execute("EXECUTE TASK r")
    assert values(emu, "SELECT note FROM t") == ["DB.PUBLIC.R"]


def test_task_dependents_enable_resumes_the_whole_graph(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK r SCHEDULE = '1 MINUTE' AS SELECT 1; CREATE TASK a AFTER r AS SELECT 2;"
        "CREATE TASK b AFTER a AS SELECT 3; CREATE TASK f FINALIZE = r AS SELECT 4"
    )
    emu.sql("SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('r')")
    states = dict(
        zip(
            emu.sql("SHOW TASKS").column("name").to_pylist(),
            emu.sql("SHOW TASKS").column("state").to_pylist(),
            strict=True,
        )
    )
    assert states == {"A": "started", "B": "started", "F": "started", "R": "started"}


def test_body_runs_in_the_task_schema(emu: Emulator) -> None:
    emu.execute("CREATE SCHEMA other; CREATE TABLE other.t (x INT, note VARCHAR)")
    emu.execute("USE SCHEMA public")
    emu.execute("CREATE TASK other.r AS INSERT INTO t VALUES (42, 'other')")
    emu.execute("EXECUTE TASK other.r")
    assert values(emu, "SELECT x FROM other.t") == [42]
    assert values(emu) == []
    assert emu.engine.state.schema == "PUBLIC"


def test_task_session_parameters_apply_to_its_runs(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE tz (zone VARCHAR);"
        "CREATE TASK r TIMEZONE = 'Asia/Tokyo' AS "
        "INSERT INTO tz SELECT TO_CHAR(CURRENT_TIMESTAMP(), 'HH24:MI')"
    )
    emu.execute("EXECUTE TASK r")
    # The virtual clock starts at 12:00 UTC, 21:00 in Tokyo; the session keeps its zone.
    assert values(emu, "SELECT zone FROM tz") == ["21:00"]
    assert emu.engine.state.timezone == "America/Los_Angeles"


def test_quoted_task_and_schema_names(emu: Emulator) -> None:
    emu.execute('CREATE SCHEMA "Mixed"; CREATE TABLE "Mixed".t (x INT, note VARCHAR)')
    emu.execute('CREATE TASK "Mixed"."r" AS INSERT INTO t VALUES (3, \'q\')')
    emu.execute('EXECUTE TASK db."Mixed"."r"')
    assert values(emu, 'SELECT x FROM db."Mixed".t') == [3]


def test_execute_task_from_a_running_graph_queues_behind_it(emu: Emulator) -> None:
    emu.execute(
        "CREATE TASK other AS INSERT INTO t VALUES (2, 'other');"
        "CREATE TASK r AS BEGIN EXECUTE TASK other; INSERT INTO t VALUES (1, 'r'); END;"
        "CREATE TASK c AFTER r AS INSERT INTO t VALUES (3, 'c'); ALTER TASK c RESUME"
    )
    emu.execute("EXECUTE TASK r")
    # OTHER starts only after R's graph (R, then C) completed.
    assert values(emu, "SELECT note FROM t") == ["r", "c", "other"]
