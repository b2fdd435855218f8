"""Status for every mode: task pipelines report pending rows, stream state, next run and the
last error; dynamic pipelines report lag from DYNAMIC_TABLE_REFRESH_HISTORY
(https://docs.snowflake.com/en/sql-reference/functions/dynamic_table_refresh_history), the
data timestamp and scheduling state from SHOW DYNAMIC TABLES
(https://docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables)."""

from __future__ import annotations

import io

from rich.console import Console

from emulator import Emulator
from icebridge import Pipeline
from icebridge.pipeline.status import refresh_history_sql
from icebridge.sql.dialect import parse_one
from icebridge.sql.identifiers import ObjectName

COLUMNS = {"ID": "NUMBER", "S": "VARCHAR(20)"}


def test_refresh_history_sql_uses_the_table_function() -> None:
    sql = refresh_history_sql(ObjectName("DB", "LAKE", "my table"))
    assert "DYNAMIC_TABLE_REFRESH_HISTORY(NAME => 'DB.LAKE.\"my table\"'" in sql
    assert "ORDER BY REFRESH_START_TIME DESC" in sql
    parse_one(sql)


def test_dynamic_pipeline_status() -> None:
    with Emulator() as emu:
        p = (
            Pipeline("dyn", database="DB", warehouse="WH")
            .stage("RAW.T", columns=COLUMNS)
            .to_dynamic_iceberg("LAKE.T", merge_on="ID", target_lag="1 minute")
        )
        p.deploy(emu)
        p.ingest(emu, [{"id": 1, "s": "a"}])
        emu.advance("90 seconds")
        status = p.status(emu)
    assert status.mode == "dynamic"
    assert (status.staged_rows, status.target_rows) == (1, 1)
    assert status.scheduling_state == "RUNNING"
    assert status.data_timestamp is not None
    assert status.last_refresh is not None
    assert status.last_refresh.state == "SUCCEEDED"
    assert status.lag_seconds is not None
    assert 0 <= status.lag_seconds <= 60
    assert str(status).startswith("DYN (dynamic): staged rows 1, loaded rows 1, lag ")


def test_task_pipeline_status_reports_failures_and_renders() -> None:
    with Emulator() as emu:
        p = (
            Pipeline("ev", database="DB", warehouse="WH")
            .stage("RAW.T", columns=COLUMNS)
            .stream()
            .to_iceberg("LAKE.T", merge_on="ID", column_types={"ID": "INT"})
        )
        p.deploy(emu)
        # The target's ID is an Iceberg int (32 bits): this key cannot be loaded, runs fail.
        p.ingest(emu, [{"id": 10**12, "s": "a"}])
        emu.advance("1 minute")
        status = p.status(emu)
    assert status.mode == "task"
    assert status.pending_rows == 1
    assert status.stream_stale is False
    assert status.next_run is not None
    assert status.runs_by_state is not None
    assert status.runs_by_state.get("FAILED", 0) >= 1
    assert status.last_error
    text = io.StringIO()
    Console(file=text, width=100).print(status)
    drawn = text.getvalue()
    assert "pipeline EV" in drawn
    assert "pending in stream" in drawn
    assert status.last_error.split()[0] in drawn
    assert len(str(status).splitlines()) == 1
