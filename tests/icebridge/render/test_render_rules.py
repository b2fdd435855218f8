"""Rendering rules: order, idempotence, fully-qualified names, load and cleanup bodies."""

from __future__ import annotations

import re

import pytest
from sqlglot import exp

from icebridge import Pipeline, Schedule
from icebridge.examples import orders as ex
from icebridge.render import render_all
from icebridge.sql.dialect import generate, parse, parse_one

COLUMNS = {"ORDER_ID": "NUMBER(38,0)", "STATUS": "VARCHAR(50)", "TS": "TIMESTAMP_NTZ(9)"}


def staged(name: str = "orders") -> Pipeline:
    return Pipeline(name, database="DB", warehouse="WH").stage(
        "STAGING.ORDERS_STAGING", columns=COLUMNS
    )


VARIANTS: dict[str, Pipeline] = {
    "merge": ex.orders,
    "append": ex.orders_append,
    "dynamic": ex.orders_dynamic,
    "standard_stream_merge": staged()
    .stream(append_only=False)
    .to_iceberg("A.ORDERS", merge_on="ORDER_ID", latest_by="TS"),
    "cron_failure_min_age": staged()
    .stream(show_initial_rows=True)
    .to_iceberg(
        "A.ORDERS",
        schedule=Schedule.cron("*/5 * * * *", tz="Europe/Paris"),
        external_volume="vol",
        warehouse="LOAD_WH",
    )
    .cleanup(min_age="1 hour")
    .on_failure(suspend_after=3, retries=2, error_integration="alerts"),
    "serverless": Pipeline("p", database="DB")
    .stage("S.T", columns=COLUMNS)
    .stream()
    .to_iceberg("A.T"),
    "dynamic_options": staged().to_dynamic_iceberg(
        "A.ORDERS", target_lag="5 minutes", refresh_mode="INCREMENTAL", initialize="ON_SCHEDULE"
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_statement_parses_into_a_real_node(variant: str) -> None:
    for sql in VARIANTS[variant].sql() + VARIANTS[variant].sql(pretty=True):
        nodes = parse(sql)
        assert len(nodes) == 1, sql
        assert not isinstance(nodes[0], exp.Command), sql


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rendered_text_is_stable_through_the_grammar(variant: str) -> None:
    for sql in VARIANTS[variant].sql():
        assert generate(parse_one(sql)) == sql


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_redeploy_is_safe(variant: str) -> None:
    statements = VARIANTS[variant].sql()
    assert statements == VARIANTS[variant].sql()
    for sql in statements:
        if sql.startswith("CREATE OR REPLACE"):
            # Only tasks (while suspended) and dynamic tables (recomputed) are replaced;
            # replacing a table makes its streams stale and replacing a stream loses its offset.
            assert re.match(r"CREATE OR REPLACE (TASK|DYNAMIC ICEBERG TABLE) ", sql), sql
        elif sql.startswith("CREATE"):
            assert " IF NOT EXISTS " in sql, sql
        assert not re.match(r"ALTER TASK .* SET ", sql), sql


def _index(statements: list[str], pattern: str) -> int:
    hits = [i for i, s in enumerate(statements) if re.match(pattern, s)]
    assert len(hits) == 1, (pattern, statements)
    return hits[0]


def test_deploy_order() -> None:
    s = ex.orders.sql()
    schema = _index(s, r"CREATE SCHEMA IF NOT EXISTS \S+\.STAGING$")
    staging = _index(s, r"CREATE TABLE IF NOT EXISTS \S+\.ORDERS_STAGING ")
    target = _index(s, r"CREATE ICEBERG TABLE IF NOT EXISTS ")
    stream = _index(s, r"CREATE STREAM IF NOT EXISTS ")
    suspend = _index(s, r"ALTER TASK IF EXISTS \S+\.ORDERS_LOAD_TASK SUSPEND$")
    root = _index(s, r"CREATE OR REPLACE TASK \S+\.ORDERS_LOAD_TASK ")
    child = _index(s, r"CREATE OR REPLACE TASK \S+\.ORDERS_CLEANUP_TASK ")
    resume_child = _index(s, r"ALTER TASK \S+\.ORDERS_CLEANUP_TASK RESUME$")
    resume_root = _index(s, r"ALTER TASK \S+\.ORDERS_LOAD_TASK RESUME$")
    assert schema < staging < target < stream < suspend < root < child
    assert child < resume_child < resume_root == len(s) - 1


def test_staging_table_options() -> None:
    staging = next(s for s in ex.orders.sql() if s.startswith("CREATE TABLE"))
    assert "ORDER_ID NUMBER(38, 0) NOT NULL" in staging
    assert "CUSTOMER_ID NUMBER(38, 0)," in staging
    assert "_INGESTED_AT TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP()" in staging
    assert "CHANGE_TRACKING=TRUE" in staging
    assert "DATA_RETENTION_TIME_IN_DAYS=1" in staging


def test_iceberg_target_uses_iceberg_legal_types() -> None:
    target = next(s for s in ex.orders.sql() if s.startswith("CREATE ICEBERG TABLE"))
    assert "VARCHAR(50)" not in target
    assert "ORDER_TS TIMESTAMP_NTZ(6)" in target
    assert "CATALOG='SNOWFLAKE'" in target
    assert "BASE_LOCATION='AUTOMATED_INTELLIGENCE/ANALYTICS_ICEBERG/ORDERS'" in target


def test_root_task_properties_and_fully_qualified_stream() -> None:
    root = next(
        s for s in VARIANTS["cron_failure_min_age"].sql() if "TASK DB.STAGING.ORDERS_L" in s
    )
    assert "SCHEDULE='USING CRON */5 * * * * Europe/Paris'" in root
    assert "SUSPEND_TASK_AFTER_NUM_FAILURES=3" in root
    assert "TASK_AUTO_RETRY_ATTEMPTS=2" in root
    assert "ERROR_INTEGRATION=ALERTS" in root
    assert "WAREHOUSE=LOAD_WH" in root
    assert "WHEN SYSTEM$STREAM_HAS_DATA('DB.STAGING.ORDERS_STAGING_STREAM')" in root
    serverless = next(s for s in VARIANTS["serverless"].sql() if "OR REPLACE TASK" in s)
    assert "WAREHOUSE" not in serverless


def test_merge_deduplicates_the_stream() -> None:
    root = next(s for s in ex.orders.sql() if "ORDERS_LOAD_TASK WAREHOUSE" in s)
    node = parse_one(root)
    merge = node.find(exp.Merge)
    assert merge is not None
    source = merge.args["using"]
    assert isinstance(source, exp.Subquery)
    inner = source.this
    assert isinstance(inner, exp.Select)
    assert inner.args["from_"].this.name == "ORDERS_STAGING_STREAM"
    qualify = inner.args["qualify"].sql()
    assert "PARTITION BY ORDER_ID ORDER BY _INGESTED_AT DESC" in qualify
    assert "= 1" in qualify


def test_standard_stream_merge_applies_deletes_and_drops_update_halves() -> None:
    root = next(s for s in VARIANTS["standard_stream_merge"].sql() if "AS MERGE" in s)
    assert "WHERE NOT (METADATA$ACTION = 'DELETE' AND METADATA$ISUPDATE)" in root
    assert "ORDER BY CASE WHEN METADATA$ACTION = 'INSERT' THEN 0 ELSE 1 END ASC, TS DESC" in root
    assert "WHEN MATCHED AND S.METADATA$ACTION = 'DELETE' THEN DELETE" in root
    assert "WHEN NOT MATCHED AND S.METADATA$ACTION = 'INSERT' THEN INSERT" in root
    assert root.index("THEN DELETE") < root.index("THEN UPDATE")


def test_cleanup_never_consumes_the_stream() -> None:
    cleanup = next(
        s for s in VARIANTS["cron_failure_min_age"].sql() if "ORDERS_CLEANUP_TASK WAREHOUSE" in s
    )
    assert "AFTER DB.STAGING.ORDERS_LOAD_TASK" in cleanup
    node = parse_one(cleanup).find(exp.Delete)
    assert node is not None
    # The stream appears only as the AT(STREAM => ...) point of a CHANGES read.
    tables = [t.name for t in node.find_all(exp.Table)]
    assert "ORDERS_STAGING_STREAM" not in tables
    assert (
        "CHANGES (INFORMATION => DEFAULT) AT (STREAM => 'DB.STAGING.ORDERS_STAGING_STREAM')"
        in cleanup
    )
    # Pending rows with their current values: the net changes' INSERT rows.
    assert "P.METADATA$ACTION = 'INSERT'" in cleanup
    for column in ("ORDER_ID", "STATUS", "TS", "_INGESTED_AT"):
        assert f"P.{column} IS NOT DISTINCT FROM S.{column}" in cleanup
    assert "S._INGESTED_AT < DATEADD(SECOND, -3600," in cleanup


def test_dynamic_table() -> None:
    statements = VARIANTS["dynamic_options"].sql()
    dynamic = next(s for s in statements if "DYNAMIC" in s)
    assert dynamic.startswith("CREATE OR REPLACE DYNAMIC ICEBERG TABLE DB.A.ORDERS ")
    assert "TARGET_LAG='5 minutes'" in dynamic
    assert "REFRESH_MODE=INCREMENTAL" in dynamic
    assert "INITIALIZE=ON_SCHEDULE" in dynamic
    assert "CAST(STATUS AS STRING) AS STATUS" in dynamic
    assert "CAST(TS AS TIMESTAMP_NTZ(6)) AS TS" in dynamic
    assert not any("STREAM" in s or "TASK" in s for s in statements)


def test_rendering_together_creates_each_schema_once() -> None:
    statements = render_all(ex.PIPELINES)
    schemas = [s for s in statements if s.startswith("CREATE SCHEMA")]
    assert len(schemas) == len(set(schemas)) == 2
    assert len(statements) == len(set(statements))


def test_shared_staging_table_is_created_once_with_the_union_of_keys() -> None:
    a = staged("a").stream(name="A_STREAM").to_iceberg("A.T1", merge_on="ORDER_ID")
    b = staged("b").stream(name="B_STREAM").to_iceberg("A.T2")
    statements = render_all([a, b])
    tables = [s for s in statements if s.startswith("CREATE TABLE")]
    assert len(tables) == 1
    assert "ORDER_ID NUMBER(38, 0) NOT NULL" in tables[0]
    assert sum(s.startswith("CREATE STREAM") for s in statements) == 2


def test_explicit_iceberg_column_types() -> None:
    task = (
        staged()
        .stream()
        .to_iceberg("A.T", column_types={"order_id": "BIGINT", "ts": "TIMESTAMP_NTZ(3)"})
    )
    target = next(s for s in task.sql() if s.startswith("CREATE ICEBERG TABLE"))
    assert "ORDER_ID BIGINT" in target
    assert "TS TIMESTAMP_NTZ(3)" in target
    assert "STATUS STRING" in target
    dynamic = staged().to_dynamic_iceberg("A.T", column_types={"ORDER_ID": "BIGINT"})
    query = next(s for s in dynamic.sql() if "DYNAMIC" in s)
    assert "CAST(ORDER_ID AS BIGINT) AS ORDER_ID" in query
