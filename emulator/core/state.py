"""Session state: current database/schema/warehouse/role, parameters and variables.

Parameters follow https://docs.snowflake.com/en/sql-reference/parameters (session level).
Only parameters the emulator honours, or records harmlessly, are accepted; any other name
raises Snowflake's invalid-parameter error instead of being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from emulator import errors

#: Session parameters and their defaults (names stored upper-case).
PARAMETER_DEFAULTS: dict[str, Any] = {
    "TIMEZONE": "America/Los_Angeles",
    "ERROR_ON_NONDETERMINISTIC_MERGE": True,
    "ERROR_ON_NONDETERMINISTIC_UPDATE": False,
    "AUTOCOMMIT": True,
    "QUERY_TAG": "",
    "TIMESTAMP_TYPE_MAPPING": "TIMESTAMP_NTZ",
    "TRANSACTION_ABORT_ON_ERROR": False,
    "TIMESTAMP_DAY_IS_ALWAYS_24H": False,
    "STATEMENT_TIMEOUT_IN_SECONDS": 172800,
}

_BOOLEAN = {k for k, v in PARAMETER_DEFAULTS.items() if isinstance(v, bool)}
_INTEGER = {
    k for k, v in PARAMETER_DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)
}


def coerce_parameter(name: str, value: Any) -> Any:
    """Check ``value`` for parameter ``name``; returns the stored Python value."""
    if name not in PARAMETER_DEFAULTS:
        raise errors.invalid_parameter(name)
    if name in _BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().upper()
        if text in ("TRUE", "FALSE"):
            return text == "TRUE"
        raise errors.invalid_value(name, str(value))
    if name in _INTEGER:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise errors.invalid_value(name, str(value)) from None
    text = str(value)
    if name == "TIMEZONE":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise errors.invalid_value(name, text) from None
    if name == "AUTOCOMMIT" and value is not True:
        raise errors.unsupported("AUTOCOMMIT = FALSE (use BEGIN … COMMIT)")
    return text


@dataclass
class SessionState:
    """What ``USE`` / ``ALTER SESSION`` / ``SET`` change; reset when the emulator reopens."""

    database: str | None = None
    schema: str | None = None
    warehouse: str | None = None
    role: str = "ACCOUNTADMIN"
    parameters: dict[str, Any] = field(default_factory=lambda: dict(PARAMETER_DEFAULTS))
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def timezone(self) -> str:
        return str(self.parameters["TIMEZONE"])
