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

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "DefinitionError",
    "DeployError",
    "Emulator",
    "IcebridgeError",
    "IdentifierError",
    "IngestError",
    "ProgrammingError",
    "SqlError",
    "UnsupportedError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # Heavy objects are resolved on first access so that importing icebridge stays cheap.
    if name == "Emulator":
        from emulator import Emulator

        return Emulator
    raise AttributeError(f"module 'icebridge' has no attribute {name!r}")
