"""Builders reject what Snowflake rejects, with an error naming the object or field."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlglot import exp

from icebridge.errors import DefinitionError
from icebridge.sql import build
from icebridge.sql.identifiers import ObjectName

T = ObjectName("DB", "S", "ORDERS").table()
Q = exp.select("*").from_("x")


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: build.create_table(T, columns=[]), "DB.S.ORDERS: needs at least one column"),
        (lambda: build.create_stream(T, on=T, on_kind="TABEL"), "ON 'TABEL'"),
        (lambda: build.create_stream(T, on=T, append_only=True, insert_only=True), "APPEND_ONLY"),
        (lambda: build.create_stream(T, on=T, at=exp.Literal.number(1)), "stream_at()"),
        (lambda: build.stream_at("VERSION", exp.Literal.number(1)), "unknown kind"),
        (
            lambda: build.create_task(T, body=Q, warehouse="W", initial_warehouse_size="XSMALL"),
            "WAREHOUSE and USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE",
        ),
        (lambda: build.create_task(T, body=Q, schedule="1 MINUTE", after=[T]), "SCHEDULE"),
        (lambda: build.create_task(T, body=exp.Command(this="X")), "parsed statement"),
        (
            lambda: build.create_task(T, body=Q, session_parameters={"BAD NAME": Q}),
            "not a parameter name",
        ),
        (lambda: build.script_block([]), "at least one statement"),
        (lambda: build.declare_variable("X"), "needs a type or a default"),
        (lambda: build.alter_task(T, "START"), "RESUME or SUSPEND"),
        (lambda: build.alter_task_set(T, {}), "at least one property"),
        (lambda: build.alter_task_unset(T, []), "at least one property"),
        (lambda: build.alter_task_after(T, True, []), "at least one task"),
        (lambda: build.execute_task(T, using_config="{}", retry_last=True), "exclude"),
        (lambda: build.create_iceberg_table(T), "needs columns or a query"),
        (
            lambda: build.create_dynamic_table(
                T, query=Q, target_lag="1 minute", warehouse="W", external_volume="v"
            ),
            "need iceberg=True",
        ),
        (
            lambda: build.create_dynamic_table(
                T, query=Q, target_lag="1 minute", warehouse="W", iceberg=True, if_not_exists=True
            ),
            "IF NOT EXISTS",
        ),
        (
            lambda: build.create_dynamic_table(T, query=Q, target_lag=" ", warehouse="W"),
            "TARGET_LAG",
        ),
        (lambda: build.alter_dynamic_table(T, "DROP"), "REFRESH, SUSPEND or RESUME"),
        (lambda: build.drop("VIEWS", T), "unknown kind"),
        (lambda: build.partition_transform("WEEK", exp.column("A")), "unknown transform"),
        (lambda: build.system_function("CURRENT_DATE"), "not a SYSTEM$ function"),
        (lambda: build.create_schema(T), "at most two parts"),
    ],
)
def test_bad_definitions_are_rejected(make: Callable[[], object], text: str) -> None:
    with pytest.raises(DefinitionError) as info:
        make()
    assert text in str(info.value)


def test_create_schema_accepts_both_layouts() -> None:
    parsed_layout = exp.Table(db=exp.to_identifier("S"), catalog=exp.to_identifier("DB"))
    named_layout = exp.Table(this=exp.to_identifier("S"), db=exp.to_identifier("DB"))
    assert build.create_schema(parsed_layout) == build.create_schema(named_layout)
