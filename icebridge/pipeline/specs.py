"""The frozen parts a :class:`~icebridge.pipeline.Pipeline` is made of.

All names are resolved :class:`ObjectName` values and all column references are stored
identifiers, so rendering never re-interprets user text. :class:`PipelineParts` describes
what the checks, the renderer and the status reader read of a pipeline, so those modules
depend on this one and not on the :class:`~icebridge.pipeline.Pipeline` builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from icebridge.pipeline.columns import StagedColumn
from icebridge.pipeline.schedule import Interval, Schedule
from icebridge.sql.identifiers import ObjectName


@dataclass(frozen=True)
class Stage:
    """The staging (landing) table."""

    table: ObjectName
    columns: tuple[StagedColumn, ...]
    ingested_at: bool = True
    retention_days: int = 1
    max_extension_days: int | None = None
    comment: str | None = None

    def column(self, name: str) -> StagedColumn:
        """The staged column with stored name ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class StreamSpec:
    """The stream on the staging table that the load task consumes."""

    name: ObjectName
    append_only: bool = True
    show_initial_rows: bool = False


@dataclass(frozen=True)
class IcebergTarget:
    """An Iceberg table loaded by a scheduled task from the stream."""

    table: ObjectName
    schedule: Schedule
    task: ObjectName
    warehouse: str | None
    merge_on: tuple[str, ...] = ()
    latest_by: str | None = None
    external_volume: str | None = None
    catalog: str = "SNOWFLAKE"
    base_location: str = ""
    #: (column, Snowflake type text) of the target, in staging order.
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def merge(self) -> bool:
        return bool(self.merge_on)


@dataclass(frozen=True)
class DynamicTarget:
    """A dynamic Iceberg table computed from the staging table."""

    table: ObjectName
    target_lag: str
    warehouse: str
    merge_on: tuple[str, ...] = ()
    latest_by: str | None = None
    external_volume: str | None = None
    base_location: str = ""
    refresh_mode: str | None = None
    initialize: str | None = None
    #: (column, Snowflake type text) of the target, in staging order.
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def merge(self) -> bool:
        return bool(self.merge_on)


@dataclass(frozen=True)
class Cleanup:
    """The child task that deletes loaded rows from the staging table."""

    task: ObjectName
    min_age: Interval | None = None
    warehouse: str | None = None


@dataclass(frozen=True)
class FailurePolicy:
    """Failure handling of the root task, rendered inside its CREATE TASK."""

    suspend_after: int = 10
    retries: int = 0
    error_integration: str | None = None


class PipelineParts(Protocol):
    """The read-only view of a pipeline definition that lower modules work from.

    :class:`~icebridge.pipeline.Pipeline` satisfies it; the checks, the renderer
    (:mod:`icebridge.render`) and :func:`~icebridge.pipeline.status.read_status` take it
    instead of the builder class, so imports point from the builder down to them.
    """

    @property
    def name(self) -> str: ...

    @property
    def database(self) -> str | None: ...

    @property
    def warehouse(self) -> str | None: ...

    @property
    def staging(self) -> Stage | None: ...

    @property
    def stream_spec(self) -> StreamSpec | None: ...

    @property
    def target(self) -> IcebergTarget | DynamicTarget | None: ...

    @property
    def cleanup_spec(self) -> Cleanup | None: ...

    @property
    def failure(self) -> FailurePolicy: ...
