"""SHOW USERS / WAREHOUSES / FUNCTIONS / PROCEDURES: account-level listings.

https://docs.snowflake.com/en/sql-reference/sql/show-users (the emulator has one user),
https://docs.snowflake.com/en/sql-reference/sql/show-warehouses (the warehouses created),
https://docs.snowflake.com/en/sql-reference/sql/show-functions (built-ins:
:mod:`emulator.statements.builtin_functions`) and
https://docs.snowflake.com/en/sql-reference/sql/show-procedures (no stored procedures can be
created in the emulator, so none are listed).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import utc_aware
from emulator.core.engine import Outcome
from emulator.core.listing import INSTANT, NUMBER, clauses_of, listing, show, show_scope
from emulator.core.object_facts import OWNER, USER
from emulator.statements.builtin_functions import BUILTINS
from emulator.statements.catalog_rows import databases

if TYPE_CHECKING:
    from emulator.core.engine import Engine

USERS = listing(
    [
        "name",
        ("created_on", INSTANT),
        "login_name",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "mins_to_unlock",
        "days_to_expiry",
        "comment",
        "disabled",
        "must_change_password",
        "snowflake_lock",
        "default_warehouse",
        "default_namespace",
        "default_role",
        "default_secondary_roles",
        "ext_authn_duo",
        "ext_authn_uid",
        "mins_to_bypass_mfa",
        "owner",
        ("last_success_login", INSTANT),
        ("expires_at_time", INSTANT),
        ("locked_until_time", INSTANT),
        "has_password",
        "has_rsa_public_key",
        "type",
        "has_mfa",
        "has_pat",
        "has_workload_identity",
        "is_from_organization_user",
    ],
    (
        "name",
        "created_on",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "org_identity",
        "comment",
        "has_password",
        "has_rsa_public_key",
        "type",
        "has_mfa",
        "has_pat",
        "has_federated_workload_authentication",
        "is_from_organization_user",
    ),
)
WAREHOUSES = listing(
    [
        "name",
        "state",
        "type",
        "size",
        ("min_cluster_count", NUMBER),
        ("max_cluster_count", NUMBER),
        ("started_clusters", NUMBER),
        ("running", NUMBER),
        ("queued", NUMBER),
        "is_default",
        "is_current",
        "is_interactive",
        ("auto_suspend", NUMBER),
        "auto_resume",
        "available",
        "provisioning",
        "quiescing",
        "other",
        ("created_on", INSTANT),
        ("resumed_on", INSTANT),
        ("updated_on", INSTANT),
        "owner",
        "comment",
        "enable_query_acceleration",
        ("query_acceleration_max_scale_factor", NUMBER),
        "resource_monitor",
        ("actives", NUMBER),
        ("pendings", NUMBER),
        ("failed", NUMBER),
        ("suspended", NUMBER),
        "uuid",
        "scaling_policy",
        "owner_role_type",
        "resource_constraint",
        "generation",
    ]
)
_ROUTINE_COLUMNS: list[str | tuple[str, pa.DataType]] = [
    ("created_on", INSTANT),
    "name",
    "schema_name",
    "is_builtin",
    "is_aggregate",
    "is_ansi",
    ("min_num_arguments", NUMBER),
    ("max_num_arguments", NUMBER),
    "arguments",
    "description",
    "catalog_name",
    "is_table_function",
    "valid_for_clustering",
    "is_secure",
]
FUNCTIONS = listing(
    [*_ROUTINE_COLUMNS, "is_external_function", "language", "is_memoizable", "is_data_metric"]
)
PROCEDURES = listing(_ROUTINE_COLUMNS)
#: Snowflake's display names of warehouse sizes (CREATE WAREHOUSE takes either spelling).
_SIZES = {
    "XSMALL": "X-Small",
    "SMALL": "Small",
    "MEDIUM": "Medium",
    "LARGE": "Large",
    "XLARGE": "X-Large",
    "XXLARGE": "2X-Large",
    "XXXLARGE": "3X-Large",
    "X4LARGE": "4X-Large",
    "X5LARGE": "5X-Large",
    "X6LARGE": "6X-Large",
}


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _account_created(emu: Engine) -> datetime:
    """When the account began, as far as the emulator knows: its first database."""
    found = [d.created_on for d in databases(emu)]
    return min(found) if found else emu.now


def show_users(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] USERS [LIKE …] [STARTS WITH …] [LIMIT … [FROM …]]: the one user."""
    row = {
        "name": USER,
        "created_on": _account_created(emu),
        "login_name": USER,
        "display_name": USER,
        "disabled": "false",
        "must_change_password": "false",
        "snowflake_lock": "false",
        "default_role": OWNER,
        "ext_authn_duo": "false",
        "owner": OWNER,
        "has_password": "false",
        "has_rsa_public_key": "false",
        "has_mfa": "false",
        "has_pat": "false",
        "has_workload_identity": "false",
        "has_federated_workload_authentication": "false",
        "is_from_organization_user": "false",
    }
    return show(node, text, USERS, [row])


