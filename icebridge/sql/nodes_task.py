"""Task statement nodes: CREATE TASK, ALTER TASK, EXECUTE TASK, Snowflake Scripting
blocks and CALL.

https://docs.snowflake.com/en/sql-reference/sql/create-task
https://docs.snowflake.com/en/sql-reference/sql/alter-task
https://docs.snowflake.com/en/sql-reference/sql/execute-task
https://docs.snowflake.com/en/sql-reference/snowflake-scripting/begin
"""

from __future__ import annotations

import typing as t

from sqlglot import exp

from icebridge.sql.nodes_common import (
    CreateFlagsMixin,
    OptionsMixin,
    bool_value,
    int_value,
    stored_name,
    string_value,
)

#: Options whose value is an object name (an identifier), not a string or keyword.
TASK_NAME_OPTIONS = frozenset({"WAREHOUSE", "ERROR_INTEGRATION", "SUCCESS_INTEGRATION"})

#: ALTER TASK actions.
ALTER_TASK_ACTIONS = (
    "RESUME",
    "SUSPEND",
    "SET",
    "UNSET",
    "ADD AFTER",
    "REMOVE AFTER",
    "MODIFY AS",
    "MODIFY WHEN",
    "REMOVE WHEN",
)


class ScriptVariable(exp.Expression):
    """One DECLARE-section variable: ``name [type] [DEFAULT expr]``."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "kind": False, "default": False}


class ScriptBlock(exp.Expression):
    """A Snowflake Scripting block ``[DECLARE var; ...] BEGIN stmt; ... END``.

    ``expressions`` holds the statements (parsed nodes; a nested block is a ScriptBlock,
    ``BEGIN TRANSACTION`` an exp.Transaction, ``COMMIT`` an exp.Commit) and ``declare``
    the :class:`ScriptVariable` nodes. A block is not a transaction: each statement
    autocommits unless inside BEGIN TRANSACTION ... COMMIT.
    """

    arg_types: t.ClassVar[dict[str, bool]] = {"expressions": True, "declare": False}

    @property
    def statements(self) -> list[exp.Expression]:
        """The block's statements, in order."""
        return list(self.expressions)

    @property
    def declarations(self) -> list[exp.Expression]:
        """The DECLARE section's variables."""
        return list(self.args.get("declare") or [])


class Call(exp.Expression):
    """``CALL name(args)``; ``this`` is the procedure name (exp.Table), ``expressions``
    the arguments."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "expressions": False}


class _TaskBody:
    args: dict[str, t.Any]

    @property
    def body(self) -> exp.Expression:
        """The task body: one statement node or a :class:`ScriptBlock`."""
        body = self.args["body"]
        assert isinstance(body, exp.Expression)
        return body

    @property
    def body_statements(self) -> list[exp.Expression]:
        """The statements the body runs, in order (a single statement is a 1-item list)."""
        body = self.body
        return body.statements if isinstance(body, ScriptBlock) else [body]


class CreateTask(CreateFlagsMixin, OptionsMixin, _TaskBody, exp.Expression):
    """``CREATE [OR REPLACE] TASK [IF NOT EXISTS] name [options] [AFTER t, ...]
    [EXECUTE AS USER u] [WHEN cond] AS body``.

    Args: ``this`` (exp.Table), ``replace``, ``exists``, ``properties`` (options in the
    order written, session parameters included), ``after`` (list of exp.Table),
    ``execute_as`` (exp.Identifier), ``when``
    (condition), ``body`` (statement or :class:`ScriptBlock`).
    """

    arg_types: t.ClassVar[dict[str, bool]] = {
        "this": True,
        "replace": False,
        "exists": False,
        "properties": False,
        "after": False,
        "execute_as": False,
        "when": False,
        "body": True,
    }

    @property
    def task(self) -> exp.Table:
        """The task's name."""
        table = self.this
        assert isinstance(table, exp.Table)
        return table

    @property
    def warehouse(self) -> str | None:
        """WAREHOUSE as a stored name; None means serverless."""
        return stored_name(self.option("WAREHOUSE"))

    @property
    def initial_warehouse_size(self) -> str | None:
        """USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE."""
        return string_value(self.option("USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE"))

    @property
    def schedule(self) -> str | None:
        """SCHEDULE text, e.g. ``'1 MINUTE'`` or ``'USING CRON 0 9 * * * UTC'``."""
        return string_value(self.option("SCHEDULE"))

    @property
    def config(self) -> str | None:
        """CONFIG JSON text."""
        return string_value(self.option("CONFIG"))

    @property
    def overlap_policy(self) -> str | None:
        """OVERLAP_POLICY keyword (upper case)."""
        value = string_value(self.option("OVERLAP_POLICY"))
        return value.upper() if value is not None else None

    @property
    def allow_overlapping_execution(self) -> bool | None:
        """The deprecated ALLOW_OVERLAPPING_EXECUTION."""
        return bool_value(self.option("ALLOW_OVERLAPPING_EXECUTION"))

    @property
    def user_task_timeout_ms(self) -> int | None:
        """USER_TASK_TIMEOUT_MS."""
        return int_value(self.option("USER_TASK_TIMEOUT_MS"))

    @property
    def suspend_task_after_num_failures(self) -> int | None:
        """SUSPEND_TASK_AFTER_NUM_FAILURES."""
        return int_value(self.option("SUSPEND_TASK_AFTER_NUM_FAILURES"))

    @property
    def task_auto_retry_attempts(self) -> int | None:
        """TASK_AUTO_RETRY_ATTEMPTS."""
        return int_value(self.option("TASK_AUTO_RETRY_ATTEMPTS"))

    @property
    def target_completion_interval(self) -> str | None:
        """TARGET_COMPLETION_INTERVAL text."""
        return string_value(self.option("TARGET_COMPLETION_INTERVAL"))

    @property
    def user_task_minimum_trigger_interval_in_seconds(self) -> int | None:
        """USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS."""
        return int_value(self.option("USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS"))

    @property
    def error_integration(self) -> str | None:
        """ERROR_INTEGRATION as a stored name."""
        return stored_name(self.option("ERROR_INTEGRATION"))

    @property
    def comment(self) -> str | None:
        """COMMENT text."""
        return string_value(self.option("COMMENT"))

    @property
    def finalize(self) -> exp.Table | None:
        """FINALIZE = <root task>."""
        value = self.option("FINALIZE")
        return value if isinstance(value, exp.Table) else None

    @property
    def after(self) -> list[exp.Table]:
        """Predecessor tasks (AFTER ...)."""
        return [t for t in self.args.get("after") or [] if isinstance(t, exp.Table)]

    @property
    def execute_as_user(self) -> str | None:
        """EXECUTE AS USER, as a stored name."""
        return stored_name(self.args.get("execute_as"))

    @property
    def when(self) -> exp.Expression | None:
        """The WHEN condition, or None."""
        when = self.args.get("when")
        return when if isinstance(when, exp.Expression) else None


