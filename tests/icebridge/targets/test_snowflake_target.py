"""The Snowflake target, exercised offline through the Snowpark Session surface it uses
(run on the emulator), plus a live leg that runs only when credentials are configured."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from emulator import Emulator
from emulator.api.snowpark import EmulatorSession
from icebridge import Pipeline
from icebridge.errors import DeployError, IngestError, SqlError
from icebridge.sql.identifiers import ObjectName, join_parts, normalize
from icebridge.targets.base import Target
from icebridge.targets.snowflake import SnowflakeTarget

COLUMNS = {"ORDER_ID": "NUMBER(38,0)", "STATUS": "VARCHAR(20)"}


def _pipeline(database: str = "SHOP", schema: str = "STAGING") -> Pipeline:
    return (
        Pipeline("orders", database=database, warehouse="WH")
        .stage(f"{schema}.ORDERS_STAGING", columns=COLUMNS)
        .stream()
        .to_iceberg("ANALYTICS.ORDERS", merge_on="ORDER_ID")
    )


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.execute("CREATE DATABASE SHOP")
    yield emulator
    emulator.close()


def test_target_protocol_is_met(emu: Emulator) -> None:
    assert isinstance(SnowflakeTarget(EmulatorSession(emu)), Target)


def test_pipeline_runs_through_the_session_surface(emu: Emulator) -> None:
    target = SnowflakeTarget(EmulatorSession(emu))
    pipeline = _pipeline()
    pipeline.deploy(target)
    assert pipeline.ingest(target, [{"order_id": 1, "status": "NEW"}]) == 1
    # The virtual clock stands still between statements: move it so the second batch's
    # _INGESTED_AT is later, as it always is on Snowflake.
    emu.advance("1 second")
    pipeline.ingest(target, [{"order_id": 1, "status": "PAID"}, {"order_id": 2, "status": "NEW"}])
    emu.advance("1 minute")
    status = pipeline.status(target)
    assert status.target_rows == 2
    loaded = target.query("SELECT ORDER_ID, STATUS FROM SHOP.ANALYTICS.ORDERS ORDER BY 1")
    assert loaded.to_pylist() == [
        {"ORDER_ID": 1, "STATUS": "PAID"},
        {"ORDER_ID": 2, "STATUS": "NEW"},
    ]


def test_failed_statement_stops_the_deploy_and_names_it(emu: Emulator) -> None:
    target = SnowflakeTarget(EmulatorSession(emu))
    with pytest.raises(DeployError, match=r"statement 2 of 3 failed \(SELECT \* FROM NOPE"):
        target.execute_script(["CREATE TABLE SHOP.PUBLIC.A (X INT)", "SELECT * FROM NOPE", "X"])
    with pytest.raises(SqlError) as info:
        target.query("SELECT * FROM NOPE")
    assert info.value.errno == 2003


def test_ingest_failure_is_an_ingest_error(emu: Emulator) -> None:
    target = SnowflakeTarget(EmulatorSession(emu))
    batch = pa.table({"ORDER_ID": [1]})
    with pytest.raises(IngestError, match=r"SHOP\.STAGING\.MISSING"):
        target.insert_rows(ObjectName("SHOP", "STAGING", "MISSING"), batch)


class _RecordingSession:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def sql(self, query: str) -> Any:
        self.calls.append(("sql", query))
        raise RuntimeError("not used")

    def write_arrow(self, table: pa.Table, table_name: str, **options: Any) -> None:
        self.calls.append(("write_arrow", (table_name, options, table.column_names)))


def test_write_arrow_gets_stored_names_quoted_and_append_only() -> None:
    session = _RecordingSession()
    target = SnowflakeTarget(session)
    name = ObjectName("SHOP", "STAGING", "my table")
    assert target.insert_rows(name, pa.table({"ORDER_ID": [1], "Mixed": ["x"]})) == 1
    assert session.calls == [
        (
            "write_arrow",
            (
                "my table",
                {
                    "database": "SHOP",
                    "schema": "STAGING",
                    "quote_identifiers": True,
                    "auto_create_table": False,
                    "overwrite": False,
                },
                ["ORDER_ID", "Mixed"],
            ),
        )
    ]


_LIVE_KEYS = ("SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_PASSWORD", "SNOWFLAKE_DATABASE")


@pytest.mark.snowflake
@pytest.mark.skipif(
    not all(os.environ.get(k) for k in _LIVE_KEYS),
    reason="live Snowflake leg: set " + ", ".join(_LIVE_KEYS) + " (and SNOWFLAKE_WAREHOUSE)",
)
def test_live_snowflake_staging_round_trip() -> None:
    pytest.importorskip("snowflake.snowpark")
    params = {
        "account": os.environ["SNOWFLAKE_ACCOUNT"],
        "user": os.environ["SNOWFLAKE_USER"],
        "password": os.environ["SNOWFLAKE_PASSWORD"],
        "warehouse": os.environ.get("SNOWFLAKE_WAREHOUSE", ""),
        "database": os.environ["SNOWFLAKE_DATABASE"],
    }
    target = SnowflakeTarget.connect(params)
    schema = f"ICEBRIDGE_TEST_{uuid.uuid4().hex[:8].upper()}"
    stage_only = Pipeline("live", database=params["database"], warehouse="WH").stage(
        f"{schema}.LIVE_STAGING", columns=COLUMNS
    )
    try:
        stage_only.deploy(target)
        assert stage_only.ingest(target, [{"order_id": 1, "status": "NEW"}]) == 1
        assert stage_only.status(target).staged_rows == 1
    finally:
        name = join_parts([normalize(params["database"]), schema])
        target.execute_script([f"DROP SCHEMA IF EXISTS {name}"])


def test_missing_database_is_a_deploy_error_naming_the_statement() -> None:
    # On Snowflake icebridge never creates a database: the error says what to run or grant.
    emulator = Emulator()
    target = SnowflakeTarget(EmulatorSession(emulator))
    with pytest.raises(DeployError, match=r"database SHOP does not exist") as info:
        _pipeline().deploy(target)
    assert "CREATE DATABASE IF NOT EXISTS SHOP" in str(info.value)
    assert "GRANT USAGE ON DATABASE SHOP" in str(info.value)
    assert "SHOP" not in [row["name"] for row in emulator.sql("SHOW DATABASES").to_pylist()]
    emulator.close()


def test_plan_reads_the_deployed_state_through_the_session(emu: Emulator) -> None:
    target = SnowflakeTarget(EmulatorSession(emu))
    pipeline = _pipeline()
    first = pipeline.deploy(target)
    assert [c.kind for c in first if c.action == "create"][:2] == ["SCHEMA", "SCHEMA"]
    assert not pipeline.plan(target)
    wider = (
        Pipeline("orders", database="SHOP", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns={**COLUMNS, "NOTE": "VARCHAR(5)"})
        .stream()
        .to_iceberg("ANALYTICS.ORDERS", merge_on="ORDER_ID")
    )
    sql = wider.plan(target).statements()
    assert "ALTER TABLE SHOP.STAGING.ORDERS_STAGING ADD NOTE VARCHAR(5)" in sql
    assert "ALTER ICEBERG TABLE SHOP.ANALYTICS.ORDERS ADD NOTE STRING" in sql
