"""icebridge: Snowflake staging -> stream -> task -> Iceberg pipelines, defined once in
Python, rendered as Snowflake SQL, deployed through Snowpark, and tested offline on an
embedded emulator.

``import icebridge`` stays light: the emulator (DuckDB, PyIceberg) and the Snowflake
target (Snowpark) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from icebridge.errors import (
    DataError,
    DefinitionError,
    DeployError,
    IcebridgeError,
    IdentifierError,
    IngestError,
    ProgrammingError,
    SqlError,
    UnsupportedError,
)

if TYPE_CHECKING:
    from emulator import Emulator
    from icebridge.pipeline import Column, Pipeline, PipelineStatus, Schedule
    from icebridge.plan_changes import deploy, plan
    from icebridge.plan_model import Change, Plan
    from icebridge.render import render_all
    from icebridge.targets.base import Target

__version__ = "0.1.0"

__all__ = [
    "Change",
    "Column",
    "DataError",
    "DefinitionError",
    "DeployError",
    "Emulator",
    "IcebridgeError",
    "IdentifierError",
    "IngestError",
    "Pipeline",
    "PipelineStatus",
    "Plan",
    "ProgrammingError",
    "Schedule",
    "SqlError",
    "Target",
    "UnsupportedError",
    "__version__",
    "deploy",
    "plan",
    "render_all",
]

# Public names resolved on first access: name -> defining module.
_LAZY = {
    "Column": "icebridge.pipeline",
    "Pipeline": "icebridge.pipeline",
    "PipelineStatus": "icebridge.pipeline",
    "Schedule": "icebridge.pipeline",
    "render_all": "icebridge.render",
    "Change": "icebridge.plan_model",
    "Plan": "icebridge.plan_model",
    "deploy": "icebridge.plan_changes",
    "plan": "icebridge.plan_changes",
    "Target": "icebridge.targets.base",
}


def __getattr__(name: str) -> Any:
    # Heavy objects are resolved on first access so that importing icebridge stays cheap.
    if name == "Emulator":
        from emulator import Emulator

        return Emulator
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'icebridge' has no attribute {name!r}")