def _property(properties: dict[str, Any], key: str) -> str | None:
    """A recorded CREATE WAREHOUSE property as text (quotes of string literals dropped)."""
    value = properties.get(key)
    if value is None:
        return None
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


def show_warehouses(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW WAREHOUSES [LIKE '<pattern>']: the warehouses created, each started."""
    query = exp.select(*sql.columns(("name", "properties", "created_on")))
    query = query.from_(sql.meta("warehouses")).order_by(sql.column("name"))
    rows = []
    for name, recorded, created in sql.run(emu.con, query).fetchall():
        props: dict[str, Any] = json.loads(recorded) if recorded else {}
        size = (_property(props, "WAREHOUSE_SIZE") or "XSMALL").upper().replace("-", "")
        kind = (_property(props, "WAREHOUSE_TYPE") or "STANDARD").upper()
        suspend = _property(props, "AUTO_SUSPEND")
        created_on = utc_aware(created)
        rows.append(
            {
                "name": name,
                "state": "STARTED",
                "type": kind,
                "size": _SIZES.get(size, size),
                "min_cluster_count": int(_property(props, "MIN_CLUSTER_COUNT") or 1),
                "max_cluster_count": int(_property(props, "MAX_CLUSTER_COUNT") or 1),
                "started_clusters": 1,
                "running": 0,
                "queued": 0,
                "is_default": "N",
                "is_current": "Y" if name == emu.state.warehouse else "N",
                "is_interactive": "N",
                "auto_suspend": int(suspend) if suspend and suspend.isdigit() else 600,
                "auto_resume": (_property(props, "AUTO_RESUME") or "true").lower(),
                "available": "",
                "provisioning": "",
                "quiescing": "",
                "other": "",
                "created_on": created_on,
                "resumed_on": created_on,
                "updated_on": created_on,
                "owner": OWNER,
                "comment": _property(props, "COMMENT") or "",
                "enable_query_acceleration": "false",
                "query_acceleration_max_scale_factor": 8,
                "resource_monitor": "null",
                "actives": 0,
                "pendings": 0,
                "failed": 0,
                "suspended": 0,
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_OID, str(name))),
                "scaling_policy": _property(props, "SCALING_POLICY") or "STANDARD",
                "owner_role_type": "ROLE",
                "resource_constraint": None,
                "generation": "1",
            }
        )
    return show(node, text, WAREHOUSES, rows)


def show_functions(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW FUNCTIONS [LIKE …] [IN …]: the built-in functions (no user functions exist)."""
    clauses = clauses_of(node, text)
    show_scope(emu, clauses, "SHOW FUNCTIONS")  # an IN target must exist
    rows = [
        {
            "created_on": None,
            "name": f.name,
            "schema_name": None,
            "is_builtin": "Y",
            "is_aggregate": "Y" if f.aggregate else "N",
            "is_ansi": "Y" if f.ansi else "N",
            "min_num_arguments": f.min_args,
            "max_num_arguments": f.max_args,
            "arguments": f.arguments,
            "description": f.description,
            "catalog_name": None,
            "is_table_function": "Y" if f.table else "N",
            "valid_for_clustering": "N",
            "is_secure": "N",
            "is_external_function": "N",
            "language": "SQL",
            "is_memoizable": "N",
            "is_data_metric": "N",
        }
        for f in BUILTINS
    ]
    return show(node, text, FUNCTIONS, rows, clauses)


def show_procedures(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW PROCEDURES [LIKE …] [IN …]: the documented columns, no rows."""
    clauses = clauses_of(node, text)
    show_scope(emu, clauses, "SHOW PROCEDURES")
    return show(node, text, PROCEDURES, [], clauses)
