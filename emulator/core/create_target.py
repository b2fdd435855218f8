"""What a CREATE statement finds under its name, decided once for every object kind.

Snowflake's rules (https://docs.snowflake.com/en/sql-reference/sql/create): with IF NOT
EXISTS an existing object makes the statement a successful no-op; without OR REPLACE (or OR
ALTER) it is an error; OR REPLACE may only replace an object of the same kind.

:func:`check_column_names` decides, for every table kind, whether a column list can be
created: Snowflake rejects a name given twice; the emulator also refuses names that differ
only in case, which Snowflake keeps apart but DuckDB cannot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog_objects import CatalogObject
from icebridge.sql.identifiers import case_insensitive_key

if TYPE_CHECKING:
    from emulator.core.engine import Engine, Outcome
    from icebridge.sql.identifiers import ObjectName


@dataclass(frozen=True)
class CreateTarget:
    """``existing``: the object to replace (or None); ``done``: return this at once."""

    existing: CatalogObject | None
    done: Outcome | None


def create_target(
    emu: Engine, name: ObjectName, kind: str, *, if_not_exists: bool, replace: bool
) -> CreateTarget:
    """Look ``name`` up for a CREATE of ``kind`` and apply the IF NOT EXISTS / OR REPLACE rules."""
    from emulator.core.engine import status

    existing = emu.catalog.find(name)
    if existing is None:
        return CreateTarget(None, None)
    if if_not_exists:
        return CreateTarget(existing, status(f"{name.name} already exists, statement succeeded."))
    if not replace:
        raise errors.already_exists(name.name)
    if existing.kind != kind:
        raise errors.wrong_object_type(existing.kind, kind)
    return CreateTarget(existing, None)


def check_column_names(names: Iterable[str]) -> None:
    """Refuse a table's stored column names that cannot all be created.

    A name given twice (``ID`` and ``"ID"`` are one name) is Snowflake's ``002025`` duplicate
    column name. Names that differ only in case (``ID`` and ``"id"``) are two columns in
    Snowflake (https://docs.snowflake.com/en/sql-reference/identifiers-syntax), but DuckDB
    compares names case-insensitively, so the emulator refuses them naming both.
    """
    seen: dict[str, str] = {}
    for name in names:
        key = case_insensitive_key(name)
        first = seen.get(key)
        if first is None:
            seen[key] = name
        elif first == name:
            raise errors.duplicate_column(name)
        else:
            raise errors.columns_differ_only_in_case(first, name)
