"""The Pipeline builder: immutability, name resolution, defaults."""

from __future__ import annotations

import dataclasses

import pytest

from icebridge import Column, Pipeline, Schedule
from icebridge.pipeline import INGESTED_AT, DynamicTarget, IcebergTarget
from icebridge.sql.identifiers import ObjectName

COLUMNS = {
    "ORDER_ID": "NUMBER(38,0)",
    "CUSTOMER_ID": "NUMBER(38,0)",
    "ORDER_TS": "TIMESTAMP_NTZ",
    "STATUS": "VARCHAR(50)",
    "TOTAL_AMOUNT": "NUMBER(10,2)",
}


def base() -> Pipeline:
    return Pipeline(
        "orders", database="AUTOMATED_INTELLIGENCE", warehouse="AUTOMATED_INTELLIGENCE_WH"
    )


def test_every_step_returns_a_new_object_and_leaves_the_original_unchanged() -> None:
    p0 = base()
    p1 = p0.stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
    p2 = p1.stream()
    p3 = p2.to_iceberg("ANALYTICS_ICEBERG.ORDERS", merge_on="ORDER_ID")
    p4 = p3.cleanup()
    p5 = p4.on_failure(suspend_after=3, retries=2)
    chain = [p0, p1, p2, p3, p4, p5]
    assert len({id(p) for p in chain}) == len(chain)
    assert p0.staging is None
    assert p1.stream_spec is None
    assert p2.target is None
    assert p3.cleanup_spec is None
    assert p4.failure.suspend_after == 10
    assert p5.failure.suspend_after == 3
    assert p5.failure.retries == 2
    # Branching from one step gives independent pipelines.
    other = p2.to_iceberg("ANALYTICS_ICEBERG.ORDERS_COPY")
    assert p3.target is not None
    assert other.target is not None
    assert p3.target.table != other.target.table


def test_pipelines_are_frozen() -> None:
    p = base().stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "OTHER"  # type: ignore[misc]
    assert p.staging is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.staging.retention_days = 5  # type: ignore[misc]
    assert isinstance(p.staging.columns, tuple)


def test_equal_definitions_are_equal_and_hashable() -> None:
    a = base().stage("STAGING.ORDERS_STAGING", columns=COLUMNS).stream()
    b = base().stage("staging.orders_staging", columns=COLUMNS).stream()
    assert a == b
    assert hash(a) == hash(b)


def test_names_follow_identifier_rules() -> None:
    p = Pipeline('"Orders"', database="db", warehouse="wh").stage(
        'staging."Landing Zone"', columns={"id": "NUMBER", '"Mixed"': "STRING"}
    )
    assert p.name == "Orders"
    assert p.database == "DB"
    assert p.warehouse == "WH"
    assert p.staging is not None
    assert p.staging.table == ObjectName("DB", "STAGING", "Landing Zone")
    assert p.staging.column_names == ("ID", "Mixed", INGESTED_AT)


def test_three_part_names_keep_their_database() -> None:
    p = base().stage("OTHER_DB.STAGING.T", columns=COLUMNS)
    assert p.staging is not None
    assert p.staging.table.database == "OTHER_DB"


def test_defaults() -> None:
    p = (
        base()
        .stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
        .stream()
        .to_iceberg("ANALYTICS_ICEBERG.ORDERS", merge_on="order_id")
        .cleanup()
    )
    assert p.staging is not None
    assert p.stream_spec is not None
    assert p.staging.columns[-1].name == INGESTED_AT
    assert p.staging.columns[-1].default == "CURRENT_TIMESTAMP()"
    assert p.staging.retention_days == 1
    assert p.stream_spec.append_only is True
    assert p.stream_spec.name == ObjectName(
        "AUTOMATED_INTELLIGENCE", "STAGING", "ORDERS_STAGING_STREAM"
    )
    target = p.target
    assert isinstance(target, IcebergTarget)
    assert target.merge_on == ("ORDER_ID",)
    assert target.latest_by == INGESTED_AT
    assert target.schedule.sql() == "1 MINUTE"
    assert target.warehouse == "AUTOMATED_INTELLIGENCE_WH"
    assert target.catalog == "SNOWFLAKE"
    assert target.base_location == "AUTOMATED_INTELLIGENCE/ANALYTICS_ICEBERG/ORDERS"
    assert target.task == ObjectName("AUTOMATED_INTELLIGENCE", "STAGING", "ORDERS_LOAD_TASK")
    assert p.cleanup_spec is not None
    assert p.cleanup_spec.task.name == "ORDERS_CLEANUP_TASK"


def test_columns_as_column_objects() -> None:
    p = base().stage(
        "STAGING.T",
        columns=[
            Column("id", "NUMBER(38,0)", nullable=False),
            Column("qty", "NUMBER", default=0, comment="units"),
            Column("note", "STRING", default="'none'"),
        ],
        ingested_at=False,
    )
    assert p.staging is not None
    cols = {c.name: c for c in p.staging.columns}
    assert set(cols) == {"ID", "QTY", "NOTE"}
    assert cols["ID"].nullable is False
    assert cols["QTY"].default == "0"
    assert cols["QTY"].comment == "units"
    assert cols["NOTE"].default == "'none'"


def test_dynamic_target_and_explicit_names() -> None:
    p = (
        base()
        .stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
        .to_dynamic_iceberg(
            "ANALYTICS_ICEBERG.ORDERS",
            target_lag="2 minutes",
            merge_on=["ORDER_ID"],
            latest_by="ORDER_TS",
            refresh_mode="incremental",
            initialize="on_create",
            external_volume="my_volume",
        )
    )
    target = p.target
    assert isinstance(target, DynamicTarget)
    assert target.target_lag == "2 minutes"
    assert target.latest_by == "ORDER_TS"
    assert target.refresh_mode == "INCREMENTAL"
    assert target.initialize == "ON_CREATE"
    assert target.external_volume == "my_volume"


def test_schedules() -> None:
    assert Schedule.parse("90 seconds").sql() == "90 SECONDS"
    assert Schedule.parse("2 hours").sql() == "2 HOURS"
    assert Schedule.parse("1 minute").sql() == "1 MINUTE"
    assert Schedule.cron("*/5 * * * *", tz="UTC").sql() == "USING CRON */5 * * * * UTC"
    parsed = Schedule.parse("USING CRON 0 9 * * MON-FRI America/Los_Angeles")
    assert parsed == Schedule.cron("0 9 * * MON-FRI", tz="America/Los_Angeles")
    p = (
        base()
        .stage("STAGING.T", columns=COLUMNS)
        .stream()
        .to_iceberg("A.T", schedule=Schedule.cron("0 * * * *"), task_name="loader")
    )
    assert isinstance(p.target, IcebergTarget)
    assert p.target.schedule.cron_expr == "0 * * * *"
    assert p.target.task == ObjectName("AUTOMATED_INTELLIGENCE", "STAGING", "LOADER")
