"""Task graphs: roots, children, finalizers and the rules for changing them.

https://docs.snowflake.com/en/user-guide/tasks-graphs and
https://docs.snowflake.com/en/sql-reference/sql/alter-task: the root must be suspended
before any task in its graph is modified, added, removed or recreated, or a child is
suspended or resumed. A standalone task must be suspended before it is modified, unless
behavior-change bundle 2026_06 is enabled, which allows ALTER on a resumed singleton task.
"""

from __future__ import annotations

from collections.abc import Mapping

from emulator import errors
from emulator.features.tasks.objects import TaskDef
from icebridge.errors import SqlError
from icebridge.sql.identifiers import ObjectName

Tasks = Mapping[ObjectName, TaskDef]


def children(tasks: Tasks, name: ObjectName) -> list[TaskDef]:
    """Tasks naming ``name`` as predecessor, by name."""
    return sorted((t for t in tasks.values() if name in t.predecessors), key=lambda t: t.name)


def finalizer_of(tasks: Tasks, root: ObjectName) -> TaskDef | None:
    """The finalizer task of ``root``, if any."""
    return next((t for t in tasks.values() if t.finalize == root), None)


def root_of(tasks: Tasks, task: TaskDef) -> TaskDef:
    """The root of the graph ``task`` belongs to (itself for a standalone task)."""
    seen: set[ObjectName] = set()
    current = task
    while True:
        if current.finalize is not None and current.finalize in tasks:
            return tasks[current.finalize]
        preds = [p for p in current.predecessors if p in tasks]
        if not preds or current.name in seen:
            return current
        seen.add(current.name)
        current = tasks[sorted(preds)[0]]


def members(tasks: Tasks, root: ObjectName) -> list[TaskDef]:
    """The root, its descendants in topological order (ties by name), then the finalizer."""
    order: list[TaskDef] = [tasks[root]]
    placed = {root}
    pending = {t.name for t in _descendants(tasks, root)}
    while pending:
        ready = sorted(
            n
            for n in pending
            if all(p in placed or p not in pending for p in tasks[n].predecessors)
        )
        if not ready:  # a cycle cannot be created, but never loop forever
            ready = sorted(pending)
        for n in ready:
            order.append(tasks[n])
            placed.add(n)
            pending.discard(n)
    final = finalizer_of(tasks, root)
    if final is not None:
        order.append(final)
    return order


def _descendants(tasks: Tasks, root: ObjectName) -> list[TaskDef]:
    found: dict[ObjectName, TaskDef] = {}
    stack = [root]
    while stack:
        for child in children(tasks, stack.pop()):
            if child.name not in found:
                found[child.name] = child
                stack.append(child.name)
    return list(found.values())


def is_singleton(tasks: Tasks, task: TaskDef) -> bool:
    """No predecessor, successor or finalizer (bundle 2026_06's "singleton task")."""
    return (
        task.is_root and not children(tasks, task.name) and finalizer_of(tasks, task.name) is None
    )


def not_suspended(root: ObjectName) -> SqlError:
    """The error for changing a graph (or standalone task) whose root is running: 091421
    (22000), as reported from live accounts (the docs do not quote it)."""
    return errors.generic(
        f"Unable to update graph with root task {root} since that root task is not suspended.",
        errno=91421,
        sqlstate="22000",
    )


def require_modifiable(tasks: Tasks, task: TaskDef, *, bundle_2026_06: bool) -> None:
    """Raise unless ``task`` may be modified now."""
    root = root_of(tasks, task)
    if not root.started:
        return
    if bundle_2026_06 and is_singleton(tasks, task):
        return
    raise not_suspended(root.name)


def would_cycle(tasks: Tasks, task: ObjectName, predecessor: ObjectName) -> bool:
    """True if making ``predecessor`` a predecessor of ``task`` closes a loop."""
    return predecessor == task or any(d.name == predecessor for d in _descendants(tasks, task))
