"""Pipeline definitions: the immutable :class:`Pipeline` builder and its parts."""

from icebridge.pipeline.columns import INGESTED_AT, Column, StagedColumn
from icebridge.pipeline.model import Pipeline
from icebridge.pipeline.schedule import Interval, Schedule
from icebridge.pipeline.specs import (
    Cleanup,
    DynamicTarget,
    FailurePolicy,
    IcebergTarget,
    Stage,
    StreamSpec,
)
from icebridge.pipeline.status import PipelineStatus, TaskRun

__all__ = [
    "INGESTED_AT",
    "Cleanup",
    "Column",
    "DynamicTarget",
    "FailurePolicy",
    "IcebergTarget",
    "Interval",
    "Pipeline",
    "PipelineStatus",
    "Schedule",
    "Stage",
    "StagedColumn",
    "StreamSpec",
    "TaskRun",
]
