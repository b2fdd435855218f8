"""Running a task graph: WHEN, bodies, children, finalizer, retries, auto-suspend.

A run is instantaneous on the virtual clock: it starts and completes at its scheduled
instant, so a scheduled task can never overlap itself (OVERLAP_POLICY is recorded and
shown but has nothing to decide). Rules followed:

* https://docs.snowflake.com/en/user-guide/tasks-graphs: a child runs after all its
  resumed predecessors succeeded; a suspended child is skipped and the graph continues as
  though it had succeeded; the finalizer runs after all other tasks complete or fail, and
  not when the root was skipped;
* https://docs.snowflake.com/en/sql-reference/sql/create-task: a false WHEN skips the run
  and its children; TASK_AUTO_RETRY_ATTEMPTS retries a failed graph from the failed
  tasks; SUSPEND_TASK_AFTER_NUM_FAILURES counts consecutive failed graph runs on the root
  after retries (skipped runs do not count), the run that suspends is
  FAILED_AND_AUTO_SUSPENDED and suspending resets the count;
* a single-statement body is one transaction; in a Scripting block each statement
  autocommits unless inside BEGIN TRANSACTION ... COMMIT (a transaction still open when
  the block ends, or when a statement fails, is rolled back).
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.scheduler import RunRecord
from emulator.core.state import PARAMETER_DEFAULTS, coerce_parameter
from emulator.features.tasks import graph
from emulator.features.tasks.engine import RunContext, TaskEngine
from emulator.features.tasks.history import HistoryRow
from emulator.features.tasks.objects import SUSPENDED, TaskDef
from emulator.features.tasks.when import Evaluator
from icebridge.errors import SqlError
from icebridge.sql.dialect import generate, parse_one
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_task import ScriptBlock

if TYPE_CHECKING:
    from emulator.core.engine import Engine

SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
SKIPPED = "SKIPPED"
AUTO_SUSPENDED = "FAILED_AND_AUTO_SUSPENDED"
_OK = (SUCCEEDED, "SUSPENDED")
#: How long a FALSE WHEN is reused without re-evaluation when nothing was committed
#: (bounded so SYSTEM$STREAM_HAS_DATA still keeps a quiet stream from going stale).
_FALSE_REUSE = timedelta(hours=1)


@lru_cache(maxsize=512)
def body_statements(body_sql: str) -> tuple[tuple[exp.Expression, str], ...]:
    """The body's statements with their SQL text, parsed once per distinct body."""
    node = parse_one(body_sql)
    if isinstance(node, ScriptBlock):
        if node.declarations:
            raise errors.unsupported("DECLARE in a task body")
        return tuple((s, generate(s)) for s in node.statements)
    return ((node, body_sql),)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """EXECUTE TASK ... USING CONFIG deep-merges over the root's CONFIG for one run."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


class _GraphRun:
    def __init__(
        self,
        engine: TaskEngine,
        root: TaskDef,
        at: datetime,
        scheduled_from: str,
        config: dict[str, Any],
    ) -> None:
        self.engine = engine
        self.emu = engine.emu
        self.root = root
        self.at = at
        self.scheduled_from = scheduled_from
        self.config = config
        self.group_id = str(uuid.uuid4())
        self.states: dict[ObjectName, str] = {}
        self.values: dict[ObjectName, str] = {}
        self.rows: list[HistoryRow] = []
        self.executed_sql = False

    def run_task(self, task: TaskDef, attempt: int, source: str) -> str:
        preds = {p.name: self.values[p] for p in task.predecessors if p in self.values}
        ctx = RunContext(task, self.root, self.group_id, self.at, self.config, preds)
        row = self._row(task, attempt, source)
        if task.when_sql is not None:
            try:
                go = self._condition(task, preds)
            except SqlError as err:
                return self._finish(row, FAILED, err)
            if not go:
                return self._finish(row, SKIPPED, None)
        row.query_id = str(uuid.uuid4())
        row.query_start_time = self.emu.now
        self.executed_sql = True
        error = self._run_body(task, ctx)
        if ctx.return_value is not None:
            self.values[task.name] = ctx.return_value
            row.return_value = ctx.return_value
        return self._finish(row, FAILED if error else SUCCEEDED, error)

    def _condition(self, task: TaskDef, preds: dict[str, str]) -> bool:
        """The WHEN value. A FALSE is reused while nothing was committed since (stream data
        arrives only by commits) for up to an hour, so quiet ticks cost no SQL at all."""
        assert task.when_sql is not None
        emu = self.emu
        key = (task.name, task.when_sql, tuple(sorted(preds.items())))
        cached = self.engine.false_when.get(key)
        if (
            cached is not None
            and not emu.in_transaction
            and cached[0] == emu.commit_count
            and emu.now - cached[1] < _FALSE_REUSE
        ):
            return False
        go = Evaluator(emu, task.name, preds).truth(task.when_sql)
        if go:
            self.engine.false_when.pop(key, None)
        elif not emu.in_transaction:
            self.engine.false_when[key] = (emu.commit_count, emu.now)
        return go

    def _run_body(self, task: TaskDef, ctx: RunContext) -> SqlError | None:
        """Run the body in the task's schema with the task's session parameters."""
        emu = self.emu
        saved = (emu.state.database, emu.state.schema, dict(emu.state.parameters))
        emu.state.database, emu.state.schema = task.name.database, task.name.schema
        previous, self.engine.current = self.engine.current, ctx
        # A caller's open transaction is left alone; one the body opened is not left open.
        outer = emu.in_transaction
        timer: _Timer | None = None
        try:
            emu.state.parameters["AUTOCOMMIT"] = True  # a task's own session autocommits
            _apply_parameters(emu, task)
            timer = _timeout_timer(emu, task)
            for node, sql in body_statements(task.body_sql):
                emu.run_parsed(node.copy(), sql)
        except SqlError as err:
            return _timeout_error(task) if timer is not None and timer.fired else err
        finally:
            if timer is not None:
                timer.cancel()
            if emu.in_transaction and not outer:
                emu.rollback()
            self.engine.current = previous
            emu.state.database, emu.state.schema, emu.state.parameters = saved
            emu.apply_timezone()
        return None

    def _row(self, task: TaskDef, attempt: int, source: str) -> HistoryRow:
        return HistoryRow(
            query_id=None,
            name=task.name.name,
            database_name=task.name.database,
            schema_name=task.name.schema,
            query_text=task.body_sql,
            condition_text=task.when_sql,
            state="EXECUTING",
            error_code=None,
            error_message=None,
            scheduled_time=self.at,
            query_start_time=None,
            next_scheduled_time=(
                self.engine.next_tick(self.root, self.at) if task.name == self.root.name else None
            ),
            completed_time=None,
            root_task_id=self.root.task_id,
            graph_version=self.root.graph_version,
            run_id=int(self.at.timestamp() * 1000),
            return_value=None,
            scheduled_from=source,
            attempt_number=attempt,
            config=json.dumps(self.config) if self.config else None,
            query_hash=None,
            query_hash_version=None,
            query_parameterized_hash=None,
            query_parameterized_hash_version=None,
            graph_run_group_id=self.group_id,
        )

    def _finish(self, row: HistoryRow, state: str, error: SqlError | None) -> str:
        row.state = state
        row.completed_time = self.emu.now
        if error is not None:
            row.error_code = str(error.errno) if error.errno is not None else None
            row.error_message = error.msg
        self.rows.append(row)
        return state


def run_graph(
    engine: TaskEngine,
    root: TaskDef,
    at: datetime,
    scheduled_from: str,
    *,
    config_override: str | None = None,
    retry_of: str | None = None,
) -> list[RunRecord]:
    """Run ``root``'s graph at ``at``; the history rows are recorded, the records returned."""
    config = json.loads(root.config) if root.config else {}
    if config_override:
        config = deep_merge(config, json.loads(config_override))
    run = _GraphRun(engine, root, at, scheduled_from, config)
    engine.running = True
    try:
        _run_all(engine, run, retry_of)
    finally:
        engine.running = False
    _account_failures(engine, run)
    for row in run.rows:
        engine.history.add(row)
    if run.executed_sql:
        engine.history.flush()
    return [_record(row) for row in run.rows]


