"""Task definitions: what CREATE TASK records, kept as catalog rows of kind TASK.

https://docs.snowflake.com/en/sql-reference/sql/create-task — every option the grammar
reads is recorded; new and replaced tasks are SUSPENDED.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from emulator import errors
from emulator.core.catalog import TASK, CatalogObject, utc_aware, utc_naive
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

STARTED = "started"
SUSPENDED = "suspended"

#: Defaults from https://docs.snowflake.com/en/sql-reference/parameters
DEFAULT_TIMEOUT_MS = 3_600_000
DEFAULT_SUSPEND_AFTER = 10
DEFAULT_MIN_TRIGGER_SECONDS = 30

#: Options with a typed field; anything else the grammar accepts is kept in ``parameters``.
INT_OPTIONS = {
    "USER_TASK_TIMEOUT_MS": (0, 604_800_000),
    "SUSPEND_TASK_AFTER_NUM_FAILURES": (0, 1_000_000),
    "TASK_AUTO_RETRY_ATTEMPTS": (0, 30),
    "USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS": (10, 604_800),
}
OVERLAP_POLICIES = ("NO_OVERLAP", "ALLOW_CHILD_OVERLAP", "ALLOW_ALL_OVERLAP")


@dataclass(frozen=True)
class TaskDef:
    """One task as stored. Names are fully qualified; times are UTC-aware."""

    name: ObjectName
    body_sql: str
    state: str = SUSPENDED
    warehouse: str | None = None
    schedule: str | None = None
    config: str | None = None
    overlap_policy: str = "NO_OVERLAP"
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    suspend_after: int = DEFAULT_SUSPEND_AFTER
    retry_attempts: int = 0
    comment: str | None = None
    finalize: ObjectName | None = None
    predecessors: tuple[ObjectName, ...] = ()
    when_sql: str | None = None
    definition: str = ""
    created_on: datetime | None = None
    resumed_at: datetime | None = None
    suspended_on: datetime | None = None
    failures: int = 0
    task_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    graph_version: int = 0
    parameters: dict[str, str] = field(default_factory=dict)

    @property
    def is_root(self) -> bool:
        """No predecessors and not a finalizer: a standalone or root task."""
        return not self.predecessors and self.finalize is None

    @property
    def started(self) -> bool:
        return self.state == STARTED

    def replace(self, **changes: Any) -> TaskDef:
        return dataclasses.replace(self, **changes)


def _name(d: dict[str, str]) -> ObjectName:
    return ObjectName(d["database"], d["schema"], d["name"])


def _name_dict(n: ObjectName) -> dict[str, str]:
    return {"database": n.database, "schema": n.schema, "name": n.name}


def _time(value: str | None) -> datetime | None:
    return utc_aware(datetime.fromisoformat(value)) if value else None


def to_properties(task: TaskDef) -> dict[str, Any]:
    """JSON-able form kept in ``__ib.objects.properties``."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(task):
        value = getattr(task, f.name)
        if f.name in ("name", "definition", "comment", "created_on"):
            continue
        if isinstance(value, ObjectName):
            value = _name_dict(value)
        elif isinstance(value, tuple):
            value = [_name_dict(v) for v in value]
        elif isinstance(value, datetime):
            value = utc_naive(value).isoformat()
        out[f.name] = value
    return out


def from_object(obj: CatalogObject) -> TaskDef:
    """The task a catalog row holds."""
    p = dict(obj.properties)
    return TaskDef(
        name=obj.name,
        body_sql=p["body_sql"],
        state=p["state"],
        warehouse=p.get("warehouse"),
        schedule=p.get("schedule"),
        config=p.get("config"),
        overlap_policy=p.get("overlap_policy", "NO_OVERLAP"),
        timeout_ms=int(p.get("timeout_ms", DEFAULT_TIMEOUT_MS)),
        suspend_after=int(p.get("suspend_after", DEFAULT_SUSPEND_AFTER)),
        retry_attempts=int(p.get("retry_attempts", 0)),
        comment=obj.comment,
        finalize=_name(p["finalize"]) if p.get("finalize") else None,
        predecessors=tuple(_name(d) for d in p.get("predecessors", [])),
        when_sql=p.get("when_sql"),
        definition=obj.definition or "",
        created_on=obj.created_on,
        resumed_at=_time(p.get("resumed_at")),
        suspended_on=_time(p.get("suspended_on")),
        failures=int(p.get("failures", 0)),
        task_id=p["task_id"],
        graph_version=int(p.get("graph_version", 0)),
        parameters=dict(p.get("parameters", {})),
    )


def insert(emu: Engine, task: TaskDef) -> None:
    """Record a new task (the caller checked it does not exist)."""
    duck = emu.catalog.require_schema(task.name.database, task.name.schema)
    now = emu.now
    emu.catalog.add_object(
        CatalogObject(
            id=emu.catalog.next_id(),
            name=task.name,
            kind=TASK,
            duck_schema=duck,
            duck_name="",
            base_name=None,
            table_type="TASK",
            comment=task.comment,
            created_on=now,
            last_altered=now,
            change_tracking=False,
            retention_days=0,
            max_extension_days=0,
            version=0,
            definition=task.definition,
            properties=to_properties(task),
        ),
        [],
    )


def save(emu: Engine, task: TaskDef) -> None:
    """Write back a changed task."""
    obj = emu.catalog.find(task.name)
    if obj is None or obj.kind != TASK:
        raise errors.object_does_not_exist(str(task.name), "Task")
    emu.catalog.update_object(
        obj.id,
        properties=to_properties(task),
        comment=task.comment,
        definition=task.definition,
        last_altered=emu.now,
    )


def load_all(emu: Engine) -> dict[ObjectName, TaskDef]:
    """Every task in the catalog."""
    return {o.name: from_object(o) for o in emu.catalog.objects(kind=TASK)}


def check_int_option(task: ObjectName, name: str, value: int) -> int:
    """Range-check a numeric task option (Snowflake's invalid-value error otherwise)."""
    low, high = INT_OPTIONS[name]
    if not low <= value <= high and not (name.startswith("USER_TASK_MIN") and value == 0):
        raise errors.invalid_value(name, str(value))
    return value
