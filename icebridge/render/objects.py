"""DDL for the objects of a pipeline, built through :mod:`icebridge.sql.build`.

Every statement is safe to run again: tables and streams use IF NOT EXISTS (``OR
REPLACE`` would make streams stale or reset their offsets,
https://docs.snowflake.com/en/user-guide/streams-intro), tasks are recreated with
``OR REPLACE`` only while the graph's root is suspended
(https://docs.snowflake.com/en/sql-reference/sql/alter-task).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp

from icebridge.pipeline.specs import (
    Cleanup,
    DynamicTarget,
    FailurePolicy,
    IcebergTarget,
    Stage,
    StreamSpec,
)
from icebridge.render.bodies import cleanup_body, dynamic_query, load_body
from icebridge.render.marker import encode_marker, fingerprint
from icebridge.sql import build
from icebridge.sql.identifiers import ObjectName, identifier
from icebridge.types import parse_type


def schema_table(database: str, schema: str) -> exp.Table:
    """The ``db.schema`` name node that ``build.create_schema`` takes."""
    return exp.Table(this=identifier(schema), db=identifier(database))


def create_schema(database: str, schema: str) -> exp.Expression:
    """``CREATE SCHEMA IF NOT EXISTS db.schema``."""
    return build.create_schema(schema_table(database, schema), if_not_exists=True)


def create_staging(stage: Stage, not_null: frozenset[str]) -> exp.Expression:
    """The staging table, created once and never replaced."""
    columns = [
        build.column_def(
            col.name,
            col.dtype,
            not_null=col.name in not_null or not col.nullable,
            default=col.default_node(),
            comment=col.comment,
        )
        for col in stage.columns
    ]
    return build.create_table(
        stage.table.table(),
        columns=columns,
        if_not_exists=True,
        data_retention_time_in_days=stage.retention_days,
        max_data_extension_time_in_days=stage.max_extension_days,
        change_tracking=True,
        comment=stage.comment,
    )


def _iceberg_columns(target: IcebergTarget) -> list[exp.ColumnDef]:
    return [build.column_def(name, parse_type(text, column=name)) for name, text in target.columns]


def create_iceberg_target(stage: Stage, target: IcebergTarget) -> exp.Expression:
    """``CREATE ICEBERG TABLE IF NOT EXISTS`` with Iceberg-legal column types."""
    return build.create_iceberg_table(
        target.table.table(),
        columns=_iceberg_columns(target),
        if_not_exists=True,
        external_volume=target.external_volume,
        catalog=target.catalog,
        base_location=target.base_location,
    )


def create_dynamic_target(stage: Stage, target: DynamicTarget) -> exp.Expression:
    """``CREATE OR REPLACE DYNAMIC ICEBERG TABLE ... AS SELECT`` (IF NOT EXISTS is a syntax
    error for dynamic Iceberg tables, https://docs.snowflake.com/en/user-guide/dynamic-tables/create-iceberg)."""
    return build.create_dynamic_table(
        target.table.table(),
        query=dynamic_query(stage, target),
        target_lag=target.target_lag,
        warehouse=target.warehouse,
        iceberg=True,
        replace=True,
        refresh_mode=target.refresh_mode,
        initialize=target.initialize,
        external_volume=target.external_volume,
        catalog="SNOWFLAKE",
        base_location=target.base_location,
    )


def create_stream(stage: Stage, stream: StreamSpec) -> exp.Expression:
    """``CREATE STREAM IF NOT EXISTS ... ON TABLE staging APPEND_ONLY = TRUE``."""
    return build.create_stream(
        stream.name.table(),
        on=stage.table.table(),
        if_not_exists=True,
        append_only=True if stream.append_only else None,
        show_initial_rows=True if stream.show_initial_rows else None,
    )


def suspend_task(task: ObjectName) -> exp.Expression:
    """``ALTER TASK IF EXISTS task SUSPEND``."""
    return build.alter_task(task.table(), "SUSPEND", if_exists=True)


def resume_task(task: ObjectName) -> exp.Expression:
    """``ALTER TASK task RESUME``."""
    return build.alter_task(task.table(), "RESUME")


def _marked(
    owner: str, make: Callable[[str | None], exp.Expression], keys: Sequence[str] | None = None
) -> exp.Expression:
    # The marker's fingerprint covers the statement without the marker itself.
    return make(encode_marker(owner, fingerprint(make(None)), keys))


def create_root_task(
    stage: Stage, stream: StreamSpec, target: IcebergTarget, failure: FailurePolicy, owner: str
) -> exp.Expression:
    """The scheduled load task, run only when the stream has data, marked as ``owner``'s."""
    return _marked(
        owner, lambda comment: _root_task(stage, stream, target, failure, comment), target.merge_on
    )


def create_cleanup_task(
    stage: Stage, stream: StreamSpec, target: IcebergTarget, cleanup: Cleanup, owner: str
) -> exp.Expression:
    """The cleanup child task, run after each successful load, marked as ``owner``'s."""
    return _marked(owner, lambda comment: _cleanup_task(stage, stream, target, cleanup, comment))


def _root_task(
    stage: Stage,
    stream: StreamSpec,
    target: IcebergTarget,
    failure: FailurePolicy,
    comment: str | None,
) -> exp.Expression:
    return build.create_task(
        target.task.table(),
        body=load_body(stage, stream, target),
        replace=True,
        warehouse=target.warehouse,
        schedule=target.schedule.sql(),
        suspend_task_after_num_failures=failure.suspend_after,
        task_auto_retry_attempts=failure.retries or None,
        error_integration=failure.error_integration,
        when=build.stream_has_data(stream.name),
        comment=comment,
    )


def _cleanup_task(
    stage: Stage, stream: StreamSpec, target: IcebergTarget, cleanup: Cleanup, comment: str | None
) -> exp.Expression:
    return build.create_task(
        cleanup.task.table(),
        body=cleanup_body(stage, stream, cleanup),
        replace=True,
        warehouse=cleanup.warehouse,
        after=[target.task.table()],
        comment=comment,
    )
