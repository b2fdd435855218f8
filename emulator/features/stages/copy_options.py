"""The options of a COPY statement, read from sqlglot's ``exp.Copy`` parameters.

Copy options of loading: https://docs.snowflake.com/en/sql-reference/sql/copy-into-table
(FILES, PATTERN, FILE_FORMAT, ON_ERROR, PURGE, FORCE, MATCH_BY_COLUMN_NAME,
VALIDATION_MODE, LOAD_UNCERTAIN_FILES, RETURN_FAILED_ONLY); of unloading:
https://docs.snowflake.com/en/sql-reference/sql/copy-into-location (SINGLE, OVERWRITE,
HEADER, MAX_FILE_SIZE, DETAILED_OUTPUT, INCLUDE_QUERY_ID, VALIDATION_MODE = RETURN_ROWS).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.features.stages.ddl import format_name_table
from emulator.features.stages.formats import FileFormat, from_options, option_values, python_value
from emulator.features.stages.objects import load_format, object_name

if TYPE_CHECKING:
    from emulator.core.engine import Engine

ABORT_STATEMENT = "ABORT_STATEMENT"
CONTINUE = "CONTINUE"
SKIP_FILE = "SKIP_FILE"
_SKIP_N = re.compile(r"SKIP_FILE_(\d+)(%?)\Z")
_ROWS = re.compile(r"RETURN_(\d+)_ROWS\Z")

#: Load options read here; options that change nothing the emulator shows are accepted.
LOAD_OPTIONS = frozenset(
    {
        "FILES",
        "PATTERN",
        "FILE_FORMAT",
        "ON_ERROR",
        "PURGE",
        "FORCE",
        "MATCH_BY_COLUMN_NAME",
        "VALIDATION_MODE",
        "LOAD_UNCERTAIN_FILES",
        "RETURN_FAILED_ONLY",
        "ENFORCE_LENGTH",
        "TRUNCATECOLUMNS",
        "SIZE_LIMIT",
    }
)
UNLOAD_OPTIONS = frozenset(
    {
        "FILE_FORMAT",
        "SINGLE",
        "OVERWRITE",
        "HEADER",
        "MAX_FILE_SIZE",
        "DETAILED_OUTPUT",
        "INCLUDE_QUERY_ID",
        "VALIDATION_MODE",
    }
)


@dataclass(frozen=True)
class OnError:
    """ON_ERROR: ABORT_STATEMENT, CONTINUE, or SKIP_FILE with a row count or percentage."""

    mode: str = ABORT_STATEMENT
    limit: int = 1
    percent: bool = False

    @classmethod
    def parse(cls, value: Any) -> OnError:
        text = str(value).strip().upper()
        if text in (ABORT_STATEMENT, CONTINUE):
            return cls(text)
        if text == SKIP_FILE:
            return cls(SKIP_FILE)
        match = _SKIP_N.match(text)
        if match is None:
            raise errors.invalid_value("ON_ERROR", str(value))
        return cls(SKIP_FILE, int(match.group(1)), bool(match.group(2)))

    def error_limit(self, parsed: int) -> int:
        """The ``error_limit`` a COPY result row shows for a file of ``parsed`` rows."""
        if self.mode == CONTINUE:
            return parsed
        if self.percent:
            return math.floor(parsed * self.limit / 100) + 1
        return self.limit

    def skips(self, errors_seen: int, parsed: int) -> bool:
        """True when a SKIP_FILE mode skips a file with ``errors_seen`` error rows."""
        if self.mode != SKIP_FILE or errors_seen == 0:
            return False
        if self.percent:
            return parsed > 0 and errors_seen * 100 / parsed > self.limit
        return errors_seen >= self.limit


@dataclass(frozen=True)
class CopyOptions:
    """The copy options of one COPY statement, as Python values."""

    values: dict[str, Any]
    file_format: FileFormat | None
    on_error: OnError

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise errors.invalid_value(name, str(value))

    @property
    def files(self) -> tuple[str, ...] | None:
        found = self.values.get("FILES")
        if found is None:
            return None
        return tuple(str(f) for f in (found if isinstance(found, tuple) else (found,)))

    @property
    def pattern(self) -> str | None:
        found = self.values.get("PATTERN")
        return None if found is None else str(found)

    @property
    def match_by(self) -> str:
        found = str(self.values.get("MATCH_BY_COLUMN_NAME") or "NONE").upper()
        if found not in ("CASE_SENSITIVE", "CASE_INSENSITIVE", "NONE"):
            raise errors.invalid_value("MATCH_BY_COLUMN_NAME", found)
        return found

    @property
    def validation(self) -> str | None:
        found = self.values.get("VALIDATION_MODE")
        return None if found is None else str(found).upper()

    def validation_rows(self) -> int | None:
        """n of VALIDATION_MODE = RETURN_n_ROWS."""
        mode = self.validation
        match = _ROWS.match(mode) if mode else None
        return int(match.group(1)) if match else None

    def number(self, name: str, default: int) -> int:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise errors.invalid_value(name, str(value))
        return int(value)


def read_options(emu: Engine, node: exp.Copy, allowed: frozenset[str]) -> CopyOptions:
    """The copy options of ``node``; an option COPY does not have is an error."""
    values: dict[str, Any] = {}
    file_format: FileFormat | None = None
    for param in node.args.get("params") or []:
        if not isinstance(param, exp.CopyParameter):
            continue
        name = param.name.upper()
        if name not in allowed:
            if name in LOAD_OPTIONS | UNLOAD_OPTIONS:
                raise errors.invalid_parameter(name)
            raise errors.unsupported(f"the COPY option {name}")
        if name == "FILE_FORMAT":
            file_format = _file_format(emu, param)
            continue
        values[name] = python_value(param.args.get("expression"))
    on_error = OnError.parse(values.get("ON_ERROR", ABORT_STATEMENT))
    return CopyOptions(values, file_format, on_error)


def _file_format(emu: Engine, param: exp.CopyParameter) -> FileFormat:
    """``FILE_FORMAT = ( … )``, ``FILE_FORMAT = name`` or ``FILE_FORMAT = 'name'``."""
    items = param.expressions
    if not items:
        value = param.args.get("expression")
        if value is None:
            raise errors.invalid_value("FILE_FORMAT", "")
        return named_format(emu, value)
    named = next(
        (
            i.args.get("value")
            for i in items
            if isinstance(i, exp.Property) and i.name.upper() == "FORMAT_NAME"
        ),
        None,
    )
    if named is not None:
        return named_format(emu, named)
    return from_options(option_values(items))


def named_format(emu: Engine, named: exp.Expression) -> FileFormat:
    """The file format a FORMAT_NAME value names (``FROM @s (FILE_FORMAT => 'name')``)."""
    return load_format(emu, object_name(emu, format_name_table(named), "COPY"))
