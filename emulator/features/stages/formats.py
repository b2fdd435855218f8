"""File formats: ``TYPE = CSV | JSON | PARQUET`` and their options, as Python values.

A format comes from ``FILE_FORMAT = (TYPE = … <options>)``, ``FILE_FORMAT = (FORMAT_NAME =
…)`` / ``FILE_FORMAT = name``, a named file format object, or a stage's own FILE_FORMAT.
Options are not merged across those places: the one given wins whole (COPY, then the stage,
then CSV defaults). Every option not written takes Snowflake's default
(https://docs.snowflake.com/en/sql-reference/sql/create-file-format, and the format type
options of https://docs.snowflake.com/en/sql-reference/sql/copy-into-table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from emulator import errors

#: The option defaults per format type (None means NONE).
DEFAULTS: dict[str, dict[str, Any]] = {
    "CSV": {
        "COMPRESSION": "AUTO",
        "RECORD_DELIMITER": "\n",
        "FIELD_DELIMITER": ",",
        "FILE_EXTENSION": None,
        "PARSE_HEADER": False,
        "SKIP_HEADER": 0,
        "SKIP_BLANK_LINES": False,
        "DATE_FORMAT": "AUTO",
        "TIME_FORMAT": "AUTO",
        "TIMESTAMP_FORMAT": "AUTO",
        "BINARY_FORMAT": "HEX",
        "ESCAPE": None,
        "ESCAPE_UNENCLOSED_FIELD": "\\",
        "TRIM_SPACE": False,
        "FIELD_OPTIONALLY_ENCLOSED_BY": None,
        "NULL_IF": ("\\N",),
        "ERROR_ON_COLUMN_COUNT_MISMATCH": True,
        "REPLACE_INVALID_CHARACTERS": False,
        "EMPTY_FIELD_AS_NULL": True,
        "SKIP_BYTE_ORDER_MARK": True,
        "ENCODING": "UTF8",
        "MULTI_LINE": True,
    },
    "JSON": {
        "COMPRESSION": "AUTO",
        "FILE_EXTENSION": None,
        "DATE_FORMAT": "AUTO",
        "TIME_FORMAT": "AUTO",
        "TIMESTAMP_FORMAT": "AUTO",
        "BINARY_FORMAT": "HEX",
        "TRIM_SPACE": False,
        "MULTI_LINE": True,
        "NULL_IF": (),
        "ENABLE_OCTAL": False,
        "ALLOW_DUPLICATE": False,
        "STRIP_OUTER_ARRAY": False,
        "STRIP_NULL_VALUES": False,
        "REPLACE_INVALID_CHARACTERS": False,
        "IGNORE_UTF8_ERRORS": False,
        "SKIP_BYTE_ORDER_MARK": True,
    },
    "PARQUET": {
        "COMPRESSION": "AUTO",
        "BINARY_AS_TEXT": True,
        "USE_LOGICAL_TYPE": False,
        "TRIM_SPACE": False,
        "USE_VECTORIZED_SCANNER": False,
        "REPLACE_INVALID_CHARACTERS": False,
        "NULL_IF": (),
        "SNAPPY_COMPRESSION": True,
    },
}
#: Types Snowflake has that the emulator does not read.
_OTHER_TYPES = ("AVRO", "ORC", "XML", "CUSTOM")
#: Options whose value is one or more characters (escape sequences and 0x.. hex allowed).
_CHARACTER_OPTIONS = frozenset(
    {
        "RECORD_DELIMITER",
        "FIELD_DELIMITER",
        "ESCAPE",
        "ESCAPE_UNENCLOSED_FIELD",
        "FIELD_OPTIONALLY_ENCLOSED_BY",
    }
)
_HEX = re.compile(r"(?:0x|\\x)([0-9A-Fa-f]{2})")
_OCTAL = re.compile(r"\\([0-7]{3})")
_ESCAPES = {"\\n": "\n", "\\r": "\r", "\\t": "\t", "\\\\": "\\", "\\b": "\b", "\\f": "\f"}


@dataclass(frozen=True)
class FileFormat:
    """A format type and its options (every option present, defaults filled in)."""

    type: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.options[name]

    def to_json(self) -> dict[str, Any]:
        """The format as catalog properties (tuples become lists)."""
        return {
            "TYPE": self.type,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in self.options.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileFormat:
        """A format saved by :meth:`to_json`."""
        options = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        kind = str(options.pop("TYPE"))
        return cls(kind, options)


def csv_default() -> FileFormat:
    """``TYPE = CSV`` with every default."""
    return build("CSV", {})


def build(kind: str, given: Mapping[str, Any]) -> FileFormat:
    """The format ``kind`` with the options ``given`` (names upper case) over its defaults;
    an option the type does not have is Snowflake's invalid-option error."""
    kind = kind.upper()
    if kind in _OTHER_TYPES:
        raise errors.unsupported(f"FILE_FORMAT TYPE = {kind}")
    defaults = DEFAULTS.get(kind)
    if defaults is None:
        raise errors.invalid_value("file format type", kind)
    options = dict(defaults)
    for name, value in given.items():
        if name not in defaults:
            raise errors.generic(
                f"SQL compilation error:\ninvalid value [{name}] for parameter "
                f"'file format option for type {kind}'",
                errno=2023,
                sqlstate="22023",
            )
        options[name] = _checked(name, value, defaults[name])
    return FileFormat(kind, options)


