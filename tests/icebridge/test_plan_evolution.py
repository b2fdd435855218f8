"""Planning against what is deployed, and evolving a deployed pipeline without losing data.

Rules checked here (docs/evolution.md):
- a fresh emulator needs no set-up: the plan creates the database;
- redeploying an unchanged pipeline plans nothing;
- an added nullable column is ALTER TABLE ... ADD COLUMN on the staging table
  (https://docs.snowflake.com/en/sql-reference/sql/alter-table) and ALTER ICEBERG TABLE ...
  ADD COLUMN on the target (https://docs.snowflake.com/en/sql-reference/sql/alter-iceberg-table);
  the stream stays valid and every row is kept;
- a task is replaced only while its root is suspended
  (https://docs.snowflake.com/en/sql-reference/sql/create-task);
- a dropped column, a narrowed type, a new merge key and a task <-> dynamic switch are refused
  before anything changes, unless the object is named in ``rebuild``;
- an icebridge task the pipeline no longer defines (its old cleanup task) is dropped; a task
  without the icebridge marker is never touched.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import icebridge
from emulator import Emulator
from icebridge import DeployError, Pipeline

BASE = {"ID": "NUMBER", "S": "VARCHAR(50)"}


def events(
    columns: dict[str, str] | None = None, *, cleanup: bool = True, key: str = "ID"
) -> Pipeline:
    p = (
        Pipeline("ev", database="DB", warehouse="WH")
        .stage("RAW.EV", columns=columns or BASE)
        .stream()
        .to_iceberg("LAKE.EV", merge_on=key)
    )
    return p.cleanup() if cleanup else p


def dynamic_events(columns: dict[str, str] | None = None) -> Pipeline:
    return (
        Pipeline("ev", database="DB", warehouse="WH")
        .stage("RAW.EV", columns=columns or BASE)
        .to_dynamic_iceberg("LAKE.EV", merge_on="ID")
    )


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator()
    yield emulator
    emulator.close()


def _snapshot(emu: Emulator) -> tuple[object, ...]:
    return (
        emu.sql("SELECT * FROM DB.RAW.EV ORDER BY ID").to_pylist(),
        emu.sql("SELECT * FROM DB.LAKE.EV ORDER BY ID").to_pylist(),
        sorted((t["name"], t["state"]) for t in emu.sql("SHOW TASKS IN DATABASE DB").to_pylist()),
        emu.sql(
            "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM DB.INFORMATION_SCHEMA.COLUMNS "
            "ORDER BY 1, 2"
        ).to_pylist(),
    )


def test_fresh_emulator_deploys_without_setup(emu: Emulator) -> None:
    plan = events().deploy(emu)
    first = plan.changes[0]
    assert (first.action, first.kind, first.name) == ("create", "DATABASE", "DB")
    assert first.sql == ("CREATE DATABASE IF NOT EXISTS DB",)
    schemas = [c.name for c in plan if c.kind == "SCHEMA"]
    assert schemas == ["DB.RAW", "DB.LAKE"]  # each once
    assert emu.sql("SHOW TASKS IN DATABASE DB").num_rows == 2


def test_redeploy_of_an_unchanged_pipeline_plans_nothing(emu: Emulator) -> None:
    events().deploy(emu)
    plan = events().plan(emu)
    assert not plan
    assert plan.statements() == []
    assert str(plan) == "no changes"
    assert not dynamic_events().plan(Emulator()).refused  # a fresh target has nothing to refuse


def test_added_column_alters_both_tables_and_keeps_every_row(emu: Emulator) -> None:
    events().deploy(emu)
    events().ingest(emu, [{"id": 1, "s": "a"}, {"id": 2, "s": "b"}])
    emu.advance("1 minute")
    wider = events({**BASE, "B": "VARCHAR(10)"})
    plan = wider.plan(emu)
    assert [(c.action, c.kind) for c in plan] == [
        ("suspend", "TASK"),
        ("alter", "TABLE"),
        ("alter", "ICEBERG TABLE"),
        ("replace", "TASK"),
        ("replace", "TASK"),
        ("resume", "TASK"),
        ("resume", "TASK"),
    ]
    assert plan.changes[1].sql == ("ALTER TABLE DB.RAW.EV ADD B VARCHAR(10)",)
    assert plan.changes[2].sql == ("ALTER ICEBERG TABLE DB.LAKE.EV ADD B STRING",)
    events().ingest(emu, [{"id": 3, "s": "c"}])  # a row still pending in the stream
    wider.deploy(emu)
    wider.ingest(emu, [{"id": 4, "s": "d", "b": "y"}])
    emu.advance("1 minute")
    rows = emu.sql("SELECT ID, S, B FROM DB.LAKE.EV ORDER BY ID").to_pylist()
    assert [(int(r["ID"]), r["S"], r["B"]) for r in rows] == [
        (1, "a", None),
        (2, "b", None),
        (3, "c", None),
        (4, "d", "y"),
    ]
    stream = emu.sql("SHOW STREAMS IN DATABASE DB").to_pylist()[0]
    assert stream["stale"] == "false"
    runs = emu.sql(
        "SELECT STATE FROM TABLE(DB.INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'EV_LOAD_TASK'))"
    ).column("STATE")
    assert "FAILED" not in runs.to_pylist()
    assert not wider.plan(emu)


@pytest.mark.parametrize(
    ("changed", "kind", "column", "why"),
    [
        (events({"ID": "NUMBER"}), "TABLE", "S", "no longer defined"),
        (events({"ID": "NUMBER", "S": "VARCHAR(10)"}), "TABLE", "S", "changes type"),
        (events(key="S"), "ICEBERG TABLE", None, "merge key"),
        (dynamic_events(), "ICEBERG TABLE", None, "dynamic table"),
    ],
    ids=["dropped-column", "narrowed-type", "new-merge-key", "task-to-dynamic"],
)
def test_refused_changes_change_nothing(
    emu: Emulator, changed: Pipeline, kind: str, column: str | None, why: str
) -> None:
    events().deploy(emu)
    events().ingest(emu, [{"id": 1, "s": "a"}])
    emu.advance("1 minute")
    before = _snapshot(emu)
    refused = changed.plan(emu).refused
    assert any(r.kind == kind and r.column == column and why in r.reason for r in refused)
    with pytest.raises(DeployError, match="refused, nothing was changed") as info:
        changed.deploy(emu)
    assert "rebuild=" in str(info.value)
    assert _snapshot(emu) == before


def test_dynamic_to_task_is_refused(emu: Emulator) -> None:
    dynamic_events().deploy(emu)
    with pytest.raises(DeployError, match=r"DYNAMIC TABLE DB\.LAKE\.EV is a dynamic table"):
        events().deploy(emu)
    assert emu.sql("SHOW TASKS IN DATABASE DB").num_rows == 0


def test_rebuilt_target_reloads_the_staged_rows(emu: Emulator) -> None:
    kept = events(cleanup=False)  # no cleanup: every staged row is still in staging
    kept.deploy(emu)
    kept.ingest(emu, [{"id": 1, "s": "a"}, {"id": 2, "s": "b"}])
    emu.advance("1 minute")
    kept.ingest(emu, [{"id": 3, "s": "c"}])  # still pending
    insert_mode = (
        Pipeline("ev", database="DB", warehouse="WH")
        .stage("RAW.EV", columns=BASE)
        .stream()
        .to_iceberg("LAKE.EV")
    )
    with pytest.raises(DeployError, match=r"rebuild: DB\.NOPE\.X is not a table"):
        insert_mode.deploy(emu, rebuild={"DB.NOPE.X"})
    plan = insert_mode.deploy(emu, rebuild={"LAKE.EV"})
    replaced = [(c.kind, c.name) for c in plan if c.action == "replace"]
    assert replaced[:2] == [("ICEBERG TABLE", "DB.LAKE.EV"), ("STREAM", "DB.RAW.EV_STREAM")]
    assert "SHOW_INITIAL_ROWS=TRUE" in plan.changes[[c.kind for c in plan].index("STREAM")].sql[0]
    emu.advance("1 minute")
    ids = emu.sql("SELECT ID FROM DB.LAKE.EV ORDER BY ID").column("ID").to_pylist()
    assert [int(i) for i in ids] == [1, 2, 3]
    assert not insert_mode.plan(emu)


def test_rebuilt_staging_table_starts_empty_and_keeps_the_target(emu: Emulator) -> None:
    events().deploy(emu)
    events().ingest(emu, [{"id": 1, "s": "a"}])
    emu.advance("1 minute")
    narrowed = events({"ID": "NUMBER", "S": "VARCHAR(10)"})
    plan = narrowed.deploy(emu, rebuild={"RAW.EV"})
    assert [(c.kind, c.name) for c in plan if c.action == "replace"][:2] == [
        ("TABLE", "DB.RAW.EV"),
        ("STREAM", "DB.RAW.EV_STREAM"),
    ]
    assert emu.sql("SELECT COUNT(*) AS N FROM DB.LAKE.EV").column("N")[0].as_py() == 1
    narrowed.ingest(emu, [{"id": 2, "s": "b"}])
    emu.advance("1 minute")
    assert emu.sql("SELECT COUNT(*) AS N FROM DB.LAKE.EV").column("N")[0].as_py() == 2
    assert not narrowed.plan(emu)


def test_removed_cleanup_task_is_dropped_and_foreign_tasks_are_kept(emu: Emulator) -> None:
    events().deploy(emu)
    emu.execute("CREATE TASK DB.RAW.MINE WAREHOUSE=WH SCHEDULE='5 MINUTE' AS SELECT 1")
    plan = events(cleanup=False).deploy(emu)
    drops = [(c.name, c.sql) for c in plan if c.action == "drop"]
    assert drops == [("DB.RAW.EV_CLEANUP_TASK", ("DROP TASK IF EXISTS DB.RAW.EV_CLEANUP_TASK",))]
    assert plan.changes[0].action == "suspend"  # the graph changes with its root suspended
    names = sorted(t["name"] for t in emu.sql("SHOW TASKS IN DATABASE DB").to_pylist())
    assert names == ["EV_LOAD_TASK", "MINE"]
    assert not events(cleanup=False).plan(emu)


def test_renamed_pipeline_prunes_its_old_tasks_on_request(emu: Emulator) -> None:
    events().deploy(emu)
    renamed = (
        Pipeline("events", database="DB", warehouse="WH")
        .stage("RAW.EV", columns=BASE)
        .stream()
        .to_iceberg("LAKE.EV", merge_on="ID")
    )
    assert not [c for c in icebridge.plan([renamed], emu) if c.action == "drop"]
    plan = icebridge.deploy([renamed], emu, prune=True)
    dropped = sorted(c.name for c in plan if c.action == "drop")
    assert dropped == ["DB.RAW.EV_CLEANUP_TASK", "DB.RAW.EV_LOAD_TASK"]
    names = sorted(t["name"] for t in emu.sql("SHOW TASKS IN DATABASE DB").to_pylist())
    assert names == ["EVENTS_LOAD_TASK"]


def test_foreign_task_with_the_pipeline_task_name_is_refused(emu: Emulator) -> None:
    emu.execute("CREATE DATABASE DB; CREATE SCHEMA DB.RAW")
    emu.execute("CREATE TASK DB.RAW.EV_LOAD_TASK WAREHOUSE=WH SCHEDULE='5 MINUTE' AS SELECT 1")
    refused = events().plan(emu).refused
    assert [(r.kind, r.name) for r in refused] == [("TASK", "DB.RAW.EV_LOAD_TASK")]
    assert "never touched" in refused[0].reason


def test_changed_dynamic_table_is_replaced_and_keeps_rows(emu: Emulator) -> None:
    dynamic_events().deploy(emu)
    dynamic_events().ingest(emu, [{"id": 1, "s": "a"}])
    emu.advance("2 minutes")
    wider = dynamic_events({**BASE, "B": "VARCHAR(10)"})
    plan = wider.plan(emu)
    assert [(c.action, c.kind) for c in plan] == [
        ("alter", "TABLE"),
        ("replace", "DYNAMIC TABLE"),
    ]
    wider.deploy(emu)
    emu.advance("2 minutes")
    assert emu.sql("SELECT ID, B FROM DB.LAKE.EV").to_pylist() == [{"ID": 1, "B": None}]
    assert not wider.plan(emu)


def test_task_to_dynamic_rebuild_drops_the_old_tasks(emu: Emulator) -> None:
    events().deploy(emu)
    events().ingest(emu, [{"id": 1, "s": "a"}])
    emu.advance("1 minute")
    plan = dynamic_events().deploy(emu, rebuild={"LAKE.EV"})
    dropped = sorted(c.name for c in plan if c.action == "drop")
    assert dropped == ["DB.RAW.EV_CLEANUP_TASK", "DB.RAW.EV_LOAD_TASK"]
    assert emu.sql("SHOW TASKS IN DATABASE DB").num_rows == 0
    dynamic_events().ingest(emu, [{"id": 2, "s": "b"}])
    emu.advance("2 minutes")
    # Recomputed from staging: row 1 was deleted by the old cleanup, row 2 is new.
    ids = emu.sql("SELECT ID FROM DB.LAKE.EV").column("ID").to_pylist()
    assert [int(i) for i in ids] == [2]
    assert not dynamic_events().plan(emu)


@pytest.mark.parametrize("group", ["PIPELINES", "DYNAMIC_PIPELINES", "APPEND_PIPELINES"])
def test_bundled_groups_redeploy_to_no_changes(emu: Emulator, group: str) -> None:
    from icebridge.examples import orders as examples

    pipelines = getattr(examples, group)
    first = icebridge.deploy(pipelines, emu)
    assert first.statements()
    assert not icebridge.plan(pipelines, emu)


def test_hostile_names_redeploy_to_no_changes(emu: Emulator) -> None:
    # Quotes, spaces and ';' in every name: state is read back in stored form.
    hostile = (
        Pipeline('"pipe line"', database='"my ""db""; x"', warehouse="WH")
        .stage('"st; age"."Or ders"', columns={'"Id"': "NUMBER", "v": "VARCHAR(5)"})
        .stream()
        .to_iceberg('"la ke"."T;1"', merge_on='"Id"')
        .cleanup()
    )
    hostile.deploy(emu)
    assert not hostile.plan(emu)


def test_replacing_the_root_recreates_its_unchanged_child(emu: Emulator) -> None:
    events().deploy(emu)
    slower = (
        Pipeline("ev", database="DB", warehouse="WH")
        .stage("RAW.EV", columns=BASE)
        .stream()
        .to_iceberg("LAKE.EV", merge_on="ID", schedule="5 minutes")
        .cleanup()
    )
    plan = slower.deploy(emu)
    replaced = [(c.name, c.reason) for c in plan if c.action == "replace"]
    assert replaced == [
        ("DB.RAW.EV_LOAD_TASK", "its definition changed"),
        ("DB.RAW.EV_CLEANUP_TASK", "its root task is recreated"),
    ]
    tasks = {t["name"]: t for t in emu.sql("SHOW TASKS IN DATABASE DB").to_pylist()}
    assert tasks["EV_CLEANUP_TASK"]["predecessors"] == '["DB.RAW.EV_LOAD_TASK"]'
    assert {t["state"] for t in tasks.values()} == {"started"}


def test_suspended_tasks_are_resumed_children_first(emu: Emulator) -> None:
    events().deploy(emu)
    emu.execute("ALTER TASK DB.RAW.EV_LOAD_TASK SUSPEND")
    plan = events().plan(emu)
    assert [(c.action, c.name) for c in plan] == [
        ("resume", "DB.RAW.EV_CLEANUP_TASK"),
        ("resume", "DB.RAW.EV_LOAD_TASK"),
    ]
    events().deploy(emu)
    states = {t["state"] for t in emu.sql("SHOW TASKS IN DATABASE DB").to_pylist()}
    assert states == {"started"}
    assert not events().plan(emu)
