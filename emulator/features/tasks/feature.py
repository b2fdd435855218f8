"""Install tasks: statements, the scheduled source, SYSTEM$ functions, history flushing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.registry import Kind
from emulator.features.tasks import show, statements, system_functions
from emulator.features.tasks.engine import TaskEngine
from emulator.features.tasks.history import HISTORY_DDL, History
from emulator.features.tasks.runner import run_graph
from icebridge.sql.nodes_task import AlterTask, Call, CreateTask, ExecuteTask

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def install(engine: Engine) -> None:
    """Register the tasks feature with ``engine``."""
    tasks = TaskEngine(
        engine,
        History(engine),
        run_graph,
        bundle_2026_06="2026_06" in engine.behavior_change_bundles,
    )
    registry = engine.registry
    registry.provide(TaskEngine, tasks)
    registry.metadata_ddl.append(HISTORY_DDL)
    engine.scheduler.register(tasks)
    registry.rewriter(system_functions.NAMES, system_functions.rewrite)
    registry.close_hooks.append(tasks.history.flush)
    registry.statement(CreateTask, Kind.TASK_DDL, statements.run_task_ddl)
    registry.statement(AlterTask, Kind.TASK_DDL, statements.run_task_ddl)
    registry.statement(ExecuteTask, Kind.EXECUTE_TASK, statements.run_execute_task)
    registry.statement(Call, Kind.CALL, statements.run_call)
    registry.statement((exp.Drop, "TASK"), Kind.DROP, statements.run_drop_task)
    registry.statement((exp.Show, "TASKS"), Kind.SHOW, show.run_show_tasks)
    registry.statement((exp.Describe, "TASK"), Kind.DESCRIBE, show.run_describe_task)
