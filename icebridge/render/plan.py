"""Deploy order for one or several pipelines.

1. ``CREATE SCHEMA IF NOT EXISTS`` for every schema used (each once).
2. Staging tables, 3. targets, 4. streams.
5. Per task graph: suspend the root, recreate root and cleanup child, resume the child and
   then the root (children must be resumed before the root,
   https://docs.snowflake.com/en/sql-reference/sql/alter-task). Explicit ``ALTER TASK ...
   RESUME`` statements touch only the tasks this plan creates, where
   ``SYSTEM$TASK_DEPENDENTS_ENABLE`` would also resume dependents added by others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlglot import exp

from icebridge.errors import DefinitionError
from icebridge.pipeline.specs import DynamicTarget, IcebergTarget, PipelineParts
from icebridge.render import objects
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName


def _unique(pipelines: Iterable[PipelineParts]) -> list[PipelineParts]:
    out: list[PipelineParts] = []
    for p in pipelines:
        if p not in out:
            out.append(p)
    return out


def _schemas(pipeline: PipelineParts) -> list[tuple[str, str]]:
    names: list[ObjectName] = []
    if pipeline.staging is not None:
        names.append(pipeline.staging.table)
    if pipeline.stream_spec is not None:
        names.append(pipeline.stream_spec.name)
    if pipeline.target is not None:
        names.append(pipeline.target.table)
        if isinstance(pipeline.target, IcebergTarget):
            names.append(pipeline.target.task)
    if pipeline.cleanup_spec is not None:
        names.append(pipeline.cleanup_spec.task)
    return [(n.database, n.schema) for n in names]


def _claim(
    owners: dict[ObjectName, tuple[int, str]],
    name: ObjectName,
    who: tuple[int, str],
    *,
    field: str,
) -> None:
    if name in owners and owners[name][0] != who[0]:
        raise DefinitionError(
            f"{field}: {name} is defined by both pipeline {owners[name][1]} and pipeline {who[1]}",
            field=field,
        )
    owners[name] = who


def _check_stages(pipelines: Sequence[PipelineParts]) -> dict[ObjectName, list[PipelineParts]]:
    """One staging table, one definition; returns the pipelines staging into each table."""
    users: dict[ObjectName, list[PipelineParts]] = {}
    for p in pipelines:
        if p.staging is None:
            continue
        table = p.staging.table
        others = users.setdefault(table, [])
        for other in others:
            assert other.staging is not None
            if other.staging != p.staging:
                field = "columns" if other.staging.columns != p.staging.columns else "stage"
                what = "columns" if field == "columns" else "table settings"
                raise DefinitionError(
                    f"{field}: pipelines {other.name} and {p.name} stage into {table} with "
                    f"different {what}",
                    field=field,
                )
        others.append(p)
    for table, staged_by in users.items():
        if len(staged_by) > 1 and any(u.cleanup_spec is not None for u in staged_by):
            raise DefinitionError(
                f"cleanup: {table} is staged by several pipelines "
                f"({', '.join(u.name for u in staged_by)}); a cleanup reads only its own "
                "stream and would delete rows the others have not loaded",
                field="cleanup",
            )
    return users


def _check_targets(pipelines: Sequence[PipelineParts], staged: Iterable[ObjectName]) -> None:
    """A table is a task target or a dynamic table (one definition), never a staging table."""
    kinds: dict[ObjectName, tuple[str, str]] = {}
    for p in pipelines:
        if p.target is None:
            continue
        kind = "dynamic" if isinstance(p.target, DynamicTarget) else "task"
        table = p.target.table
        if table in kinds:
            prior_kind, prior = kinds[table]
            if prior_kind != kind:
                raise DefinitionError(
                    f"table: {table} cannot be both a task target and a dynamic table "
                    f"(pipelines {prior} and {p.name}); a dynamic table is filled by its "
                    "query only",
                    field="table",
                )
            if kind == "dynamic":
                raise DefinitionError(
                    f"table: pipelines {prior} and {p.name} both define dynamic table {table}",
                    field="table",
                )
        kinds[table] = (kind, p.name)
    overlap = sorted(set(staged) & set(kinds))
    if overlap:
        raise DefinitionError(
            f"table: {overlap[0]} is both a staging table and a target", field="table"
        )


def _check_names(pipelines: Sequence[PipelineParts]) -> None:
    """One consumer per stream, one definition per task."""
    streams: dict[ObjectName, tuple[int, str]] = {}
    tasks: dict[ObjectName, tuple[int, str]] = {}
    for index, p in enumerate(pipelines):
        who = (index, p.name)
        if p.stream_spec is not None:
            _claim(streams, p.stream_spec.name, who, field="stream")
        if isinstance(p.target, IcebergTarget):
            _claim(tasks, p.target.task, who, field="task_name")
        if p.cleanup_spec is not None:
            _claim(tasks, p.cleanup_spec.task, who, field="task_name")


def check_together(pipelines: Sequence[PipelineParts]) -> None:
    """Reject definitions that conflict when deployed together (DefinitionError)."""
    staged = _check_stages(pipelines)
    _check_targets(pipelines, staged)
    _check_names(pipelines)


def staging_keys(items: Iterable[PipelineParts]) -> dict[ObjectName, frozenset[str]]:
    """Per staging table, the merge-key columns (NOT NULL there) of all its pipelines."""
    not_null: dict[ObjectName, frozenset[str]] = {}
    for p in items:
        if p.staging is not None:
            keys = frozenset(p.target.merge_on) if p.target is not None else frozenset()
            not_null[p.staging.table] = not_null.get(p.staging.table, frozenset()) | keys
    return not_null


def unique(pipelines: Iterable[PipelineParts]) -> list[PipelineParts]:
    """``pipelines`` without repeats, in order."""
    return _unique(pipelines)


def schemas_of(pipeline: PipelineParts) -> list[tuple[str, str]]:
    """The (database, schema) pairs a pipeline's objects live in."""
    return _schemas(pipeline)


