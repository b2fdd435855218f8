"""CREATE / ALTER / DROP / EXECUTE TASK, SHOW TASKS, DESCRIBE TASK and CALL.

https://docs.snowflake.com/en/sql-reference/sql/create-task,
https://docs.snowflake.com/en/sql-reference/sql/alter-task,
https://docs.snowflake.com/en/sql-reference/sql/execute-task,
https://docs.snowflake.com/en/sql-reference/sql/show-tasks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import TASK
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.core.resolve import written_parts
from emulator.core.script import statement_name
from emulator.features.tasks import graph, when
from emulator.features.tasks.engine import resume, suspend, tasks_of
from emulator.features.tasks.objects import (
    DEFAULT_SUSPEND_AFTER,
    DEFAULT_TIMEOUT_MS,
    INT_OPTIONS,
    OVERLAP_POLICIES,
    TaskDef,
    check_int_option,
    from_object,
    insert,
)
from emulator.features.tasks.runner import body_statements
from emulator.features.tasks.schedule import parse_schedule
from icebridge.sql.dialect import generate
from icebridge.sql.nodes_common import int_value, option_name, stored_name, string_value
from icebridge.sql.nodes_task import AlterTask, Call, CreateTask, ExecuteTask

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def _error(msg: str, errno: int = 2212, sqlstate: str = "42601") -> Exception:
    return errors.generic(f"SQL compilation error:\n{msg}", errno=errno, sqlstate=sqlstate)


def _find(emu: Engine, table: exp.Table, action: str, missing_ok: bool = False) -> TaskDef | None:
    obj = emu.resolver.lookup(table, action, (TASK,), missing_ok=missing_ok, label="Task")
    return None if obj is None else tasks_of(emu).tasks.get(obj.name) or from_object(obj)


def _predecessor(emu: Engine, table: exp.Table, action: str) -> TaskDef:
    task = _find(emu, table, action)
    assert task is not None
    return task


# -- options ----------------------------------------------------------------------------------


def apply_options(task: TaskDef, options: list[exp.Property]) -> TaskDef:
    """Apply ``NAME = value`` options (CREATE TASK or ALTER TASK SET)."""
    changes: dict[str, Any] = {}
    params = dict(task.parameters)
    for prop in options:
        name = option_name(prop)
        value = prop.args.get("value")
        if name == "WAREHOUSE":
            changes["warehouse"] = stored_name(value)
        elif name == "SCHEDULE":
            text = string_value(value) or ""
            parse_schedule(text)
            changes["schedule"] = text
        elif name == "CONFIG":
            text = string_value(value) or ""
            try:
                json.loads(text)
            except ValueError:
                raise errors.invalid_json(text) from None
            changes["config"] = text
        elif name == "OVERLAP_POLICY":
            policy = (string_value(value) or "").upper()
            if policy not in OVERLAP_POLICIES:
                raise errors.invalid_value("OVERLAP_POLICY", policy)
            changes["overlap_policy"] = policy
        elif name == "ALLOW_OVERLAPPING_EXECUTION":
            on = (string_value(value) or "").upper() == "TRUE"
            changes["overlap_policy"] = "ALLOW_CHILD_OVERLAP" if on else "NO_OVERLAP"
        elif name in INT_OPTIONS:
            number = check_int_option(task.name, name, int_value(value) or 0)
            field = {
                "USER_TASK_TIMEOUT_MS": "timeout_ms",
                "SUSPEND_TASK_AFTER_NUM_FAILURES": "suspend_after",
                "TASK_AUTO_RETRY_ATTEMPTS": "retry_attempts",
            }.get(name)
            if field is None:
                params[name] = str(number)
            else:
                changes[field] = number
        elif name == "COMMENT":
            changes["comment"] = string_value(value)
        elif name == "AUTOCOMMIT" and (string_value(value) or "").upper() == "FALSE":
            raise _error("AUTOCOMMIT = FALSE is not supported for tasks.")
        elif name == "SEARCH_PATH":
            raise _error("SEARCH_PATH is not supported for tasks.")
        elif name != "FINALIZE":
            params[name] = string_value(value) or ""
    changes["parameters"] = params
    result = task.replace(**changes)
    if result.warehouse and "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE" in params:
        raise _error(
            "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE can only be set on a serverless task "
            f"(task {task.name} has WAREHOUSE = {result.warehouse})."
        )
    return result


_UNSET_DEFAULTS: dict[str, tuple[str, Any]] = {
    "WAREHOUSE": ("warehouse", None),
    "SCHEDULE": ("schedule", None),
    "CONFIG": ("config", None),
    "OVERLAP_POLICY": ("overlap_policy", "NO_OVERLAP"),
    "ALLOW_OVERLAPPING_EXECUTION": ("overlap_policy", "NO_OVERLAP"),
    "USER_TASK_TIMEOUT_MS": ("timeout_ms", DEFAULT_TIMEOUT_MS),
    "SUSPEND_TASK_AFTER_NUM_FAILURES": ("suspend_after", DEFAULT_SUSPEND_AFTER),
    "TASK_AUTO_RETRY_ATTEMPTS": ("retry_attempts", 0),
    "COMMENT": ("comment", None),
}


def _check_shape(emu: Engine, task: TaskDef) -> None:
    """A child or finalizer has no SCHEDULE; a finalizer has no predecessors."""
    if task.schedule and (task.predecessors or task.finalize):
        raise _error(
            f"Task {task.name} has predecessors or is a finalizer; it cannot have a SCHEDULE."
        )
    if task.finalize and task.predecessors:
        raise _error(f"Finalizer task {task.name} cannot have predecessors.")
    if not task.is_root and (task.retry_attempts or task.overlap_policy != "NO_OVERLAP"):
        raise _error(
            f"TASK_AUTO_RETRY_ATTEMPTS and OVERLAP_POLICY can only be set on a root task "
            f"({task.name} is not one)."
        )


# -- CREATE -----------------------------------------------------------------------------------


def run_create_task(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    assert isinstance(node, CreateTask)
    engine = tasks_of(emu)
    engine.invalidate()
    name = emu.resolver.object_name(node.task, "CREATE TASK")
    emu.catalog.require_schema(name.database, name.schema)
    existing_obj = emu.catalog.find(name)
    tasks = engine.tasks
    if existing_obj is not None:
        if node.if_not_exists:
            return status(f"{name.name} already exists, statement succeeded.")
        if not node.or_replace:
            raise errors.already_exists(name.name)
        if existing_obj.kind != TASK:
            raise errors.already_exists(name.name)
        old = tasks[name]
        if not graph.is_singleton(tasks, old):
            graph.require_modifiable(tasks, old, bundle_2026_06=False)
    body_sql = generate(node.body)
    body_statements(body_sql)  # parse errors surface at CREATE
    task = TaskDef(name=name, body_sql=body_sql, definition=sql, created_on=emu.now)
    task = apply_options(task, node.options)
    preds = tuple(_predecessor(emu, t, "CREATE TASK") for t in node.after)
    for pred in preds:
        graph.require_modifiable(tasks, pred, bundle_2026_06=False)
    task = task.replace(predecessors=tuple(p.name for p in preds))
    if node.finalize is not None:
        root = _predecessor(emu, node.finalize, "CREATE TASK")
        if not root.is_root:
            raise _error(f"Task {root.name} is not a root task; it cannot have a finalizer.")
        other = graph.finalizer_of(tasks, root.name)
        if other is not None and other.name != name:
            raise _error(f"Root task {root.name} already has finalizer {other.name}.")
        graph.require_modifiable(tasks, root, bundle_2026_06=False)
        task = task.replace(finalize=root.name)
    if node.when is not None:
        task = task.replace(when_sql=when.validate(node.when))
    if node.execute_as_user:
        task.parameters["EXECUTE_AS_USER"] = node.execute_as_user
    _check_shape(emu, task)
    if existing_obj is not None:
        emu.catalog.forget_object(existing_obj)
    insert(emu, task)
    engine.invalidate()
    return status(f"Task {name.name} successfully created.")


# -- ALTER ------------------------------------------------------------------------------------


def run_alter_task(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    assert isinstance(node, AlterTask)
    engine = tasks_of(emu)
    engine.invalidate()
    task = _find(emu, node.task, "ALTER TASK", missing_ok=node.if_exists)
    if task is None:
        return status(SUCCESS)
    tasks = engine.tasks
    action = node.action
    if action in ("RESUME", "SUSPEND"):
        if not task.is_root:
            graph.require_modifiable(tasks, task, bundle_2026_06=False)
        # Resuming a started task (or suspending a suspended one) changes nothing: the
        # schedule keeps its base.
        if action == "RESUME" and not task.started:
            resume(emu, task)
        elif action == "SUSPEND" and task.started:
            suspend(emu, task)
        return status(SUCCESS)
    graph.require_modifiable(tasks, task, bundle_2026_06=engine.bundle_2026_06)
    if action == "SET":
        task = apply_options(task, node.options)
    elif action == "UNSET":
        changes: dict[str, Any] = {}
        params = dict(task.parameters)
        for name in node.unset_names:
            if name in _UNSET_DEFAULTS:
                field, default = _UNSET_DEFAULTS[name]
                changes[field] = default
            else:
                params.pop(name, None)
        task = task.replace(parameters=params, **changes)
    elif action == "ADD AFTER":
        added = [_predecessor(emu, t, "ALTER TASK") for t in node.predecessors]
        for pred in added:
            graph.require_modifiable(tasks, pred, bundle_2026_06=False)
            if graph.would_cycle(tasks, task.name, pred.name):
                raise _error(f"Adding predecessor {pred.name} to {task.name} creates a cycle.")
        names = list(task.predecessors) + [p.name for p in added if p.name not in task.predecessors]
        task = task.replace(predecessors=tuple(names))
    elif action == "REMOVE AFTER":
        removed = {_predecessor(emu, t, "ALTER TASK").name for t in node.predecessors}
        task = task.replace(predecessors=tuple(p for p in task.predecessors if p not in removed))
    elif action == "MODIFY AS":
        assert node.body is not None
        body_sql = generate(node.body)
        body_statements(body_sql)
        task = task.replace(body_sql=body_sql)
    elif action == "MODIFY WHEN":
        assert node.when is not None
        task = task.replace(when_sql=when.validate(node.when))
    elif action == "REMOVE WHEN":
        task = task.replace(when_sql=None)
    else:
        raise errors.unsupported(f"ALTER TASK ... {action}")
    _check_shape(emu, task)
    engine.store(task)
    return status(SUCCESS)


# -- DROP / EXECUTE / CALL -----------------------------------------------------------------


def drop_task(emu: Engine, target: exp.Table, if_exists: bool) -> Outcome:
    """DROP TASK; children of the dropped task lose it as predecessor."""
    engine = tasks_of(emu)
    engine.invalidate()
    obj = emu.resolver.lookup(target, "DROP TASK", (TASK,), missing_ok=if_exists, label="Task")
    if obj is None:
        name = written_parts(target)[-1]
        return status(f"Drop statement executed successfully ({name} already dropped).")
    tasks = engine.tasks
    for other in list(tasks.values()):
        if obj.name in other.predecessors or other.finalize == obj.name:
            engine.store(
                other.replace(
                    predecessors=tuple(p for p in other.predecessors if p != obj.name),
                    finalize=None if other.finalize == obj.name else other.finalize,
                )
            )
    emu.catalog.forget_object(obj)
    engine.invalidate()
    return status(f"{obj.name.name} successfully dropped.")


def run_execute_task(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """EXECUTE TASK: run a standalone or root task once now, even while suspended."""
    assert isinstance(node, ExecuteTask)
    engine = tasks_of(emu)
    engine.invalidate()
    task = _find(emu, node.task, "EXECUTE TASK")
    assert task is not None
    if not task.is_root:
        raise errors.generic(
            f"Cannot execute task {task.name.name}: EXECUTE TASK accepts only a standalone or "
            "root task, not a child task or a finalizer.",
            errno=91092,
            sqlstate="0A000",
        )
    if node.retry_last:
        group = _last_failed_group(emu, task)
        engine.execute(task, None, "MANUAL RETRY", retry_of=group)
    else:
        if node.using_config is not None:
            try:
                json.loads(node.using_config)
            except ValueError:
                raise errors.invalid_json(node.using_config) from None
        engine.execute(task, node.using_config, "EXECUTE_TASK")
    return status(f"Task {task.name.name} is scheduled to run immediately.")


def _last_failed_group(emu: Engine, root: TaskDef) -> str:
    rows = [r for r in tasks_of(emu).history.rows if r.root_task_id == root.task_id]
    if rows:
        last = rows[-1].graph_run_group_id
        if any(r.graph_run_group_id == last and r.state.startswith("FAILED") for r in rows):
            return last
    raise errors.generic(
        f"Cannot retry task graph {root.name.name}: its last graph run did not fail.",
        errno=91094,
        sqlstate="0A000",
    )


def run_call(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """CALL SYSTEM$SET_RETURN_VALUE('...'); other procedures are not emulated."""
    assert isinstance(node, Call)
    from emulator.features.tasks.system_functions import SET_RETURN_VALUE, set_return_value

    name = written_parts(node.this)[-1] if isinstance(node.this, exp.Table) else ""
    if name.upper() != SET_RETURN_VALUE:
        raise errors.unsupported(f"CALL {name}")
    args = [a.this if isinstance(a, exp.Literal) else None for a in node.expressions]
    set_return_value(emu, args)
    return Outcome(pa.table({SET_RETURN_VALUE: pa.array([None], pa.string())}))


def run_task_ddl(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """CREATE TASK or ALTER TASK (the cache is reloaded if the statement fails)."""
    try:
        if isinstance(node, CreateTask):
            return run_create_task(emu, node, sql)
        return run_alter_task(emu, node, sql)
    except BaseException:
        tasks_of(emu).invalidate()
        raise


def run_drop_task(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DROP TASK [IF EXISTS] <name>."""
    assert isinstance(node, exp.Drop)
    target = (node.args.get("tables") or [node.this])[0]
    if not isinstance(target, exp.Table):
        raise errors.unsupported(statement_name(sql))
    return drop_task(emu, target, bool(node.args.get("exists")))
