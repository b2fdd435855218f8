"""What a CREATE statement finds under its name, decided once for every object kind.

Snowflake's rules (https://docs.snowflake.com/en/sql-reference/sql/create): with IF NOT
EXISTS an existing object makes the statement a successful no-op; without OR REPLACE (or OR
ALTER) it is an error; OR REPLACE may only replace an object of the same kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog_objects import CatalogObject

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
