"""SYSTEM$ functions of tasks, answered by the session before translation.

* SYSTEM$TASK_RUNTIME_INFO('<arg>') — errors outside a task run
  (https://docs.snowflake.com/en/sql-reference/functions/system_task_runtime_info);
* SYSTEM$GET_PREDECESSOR_RETURN_VALUE(['<task>']) and CALL SYSTEM$SET_RETURN_VALUE('<v>')
  (https://docs.snowflake.com/en/sql-reference/functions/system_set_return_value);
* SYSTEM$GET_TASK_GRAPH_CONFIG(['<key>'])
  (https://docs.snowflake.com/en/sql-reference/functions/system_get_task_graph_config);
* SYSTEM$TASK_DEPENDENTS_ENABLE('<task>') resumes a task and all its dependents
  (https://docs.snowflake.com/en/sql-reference/functions/system_task_dependents_enable).

Each call is replaced by a literal; ``TABLE(INFORMATION_SCHEMA.TASK_HISTORY(...))`` and
``COMPLETE_TASK_GRAPHS(...)`` by an in-memory relation
(:mod:`emulator.features.tasks.table_functions`).
CREATE / ALTER TASK statements are left alone: their WHEN and body run later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.features.tasks import graph
from emulator.features.tasks.engine import tasks_of
from emulator.features.tasks.objects import STARTED
from emulator.features.tasks.when import predecessor_value
from icebridge.errors import IcebridgeError
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_task import AlterTask, CreateTask

if TYPE_CHECKING:
    from emulator.core.engine import Engine
    from emulator.features.tasks.engine import RunContext

SET_RETURN_VALUE = "SYSTEM$SET_RETURN_VALUE"
_MAX_RETURN_VALUE = 10 * 1024


def rewrite(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Replace task SYSTEM$ calls and task table functions in ``node``."""
    if isinstance(node, CreateTask | AlterTask):
        return node
    calls = [
        n
        for n in node.find_all(exp.Anonymous)
        if n.name.upper() in _FUNCTIONS or n.name.upper() in _TABLE_FUNCTIONS
    ]
    if not calls:
        return node
    from emulator.features.tasks import table_functions

    for call in calls:
        name = call.name.upper()
        if name in _TABLE_FUNCTIONS:
            table_functions.replace(emu, call)
            continue
        args = [_constant(a, name) for a in call.expressions]
        call.replace(_literal(_FUNCTIONS[name](emu, args)))
    return node


def _constant(node: exp.Expression, function: str) -> Any:
    if isinstance(node, exp.Literal):
        return node.this
    if isinstance(node, exp.Null):
        return None
    raise errors.generic(
        f"SQL compilation error:\nInvalid argument for function {function}: "
        "a constant string is required.",
        errno=1044,
        sqlstate="22023",
    )


def _literal(value: str | None) -> exp.Expression:
    return exp.Null() if value is None else exp.Literal.string(value)


def _context(emu: Engine, function: str) -> RunContext:
    ctx = tasks_of(emu).current
    if ctx is None:
        raise errors.generic(
            f"{function} can only be called from within a task run.",
            errno=91093,
            sqlstate="22023",
        )
    return ctx


def runtime_info(emu: Engine, args: list[Any]) -> str | None:
    """SYSTEM$TASK_RUNTIME_INFO."""
    ctx = _context(emu, "SYSTEM$TASK_RUNTIME_INFO")
    what = str(args[0]).upper() if args else ""
    last = tasks_of(emu).last_success.get(ctx.root.name)
    values: dict[str, str | None] = {
        "CURRENT_TASK_NAME": str(ctx.task.name),
        "CURRENT_ROOT_TASK_NAME": str(ctx.root.name),
        "CURRENT_ROOT_TASK_UUID": ctx.root.task_id,
        "CURRENT_TASK_GRAPH_RUN_GROUP_ID": ctx.graph_run_group_id,
        "CURRENT_TASK_GRAPH_ORIGINAL_SCHEDULED_TIMESTAMP": ctx.scheduled_time.isoformat(),
        "LAST_SUCCESSFUL_TASK_GRAPH_RUN_GROUP_ID": last[0] if last else None,
        "LAST_SUCCESSFUL_TASK_GRAPH_ORIGINAL_SCHEDULED_TIMESTAMP": (
            last[1].isoformat() if last else None
        ),
    }
    if what not in values:
        raise errors.invalid_value("SYSTEM$TASK_RUNTIME_INFO argument", what)
    return values[what]


def get_predecessor_return_value(emu: Engine, args: list[Any]) -> str | None:
    """SYSTEM$GET_PREDECESSOR_RETURN_VALUE inside a task body."""
    ctx = _context(emu, "SYSTEM$GET_PREDECESSOR_RETURN_VALUE")
    return predecessor_value(ctx.predecessor_values, args[0] if args else None)


def set_return_value(emu: Engine, args: list[Any]) -> str | None:
    """SYSTEM$SET_RETURN_VALUE: at most 10 kB, read by the children of this run."""
    ctx = _context(emu, SET_RETURN_VALUE)
    value = "" if not args or args[0] is None else str(args[0])
    if len(value.encode()) > _MAX_RETURN_VALUE:
        raise errors.invalid_value("SYSTEM$SET_RETURN_VALUE", value[:30] + "...")
    ctx.return_value = value
    return None


def get_task_graph_config(emu: Engine, args: list[Any]) -> str | None:
    """SYSTEM$GET_TASK_GRAPH_CONFIG: the run's CONFIG (or one key of it); NULL outside."""
    ctx = tasks_of(emu).current
    if ctx is None:
        return None
    if not args:
        return json.dumps(ctx.config)
    value = ctx.config.get(str(args[0]))
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def task_dependents_enable(emu: Engine, args: list[Any]) -> str | None:
    """Resume the named task and, recursively, every task that depends on it."""
    if not args or args[0] is None:
        raise errors.invalid_value("SYSTEM$TASK_DEPENDENTS_ENABLE", "NULL")
    database, schema = emu.state.database, emu.state.schema
    try:
        name = ObjectName.parse(str(args[0]), database=database, schema=schema)
    except IcebridgeError:  # not a name: no task has it (a SqlError, as for any bad name)
        raise errors.object_does_not_exist(str(args[0]), "Task") from None
    engine = tasks_of(emu)
    task = engine.tasks.get(name)
    if task is None:
        raise errors.object_does_not_exist(str(args[0]), "Task")
    from emulator.features.tasks.engine import resume

    todo = [task, *graph.members(engine.tasks, task.name)[1:]]
    # Children first, the named task last (resuming a root starts its schedule).
    for member in reversed(todo):
        if member.state != STARTED:
            resume(emu, member)
    engine.invalidate()
    return ""


_FUNCTIONS: dict[str, Callable[[Engine, list[Any]], str | None]] = {
    "SYSTEM$TASK_RUNTIME_INFO": runtime_info,
    "SYSTEM$GET_PREDECESSOR_RETURN_VALUE": get_predecessor_return_value,
    SET_RETURN_VALUE: set_return_value,
    "SYSTEM$GET_TASK_GRAPH_CONFIG": get_task_graph_config,
    "SYSTEM$TASK_DEPENDENTS_ENABLE": task_dependents_enable,
}
_TABLE_FUNCTIONS = frozenset({"TASK_HISTORY", "COMPLETE_TASK_GRAPHS"})
#: Every function name :func:`rewrite` replaces (its registration key).
NAMES = frozenset(_FUNCTIONS) | _TABLE_FUNCTIONS
