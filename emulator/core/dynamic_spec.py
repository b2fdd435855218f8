"""What the catalog keeps about a dynamic table, and the refresh-history table.

A dynamic table is a catalog object of kind ``DYNAMIC TABLE`` with the same storage as a
native table (base table with hidden row ids + a view), so reads, streams and downstream
dynamic tables treat it like a table. Its definition and refresh state live in the object's
``properties`` under :data:`KEY` (JSON in ``__ib.objects``), so everything survives reopening
a persistent emulator. Refreshes are recorded in ``__ib.dt_refresh_history``.

https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE, CatalogObject

if TYPE_CHECKING:
    from emulator.core.engine import Engine

KEY = "dynamic"
#: The refresh-history table's name in the reserved schema.
HISTORY_NAME = "dt_refresh_history"

#: Columns of the refresh-history table (one row per refresh attempt), in order.
HISTORY_COLUMNS = (
    ("object_id", "BIGINT"),
    ("database", "VARCHAR"),
    ("schema", "VARCHAR"),
    ("name", "VARCHAR"),
    ("state", "VARCHAR"),
    ("state_code", "VARCHAR"),
    ("state_message", "VARCHAR"),
    ("query_id", "VARCHAR"),
    ("data_timestamp", "TIMESTAMP"),
    ("refresh_start_time", "TIMESTAMP"),
    ("refresh_end_time", "TIMESTAMP"),
    ("completion_target", "TIMESTAMP"),
    ("statistics", "VARCHAR"),
    ("refresh_action", "VARCHAR"),
    ("refresh_trigger", "VARCHAR"),
    ("target_lag_sec", "BIGINT"),
    ("inputs", "VARCHAR"),
    ("last_dependency", "VARCHAR"),
)


def history_ddl() -> exp.Create:
    """``CREATE TABLE IF NOT EXISTS __ib.dt_refresh_history (…)``."""
    columns = [sql.column_def(name, kind) for name, kind in HISTORY_COLUMNS]
    return exp.Create(
        kind="TABLE",
        exists=True,
        this=exp.Schema(this=sql.meta(HISTORY_NAME), expressions=columns),
    )


#: The refresh-history DDL as text (the registry's metadata DDL list holds text).
HISTORY_DDL = sql.render(history_ddl())

#: Snowflake's minimum TARGET_LAG (https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table).
MIN_LAG = timedelta(seconds=60)

_LAG = re.compile(r"^\s*(\d+)\s*(seconds?|minutes?|hours?|days?)\s*$", re.IGNORECASE)


def parse_lag(text: str) -> timedelta:
    """``'<num> { seconds | minutes | hours | days }'`` -> timedelta; Snowflake's errors."""
    match = _LAG.match(text)
    if match is None:
        raise errors.generic(
            f"SQL compilation error:\ninvalid value '{text}' for property 'TARGET_LAG'. "
            "Expected '<num> { seconds | minutes | hours | days }' or DOWNSTREAM.",
            errno=2005,
            sqlstate="22023",
        )
    unit = match.group(2).lower().rstrip("s") + "s"
    lag = timedelta(**{unit: int(match.group(1))})
    if lag < MIN_LAG:
        # Since bundle 2023_06 a lag under one minute is an error
        # (https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_06/bcr-1247).
        raise errors.generic(
            f"SQL compilation error:\ninvalid value '{text}' for property 'TARGET_LAG'. "
            "The target lag must be at least 1 minute.",
            errno=2005,
            sqlstate="22023",
        )
    return lag


@dataclass(frozen=True)
class DynamicSpec:
    """The dynamic-table part of a catalog object (stored as JSON)."""

    query: str
    text: str
    warehouse: str
    target_lag: str | None  # '1 minute', 'DOWNSTREAM', or None when SCHEDULER = DISABLE
    lag_seconds: int | None
    scheduler: str | None  # ENABLE / DISABLE as written, None when not written
    declared_mode: str  # AUTO, FULL, INCREMENTAL, ADAPTIVE
    refresh_mode: str  # INCREMENTAL or FULL (AUTO resolved once, at creation)
    refresh_mode_reason: str | None
    initialize: str  # ON_CREATE / ON_SCHEDULE
    anchor: str  # ISO instant the refresh cadence counts from
    suspended: bool = False
    manually_suspended: bool = False
    last_suspended_on: str | None = None
    initialized: bool = False
    data_timestamp: str | None = None
    #: object id (text) -> table version read by the last successful refresh
    versions: dict[str, int] = field(default_factory=dict)
    is_iceberg: bool = False

    @property
    def downstream(self) -> bool:
        """TARGET_LAG = DOWNSTREAM."""
        return self.target_lag == "DOWNSTREAM"

    @property
    def scheduled(self) -> bool:
        """True when the scheduler refreshes this table (not SCHEDULER = DISABLE)."""
        return self.scheduler != "DISABLE"

    @property
    def lag(self) -> timedelta | None:
        """The fixed target lag, or None (DOWNSTREAM / no scheduler)."""
        return timedelta(seconds=self.lag_seconds) if self.lag_seconds is not None else None

    def anchor_time(self) -> datetime:
        return datetime.fromisoformat(self.anchor)

    def with_(self, **changes: Any) -> DynamicSpec:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DynamicSpec:
        return cls(**data)


def spec_of(obj: CatalogObject) -> DynamicSpec:
    """The dynamic-table spec of a catalog object of kind DYNAMIC TABLE."""
    data = obj.properties.get(KEY)
    if obj.kind != DYNAMIC_TABLE or not isinstance(data, dict):
        raise errors.generic(f"{obj.name} is not a dynamic table")
    return DynamicSpec.from_json(data)


def save_spec(emu: Engine, obj: CatalogObject, spec: DynamicSpec) -> None:
    """Store ``spec`` on the object (inside the caller's transaction)."""
    properties = dict(obj.properties)
    properties[KEY] = spec.to_json()
    emu.catalog.update_object(obj.id, properties=properties)


def load(emu: Engine, object_id: int) -> tuple[CatalogObject, DynamicSpec] | None:
    """The current catalog row and spec of a dynamic table, or None when it is gone."""
    obj = emu.catalog.by_id(object_id)
    if obj is None or obj.kind != DYNAMIC_TABLE:
        return None
    return obj, spec_of(obj)


def dynamic_tables(emu: Engine) -> list[tuple[CatalogObject, DynamicSpec]]:
    """Every dynamic table, ordered by database, schema and name."""
    return [(o, spec_of(o)) for o in emu.catalog.objects(kind=DYNAMIC_TABLE)]


def ensure_history(emu: Engine) -> None:
    """Create the refresh-history table when missing."""
    sql.run(emu.con, history_ddl())