def _checked(name: str, value: Any, default: Any) -> Any:
    """``value`` as the option's kind of value (booleans, integers, character lists)."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise errors.invalid_value(name, str(value))
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise errors.invalid_value(name, str(value)) from None
    if isinstance(default, tuple):
        items = value if isinstance(value, tuple) else (value,)
        return tuple(str(v) for v in items)
    if name in _CHARACTER_OPTIONS:
        return None if value is None else characters(str(value))
    if value is None and isinstance(default, str):
        return "NONE"  # COMPRESSION = NONE, BINARY_FORMAT … written as the keyword
    if isinstance(value, str) and name in ("COMPRESSION", "BINARY_FORMAT", "ENCODING"):
        return value.upper()
    return value


def characters(text: str) -> str:
    """A delimiter option's text: ``0x22`` / ``\\x22`` hex, ``\\136`` octal and the common
    escape sequences stand for the characters they name."""
    text = _HEX.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), text)
    for sequence, char in _ESCAPES.items():
        text = text.replace(sequence, char)
    return text


def option_values(props: Iterable[exp.Expression]) -> dict[str, Any]:
    """``NAME = value`` option nodes as ``{NAME: python value}`` (strings, numbers, booleans,
    tuples of strings; ``NONE`` is None)."""
    out: dict[str, Any] = {}
    for prop in props:
        if type(prop) is not exp.Property:  # TEMPORARY, COMMENT … are Property subclasses
            continue
        out[prop.name.upper()] = python_value(prop.args.get("value"))
    return out


def python_value(value: exp.Expression | None) -> Any:
    """One option value node as Python: strings, ints, booleans, tuples; ``NONE`` -> None."""
    if value is None:
        return None
    if isinstance(value, exp.Boolean):
        return bool(value.this)
    if isinstance(value, exp.Literal):
        if value.is_string:
            return value.name
        text = value.name
        return int(text) if text.lstrip("-").isdigit() else float(text)
    if isinstance(value, exp.Neg):
        inner = python_value(value.this)
        return -inner if isinstance(inner, int | float) else inner
    if isinstance(value, exp.Tuple):
        return tuple(python_value(v) for v in value.expressions)
    if isinstance(value, exp.Paren):
        return (python_value(value.this),)
    if isinstance(value, exp.Null):
        return None
    if isinstance(value, exp.Var | exp.Identifier | exp.Column):
        text = value.name
        if text.upper() == "NONE":
            return None
        if text.upper() in ("TRUE", "FALSE"):
            return text.upper() == "TRUE"
        return text.upper()
    return value.sql(dialect="snowflake")


def from_options(given: Mapping[str, Any]) -> FileFormat:
    """``TYPE = x <options>`` as written (TYPE defaults to CSV)."""
    options = dict(given)
    kind = options.pop("TYPE", "CSV")
    if kind is None:
        raise errors.invalid_value("file format type", "NONE")
    return build(str(kind), options)


def describe_value(value: Any) -> str:
    """An option value as DESCRIBE / SHOW print it."""
    if value is None:
        return "NONE"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, str):
        return value.encode("unicode_escape").decode("ascii")
    return str(value)
