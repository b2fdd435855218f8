"""The task engine of one emulator: the task cache, the scheduled source and EXECUTE TASK.

Installed by :mod:`emulator.features.tasks.feature` (``tasks_of(emu)``); registered with
``emu.scheduler`` so that ``emu.advance(...)`` fires every due root task in time order
(ties by task name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from emulator.core.scheduler import RunRecord
from emulator.features.tasks import graph
from emulator.features.tasks.history import History
from emulator.features.tasks.objects import STARTED, SUSPENDED, TaskDef, load_all, save
from emulator.features.tasks.schedule import parse_schedule
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine


@dataclass
class RunContext:
    """What SYSTEM$ functions see while a task body runs."""

    task: TaskDef
    root: TaskDef
    graph_run_group_id: str
    scheduled_time: datetime
    config: dict[str, Any]
    predecessor_values: dict[str, str]
    return_value: str | None = None


@dataclass
class _Pending:
    root: ObjectName
    config: str | None
    scheduled_from: str
    retry_of: str | None = None


@dataclass
class TaskEngine:
    """Tasks of one emulator, cached in memory and invalidated by every task DDL."""

    emu: Engine
    history: History
    #: Runs one graph (:func:`emulator.features.tasks.runner.run_graph`, given at install).
    run_graph: Callable[..., list[RunRecord]]
    bundle_2026_06: bool = False
    current: RunContext | None = None
    running: bool = False
    queue: list[_Pending] = field(default_factory=list)
    last_success: dict[ObjectName, tuple[str, datetime]] = field(default_factory=dict)
    #: (task, WHEN text, predecessor values) -> (commit count, time) of a FALSE result.
    false_when: dict[tuple[Any, ...], tuple[int, datetime]] = field(default_factory=dict)
    _tasks: dict[ObjectName, TaskDef] | None = None

    # -- cache ------------------------------------------------------------------------------

    @property
    def tasks(self) -> dict[ObjectName, TaskDef]:
        if self._tasks is None:
            self._tasks = load_all(self.emu)
        return self._tasks

    def invalidate(self) -> None:
        """Forget the cache (after task DDL, a rollback or a schema/database drop)."""
        self._tasks = None

    def store(self, task: TaskDef) -> None:
        """Persist a changed task and update the cache."""
        save(self.emu, task)
        self.tasks[task.name] = task

    # -- ScheduledSource ----------------------------------------------------------------------

    def next_due(self, after: datetime) -> datetime | None:
        best: datetime | None = None
        for task in self.tasks.values():
            due = self.next_tick(task, after)
            if due is not None and (best is None or due < best):
                best = due
        return best

    def next_tick(self, task: TaskDef, after: datetime) -> datetime | None:
        """The next scheduled run of a started root task strictly after ``after``."""
        if not (task.started and task.is_root and task.schedule and task.resumed_at):
            return None
        return parse_schedule(task.schedule).next_after(task.resumed_at, after)

    def fire(self, at: datetime) -> list[RunRecord]:
        records: list[RunRecord] = []
        due = sorted(
            (t for t in self.tasks.values() if self.next_tick(t, at - _EPSILON) == at),
            key=lambda t: t.name,
        )
        for root in due:
            current = self.tasks.get(root.name)
            if current is not None and current.started:
                records.extend(self.run_graph(self, current, at, "SCHEDULE"))
        records.extend(self.drain())
        return records

    # -- EXECUTE TASK -------------------------------------------------------------------------

    def execute(
        self, root: TaskDef, config: str | None, scheduled_from: str, retry_of: str | None = None
    ) -> list[RunRecord]:
        """Run a graph now; queued behind a graph that is running (EXECUTE TASK)."""
        self.queue.append(_Pending(root.name, config, scheduled_from, retry_of))
        if self.running:
            return []
        return self.drain()

    def drain(self) -> list[RunRecord]:
        records: list[RunRecord] = []
        while self.queue and not self.running:
            item = self.queue.pop(0)
            root = self.tasks.get(item.root)
            if root is not None:
                records.extend(
                    self.run_graph(
                        self,
                        root,
                        self.emu.now,
                        item.scheduled_from,
                        config_override=item.config,
                        retry_of=item.retry_of,
                    )
                )
        return records

    def root_of(self, task: TaskDef) -> TaskDef:
        return graph.root_of(self.tasks, task)


_EPSILON = timedelta(microseconds=1)


def tasks_of(emu: Engine) -> TaskEngine:
    """The task engine installed in ``emu`` (:mod:`emulator.features.tasks.feature`)."""
    engine = emu.registry.service(TaskEngine)
    assert engine is not None, "the tasks feature is not installed"
    return engine


def resume(emu: Engine, task: TaskDef) -> TaskDef:
    """Start a task; a root's interval schedule counts from now."""
    started = task.replace(
        state=STARTED, resumed_at=emu.now, graph_version=task.graph_version + 1, failures=0
    )
    tasks_of(emu).store(started)
    return started


def suspend(emu: Engine, task: TaskDef) -> TaskDef:
    """Suspend a task (future runs cancelled; the failure count reset)."""
    stopped = task.replace(state=SUSPENDED, suspended_on=emu.now, failures=0)
    tasks_of(emu).store(stopped)
    return stopped
