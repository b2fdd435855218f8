"""Statement kinds and the handler that runs each one.

A statement the emulator does not implement is classified UNSUPPORTED and fails with
:func:`emulator.errors.unsupported` naming it; nothing is ever a silent no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core.script import leading_words

if TYPE_CHECKING:
    from emulator.api.emulator import Emulator, Outcome

Handler = Callable[["Emulator", exp.Expression, str], "Outcome"]


class Kind(Enum):
    """Statement kinds: value is (ddl?, transaction control?, label)."""

    QUERY = (False, False, "query")
    SHOW = (False, False, "show")
    SHOW_PARAMETERS = (False, False, "show parameters")
    DESCRIBE = (False, False, "describe")
    INSERT = (False, False, "insert")
    UPDATE = (False, False, "update")
    DELETE = (False, False, "delete")
    MERGE = (False, False, "merge")
    TRUNCATE = (False, False, "truncate")
    CREATE = (True, False, "create")
    DROP = (True, False, "drop")
    ALTER = (True, False, "alter")
    UNDROP = (True, False, "undrop")
    USE = (False, False, "use")
    ALTER_SESSION = (False, False, "alter session")
    SET = (False, False, "set")
    UNSET = (False, False, "unset")
    BEGIN = (False, True, "begin")
    COMMIT = (False, True, "commit")
    ROLLBACK = (False, True, "rollback")
    # Task statements; EXECUTE TASK and CALL manage their own transactions (a task run
    # is one or more transactions of its own).
    TASK_DDL = (True, False, "task ddl")
    EXECUTE_TASK = (False, True, "execute task")
    CALL = (False, True, "call")
    # Not DDL-like: a manual REFRESH inside an open transaction is an error, not a commit.
    ALTER_DYNAMIC_TABLE = (False, False, "alter dynamic table")
    UNSUPPORTED = (False, False, "unsupported")

    @property
    def ddl(self) -> bool:
        return bool(self.value[0])

    @property
    def transaction_control(self) -> bool:
        return bool(self.value[1])


_SKIP = {
    "OR",
    "REPLACE",
    "IF",
    "NOT",
    "EXISTS",
    "SECURE",
    "TRANSIENT",
    "TEMPORARY",
    "TEMP",
    "VOLATILE",
    "LOCAL",
    "GLOBAL",
    "RECURSIVE",
}


def statement_name(sql: str) -> str:
    """A short statement kind for messages: ``CREATE STREAM``, ``ALTER TASK`` …"""
    words = leading_words(sql, 8)
    if not words:
        return "empty statement"
    head = [words[0]]
    for word in words[1:]:
        if word in _SKIP:
            continue
        head.append(word)
        if word not in ("DYNAMIC", "ICEBERG", "EXTERNAL", "MATERIALIZED", "EVENT", "HYBRID"):
            break
    return " ".join(head)


def classify(sql: str, node: exp.Expression) -> Kind:
    """The kind of a parsed statement."""
    words = leading_words(sql, 2)
    if words[:2] == ["START", "TRANSACTION"]:
        return Kind.BEGIN
    if words[:1] == ["UNSET"]:
        return Kind.UNSET
    if words[:2] == ["SHOW", "PARAMETERS"]:
        return Kind.SHOW_PARAMETERS
    if isinstance(node, exp.Query) and not isinstance(node, exp.Command):
        return Kind.QUERY
    simple: dict[type[exp.Expression], Kind] = {
        exp.Insert: Kind.INSERT,
        exp.Update: Kind.UPDATE,
        exp.Delete: Kind.DELETE,
        exp.Merge: Kind.MERGE,
        exp.TruncateTable: Kind.TRUNCATE,
        exp.Drop: Kind.DROP,
        exp.Use: Kind.USE,
        exp.Set: Kind.SET,
        exp.Transaction: Kind.BEGIN,
        exp.Commit: Kind.COMMIT,
        exp.Rollback: Kind.ROLLBACK,
        exp.Show: Kind.SHOW,
        exp.Describe: Kind.DESCRIBE,
    }
    for cls, kind in simple.items():
        if isinstance(node, cls):
            return kind
    if isinstance(node, exp.Create):
        return Kind.CREATE
    if isinstance(node, exp.Alter):
        return (
            Kind.ALTER_SESSION if str(node.args.get("kind")).upper() == "SESSION" else (Kind.ALTER)
        )
    if type(node).__name__ == "Undrop":
        return Kind.UNDROP
    task_kind = {"CreateTask": Kind.TASK_DDL, "AlterTask": Kind.TASK_DDL}.get(type(node).__name__)
    if task_kind is not None:
        return task_kind
    if type(node).__name__ == "ExecuteTask":
        return Kind.EXECUTE_TASK
    if type(node).__name__ == "Call":
        return Kind.CALL
    if type(node).__name__ == "CreateStream":
        return Kind.CREATE  # handled by emulator.features.streams.ddl via ddl.run_create
    if type(node).__name__ == "AlterDynamicTable":
        return Kind.ALTER_DYNAMIC_TABLE
    return Kind.UNSUPPORTED


def handler_for(kind: Kind) -> Handler:
    """The function that runs statements of ``kind``."""
    from emulator.core import query
    from emulator.statements import ddl, dml, show
    from emulator.statements import session as session_stmts

    table: dict[Kind, Handler] = {
        Kind.QUERY: query.run_query,
        Kind.SHOW: show.run_show,
        Kind.SHOW_PARAMETERS: show.run_show_parameters,
        Kind.DESCRIBE: show.run_describe,
        Kind.INSERT: dml.run_insert,
        Kind.UPDATE: dml.run_update,
        Kind.DELETE: dml.run_delete,
        Kind.MERGE: dml.run_merge,
        Kind.TRUNCATE: dml.run_truncate,
        Kind.CREATE: ddl.run_create,
        Kind.DROP: ddl.run_drop,
        Kind.ALTER: ddl.run_alter,
        Kind.USE: session_stmts.run_use,
        Kind.ALTER_SESSION: session_stmts.run_alter_session,
        Kind.SET: session_stmts.run_set,
        Kind.UNSET: session_stmts.run_unset,
        Kind.BEGIN: session_stmts.run_begin,
        Kind.COMMIT: session_stmts.run_commit,
        Kind.ROLLBACK: session_stmts.run_rollback,
    }
    if kind in (Kind.TASK_DDL, Kind.EXECUTE_TASK, Kind.CALL):
        from emulator.features.tasks import statements as tasks

        task_handlers: dict[Kind, Handler] = {
            Kind.TASK_DDL: tasks.run_task_ddl,
            Kind.EXECUTE_TASK: tasks.run_execute_task,
            Kind.CALL: tasks.run_call,
        }
        return task_handlers[kind]
    if kind == Kind.ALTER_DYNAMIC_TABLE:
        from emulator.features.dynamic.alter import run_alter_dynamic

        return run_alter_dynamic
    if kind in (Kind.INSERT, Kind.UPDATE, Kind.DELETE, Kind.MERGE, Kind.TRUNCATE):
        from emulator.features.iceberg_tables.dml import routed

        return routed(table[kind])  # Iceberg targets commit to the Iceberg store
    return table.get(kind, _unsupported)


def _unsupported(emu: Emulator, node: exp.Expression, sql: str) -> Outcome:
    raise errors.unsupported(statement_name(sql))
