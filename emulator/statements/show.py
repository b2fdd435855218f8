"""SHOW statements of native objects, and DESCRIBE (:mod:`emulator.statements.describe`).

:func:`run_show` answers every native SHOW kind through its module (objects, columns,
account); each builds the documented columns and hands its rows to
:func:`emulator.core.listing.show`, the one place TERSE / LIKE / IN / STARTS WITH / LIMIT
are applied (the features' SHOW kinds go through it as well). SHOW PARAMETERS, which sqlglot
reads as an opaque command, is :func:`run_show_parameters`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.engine import Outcome
from emulator.core.listing import Clauses, listing, show
from emulator.core.state import PARAMETER_DEFAULTS
from emulator.statements import show_account, show_columns, show_objects
from emulator.statements.describe import run_describe
from icebridge.sql.dialect import DIALECT
from icebridge.sql.nodes_table import show_kind

if TYPE_CHECKING:
    from emulator.core.engine import Engine

__all__ = ["KINDS", "run_describe", "run_show", "run_show_parameters"]

#: The native SHOW kinds and their handlers.
KINDS: dict[str, Callable[[Engine, exp.Expression, str], Outcome]] = {
    "DATABASES": show_objects.show_databases,
    "SCHEMAS": show_objects.show_schemas,
    "TABLES": show_objects.show_tables,
    "VIEWS": show_objects.show_views,
    "OBJECTS": show_objects.show_objects,
    "COLUMNS": show_columns.show_columns,
    "PRIMARY KEYS": show_columns.show_primary_keys,
    "USERS": show_account.show_users,
    "WAREHOUSES": show_account.show_warehouses,
    "FUNCTIONS": show_account.show_functions,
    "PROCEDURES": show_account.show_procedures,
}

PARAMETERS = listing(["key", "value", "default", "level", "description", "type"], name="key")


def run_show(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW <kind> for the native kinds of :data:`KINDS`."""
    assert isinstance(node, exp.Show)
    what = show_kind(node)
    handler = KINDS.get(what)
    if handler is None:
        raise errors.unsupported(f"SHOW {what}")
    return handler(emu, node, text)


def run_show_parameters(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW PARAMETERS [LIKE '<pattern>'] [IN SESSION | ACCOUNT] — the session parameters.

    https://docs.snowflake.com/en/sql-reference/sql/show-parameters
    """
    words = [t.text for t in DIALECT.tokenize(text)]
    upper = [w.upper() for w in words]
    like = words[upper.index("LIKE") + 1] if "LIKE" in upper[:-1] else None
    scope = upper[upper.index("IN") + 1] if "IN" in upper[:-1] else "SESSION"
    if scope not in ("SESSION", "ACCOUNT"):
        raise errors.unsupported(f"SHOW PARAMETERS IN {scope}")
    rows = []
    for key, default in PARAMETER_DEFAULTS.items():
        value = emu.state.parameters[key]
        rows.append(
            {
                "key": key,
                "value": _text(value),
                "default": _text(default),
                "level": "" if value == default else "SESSION",
                "description": "",
                "type": _parameter_type(default),
            }
        )
    return show(node, text, PARAMETERS, rows, Clauses(like=like))


def _parameter_type(default: Any) -> str:
    if isinstance(default, bool):
        return "BOOLEAN"
    return "NUMBER" if isinstance(default, int) else "STRING"


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
