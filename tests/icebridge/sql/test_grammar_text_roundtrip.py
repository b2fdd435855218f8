"""Text fixtures: parse -> generate -> parse gives the same node; no statement of the
documented grammar falls back to an opaque Command; accessors read the options."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp

from icebridge.sql.dialect import generate, parse, parse_one
from icebridge.sql.nodes_stream import CreateStream
from icebridge.sql.nodes_table import (
    AlterDynamicTable,
    CreateDynamicTable,
    CreateIcebergTable,
    describe_kind,
    drop_kind,
    show_kind,
    table_option,
)
from icebridge.sql.nodes_task import AlterTask, Call, CreateTask, ExecuteTask, ScriptBlock

FIXTURE = Path(__file__).parent / "fixtures" / "snowflake_docs_statements.sql"
DOC_STATEMENTS = parse(FIXTURE.read_text(encoding="utf-8"))


def test_fixture_has_every_statement() -> None:
    # A splitting bug would merge or drop statements: count the terminating ';' lines.
    text = FIXTURE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    ends = sum(1 for line in lines if line.rstrip().endswith(";"))
    blocks_inner = sum(1 for line in lines if line.startswith("    ") and line.endswith(";"))
    assert len(DOC_STATEMENTS) == ends - blocks_inner
    assert len(DOC_STATEMENTS) > 80


@pytest.mark.parametrize("node", DOC_STATEMENTS, ids=lambda n: generate(n)[:60])
def test_doc_statement_round_trips(node: exp.Expression) -> None:
    assert not isinstance(node, exp.Command)
    text = generate(node)
    again = parse_one(text)
    assert again == node
    assert parse_one(generate(node, pretty=True)) == node


def _first(kind: type[exp.Expression], predicate: object = None) -> exp.Expression:
    for node in DOC_STATEMENTS:
        if isinstance(node, kind) and (predicate is None or predicate(node)):  # type: ignore[operator]
            return node
    raise AssertionError(f"no {kind.__name__} in the fixture")


def test_create_task_accessors() -> None:
    node = parse_one(
        "CREATE OR REPLACE TASK db.s.t WAREHOUSE = \"My WH\" SCHEDULE = '5 MINUTE' "
        'CONFIG = $${"a": 1}$$ OVERLAP_POLICY = no_overlap USER_TASK_TIMEOUT_MS = 60000 '
        "SUSPEND_TASK_AFTER_NUM_FAILURES = 3 TASK_AUTO_RETRY_ATTEMPTS = 2 "
        "TIMEZONE = 'UTC' ERROR_INTEGRATION = my_int COMMENT = 'c' FINALIZE = db.s.root "
        "AFTER db.s.a, b WHEN SYSTEM$STREAM_HAS_DATA('DB.S.X') "
        "AS BEGIN BEGIN TRANSACTION; INSERT INTO t SELECT 1; COMMIT; END"
    )
    assert isinstance(node, CreateTask)
    assert node.or_replace
    assert not node.if_not_exists
    assert node.task.sql() == "db.s.t"
    assert node.warehouse == "My WH"
    assert node.schedule == "5 MINUTE"
    assert node.config == '{"a": 1}'
    assert node.overlap_policy == "NO_OVERLAP"
    assert node.user_task_timeout_ms == 60000
    assert node.suspend_task_after_num_failures == 3
    assert node.task_auto_retry_attempts == 2
    assert node.error_integration == "MY_INT"
    assert node.comment == "c"
    assert node.option("timezone") == exp.Literal.string("UTC")
    assert node.option_names()[:2] == ["WAREHOUSE", "SCHEDULE"]
    finalize = node.finalize
    assert finalize is not None
    assert finalize.name == "root"
    assert [t.name for t in node.after] == ["a", "b"]
    assert isinstance(node.when, exp.Anonymous)
    kinds = [type(s) for s in node.body_statements]
    assert kinds == [exp.Transaction, exp.Insert, exp.Commit]
    assert node.initial_warehouse_size is None
    assert node.allow_overlapping_execution is None


def test_single_statement_body() -> None:
    node = _first(CreateTask, lambda n: n.task.name == "mytask1")
    assert isinstance(node, CreateTask)
    assert [type(s) for s in node.body_statements] == [exp.Insert]
    assert node.schedule == "5 minute"
    assert node.warehouse == "MYWH"


def test_call_body_and_declare_block() -> None:
    node = _first(CreateTask, lambda n: n.task.name == "root_task_with_config")
    assert isinstance(node, CreateTask)
    assert isinstance(node.body, Call)
    assert node.config is not None
    assert '"learning_rate": 0.1' in node.config
    block = _first(CreateTask, lambda n: n.task.name == "declare_task")
    assert isinstance(block, CreateTask)
    assert isinstance(block.body, ScriptBlock)
    assert [v.name for v in block.body.declarations] == ["n"]


def test_stream_accessors() -> None:
    node = parse_one(
        "CREATE OR REPLACE STREAM s COPY GRANTS ON EXTERNAL TABLE x.y AT (OFFSET => -300) "
        "INSERT_ONLY = TRUE SHOW_INITIAL_ROWS = FALSE COMMENT = 'k'"
    )
    assert isinstance(node, CreateStream)
    assert node.source_kind == "EXTERNAL TABLE"
    assert node.source.sql() == "x.y"
    assert node.insert_only is True
    assert node.append_only is None
    assert node.show_initial_rows is False
    assert node.mode == "INSERT_ONLY"
    assert node.comment == "k"
    at = node.at
    assert at is not None
    assert at.this == "AT"
    assert at.text("kind") == "OFFSET"
    assert node.source.args.get("when") is None


def test_alter_and_execute_accessors() -> None:
    set_node = parse_one("ALTER TASK t SET SCHEDULE = '1 MINUTE', WAREHOUSE = w")
    assert isinstance(set_node, AlterTask)
    assert set_node.action == "SET"
    assert set_node.option("SCHEDULE") == exp.Literal.string("1 MINUTE")
    unset = parse_one("ALTER TASK t UNSET schedule, comment")
    assert isinstance(unset, AlterTask)
    assert unset.unset_names == ["SCHEDULE", "COMMENT"]
    after = parse_one("ALTER TASK t ADD AFTER a, b")
    assert isinstance(after, AlterTask)
    assert [p.name for p in after.predecessors] == ["a", "b"]
    modify = parse_one("ALTER TASK t MODIFY AS BEGIN DELETE FROM x; END")
    assert isinstance(modify, AlterTask)
    assert [type(s) for s in modify.body_statements] == [exp.Delete]
    execute = parse_one("EXECUTE TASK t USING CONFIG = '{\"k\": 2}'")
    assert isinstance(execute, ExecuteTask)
    assert execute.using_config == '{"k": 2}'
    retry = parse_one("EXECUTE TASK t RETRY LAST")
    assert isinstance(retry, ExecuteTask)
    assert retry.retry_last
    assert retry.using_config is None


def test_dynamic_and_iceberg_are_distinguished() -> None:
    plain = parse_one("CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT 1")
    assert isinstance(plain, CreateDynamicTable)
    assert not plain.is_iceberg
    assert plain.target_lag == "1 minute"
    assert not plain.downstream
    assert plain.warehouse == "W"
    ice = _first(CreateDynamicTable, lambda n: n.is_iceberg)
    assert isinstance(ice, CreateDynamicTable)
    assert ice.external_volume == "my_external_volume"
    assert ice.catalog == "SNOWFLAKE"
    down = _first(CreateDynamicTable, lambda n: n.downstream)
    assert isinstance(down, CreateDynamicTable)
    assert down.target_lag == "DOWNSTREAM"
    modes = _first(CreateDynamicTable, lambda n: n.refresh_mode is not None)
    assert isinstance(modes, CreateDynamicTable)
    assert (modes.refresh_mode, modes.initialize) == ("AUTO", "ON_CREATE")
    or_alter = _first(CreateDynamicTable, lambda n: n.or_alter)
    assert generate(or_alter).startswith("CREATE OR ALTER DYNAMIC TABLE")
    table = parse_one("CREATE ICEBERG TABLE i (a INT) PARTITION BY (BUCKET(4, a), DAY(ts))")
    assert isinstance(table, CreateIcebergTable)
    assert table.is_iceberg
    bucket = table.partition_by[0]
    assert isinstance(bucket, exp.PartitionedByBucket)
    assert bucket.expression.name == "4"
    assert isinstance(table.partition_by[1], exp.Day)
    native = parse_one("CREATE TABLE t (a INT) DATA_RETENTION_TIME_IN_DAYS = 1 COMMENT = 'x'")
    assert type(native) is exp.Create
    assert table_option(native, "DATA_RETENTION_TIME_IN_DAYS") == exp.Literal.number(1)
    assert table_option(native, "COMMENT") == exp.Literal.string("x")


def test_alter_dynamic_table_accessors() -> None:
    node = parse_one("ALTER DYNAMIC TABLE a, b REFRESH COPY SESSION")
    assert isinstance(node, AlterDynamicTable)
    assert node.action == "REFRESH"
    assert [t.name for t in node.tables] == ["a", "b"]
    lag = parse_one('ALTER DYNAMIC TABLE a SET TARGET_LAG = DOWNSTREAM WAREHOUSE = "w x"')
    assert isinstance(lag, AlterDynamicTable)
    assert lag.target_lag == "DOWNSTREAM"
    assert lag.warehouse == "w x"


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("DROP STREAM s", "STREAM"),
        ("DROP TASK IF EXISTS t", "TASK"),
        ("DROP DYNAMIC TABLE d", "DYNAMIC TABLE"),
        ("DROP ICEBERG TABLE i", "ICEBERG TABLE"),
        ("DROP TABLE t", "TABLE"),
        ("DROP SCHEMA db.s", "SCHEMA"),
    ],
)
def test_drop_kind(sql: str, kind: str) -> None:
    node = parse_one(sql)
    assert isinstance(node, exp.Drop)
    assert drop_kind(node) == kind


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("DESCRIBE STREAM s", "STREAM"),
        ("DESC TASK t", "TASK"),
        ("DESCRIBE DYNAMIC TABLE d", "DYNAMIC TABLE"),
        ("DESCRIBE ICEBERG TABLE i", "ICEBERG TABLE"),
        ("DESCRIBE TABLE t", "TABLE"),
    ],
)
def test_describe_kind(sql: str, kind: str) -> None:
    node = parse_one(sql)
    assert isinstance(node, exp.Describe)
    assert describe_kind(node) == kind


@pytest.mark.parametrize(
    ("sql", "kind", "terse", "scope_kind"),
    [
        ("SHOW STREAMS", "STREAMS", False, None),
        ("SHOW TERSE STREAMS IN SCHEMA db.s", "STREAMS", True, "SCHEMA"),
        ("SHOW TASKS LIKE 'x%' IN db.s", "TASKS", False, "SCHEMA"),
        ("SHOW DYNAMIC TABLES IN ACCOUNT", "DYNAMIC TABLES", False, "ACCOUNT"),
        ("SHOW ICEBERG TABLES IN DATABASE db", "ICEBERG TABLES", False, "DATABASE"),
        ("SHOW TERSE TABLES", "TABLES", True, None),
        ("SHOW SCHEMAS", "SCHEMAS", False, None),
        ("SHOW DATABASES", "DATABASES", False, None),
    ],
)
def test_show_kind(sql: str, kind: str, terse: bool, scope_kind: str | None) -> None:
    node = parse_one(sql)
    assert isinstance(node, exp.Show)
    assert show_kind(node) == kind
    assert bool(node.args.get("terse")) is terse
    assert node.args.get("scope_kind") == scope_kind


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT v:id AS id, v:a.b, v:a[0].c, v:"Mixed Key", t.v:x::INT FROM t',
        "SELECT PARSE_JSON(x):a.b[1] FROM t",
        "SELECT a FROM t WHERE x IN (SELECT TRY_CAST(y AS INT) FROM u) QUALIFY ROW_NUMBER() "
        "OVER (PARTITION BY k ORDER BY ts DESC) = 1",
        "CREATE TABLE t (a STRING, b TEXT, c VARCHAR(10), d NUMBER(10, 2), e TIMESTAMP_NTZ(9))",
    ],
)
def test_query_text_round_trips(sql: str) -> None:
    node = parse_one(sql)
    text = generate(node)
    assert parse_one(text) == node
    assert generate(parse_one(text)) == text
