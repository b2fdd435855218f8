"""Plan a deploy against what is deployed: ordered changes, each with its SQL and reason.

:func:`plan` reads the target (:mod:`icebridge.plan_state`) and diffs it with the
definitions. Safe changes are planned: missing objects are created, added nullable columns
become ``ALTER TABLE … ADD COLUMN`` / ``ALTER ICEBERG TABLE … ADD COLUMN``
(https://docs.snowflake.com/en/sql-reference/sql/alter-table,
https://docs.snowflake.com/en/sql-reference/sql/alter-iceberg-table; streams stay valid),
changed tasks are replaced while their root is suspended, changed dynamic tables are
replaced, and icebridge-marked tasks a pipeline no longer defines are dropped. Changes that
would lose data or cannot be made in place are *refused* unless the object is named in
``rebuild`` (or ``allow_rebuild=True``). See docs/evolution.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from sqlglot import exp

from icebridge.errors import DeployError, IdentifierError
from icebridge.pipeline.specs import DynamicTarget, IcebergTarget, PipelineParts, Stage
from icebridge.plan_model import Builder, Plan
from icebridge.plan_state import DatabaseState, DeployedTable, read_database, same_type
from icebridge.render import objects
from icebridge.render.marker import decode_marker
from icebridge.render.plan import check_together, schemas_of, staging_keys, unique
from icebridge.sql import build
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName, identifier
from icebridge.targets.base import Target
from icebridge.types import parse_type


def _is_emulator(target: object) -> bool:
    # The emulator is the one target on which icebridge creates databases (docs/evolution.md).
    return type(target).__module__.split(".")[0] == "emulator"


def _replacing(node: exp.Expression) -> exp.Expression:
    """``CREATE … IF NOT EXISTS`` as ``CREATE OR REPLACE``."""
    copy = node.copy()
    copy.set("exists", False)
    copy.set("replace", True)
    return copy


def _add_column(table: ObjectName, name: str, dtype: exp.DataType, *, iceberg: bool) -> exp.Alter:
    return exp.Alter(
        this=table.table(),
        kind="TABLE",
        actions=[build.column_def(name, dtype)],
        iceberg=iceberg or None,
    )


#: A wanted column: name, type, NOT NULL, has a DEFAULT.
_Wanted = tuple[str, exp.DataType, bool, bool]


def _diff_columns(
    b: Builder, kind: str, deployed: DeployedTable, wanted: Sequence[_Wanted]
) -> list[exp.Expression] | None:
    """ADD COLUMN statements for ``wanted``, or None when a change cannot be made in place
    (the refusals are recorded)."""
    ok = True
    names = {w[0] for w in wanted}
    for old in deployed.columns:
        if old.name not in names:
            b.refuse(
                kind,
                deployed.name,
                old.name,
                "is deployed but no longer defined; dropping it would lose its data",
            )
            ok = False
    alters: list[exp.Expression] = []
    for name, dtype, not_null, has_default in wanted:
        col = deployed.column(name)
        if col is None:
            if not_null or has_default:
                what = "NOT NULL (a merge key)" if not_null else "with a DEFAULT"
                b.refuse(
                    kind,
                    deployed.name,
                    name,
                    f"is new and {what}: it cannot be added to a table that has rows; add "
                    "it as a nullable column without default",
                )
                ok = False
            else:
                alters.append(_add_column(deployed.name, name, dtype, iceberg=deployed.iceberg))
            continue
        if not same_type(dtype, col):
            b.refuse(
                kind,
                deployed.name,
                name,
                f"changes type from {col.describe()} to {generate(dtype)}; a column type "
                "is not changed in place",
            )
            ok = False
        elif not_null and col.nullable:
            b.refuse(
                kind,
                deployed.name,
                name,
                "becomes NOT NULL (a new merge key); existing rows may hold NULLs",
            )
            ok = False
    return alters if ok else None


def _column_of(alter: exp.Expression) -> str:
    return str(alter.args["actions"][0].name)


def _staging(b: Builder, state: DatabaseState, stage: Stage, keys: frozenset[str]) -> bool:
    """Plan the staging table; True when it is rebuilt (so its streams are too)."""
    node = objects.create_staging(stage, keys)
    deployed = state.tables.get(stage.table)
    if deployed is None:
        b.add("table", "create", "TABLE", stage.table, [node], "does not exist")
        return False
    wanted = [
        (c.name, c.dtype, c.name in keys or not c.nullable, c.default is not None)
        for c in stage.columns
    ]
    mark = len(b.refused)
    alters = _diff_columns(b, "TABLE", deployed, wanted)
    if alters is None:
        if not b.rebuilds(stage.table):
            return False
        del b.refused[mark:]
        b.add(
            "table",
            "replace",
            "TABLE",
            stage.table,
            [_replacing(node)],
            "rebuild requested: recreated empty (its staged rows are lost), its stream too",
        )
        return True
    for alter in alters:
        b.add(
            "table",
            "alter",
            "TABLE",
            stage.table,
            [alter],
            f"adds nullable column {_column_of(alter)}; the stream on it stays valid",
        )
    return False


def _dynamic_target(b: Builder, state: DatabaseState, stage: Stage, target: DynamicTarget) -> None:
    node = objects.create_dynamic_target(stage, target)
    deployed = state.tables.get(target.table)
    if deployed is None:
        b.add("table", "create", "DYNAMIC TABLE", target.table, [node], "does not exist")
        return
    if not deployed.dynamic:
        if not b.rebuilds(target.table):
            b.refuse(
                "ICEBERG TABLE",
                target.table,
                None,
                "is loaded by a task and would become a dynamic table; switching loses its rows",
            )
            return
        b.add(
            "table",
            "replace",
            "DYNAMIC TABLE",
            target.table,
            [build.drop("TABLE", target.table.table()), node],
            "rebuild requested: the task-loaded table is dropped and recomputed as a dynamic "
            "table from the staging table",
        )
        return
    shown = state.dynamic.get(target.table)
    if shown is None or " ".join(shown.text.split()) != generate(node):
        b.add(
            "table",
            "replace",
            "DYNAMIC TABLE",
            target.table,
            [node],
            "its definition changed; it is recomputed from the staging table, which keeps "
            "every row",
        )


def _iceberg_target(
    b: Builder, state: DatabaseState, stage: Stage, target: IcebergTarget, keys: object
) -> bool:
    """Plan a task-loaded target; True when it is rebuilt (its stream then restarts from
    the rows still staged)."""
    node = objects.create_iceberg_target(stage, target)
    deployed = state.tables.get(target.table)
    if deployed is None:
        b.add("table", "create", "ICEBERG TABLE", target.table, [node], "does not exist")
        return False
    mark = len(b.refused)
    alters: list[exp.Expression] | None = None
    if deployed.dynamic:
        b.refuse(
            "DYNAMIC TABLE",
            target.table,
            None,
            "is a dynamic table and would become a task-loaded table; switching loses its rows",
        )
    elif not deployed.iceberg:
        b.refuse("TABLE", target.table, None, "exists and is not an Iceberg table")
    else:
        wanted = [(n, parse_type(t, column=n), False, False) for n, t in target.columns]
        alters = _diff_columns(b, "ICEBERG TABLE", deployed, wanted)
        if isinstance(keys, list) and tuple(keys) != target.merge_on:
            b.refuse(
                "ICEBERG TABLE",
                target.table,
                None,
                f"changes merge key from {keys or 'none'} to {list(target.merge_on) or 'none'}"
                "; the table holds rows deduplicated on the old key",
            )
            alters = None
    if alters is None:
        if not b.rebuilds(target.table):
            return False
        del b.refused[mark:]
        kind = "DYNAMIC TABLE" if deployed.dynamic else "TABLE"
        b.add(
            "table",
            "replace",
            "ICEBERG TABLE",
            target.table,
            [build.drop(kind, target.table.table()), node],
            "rebuild requested: recreated empty; the rows still in the staging table are "
            "loaded again (rows a cleanup deleted are not)",
        )
        return True
    for alter in alters:
        b.add(
            "table",
            "alter",
            "ICEBERG TABLE",
            target.table,
            [alter],
            f"adds nullable column {_column_of(alter)}",
        )
    return False


def _stream(
    b: Builder, state: DatabaseState, p: PipelineParts, *, restart: bool, rebuilt_source: bool
) -> bool:
    """Plan the stream; True when it is created or replaced."""
    stage, stream = p.staging, p.stream_spec
    assert stage is not None
    assert stream is not None
    deployed = state.streams.get(stream.name)
    if deployed is None:
        b.add(
            "stream",
            "create",
            "STREAM",
            stream.name,
            [objects.create_stream(stage, stream)],
            "does not exist",
        )
        return True
    if rebuilt_source or restart:
        # After a target rebuild the new stream starts with the staged rows, so they load again.
        spec = dataclasses.replace(stream, show_initial_rows=True) if restart else stream
        why = (
            "its staging table is rebuilt"
            if rebuilt_source
            else "its target is rebuilt: SHOW_INITIAL_ROWS loads the staged rows again"
        )
        node = _replacing(objects.create_stream(stage, spec))
        b.add("stream", "replace", "STREAM", stream.name, [node], why)
        return True
    mode = "APPEND_ONLY" if stream.append_only else "DEFAULT"
    problem = None
    if deployed.table_name not in {stage.table.sql(), ".".join(stage.table.parts)}:
        problem = f"reads {deployed.table_name}, not {stage.table}"
    elif deployed.mode and deployed.mode != mode:
        problem = f"is {deployed.mode}, the definition is {mode}"
    elif deployed.stale:
        problem = "is stale"
    if problem is None:
        return False
    if not b.rebuilds(stream.name):
        b.refuse(
            "STREAM",
            stream.name,
            None,
            f"{problem}; replacing it resets its offset and skips its pending changes",
        )
        return False
    node = _replacing(objects.create_stream(stage, stream))
    b.add(
        "stream",
        "replace",
        "STREAM",
        stream.name,
        [node],
        f"rebuild requested ({problem}): its pending changes are skipped",
    )
    return True


def _sha(node: exp.Expression) -> str | None:
    for prop in node.find_all(exp.Property):
        if prop.name.upper() == "COMMENT":
            marker = decode_marker(prop.args["value"].name)
            return None if marker is None else str(marker.get("sha"))
    return None


def _tasks(
    b: Builder, state: DatabaseState, p: PipelineParts, changed: bool, defined: set[ObjectName]
) -> None:
    stage, stream, target = p.staging, p.stream_spec, p.target
    assert stage is not None
    assert stream is not None
    assert isinstance(target, IcebergTarget)
    wanted = [(target.task, objects.create_root_task(stage, stream, target, p.failure, p.name))]
    if p.cleanup_spec is not None:
        cleanup = objects.create_cleanup_task(stage, stream, target, p.cleanup_spec, p.name)
        wanted.append((p.cleanup_spec.task, cleanup))
    creates: list[tuple[str, ObjectName, exp.Expression, str]] = []
    for name, node in wanted:
        deployed = state.tasks.get(name)
        if deployed is None:
            creates.append(("create", name, node, "does not exist"))
        elif deployed.marker is None or deployed.marker.get("pipeline") != p.name:
            b.refuse(
                "TASK",
                name,
                None,
                "exists and was not created by this pipeline (no icebridge marker in its "
                "COMMENT); it is never touched",
            )
            return
        elif deployed.marker.get("sha") != _sha(node):
            creates.append(("replace", name, node, "its definition changed"))
        elif changed:
            creates.append(("replace", name, node, "its tables changed"))
        elif creates and creates[0][1] == target.task:
            # A recreated predecessor drops its children's AFTER links, so they are
            # recreated with it (https://docs.snowflake.com/en/user-guide/tasks-graphs).
            creates.append(("replace", name, node, "its root task is recreated"))
    drops = [
        t
        for name, t in state.tasks.items()
        if t.marker is not None and t.marker.get("pipeline") == p.name and name not in defined
    ]
    suspended = [n for n, _ in wanted if n in state.tasks and state.tasks[n].state != "started"]
    if not creates and not drops and not suspended:
        return
    root = state.tasks.get(target.task)
    if root is not None and root.state == "started":
        b.add(
            "suspend",
            "suspend",
            "TASK",
            target.task,
            [objects.suspend_task(target.task)],
            "a task graph changes only while its root is suspended",
        )
    for t in drops:
        b.add(
            "drop",
            "drop",
            "TASK",
            t.name,
            [build.drop("TASK", t.name.table(), if_exists=True)],
            f"pipeline {p.name} no longer defines it",
        )
    for action, name, node, why in creates:
        b.add("task", action, "TASK", name, [node], why)
    for name, _ in reversed(wanted):  # children before the root
        why = "new and replaced tasks start suspended" if creates or drops else "is suspended"
        b.add("resume", "resume", "TASK", name, [objects.resume_task(name)], why)


def _drop_owned(
    b: Builder, states: Iterable[DatabaseState], owner: str, defined: set[ObjectName]
) -> None:
    """Drop the tasks ``owner`` left from an earlier task-loaded deploy (roots suspended
    first)."""
    owned = [
        t
        for state in states
        for t in state.tasks.values()
        if t.marker is not None and t.marker.get("pipeline") == owner and t.name not in defined
    ]
    for t in owned:
        if t.state == "started" and not t.predecessors:
            b.add(
                "suspend",
                "suspend",
                "TASK",
                t.name,
                [objects.suspend_task(t.name)],
                "it is dropped next",
            )
    for t in sorted(owned, key=lambda t: not t.predecessors):  # children first
        b.add(
            "drop",
            "drop",
            "TASK",
            t.name,
            [build.drop("TASK", t.name.table(), if_exists=True)],
            f"pipeline {owner} no longer defines it",
        )


def _resolve_rebuild(items: Sequence[PipelineParts], names: Iterable[str]) -> set[ObjectName]:
    known: set[ObjectName] = set()
    for p in items:
        if p.staging is not None:
            known.add(p.staging.table)
        if p.target is not None:
            known.add(p.target.table)
        if p.stream_spec is not None:
            known.add(p.stream_spec.name)
    out: set[ObjectName] = set()
    for text in names:
        found = set()
        for p in items:
            try:
                found.add(ObjectName.parse(text, database=p.database, what="rebuild"))
            except IdentifierError:
                continue
        if not found & known:
            raise DeployError(f"rebuild: {text} is not a table or stream of these pipelines")
        out |= found & known
    return out


def _prune(
    b: Builder, states: Iterable[DatabaseState], names: set[str], defined: set[ObjectName]
) -> None:
    for state in states:
        for t in state.tasks.values():
            owner = None if t.marker is None else t.marker.get("pipeline")
            if owner is None or owner in names or t.name in defined:
                continue
            if t.state == "started" and not t.predecessors:
                b.add(
                    "suspend",
                    "suspend",
                    "TASK",
                    t.name,
                    [objects.suspend_task(t.name)],
                    "it is dropped next",
                )
            b.add(
                "drop",
                "drop",
                "TASK",
                t.name,
                [build.drop("TASK", t.name.table(), if_exists=True)],
                f"prune: its pipeline {owner} is not among the deployed pipelines",
            )


def plan(
    pipelines: Iterable[PipelineParts],
    target: Target,
    *,
    rebuild: Iterable[str] = (),
    allow_rebuild: bool = False,
    prune: bool = False,
) -> Plan:
    """The changes deploying ``pipelines`` to ``target`` would make, read from what is
    deployed there (nothing is changed).

    ``rebuild`` names tables or streams that may be recreated where a change cannot be
    made in place (``allow_rebuild=True``: any); ``prune`` also drops icebridge-marked tasks
    of pipelines not given (for example a renamed one) in the databases used.
    """
    items = unique(pipelines)
    check_together(items)
    b = Builder(_is_emulator(target), _resolve_rebuild(items, rebuild), allow_rebuild)
    schemas: list[tuple[str, str]] = []
    for pair in (pair for p in items for pair in schemas_of(p)):
        if pair not in schemas:
            schemas.append(pair)
    databases: dict[str, DatabaseState] = {}
    for database, _ in schemas:
        if database not in databases:
            databases[database] = read_database(target, database)
    for name, state in databases.items():
        if not state.exists:
            _create_database(b, name)
    for database, schema in schemas:
        if schema not in databases[database].schemas:
            shown = generate(objects.schema_table(database, schema))
            node = objects.create_schema(database, schema)
            b.add("schema", "create", "SCHEMA", shown, [node], "does not exist")
    keys = staging_keys(items)
    rebuilt: set[ObjectName] = set()
    for p in items:
        stage = p.staging
        if stage is None or stage.table in rebuilt:
            continue
        if _staging(b, databases[stage.table.database], stage, keys[stage.table]):
            rebuilt.add(stage.table)
    defined = {p.target.task for p in items if isinstance(p.target, IcebergTarget)}
    defined |= {p.cleanup_spec.task for p in items if p.cleanup_spec is not None}
    touched = {c.name for c in b.phases["table"]}
    for p in items:
        stage, spec = p.staging, p.target
        if stage is None or spec is None:
            continue
        state = databases[spec.table.database]
        if isinstance(spec, DynamicTarget):
            _dynamic_target(b, state, stage, spec)
            _drop_owned(b, databases.values(), p.name, defined)
            continue
        task = databases[spec.task.database].tasks.get(spec.task)
        keys_now = None if task is None or task.marker is None else task.marker.get("keys")
        restart = _iceberg_target(b, state, stage, spec, keys_now)
        if p.stream_spec is None:
            continue
        stream_state = databases[p.stream_spec.name.database]
        new_stream = _stream(
            b, stream_state, p, restart=restart, rebuilt_source=stage.table in rebuilt
        )
        changed = new_stream or bool({str(stage.table), str(spec.table)} & touched)
        _tasks(b, databases[spec.task.database], p, changed, defined)
    if prune:
        _prune(b, databases.values(), {p.name for p in items}, defined)
    return b.plan()


def _create_database(b: Builder, name: str) -> None:
    node = exp.Create(this=exp.Table(this=identifier(name)), kind="DATABASE", exists=True)
    shown = generate(exp.Table(this=identifier(name)))
    if not b.target_is_emulator:
        raise DeployError(
            f"database {shown} does not exist or the deploying role cannot see it: run "
            f"{generate(node)} (needs the CREATE DATABASE privilege on the account) or "
            f"GRANT USAGE ON DATABASE {shown} TO ROLE <deploying role>; icebridge creates "
            "databases only on the emulator"
        )
    b.add(
        "database",
        "create",
        "DATABASE",
        shown,
        [node],
        "does not exist (the emulator target creates it)",
    )


def deploy(
    pipelines: Iterable[PipelineParts],
    target: Target,
    *,
    rebuild: Iterable[str] = (),
    allow_rebuild: bool = False,
    prune: bool = False,
) -> Plan:
    """Plan and execute: refused changes raise :class:`DeployError` before anything runs.
    Returns the executed plan."""
    result = plan(pipelines, target, rebuild=rebuild, allow_rebuild=allow_rebuild, prune=prune)
    result.check()
    if result.changes:
        target.execute_script(result.statements())
    return result
