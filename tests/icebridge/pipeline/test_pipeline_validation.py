"""Every definition error: DefinitionError with the offending field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from icebridge import Column, Pipeline, Schedule
from icebridge.errors import DefinitionError, IdentifierError
from icebridge.render import render_all

COLUMNS = {"ORDER_ID": "NUMBER(38,0)", "STATUS": "VARCHAR(50)", "TS": "TIMESTAMP_NTZ"}


def base() -> Pipeline:
    return Pipeline("orders", database="DB", warehouse="WH")


def staged() -> Pipeline:
    return base().stage("STAGING.ORDERS_STAGING", columns=COLUMNS)


def streamed(append_only: bool = True) -> Pipeline:
    return staged().stream(append_only=append_only)


CASES: dict[str, tuple[Callable[[], object], str]] = {
    "bad pipeline name": (lambda: Pipeline("bad name"), "name"),
    "bad database": (lambda: Pipeline("p", database="1db"), "database"),
    "bad warehouse": (lambda: Pipeline("p", warehouse='"unterminated'), "warehouse"),
    "staging name without schema": (lambda: base().stage("ORDERS", columns=COLUMNS), "table"),
    "staging name with four parts": (lambda: base().stage("A.B.C.D", columns=COLUMNS), "table"),
    "staging name with semicolon": (lambda: base().stage("S.T; DROP", columns=COLUMNS), "table"),
    "no database for a two-part name": (
        lambda: Pipeline("p").stage("S.T", columns=COLUMNS),
        "table",
    ),
    "unknown type": (lambda: base().stage("S.T", columns={"A": "NUMBR"}), "columns"),
    "bad column name": (lambda: base().stage("S.T", columns={"a b": "NUMBER"}), "columns"),
    "duplicate column": (
        lambda: base().stage("S.T", columns=[Column("a", "INT"), Column("A", "INT")]),
        "columns",
    ),
    "no columns": (lambda: base().stage("S.T", columns={}), "columns"),
    "ingested_at collision": (
        lambda: base().stage("S.T", columns={"_ingested_at": "TIMESTAMP_NTZ"}),
        "columns",
    ),
    "bad default": (
        lambda: base().stage("S.T", columns=[Column("a", "INT", default="1; DROP TABLE x")]),
        "columns",
    ),
    "default referencing a column": (
        lambda: base().stage("S.T", columns=[Column("a", "STRING", default="abc")]),
        "columns",
    ),
    "negative retention": (
        lambda: base().stage("S.T", columns=COLUMNS, retention_days=-1),
        "retention_days",
    ),
    "retention above 90": (
        lambda: base().stage("S.T", columns=COLUMNS, max_extension_days=91),
        "max_extension_days",
    ),
    "stage twice": (lambda: staged().stage("S.U", columns=COLUMNS), "stage"),
    "stream before stage": (lambda: base().stream(), "stage"),
    "to_iceberg before stage": (lambda: base().to_iceberg("A.T"), "stage"),
    "to_iceberg without stream": (lambda: staged().to_iceberg("A.T"), "stream"),
    "merge_on unknown column": (
        lambda: streamed().to_iceberg("A.T", merge_on="NOPE"),
        "merge_on",
    ),
    "merge_on a float column": (
        lambda: (
            base()
            .stage("S.T", columns={"K": "FLOAT", "V": "STRING"})
            .stream()
            .to_iceberg("A.T", merge_on="K")
        ),
        "merge_on",
    ),
    "merge_on empty": (lambda: streamed().to_iceberg("A.T", merge_on=[]), "merge_on"),
    "latest_by unknown column": (
        lambda: streamed().to_iceberg("A.T", merge_on="ORDER_ID", latest_by="NOPE"),
        "latest_by",
    ),
    "merge requested without a key": (
        lambda: streamed().to_iceberg("A.T", latest_by="TS"),
        "merge_on",
    ),
    "merge without ingested_at or latest_by": (
        lambda: (
            base()
            .stage("S.T", columns=COLUMNS, ingested_at=False)
            .stream()
            .to_iceberg("A.T", merge_on="ORDER_ID")
        ),
        "latest_by",
    ),
    "insert mode on a standard stream": (
        lambda: streamed(append_only=False).to_iceberg("A.T"),
        "merge_on",
    ),
    "varchar with a length for an iceberg column type": (
        lambda: streamed().to_iceberg("A.T", catalog="GLUE"),
        "catalog",
    ),
    "explicit iceberg column type with a varchar length": (
        lambda: streamed().to_iceberg("A.T", column_types={"STATUS": "VARCHAR(50)"}),
        "column_types",
    ),
    "explicit iceberg column type for an unknown column": (
        lambda: staged().to_dynamic_iceberg("A.T", column_types={"NOPE": "STRING"}),
        "column_types",
    ),
    "explicit iceberg column type that is not a type": (
        lambda: streamed().to_iceberg("A.T", column_types={"TS": "WHENEVER"}),
        "column_types",
    ),
    "timestamp_tz has no iceberg type": (
        lambda: base().stage("S.T", columns={"TS": "TIMESTAMP_TZ"}).stream().to_iceberg("A.T"),
        "columns",
    ),
    "variant on iceberg v2": (
        lambda: base().stage("S.T", columns={"DOC": "VARIANT"}).to_dynamic_iceberg("A.T"),
        "columns",
    ),
    "target is the staging table": (
        lambda: streamed().to_iceberg("STAGING.ORDERS_STAGING"),
        "table",
    ),
    "bad schedule interval": (lambda: streamed().to_iceberg("A.T", schedule="soon"), "schedule"),
    "zero schedule interval": (
        lambda: streamed().to_iceberg("A.T", schedule="0 minutes"),
        "schedule",
    ),
    "schedule too long": (lambda: streamed().to_iceberg("A.T", schedule="9 days"), "schedule"),
    "bad cron field": (lambda: Schedule.cron("61 * * * *"), "schedule"),
    "cron with four fields": (lambda: Schedule.cron("* * * *"), "schedule"),
    "bad time zone": (lambda: Schedule.cron("* * * * *", tz="Mars/Base"), "schedule"),
    "bad cron string": (
        lambda: streamed().to_iceberg("A.T", schedule="USING CRON * * * * *"),
        "schedule",
    ),
    "target lag under 60 seconds": (
        lambda: staged().to_dynamic_iceberg("A.T", target_lag="30 seconds"),
        "target_lag",
    ),
    "stream with a dynamic target": (
        lambda: streamed().to_dynamic_iceberg("A.T"),
        "stream",
    ),
    "stream after a dynamic target": (
        lambda: staged().to_dynamic_iceberg("A.T").stream(),
        "stream",
    ),
    "dynamic without warehouse": (
        lambda: (
            Pipeline("p", database="DB").stage("S.T", columns=COLUMNS).to_dynamic_iceberg("A.T")
        ),
        "warehouse",
    ),
    "bad refresh mode": (
        lambda: staged().to_dynamic_iceberg("A.T", refresh_mode="SOMETIMES"),
        "refresh_mode",
    ),
    "both task target and dynamic table in one pipeline": (
        lambda: streamed().to_iceberg("A.T").to_dynamic_iceberg("A.T"),
        "table",
    ),
    "second target": (lambda: streamed().to_iceberg("A.T").to_iceberg("A.U"), "table"),
    "cleanup with a dynamic target": (
        lambda: staged().to_dynamic_iceberg("A.T").cleanup(),
        "cleanup",
    ),
    "cleanup with a standard stream": (
        lambda: streamed(append_only=False).to_iceberg("A.T", merge_on="ORDER_ID").cleanup(),
        "cleanup",
    ),
    "cleanup before a target": (lambda: streamed().cleanup(), "cleanup"),
    "cleanup min_age without ingested_at": (
        lambda: (
            base()
            .stage("S.T", columns=COLUMNS, ingested_at=False)
            .stream()
            .to_iceberg("A.T")
            .cleanup(min_age="1 hour")
        ),
        "min_age",
    ),
    "cleanup min_age malformed": (
        lambda: streamed().to_iceberg("A.T").cleanup(min_age="a while"),
        "min_age",
    ),
    "retries above 30": (lambda: streamed().to_iceberg("A.T").on_failure(retries=31), "retries"),
    "negative suspend_after": (
        lambda: streamed().to_iceberg("A.T").on_failure(suspend_after=-1),
        "suspend_after",
    ),
    "failure policy on a dynamic table": (
        lambda: staged().to_dynamic_iceberg("A.T").on_failure(retries=1),
        "on_failure",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_definition_errors(case: str) -> None:
    build, field = CASES[case]
    with pytest.raises(DefinitionError) as err:
        build()
    assert err.value.field == field, str(err.value)
    assert str(err.value)


def test_identifier_errors_are_definition_errors() -> None:
    with pytest.raises(IdentifierError) as err:
        base().stage('S."open', columns=COLUMNS)
    assert err.value.field == "table"


def test_type_error_names_the_column() -> None:
    with pytest.raises(DefinitionError, match="AMOUNT") as err:
        base().stage("S.T", columns={"ID": "NUMBER", "amount": "MONEY"})
    assert err.value.field == "columns"


def test_varchar_length_error_tells_what_to_use() -> None:
    # Iceberg target columns are derived from staging types; an explicit VARCHAR(n)
    # passed through the type mapping is rejected with the fix in the message.
    from icebridge.types import parse_type, to_iceberg

    with pytest.raises(DefinitionError, match="STRING or VARCHAR without a length"):
        to_iceberg(parse_type("VARCHAR(50)"), column="STATUS")


def _orders(**kwargs: object) -> Pipeline:
    return Pipeline("orders", database="DB", warehouse="WH").stage(
        "STAGING.ORDERS_STAGING", columns=COLUMNS
    )


def test_conflict_task_target_and_dynamic_across_pipelines() -> None:
    task = _orders().stream().to_iceberg("A.ORDERS")
    dynamic = (
        Pipeline("dyn", database="DB", warehouse="WH")
        .stage("STAGING.OTHER", columns=COLUMNS)
        .to_dynamic_iceberg("A.ORDERS")
    )
    for order in ([task, dynamic], [dynamic, task]):
        with pytest.raises(DefinitionError, match="both a task target and a dynamic") as err:
            render_all(order)
        assert err.value.field == "table"


def test_conflict_same_staging_table_different_columns() -> None:
    a = _orders().stream().to_iceberg("A.ORDERS")
    b = (
        Pipeline("other", database="DB", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns={"ORDER_ID": "NUMBER"})
        .stream(name="OTHER_STREAM")
        .to_iceberg("A.OTHER")
    )
    with pytest.raises(DefinitionError, match="different columns") as err:
        render_all([a, b])
    assert err.value.field == "columns"


def test_conflict_same_stream_or_task_names() -> None:
    a = _orders().stream().to_iceberg("A.ORDERS")
    b = (
        Pipeline("b", database="DB", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
        .stream()
        .to_iceberg("A.OTHER")
    )
    with pytest.raises(DefinitionError) as err:
        render_all([a, b])
    assert err.value.field == "stream"
    c = (
        Pipeline("orders", database="DB", warehouse="WH")
        .stage("STAGING.ELSEWHERE", columns=COLUMNS)
        .stream()
        .to_iceberg("A.THIRD")
    )
    with pytest.raises(DefinitionError) as err:
        render_all([a, c])
    assert err.value.field == "task_name"


def test_conflict_cleanup_on_shared_staging_table() -> None:
    a = _orders().stream().to_iceberg("A.ORDERS").cleanup()
    b = (
        Pipeline("b", database="DB", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
        .stream(name="B_STREAM")
        .to_iceberg("A.OTHER")
    )
    with pytest.raises(DefinitionError, match="several pipelines") as err:
        render_all([a, b])
    assert err.value.field == "cleanup"


def test_conflict_staging_table_used_as_target_elsewhere() -> None:
    a = _orders().stream().to_iceberg("A.ORDERS")
    b = (
        Pipeline("b", database="DB", warehouse="WH")
        .stage("A.SOURCE", columns=COLUMNS)
        .stream()
        .to_iceberg("STAGING.ORDERS_STAGING")
    )
    with pytest.raises(DefinitionError, match="staging table and a target") as err:
        render_all([a, b])
    assert err.value.field == "table"


def test_two_dynamic_tables_with_one_name() -> None:
    a = _orders().to_dynamic_iceberg("A.ORDERS")
    b = (
        Pipeline("b", database="DB", warehouse="WH")
        .stage("STAGING.B", columns=COLUMNS)
        .to_dynamic_iceberg("A.ORDERS")
    )
    with pytest.raises(DefinitionError) as err:
        render_all([a, b])
    assert err.value.field == "table"


def test_nothing_is_rendered_for_a_rejected_set() -> None:
    a = _orders().stream().to_iceberg("A.ORDERS")
    dynamic = (
        Pipeline("dyn", database="DB", warehouse="WH")
        .stage("STAGING.OTHER", columns=COLUMNS)
        .to_dynamic_iceberg("A.ORDERS")
    )
    with pytest.raises(DefinitionError):
        render_all([a, dynamic])
    # Each one alone is fine.
    assert render_all([a])
    assert render_all([dynamic])