def _run_all(engine: TaskEngine, run: _GraphRun, retry_of: str | None) -> None:
    tasks = engine.tasks
    members = graph.members(tasks, run.root.name)
    final = graph.finalizer_of(tasks, run.root.name)
    body = [t for t in members if final is None or t.name != final.name]
    only: set[ObjectName] | None = None
    if retry_of is not None:
        # RETRY LAST reruns the failed tasks and what depends on them; the others
        # succeeded in the retried run (their return values are not kept).
        only = _failed_in(engine, retry_of, tasks)
        run.states.update({t.name: SUCCEEDED for t in body if t.name not in only})
    attempt = 1
    source = run.scheduled_from
    while True:
        _run_pass(run, body, attempt, source, only)
        if run.states.get(run.root.name) == SKIPPED:
            return
        failed = {n for n, s in run.states.items() if s == FAILED}
        if not failed or attempt > run.root.retry_attempts:
            break
        attempt += 1
        source = "AUTOMATIC RETRY"
        only = failed | {d.name for n in failed for d in _below(tasks, n)}
    if final is not None and final.started:
        run.states[final.name] = run.run_task(final, attempt, source)


def _run_pass(
    run: _GraphRun, body: list[TaskDef], attempt: int, source: str, only: set[ObjectName] | None
) -> None:
    for task in body:
        if only is not None and task.name not in only:
            continue
        if task.name != run.root.name:
            if not task.started:
                run.states[task.name] = "SUSPENDED"  # skipped; graph continues as if succeeded
                continue
            preds = [run.states.get(p) for p in task.predecessors]
            if any(state not in _OK for state in preds):
                run.states[task.name] = "NOT_RUN"
                continue
        run.states[task.name] = run.run_task(task, attempt, source)
        if task.name == run.root.name and run.states[task.name] == SKIPPED:
            return


