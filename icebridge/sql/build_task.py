"""Builders for task statements and Snowflake Scripting blocks (re-exported by
:mod:`icebridge.sql.build`).

https://docs.snowflake.com/en/sql-reference/sql/create-task
https://docs.snowflake.com/en/sql-reference/sql/alter-task
https://docs.snowflake.com/en/sql-reference/sql/execute-task
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlglot import exp

from icebridge.errors import DefinitionError
from icebridge.sql.nodes_common import boolean, name_value, number, option
from icebridge.sql.nodes_task import (
    TASK_NAME_OPTIONS,
    AlterTask,
    Call,
    CreateTask,
    ExecuteTask,
    ScriptBlock,
    ScriptVariable,
)

_OPTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _check_statement(node: object, what: str) -> exp.Expression:
    if not isinstance(node, exp.Expression) or isinstance(node, exp.Command):
        raise DefinitionError(
            f"{what}: expected a parsed statement node, got {type(node).__name__}", field=what
        )
    return node


def _option_name(name: str, what: str) -> str:
    if not _OPTION_NAME.match(name):
        raise DefinitionError(f"{what}: {name!r} is not a parameter name", field=what)
    return name.upper()


def _option_value(name: str, value: exp.Expression) -> exp.Expression:
    # Object-valued options are identifiers, whatever the caller passed.
    if name in TASK_NAME_OPTIONS and isinstance(value, exp.Literal) and value.is_string:
        return name_value(value.name)
    return value


def create_task(
    name: exp.Table,
    *,
    body: exp.Expression,
    replace: bool = False,
    if_not_exists: bool = False,
    warehouse: str | None = None,
    initial_warehouse_size: str | None = None,
    schedule: str | None = None,
    config: str | None = None,
    overlap_policy: str | None = None,
    allow_overlapping_execution: bool | None = None,
    user_task_timeout_ms: int | None = None,
    suspend_task_after_num_failures: int | None = None,
    task_auto_retry_attempts: int | None = None,
    target_completion_interval: str | None = None,
    user_task_minimum_trigger_interval_in_seconds: int | None = None,
    session_parameters: Mapping[str, exp.Expression] | None = None,
    error_integration: str | None = None,
    comment: str | None = None,
    finalize: exp.Table | None = None,
    after: Sequence[exp.Table] = (),
    when: exp.Expression | None = None,
) -> exp.Expression:
    """``CREATE TASK name [options] [AFTER ...] [WHEN ...] AS body``.

    Session parameter values are written as given (use exp.Literal / exp.Boolean /
    exp.Var). Raises :class:`DefinitionError` for combinations Snowflake rejects:
    WAREHOUSE with USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE, a SCHEDULE on a child
    task, REPLACE with IF NOT EXISTS.
    """
    if warehouse is not None and initial_warehouse_size is not None:
        raise DefinitionError(
            "task: WAREHOUSE and USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE exclude each other",
            field="warehouse",
        )
    if schedule is not None and after:
        raise DefinitionError("task: a child task (AFTER) cannot have a SCHEDULE", field="schedule")
    if replace and if_not_exists:
        raise DefinitionError("task: OR REPLACE and IF NOT EXISTS exclude each other")
    props: list[exp.Expression] = []
    if warehouse is not None:
        props.append(option("WAREHOUSE", name_value(warehouse)))
    if initial_warehouse_size is not None:
        props.append(
            option(
                "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE",
                exp.Literal.string(initial_warehouse_size),
            )
        )
    if schedule is not None:
        props.append(option("SCHEDULE", exp.Literal.string(schedule)))
    if config is not None:
        props.append(option("CONFIG", exp.Literal.string(config)))
    if overlap_policy is not None:
        props.append(option("OVERLAP_POLICY", exp.Var(this=overlap_policy.upper())))
    if allow_overlapping_execution is not None:
        props.append(option("ALLOW_OVERLAPPING_EXECUTION", boolean(allow_overlapping_execution)))
    for key, value in (session_parameters or {}).items():
        pname = _option_name(key, "session_parameters")
        props.append(option(pname, _option_value(pname, value)))
    ints = (
        ("USER_TASK_TIMEOUT_MS", user_task_timeout_ms),
        ("SUSPEND_TASK_AFTER_NUM_FAILURES", suspend_task_after_num_failures),
        ("TASK_AUTO_RETRY_ATTEMPTS", task_auto_retry_attempts),
        (
            "USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS",
            user_task_minimum_trigger_interval_in_seconds,
        ),
    )
    props.extend(option(key, number(value)) for key, value in ints if value is not None)
    if target_completion_interval is not None:
        props.append(
            option("TARGET_COMPLETION_INTERVAL", exp.Literal.string(target_completion_interval))
        )
    if error_integration is not None:
        props.append(option("ERROR_INTEGRATION", name_value(error_integration)))
    if comment is not None:
        props.append(option("COMMENT", exp.Literal.string(comment)))
    if finalize is not None:
        props.append(option("FINALIZE", finalize))
    return CreateTask(
        this=name,
        replace=replace,
        exists=if_not_exists,
        properties=props,
        after=list(after),
        when=when,
        body=_check_statement(body, "body"),
    )


def script_block(
    statements: Sequence[exp.Expression], declare: Sequence[exp.Expression] = ()
) -> exp.Expression:
    """A Snowflake Scripting block: ``[DECLARE ...] BEGIN stmt; ... END``.

    ``declare`` items are :func:`declare_variable` nodes. A block is not a transaction;
    put :func:`begin_transaction` / :func:`commit` statements inside it for one.
    https://docs.snowflake.com/en/sql-reference/snowflake-scripting/begin
    """
    if not statements:
        raise DefinitionError("script block: needs at least one statement", field="statements")
    checked = [_check_statement(s, "statements") for s in statements]
    for item in declare:
        if not isinstance(item, ScriptVariable):
            raise DefinitionError("script block: DECLARE items must be declare_variable() nodes")
    return ScriptBlock(expressions=checked, declare=list(declare))


def declare_variable(
    name: str, dtype: exp.DataType | None = None, default: exp.Expression | None = None
) -> ScriptVariable:
    """One DECLARE-section variable, ``name [type] [DEFAULT expr]``; ``name`` is stored form.
    https://docs.snowflake.com/en/sql-reference/snowflake-scripting/declare
    """
    if dtype is None and default is None:
        raise DefinitionError(f"variable {name}: needs a type or a default", field="dtype")
    return ScriptVariable(this=name_value(name), kind=dtype, default=default)


def call(procedure: exp.Table, *args: exp.Expression) -> Call:
    """``CALL procedure(args)``."""
    return Call(this=procedure, expressions=list(args))


def begin_transaction() -> exp.Expression:
    """``BEGIN TRANSACTION``."""
    return exp.Transaction()


def commit() -> exp.Expression:
    """``COMMIT``."""
    return exp.Commit()


def alter_task(name: exp.Table, action: str, *, if_exists: bool = False) -> exp.Expression:
    """``ALTER TASK [IF EXISTS] name RESUME|SUSPEND``."""
    verb = action.upper()
    if verb not in ("RESUME", "SUSPEND"):
        raise DefinitionError(f"ALTER TASK: action must be RESUME or SUSPEND, not {action!r}")
    return AlterTask(this=name, exists=if_exists, action=verb)


def alter_task_set(
    name: exp.Table, properties: Mapping[str, exp.Expression], *, if_exists: bool = False
) -> exp.Expression:
    """``ALTER TASK [IF EXISTS] name SET prop = value ...`` (values written as given)."""
    if not properties:
        raise DefinitionError("ALTER TASK SET: needs at least one property", field="properties")
    props: list[exp.Expression] = []
    for key, value in properties.items():
        pname = _option_name(key, "properties")
        props.append(option(pname, _option_value(pname, value)))
    return AlterTask(this=name, exists=if_exists, action="SET", properties=props)


def alter_task_unset(
    name: exp.Table, properties: Sequence[str], *, if_exists: bool = False
) -> exp.Expression:
    """``ALTER TASK [IF EXISTS] name UNSET prop, ...``."""
    if not properties:
        raise DefinitionError("ALTER TASK UNSET: needs at least one property", field="properties")
    names = [exp.Var(this=_option_name(p, "properties")) for p in properties]
    return AlterTask(this=name, exists=if_exists, action="UNSET", expressions=names)


def alter_task_after(
    name: exp.Table, add: bool, predecessors: Sequence[exp.Table]
) -> exp.Expression:
    """``ALTER TASK name ADD AFTER t, ...`` (``add``) or ``REMOVE AFTER t, ...``."""
    if not predecessors:
        raise DefinitionError("ALTER TASK AFTER: needs at least one task", field="predecessors")
    action = "ADD AFTER" if add else "REMOVE AFTER"
    return AlterTask(this=name, action=action, expressions=list(predecessors))


def alter_task_modify_as(name: exp.Table, body: exp.Expression) -> exp.Expression:
    """``ALTER TASK name MODIFY AS body``."""
    return AlterTask(this=name, action="MODIFY AS", body=_check_statement(body, "body"))


def alter_task_modify_when(name: exp.Table, when: exp.Expression) -> exp.Expression:
    """``ALTER TASK name MODIFY WHEN condition``."""
    return AlterTask(this=name, action="MODIFY WHEN", when=when)


def execute_task(
    name: exp.Table, *, using_config: str | None = None, retry_last: bool = False
) -> exp.Expression:
    """``EXECUTE TASK name [USING CONFIG = '...']`` or ``EXECUTE TASK name RETRY LAST``."""
    if using_config is not None and retry_last:
        raise DefinitionError("EXECUTE TASK: USING CONFIG and RETRY LAST exclude each other")
    config = exp.Literal.string(using_config) if using_config is not None else None
    return ExecuteTask(this=name, config=config, retry_last=retry_last)
