"""Pipeline.status and Pipeline.deploy against a recording target."""

from __future__ import annotations

import pyarrow as pa
import pytest
from pipeline_fake_target import RecordingTarget

from icebridge import Pipeline
from icebridge.errors import ProgrammingError, UnsupportedError
from icebridge.pipeline.status import count_sql, stream_has_data_sql, task_history_sql
from icebridge.sql.dialect import parse_one
from icebridge.sql.identifiers import ObjectName


def orders() -> Pipeline:
    return (
        Pipeline("orders", database="DB", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns={"ORDER_ID": "NUMBER"})
        .stream()
        .to_iceberg("A.ORDERS", merge_on="ORDER_ID")
    )


def _nothing_deployed(sql: str) -> pa.Table:
    # An existing, empty database: SHOW and INFORMATION_SCHEMA answer with no rows.
    return pa.table({"name": pa.array([], pa.string())})


def test_deploy_on_an_empty_database_runs_the_create_script() -> None:
    target = RecordingTarget(_nothing_deployed)
    orders().deploy(target)
    # The plan is the rendered script, without the suspend of a root that does not exist.
    expected = [s for s in orders().sql() if not s.startswith("ALTER TASK IF EXISTS")]
    assert target.scripts == [expected]
    assert target.queries[0] == "SHOW SCHEMAS IN DATABASE DB"


def test_status_sql_is_built_through_the_grammar() -> None:
    name = ObjectName("DB", "S", 'my "odd" table')
    assert count_sql(name) == 'SELECT COUNT(*) FROM DB.S."my ""odd"" table"'
    assert stream_has_data_sql(name).startswith("SELECT SYSTEM$STREAM_HAS_DATA(")
    history = task_history_sql(ObjectName("DB", "S", "LOAD"))
    assert "TASK_NAME => 'LOAD'" in history
    assert "RESULT_LIMIT => 10" in history
    for sql in (count_sql(name), stream_has_data_sql(name), history):
        parse_one(sql)


def test_status_reports_counts_stream_and_runs() -> None:
    def answer(sql: str) -> pa.Table:
        if "ORDERS_STAGING" in sql and "COUNT" in sql:
            return pa.table({"COUNT(*)": [5]})
        if "COUNT" in sql:
            return pa.table({"COUNT(*)": [3]})
        if "STREAM_HAS_DATA" in sql:
            return pa.table({"X": [True]})
        if "DATEDIFF" in sql:
            return pa.table({"LAG": [42]})
        return pa.table(
            {
                "NAME": ["ORDERS_LOAD_TASK"],
                "STATE": ["SUCCEEDED"],
                "SCHEDULED_TIME": [None],
                "COMPLETED_TIME": [None],
                "ERROR_MESSAGE": [None],
            }
        )

    status = orders().status(RecordingTarget(answer))
    assert status.staged_rows == 5
    assert status.target_rows == 3
    assert status.stream_has_data is True
    assert status.recent_task_runs is not None
    assert [r.state for r in status.recent_task_runs] == ["SUCCEEDED"]
    assert status.lag_seconds == 42
    assert status.runs_by_state == {"SUCCEEDED": 1}


def test_status_marks_unsupported_parts_as_none() -> None:
    def answer(sql: str) -> pa.Table:
        if "COUNT" in sql:
            return pa.table({"COUNT(*)": [0]})
        raise UnsupportedError("not implemented yet")

    status = orders().status(RecordingTarget(answer))
    assert status.staged_rows == 0
    assert status.stream_has_data is None
    assert status.recent_task_runs is None
    assert status.lag_seconds is None
    assert status.runs_by_state is None


def test_status_propagates_real_errors() -> None:
    def answer(sql: str) -> pa.Table:
        raise ProgrammingError("Object does not exist", errno=2003, sqlstate="42S02")

    with pytest.raises(ProgrammingError):
        orders().status(RecordingTarget(answer))
