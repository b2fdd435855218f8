"""SHOW TASKS and DESCRIBE TASK
(https://docs.snowflake.com/en/sql-reference/sql/show-tasks,
https://docs.snowflake.com/en/sql-reference/sql/desc-task).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import TASK, CatalogObject
from emulator.core.engine import Outcome
from emulator.core.listing import Listing, clauses_of, objects_in, show, show_scope
from emulator.features.tasks import graph
from emulator.features.tasks.engine import tasks_of
from emulator.features.tasks.objects import from_object

if TYPE_CHECKING:
    from emulator.core.engine import Engine

SHOW_COLUMNS = (
    "created_on",
    "name",
    "id",
    "database_name",
    "schema_name",
    "owner",
    "comment",
    "warehouse",
    "schedule",
    "predecessors",
    "state",
    "definition",
    "condition",
    "allow_overlapping_execution",
    "error_integration",
    "last_committed_on",
    "last_suspended_on",
    "owner_role_type",
    "config",
    "budget",
    "task_relations",
    "last_suspended_reason",
)


_INSTANTS = {"created_on", "last_committed_on", "last_suspended_on"}
#: SHOW TASKS output; TERSE keeps these columns (``kind`` is NULL for tasks).
LISTING = Listing(
    pa.schema(
        [(c, pa.timestamp("us", tz="UTC") if c in _INSTANTS else pa.string()) for c in SHOW_COLUMNS]
    ),
    ("created_on", "name", "kind", "database_name", "schema_name", "schedule"),
)


def show_rows(emu: Engine, objs: list[CatalogObject]) -> pa.Table:
    """SHOW TASKS / DESCRIBE TASK rows for the given catalog objects."""
    return pa.Table.from_pylist(task_rows(emu, objs), schema=LISTING.schema)


def task_rows(emu: Engine, objs: list[CatalogObject]) -> list[dict[str, Any]]:
    """One SHOW TASKS row per task object."""
    tasks = tasks_of(emu).tasks
    rows = []
    for obj in objs:
        task = tasks.get(obj.name) or from_object(obj)
        preds = [str(p) for p in task.predecessors]
        final = graph.finalizer_of(tasks, task.name)
        relations: dict[str, Any] = {"Predecessors": preds}
        if final is not None:
            relations["FinalizerTask"] = str(final.name)
        if task.finalize is not None:
            relations["FinalizedRootTask"] = str(task.finalize)
        rows.append(
            {
                "created_on": obj.created_on,
                "name": task.name.name,
                "id": task.task_id,
                "database_name": task.name.database,
                "schema_name": task.name.schema,
                "owner": "ACCOUNTADMIN",
                "comment": task.comment or "",
                "warehouse": task.warehouse,
                "schedule": task.schedule,
                "predecessors": json.dumps(preds),
                "state": task.state,
                "definition": task.body_sql,
                "condition": task.when_sql,
                "allow_overlapping_execution": (
                    "true" if task.overlap_policy != "NO_OVERLAP" else "false"
                ),
                "error_integration": task.parameters.get("ERROR_INTEGRATION"),
                "last_committed_on": obj.last_altered,
                "last_suspended_on": task.suspended_on,
                "owner_role_type": "ROLE",
                "config": task.config,
                "budget": None,
                "task_relations": json.dumps(relations),
                "last_suspended_reason": None,
            }
        )
    return rows


def describe_task(emu: Engine, target: exp.Table) -> Outcome:
    """DESCRIBE TASK: the SHOW TASKS row of one task."""
    obj = emu.resolver.require(target, "DESCRIBE TASK", (TASK,), label="Task")
    table = show_rows(emu, [obj])
    return Outcome(table, table.num_rows)


def run_show_tasks(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW TASKS [LIKE '…'] [IN …] (https://docs.snowflake.com/en/sql-reference/sql/show-tasks)."""
    clauses = clauses_of(node, sql)
    tasks = objects_in(emu, show_scope(emu, clauses, "SHOW TASKS"), (TASK,))
    return show(node, sql, LISTING, task_rows(emu, tasks), clauses)


def run_describe_task(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DESCRIBE TASK <name>."""
    if not isinstance(node.this, exp.Table):
        raise errors.unsupported("DESCRIBE TASK")
    return describe_task(emu, node.this)
