"""What metadata says about a column type: the facts behind INFORMATION_SCHEMA.COLUMNS,
SHOW COLUMNS and DESCRIBE, read from the catalog's Snowflake type text (``NUMBER(38,0)``,
``VARCHAR(16777216)``, ``TIMESTAMP_NTZ(9)``: :mod:`emulator.core.coltypes`).

https://docs.snowflake.com/en/sql-reference/info-schema/columns (DATA_TYPE is the standard
Snowflake name: TEXT for strings, NUMBER for fixed-point numbers) and
https://docs.snowflake.com/en/sql-reference/sql/show-columns (``data_type`` is a JSON object:
FIXED, REAL, TEXT, BINARY, DATE, BOOLEAN, TIME, TIMESTAMP_*, with their properties).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from emulator.core.coltypes import MAX_VARCHAR

_TYPE = re.compile(r"^\s*([A-Z_]+)\s*(?:\((.*)\))?\s*$", re.IGNORECASE)
#: Bytes per character Snowflake reserves for a VARCHAR(n) (UTF-8, at most MAX_VARCHAR).
_BYTES_PER_CHAR = 4
_DATETIMES = ("TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ")
#: SHOW COLUMNS ``type`` of the names that differ from the type's own name.
_SHOW_TYPE = {"NUMBER": "FIXED", "FLOAT": "REAL", "VARCHAR": "TEXT"}


@dataclass(frozen=True)
class TypeFacts:
    """The INFORMATION_SCHEMA.COLUMNS facts of one column type."""

    base: str  # the type name without parameters: NUMBER, VARCHAR, TIMESTAMP_NTZ, ...
    data_type: str  # DATA_TYPE: TEXT for VARCHAR, otherwise ``base``
    char_length: int | None = None
    octet_length: int | None = None
    precision: int | None = None
    radix: int | None = None
    scale: int | None = None
    datetime_precision: int | None = None


def _numbers(params: str | None) -> list[int]:
    if not params:
        return []
    out: list[int] = []
    for part in params.split(","):
        try:
            out.append(int(part.strip()))
        except ValueError:
            return []
    return out


def type_facts(text: str) -> TypeFacts:
    """The facts of a catalog type text (unknown types: their name and nothing else)."""
    match = _TYPE.match(text)
    if match is None:
        return TypeFacts(text.upper(), text.upper())
    base = match.group(1).upper()
    params = _numbers(match.group(2))
    if base == "VARCHAR":
        length = params[0] if params else MAX_VARCHAR
        octets = min(length * _BYTES_PER_CHAR, MAX_VARCHAR)
        return TypeFacts(base, "TEXT", length, octets)
    if base == "BINARY":
        length = params[0] if params else MAX_VARCHAR // 2
        return TypeFacts(base, base, length, length)
    if base == "NUMBER":
        precision = params[0] if params else 38
        scale = params[1] if len(params) > 1 else 0
        return TypeFacts(base, base, precision=precision, radix=10, scale=scale)
    if base in _DATETIMES:
        return TypeFacts(base, base, datetime_precision=params[0] if params else 9)
    return TypeFacts(base, base)


def show_data_type(text: str, nullable: bool) -> str:
    """SHOW COLUMNS ``data_type``: the documented JSON object for a catalog type text."""
    facts = type_facts(text)
    kind = _SHOW_TYPE.get(facts.base, facts.base)
    out: dict[str, Any] = {"type": kind}
    if kind == "FIXED":
        out.update(precision=facts.precision, scale=facts.scale)
    elif kind in ("TEXT", "BINARY"):
        out.update(length=facts.char_length, byteLength=facts.octet_length)
    elif kind in _DATETIMES:
        out.update(precision=0, scale=facts.datetime_precision)
    out["nullable"] = nullable
    if kind in ("TEXT", "BINARY"):
        out["fixed"] = False
    return json.dumps(out, separators=(",", ":"))