def render_nodes(pipelines: Iterable[PipelineParts]) -> list[exp.Expression]:
    """The statements deploying ``pipelines`` together, in order, without repeats."""
    items = _unique(pipelines)
    check_together(items)
    not_null = staging_keys(items)
    schemas: list[exp.Expression] = []
    for p in items:
        for database, schema in _schemas(p):
            schemas.append(objects.create_schema(database, schema))
    staging = [
        objects.create_staging(p.staging, not_null[p.staging.table])
        for p in items
        if p.staging is not None
    ]
    targets: list[tuple[ObjectName, exp.Expression]] = []
    streams: list[exp.Expression] = []
    tasks: list[exp.Expression] = []
    for p in items:
        stage, stream, target = p.staging, p.stream_spec, p.target
        if stage is None:
            continue
        if isinstance(target, DynamicTarget):
            targets.append((target.table, objects.create_dynamic_target(stage, target)))
        elif isinstance(target, IcebergTarget):
            targets.append((target.table, objects.create_iceberg_target(stage, target)))
        if stream is not None:
            streams.append(objects.create_stream(stage, stream))
        if isinstance(target, IcebergTarget) and stream is not None:
            tasks.append(objects.suspend_task(target.task))
            tasks.append(objects.create_root_task(stage, stream, target, p.failure, p.name))
            if p.cleanup_spec is not None:
                tasks.append(
                    objects.create_cleanup_task(stage, stream, target, p.cleanup_spec, p.name)
                )
                tasks.append(objects.resume_task(p.cleanup_spec.task))
            tasks.append(objects.resume_task(target.task))
    _check_same_targets(targets)
    return _dedupe([*schemas, *staging, *(node for _, node in targets), *streams, *tasks])


def _check_same_targets(targets: Sequence[tuple[ObjectName, exp.Expression]]) -> None:
    # Two pipelines may load one Iceberg table only if they declare it identically;
    # otherwise the second CREATE ... IF NOT EXISTS would silently keep the first schema.
    seen: dict[ObjectName, str] = {}
    for key, node in targets:
        text = generate(node)
        if seen.setdefault(key, text) != text:
            raise DefinitionError(
                f"table: pipelines declare the target {key} with different columns or options",
                field="table",
            )


def _dedupe(statements: Sequence[exp.Expression]) -> list[exp.Expression]:
    seen: set[str] = set()
    out: list[exp.Expression] = []
    for node in statements:
        text = generate(node)
        if text not in seen:
            seen.add(text)
            out.append(node)
    return out


def render_pipeline(pipeline: PipelineParts) -> list[exp.Expression]:
    """The statements deploying one pipeline."""
    return render_nodes([pipeline])


def render_all(pipelines: Iterable[PipelineParts], *, pretty: bool = False) -> list[str]:
    """The Snowflake statements deploying ``pipelines`` together, in deploy order, each
    schema created once; conflicting definitions raise DefinitionError."""
    return [generate(node, pretty=pretty) for node in render_nodes(pipelines)]