class AlterTask(OptionsMixin, exp.Expression):
    """``ALTER TASK [IF EXISTS] name <action>``; ``action`` is one of
    :data:`ALTER_TASK_ACTIONS`.

    SET keeps its ``NAME = value`` list in ``properties``; UNSET its names (exp.Var) in
    ``expressions``; ADD/REMOVE AFTER its tasks (exp.Table) in ``expressions``; MODIFY AS
    its body in ``body``; MODIFY WHEN its condition in ``when``.
    """

    arg_types: t.ClassVar[dict[str, bool]] = {
        "this": True,
        "exists": False,
        "action": True,
        "properties": False,
        "expressions": False,
        "body": False,
        "when": False,
    }

    @property
    def task(self) -> exp.Table:
        """The task's name."""
        table = self.this
        assert isinstance(table, exp.Table)
        return table

    @property
    def action(self) -> str:
        """The action keyword(s), upper case, e.g. ``RESUME`` or ``ADD AFTER``."""
        return str(self.args["action"]).upper()

    @property
    def if_exists(self) -> bool:
        """True for IF EXISTS."""
        return bool(self.args.get("exists"))

    @property
    def unset_names(self) -> list[str]:
        """Option names of an UNSET, upper case."""
        return [e.name.upper() for e in self.expressions] if self.action == "UNSET" else []

    @property
    def predecessors(self) -> list[exp.Table]:
        """Tasks of an ADD AFTER / REMOVE AFTER."""
        if self.action not in ("ADD AFTER", "REMOVE AFTER"):
            return []
        return [t for t in self.expressions if isinstance(t, exp.Table)]

    @property
    def body(self) -> exp.Expression | None:
        """The new body of a MODIFY AS."""
        body = self.args.get("body")
        return body if isinstance(body, exp.Expression) else None

    @property
    def body_statements(self) -> list[exp.Expression]:
        """The statements of a MODIFY AS body (empty for other actions)."""
        body = self.body
        if body is None:
            return []
        return body.statements if isinstance(body, ScriptBlock) else [body]

    @property
    def when(self) -> exp.Expression | None:
        """The new condition of a MODIFY WHEN."""
        when = self.args.get("when")
        return when if isinstance(when, exp.Expression) else None


class ExecuteTask(exp.Expression):
    """``EXECUTE TASK name [USING CONFIG = '...'] | EXECUTE TASK name RETRY LAST``."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "config": False, "retry_last": False}

    @property
    def task(self) -> exp.Table:
        """The task's name."""
        table = self.this
        assert isinstance(table, exp.Table)
        return table

    @property
    def using_config(self) -> str | None:
        """The USING CONFIG JSON text, or None."""
        config = self.args.get("config")
        return string_value(config) if isinstance(config, exp.Expression) else None

    @property
    def retry_last(self) -> bool:
        """True for RETRY LAST."""
        return bool(self.args.get("retry_last"))
