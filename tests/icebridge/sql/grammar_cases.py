"""Random but reproducible option combinations for the statement builders."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

from sqlglot import exp

from icebridge.sql import build
from icebridge.sql.identifiers import ObjectName

NAMES = [
    ObjectName("DB", "S", "T"),
    ObjectName("AUTOMATED_INTELLIGENCE", "STAGING", "ORDERS_STAGING"),
    ObjectName("db lower", "Schema.With.Dots", "semi;colon"),
    ObjectName("DB", "S", 'quote"inside'),
    ObjectName("DB", "S", "SELECT"),
    ObjectName("DB", "S", "ünïcödé 表"),
    ObjectName("DB", "S", "$dollar"),
    ObjectName("DB", "S", " spaced "),
]
WAREHOUSES = ["WH", "my wh", "COMPUTE_WH", 'w"h', "TABLE"]
TEXTS = ["plain", "it's", "back\\slash", "new\nline", "$$dollars$$", "ünïcödé", ""]


def table(rng: random.Random) -> exp.Table:
    return rng.choice(NAMES).table()


def maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.5 else None


def columns(rng: random.Random) -> list[exp.ColumnDef]:
    types = ["NUMBER(38, 0)", "VARCHAR", "TIMESTAMP_NTZ", "BOOLEAN", "FLOAT", "DATE", "STRING"]
    cols = []
    for i in range(rng.randint(1, 4)):
        cols.append(
            build.column_def(
                rng.choice(["ID", "order id", "AMOUNT", "select", f"C{i}", "ünï"]) + str(i),
                exp.DataType.build(rng.choice(types), dialect="snowflake"),
                not_null=rng.random() < 0.5,
                default=maybe(rng, exp.Literal.number(rng.randint(0, 9))),
                primary_key=rng.random() < 0.2,
                comment=maybe(rng, rng.choice(TEXTS)),
            )
        )
    return cols


def query(rng: random.Random) -> exp.Query:
    src = table(rng)
    return exp.select(exp.column("A"), exp.column("B")).from_(src)


def create_table(rng: random.Random) -> exp.Expression:
    replace = rng.random() < 0.5
    return build.create_table(
        table(rng),
        columns=columns(rng),
        replace=replace,
        if_not_exists=not replace and rng.random() < 0.5,
        transient=rng.random() < 0.5,
        data_retention_time_in_days=maybe(rng, rng.randint(0, 90)),
        max_data_extension_time_in_days=maybe(rng, rng.randint(0, 90)),
        change_tracking=maybe(rng, rng.random() < 0.5),
        comment=maybe(rng, rng.choice(TEXTS)),
    )


def create_stream(rng: random.Random) -> exp.Expression:
    replace = rng.random() < 0.5
    append_only = maybe(rng, rng.random() < 0.5)
    at = None
    if rng.random() < 0.4:
        kind = rng.choice(["TIMESTAMP", "OFFSET", "STATEMENT", "STREAM"])
        value: exp.Expression = (
            exp.Neg(this=exp.Literal.number(300))
            if kind == "OFFSET"
            else exp.Literal.string(rng.choice(NAMES).sql())
        )
        at = build.stream_at(kind, value, before=rng.random() < 0.5)
    return build.create_stream(
        table(rng),
        on=table(rng),
        on_kind=rng.choice(["TABLE", "VIEW", "EXTERNAL TABLE", "STAGE", "DYNAMIC TABLE"]),
        replace=replace,
        if_not_exists=not replace and rng.random() < 0.5,
        append_only=append_only,
        insert_only=None if append_only else maybe(rng, rng.random() < 0.5),
        show_initial_rows=maybe(rng, rng.random() < 0.5),
        at=at,
        comment=maybe(rng, rng.choice(TEXTS)),
    )


def statement(rng: random.Random) -> exp.Expression:
    src, dst = table(rng), table(rng)
    choices = [
        exp.insert(exp.select("*").from_(src), dst),
        exp.delete(dst, where=exp.column("A").eq(1)),
        build.call(src, exp.Literal.string(rng.choice(TEXTS))),
        exp.select("*").from_(src),
    ]
    return rng.choice(choices)


def body(rng: random.Random) -> exp.Expression:
    if rng.random() < 0.4:
        return statement(rng)
    stmts = [statement(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.5:
        stmts = [build.begin_transaction(), *stmts, build.commit()]
    if rng.random() < 0.3:
        stmts.append(build.script_block([statement(rng)]))
    declare = []
    if rng.random() < 0.3:
        declare = [build.declare_variable("N", exp.DataType.build("INT"), exp.Literal.number(0))]
    return build.script_block(stmts, declare)


def create_task(rng: random.Random) -> exp.Expression:
    replace = rng.random() < 0.5
    after = [table(rng) for _ in range(rng.randint(0, 2))] if rng.random() < 0.3 else []
    serverless = rng.random() < 0.3
    return build.create_task(
        table(rng),
        body=body(rng),
        replace=replace,
        if_not_exists=not replace and rng.random() < 0.5,
        warehouse=None if serverless else maybe(rng, rng.choice(WAREHOUSES)),
        initial_warehouse_size=maybe(rng, "XSMALL") if serverless else None,
        schedule=None
        if after
        else maybe(rng, rng.choice(["1 MINUTE", "USING CRON 0 9 * * * UTC"])),
        config=maybe(rng, '{"a": 1, "b": "it\'s"}'),
        overlap_policy=maybe(rng, rng.choice(["NO_OVERLAP", "ALLOW_CHILD_OVERLAP"])),
        allow_overlapping_execution=maybe(rng, rng.random() < 0.5),
        user_task_timeout_ms=maybe(rng, rng.randint(0, 604800000)),
        suspend_task_after_num_failures=maybe(rng, rng.randint(0, 10)),
        task_auto_retry_attempts=maybe(rng, rng.randint(0, 30)),
        target_completion_interval=maybe(rng, "15 MINUTE"),
        user_task_minimum_trigger_interval_in_seconds=maybe(rng, rng.randint(10, 600)),
        session_parameters=maybe(
            rng, {"TIMEZONE": exp.Literal.string("UTC"), "QUERY_TAG": exp.Literal.string("x")}
        ),
        error_integration=maybe(rng, rng.choice(WAREHOUSES)),
        comment=maybe(rng, rng.choice(TEXTS)),
        finalize=maybe(rng, table(rng)),
        after=after,
        when=maybe(rng, build.stream_has_data(rng.choice(NAMES))),
    )


def alter_task(rng: random.Random) -> exp.Expression:
    name = table(rng)
    kind = rng.randrange(6)
    if kind == 0:
        return build.alter_task(
            name, rng.choice(["RESUME", "SUSPEND"]), if_exists=rng.random() < 0.5
        )
    if kind == 1:
        props = {"SCHEDULE": exp.Literal.string("5 MINUTE"), "WAREHOUSE": exp.Literal.string("W")}
        return build.alter_task_set(name, props, if_exists=rng.random() < 0.5)
    if kind == 2:
        return build.alter_task_unset(name, ["SCHEDULE", "COMMENT"][: rng.randint(1, 2)])
    if kind == 3:
        return build.alter_task_after(name, rng.random() < 0.5, [table(rng), table(rng)])
    if kind == 4:
        return build.alter_task_modify_as(name, body(rng))
    return build.alter_task_modify_when(name, build.stream_has_data(rng.choice(NAMES)))


def execute_task(rng: random.Random) -> exp.Expression:
    kind = rng.randrange(3)
    return build.execute_task(
        table(rng),
        using_config='{"env": "prod"}' if kind == 1 else None,
        retry_last=kind == 2,
    )


def create_iceberg_table(rng: random.Random) -> exp.Expression:
    replace = rng.random() < 0.5
    has_cols = rng.random() < 0.8
    parts: list[exp.Expression] = []
    if rng.random() < 0.5:
        parts = [
            exp.column("ID"),
            build.partition_bucket(16, exp.column("ID")),
            build.partition_truncate(4, exp.column("NAME")),
            build.partition_transform(
                rng.choice(["YEAR", "MONTH", "DAY", "HOUR"]), exp.column("TS")
            ),
        ][: rng.randint(1, 4)]
    return build.create_iceberg_table(
        table(rng),
        columns=columns(rng) if has_cols else (),
        replace=replace,
        if_not_exists=not replace and rng.random() < 0.5,
        external_volume=maybe(rng, "my_vol"),
        catalog=maybe(rng, "SNOWFLAKE"),
        base_location=maybe(rng, rng.choice(["orders", "a/b/c", "it's"])),
        partition_by=parts,
        cluster_by=[exp.column("ID")] if rng.random() < 0.3 else [],
        data_retention_time_in_days=maybe(rng, rng.randint(0, 90)),
        change_tracking=maybe(rng, rng.random() < 0.5),
        iceberg_version=maybe(rng, rng.choice([2, 3])),
        comment=maybe(rng, rng.choice(TEXTS)),
        query=None if has_cols and rng.random() < 0.7 else query(rng),
    )


def create_dynamic_table(rng: random.Random) -> exp.Expression:
    iceberg = rng.random() < 0.5
    replace = rng.random() < 0.5
    return build.create_dynamic_table(
        table(rng),
        query=query(rng),
        target_lag=rng.choice(["1 minute", "20 minutes", "DOWNSTREAM", "downstream"]),
        warehouse=rng.choice(WAREHOUSES),
        iceberg=iceberg,
        replace=replace,
        if_not_exists=not replace and not iceberg and rng.random() < 0.5,
        columns=columns(rng) if rng.random() < 0.3 else (),
        refresh_mode=maybe(rng, rng.choice(["AUTO", "FULL", "INCREMENTAL"])),
        initialize=maybe(rng, rng.choice(["ON_CREATE", "ON_SCHEDULE"])),
        external_volume=maybe(rng, "vol") if iceberg else None,
        catalog=maybe(rng, "SNOWFLAKE") if iceberg else None,
        base_location=maybe(rng, "dt") if iceberg else None,
        comment=maybe(rng, rng.choice(TEXTS)),
    )


def misc(rng: random.Random) -> exp.Expression:
    kind = rng.randrange(5)
    if kind == 0:
        return build.alter_dynamic_table(table(rng), rng.choice(["REFRESH", "SUSPEND", "RESUME"]))
    if kind == 1:
        kinds = ["TABLE", "STREAM", "TASK", "DYNAMIC TABLE", "ICEBERG TABLE"]
        return build.drop(rng.choice(kinds), table(rng), if_exists=rng.random() < 0.5)
    if kind == 2:
        return build.select_system_function(
            "SYSTEM$TASK_DEPENDENTS_ENABLE", exp.Literal.string(rng.choice(NAMES).sql())
        )
    if kind == 3:
        name = rng.choice(NAMES)
        return build.create_schema(exp.Table(db=exp.to_identifier(name.schema, quoted=True)))
    return exp.Select(expressions=[build.stream_has_data(rng.choice(NAMES))])


BUILDERS: dict[str, Callable[[random.Random], exp.Expression]] = {
    "create_table": create_table,
    "create_stream": create_stream,
    "create_task": create_task,
    "alter_task": alter_task,
    "execute_task": execute_task,
    "create_iceberg_table": create_iceberg_table,
    "create_dynamic_table": create_dynamic_table,
    "misc": misc,
}


def cases(builder: str, count: int, seed: int = 7) -> Iterator[exp.Expression]:
    """``count`` nodes from ``builder`` with reproducible random options."""
    rng = random.Random(f"{builder}-{seed}")
    for _ in range(count):
        yield BUILDERS[builder](rng)