def _below(tasks: graph.Tasks, name: ObjectName) -> list[TaskDef]:
    out: list[TaskDef] = []
    for child in graph.children(tasks, name):
        out.append(child)
        out.extend(_below(tasks, child.name))
    return out


def _failed_in(engine: TaskEngine, group: str, tasks: graph.Tasks) -> set[ObjectName]:
    failed = {
        ObjectName(r.database_name, r.schema_name, r.name)
        for r in engine.history.rows
        if r.graph_run_group_id == group and r.state in (FAILED, AUTO_SUSPENDED)
    }
    return failed | {d.name for n in failed for d in _below(tasks, n)}


def _account_failures(engine: TaskEngine, run: _GraphRun) -> None:
    root = engine.tasks.get(run.root.name, run.root)
    if run.states.get(root.name) == SKIPPED or not run.rows:
        return
    failed = [r for r in run.rows if r.state == FAILED]
    if not failed:
        engine.last_success[root.name] = (run.group_id, run.at)
        if root.failures:
            engine.store(root.replace(failures=0))
        return
    count = root.failures + 1
    if root.suspend_after and count >= root.suspend_after:
        failed[-1].state = AUTO_SUSPENDED
        engine.store(root.replace(state=SUSPENDED, failures=0, suspended_on=engine.emu.now))
    else:
        engine.store(root.replace(failures=count))


def _record(row: HistoryRow) -> RunRecord:
    return RunRecord(
        kind="TASK",
        name=ObjectName(row.database_name, row.schema_name, row.name),
        scheduled_time=row.scheduled_time,
        state=row.state,
        completed_time=row.completed_time,
        error_message=row.error_message,
        query_id=row.query_id,
        details={
            "attempt_number": row.attempt_number,
            "scheduled_from": row.scheduled_from,
            "return_value": row.return_value,
            "graph_run_group_id": row.graph_run_group_id,
        },
    )


class _Timer:
    def __init__(self, emu: Engine, seconds: float) -> None:
        self.fired = False

        def interrupt() -> None:
            self.fired = True
            emu.con.interrupt()

        self._timer = threading.Timer(seconds, interrupt)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()


def _apply_parameters(emu: Engine, task: TaskDef) -> None:
    """Session parameters set on the task (e.g. TIMEZONE) hold for its runs."""
    for name, value in task.parameters.items():
        if name in PARAMETER_DEFAULTS:
            emu.state.parameters[name] = coerce_parameter(name, value)
    emu.apply_timezone()


def _timeout_timer(emu: Engine, task: TaskDef) -> _Timer | None:
    """USER_TASK_TIMEOUT_MS is enforced in real-time mode only (virtual runs take no time)."""
    if not emu.realtime_running or not task.timeout_ms:
        return None
    return _Timer(emu, task.timeout_ms / 1000)


def _timeout_error(task: TaskDef) -> SqlError:
    seconds = max(1, task.timeout_ms // 1000)
    return errors.generic(
        f"Statement reached its statement or warehouse timeout of {seconds} second(s) and "
        "was canceled.",
        errno=630,
        sqlstate="57014",
    )
