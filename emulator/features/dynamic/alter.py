"""ALTER DYNAMIC TABLE: REFRESH, SUSPEND, RESUME, SET.

https://docs.snowflake.com/en/sql-reference/sql/alter-dynamic-table:

* REFRESH is manual (REFRESH_TRIGGER = MANUAL), works on suspended tables and refreshes
  the upstream dynamic tables first, unless the table has SCHEDULER = DISABLE;
* SUSPEND cascades to every downstream dynamic table; RESUME cascades downstream except to
  tables suspended by their own ALTER … SUSPEND;
* SET TARGET_LAG / WAREHOUSE / SCHEDULER / COMMENT; REFRESH_MODE and INITIALIZE cannot be
  altered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import DYNAMIC_TABLE, CatalogObject
from emulator.core.dynamic_spec import (
    DynamicSpec,
    dynamic_tables,
    parse_lag,
    save_spec,
    spec_of,
)
from emulator.core.engine import SUCCESS, Outcome, status
from emulator.features.dynamic.refresh import graph_order, refresh_one, upstream
from icebridge.sql.nodes_common import option_name, stored_name, string_value
from icebridge.sql.nodes_table import AlterDynamicTable

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def _downstream(emu: Engine, object_id: int) -> list[int]:
    """Every dynamic table that reads ``object_id``, directly or transitively."""
    readers: dict[int, list[int]] = {}
    for obj, _ in dynamic_tables(emu):
        for up in upstream(emu, obj.id):
            readers.setdefault(up, []).append(obj.id)
    found: list[int] = []
    pending = list(readers.get(object_id, []))
    while pending:
        current = pending.pop(0)
        if current not in found:
            found.append(current)
            pending.extend(readers.get(current, []))
    return found


def _update(emu: Engine, object_id: int, **changes: object) -> None:
    obj = emu.catalog.by_id(object_id)
    assert obj is not None
    save_spec(emu, obj, spec_of(obj).with_(**changes))


def run_alter_dynamic(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """Statement handler for ALTER DYNAMIC TABLE."""
    assert isinstance(node, AlterDynamicTable)
    targets: list[CatalogObject] = []
    for table in node.tables:
        obj = emu.resolver.lookup(
            table,
            "ALTER DYNAMIC TABLE",
            (DYNAMIC_TABLE,),
            missing_ok=bool(node.args.get("exists")),
            label="Dynamic table",
        )
        if obj is not None:
            targets.append(obj)
    action = node.action
    if action == "REFRESH" and emu.in_transaction:
        # 002743 (https://docs.snowflake.com/en/user-guide/dynamic-tables/error-codes)
        raise errors.generic(
            "Manual refresh of a dynamic table is not supported inside a multi-statement "
            "transaction.",
            errno=2743,
            sqlstate="25001",
        )
    for obj in targets:
        spec = spec_of(obj)
        if action == "REFRESH":
            for object_id in graph_order(emu, obj.id, cascade=spec.scheduled):
                refresh_one(emu, object_id, "MANUAL")
        elif action == "SUSPEND":
            now = emu.now.isoformat()
            _update(emu, obj.id, suspended=True, manually_suspended=True, last_suspended_on=now)
            for down in _downstream(emu, obj.id):
                _update(emu, down, suspended=True, last_suspended_on=now)
        elif action == "RESUME":
            now = emu.now.isoformat()
            _update(emu, obj.id, suspended=False, manually_suspended=False, anchor=now)
            for down in _downstream(emu, obj.id):
                fresh = emu.catalog.by_id(down)
                if fresh is not None and not spec_of(fresh).manually_suspended:
                    _update(emu, down, suspended=False, anchor=now)
        elif action == "SET":
            _set(emu, obj, spec, node)
        else:
            raise errors.unsupported(f"ALTER DYNAMIC TABLE … {action}")
        emu.catalog.update_object(obj.id, last_altered=emu.now)
    return status(SUCCESS)


def _set(emu: Engine, obj: CatalogObject, spec: DynamicSpec, node: AlterDynamicTable) -> None:
    changes: dict[str, object] = {}
    comment: str | None = None
    for prop in node.args.get("properties") or []:
        key = option_name(prop)
        value = prop.args.get("value") if isinstance(prop, exp.Property) else None
        if key == "TARGET_LAG":
            text = string_value(value) or ""
            if isinstance(value, exp.Var) and text.upper() == "DOWNSTREAM":
                changes.update(target_lag="DOWNSTREAM", lag_seconds=None)
            else:
                lag = parse_lag(text)
                changes.update(target_lag=text, lag_seconds=int(lag.total_seconds()))
            changes["anchor"] = emu.now.isoformat()
        elif key == "WAREHOUSE":
            changes["warehouse"] = stored_name(value)
        elif key == "SCHEDULER":
            changes["scheduler"] = (string_value(value) or "").upper()
        elif key == "COMMENT":
            comment = string_value(value)
        elif key in ("REFRESH_MODE", "INITIALIZE"):
            raise errors.generic(
                f"SQL compilation error:\n{key} cannot be altered for dynamic table "
                f"'{obj.name.name}'; use CREATE OR REPLACE or CREATE OR ALTER.",
                errno=2029,
                sqlstate="42601",
            )
        else:
            raise errors.unsupported(f"ALTER DYNAMIC TABLE … SET {key}")
    updated = spec.with_(**changes)
    if updated.scheduler == "DISABLE" and updated.target_lag is not None:
        updated = updated.with_(target_lag=None, lag_seconds=None)
    save_spec(emu, obj, updated)
    if comment is not None:
        emu.catalog.update_object(obj.id, comment=comment)
