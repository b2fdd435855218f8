"""The :class:`Pipeline` builder: staging table -> stream -> task or dynamic table -> Iceberg.

Every builder step returns a new frozen ``Pipeline``; the original is never changed.
Definition mistakes raise :class:`~icebridge.errors.DefinitionError` at the step that
makes them, with ``field`` set to the offending parameter (``"columns"``, ``"merge_on"``,
``"schedule"``, ``"stream"``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from icebridge.errors import DefinitionError
from icebridge.pipeline import checks
from icebridge.pipeline.columns import (
    INGESTED_AT,
    Column,
    resolve_columns,
)
from icebridge.pipeline.schedule import Interval, Schedule, parse_target_lag
from icebridge.pipeline.specs import (
    Cleanup,
    DynamicTarget,
    FailurePolicy,
    IcebergTarget,
    Stage,
    StreamSpec,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlglot import exp

    from icebridge.pipeline.status import PipelineStatus
    from icebridge.plan_model import Plan
    from icebridge.targets.base import Target


@dataclass(frozen=True, init=False)
class Pipeline:
    """A staging -> stream -> task (or dynamic table) -> Iceberg pipeline definition.

    ``Pipeline("orders", database="DB", warehouse="WH")`` starts an empty definition;
    chain :meth:`stage`, :meth:`stream`, :meth:`to_iceberg` (or :meth:`to_dynamic_iceberg`),
    optionally :meth:`cleanup` and :meth:`on_failure`. Names use Snowflake identifier
    syntax: ``orders`` is ``ORDERS``, ``'"Orders"'`` keeps its case.
    """

    name: str
    database: str | None
    warehouse: str | None
    staging: Stage | None
    stream_spec: StreamSpec | None
    target: IcebergTarget | DynamicTarget | None
    cleanup_spec: Cleanup | None
    failure: FailurePolicy

    def __init__(
        self, name: str, *, database: str | None = None, warehouse: str | None = None
    ) -> None:
        values: dict[str, Any] = {
            "name": checks.ident(name, field="name"),
            "database": None if database is None else checks.ident(database, field="database"),
            "warehouse": None if warehouse is None else checks.ident(warehouse, field="warehouse"),
            "staging": None,
            "stream_spec": None,
            "target": None,
            "cleanup_spec": None,
            "failure": FailurePolicy(),
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def _with(self, **changes: Any) -> Pipeline:
        new = object.__new__(Pipeline)
        for f in fields(self):
            object.__setattr__(new, f.name, changes.get(f.name, getattr(self, f.name)))
        return new

    # -- builder steps -------------------------------------------------------------

    def stage(
        self,
        table: str,
        columns: Mapping[str, str] | Sequence[Column],
        *,
        ingested_at: bool = True,
        retention_days: int = 1,
        max_extension_days: int | None = None,
        comment: str | None = None,
    ) -> Pipeline:
        """Declare the staging table (``SCHEMA.TABLE`` or ``DB.SCHEMA.TABLE``) and its columns.

        ``ingested_at`` adds ``_INGESTED_AT TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP()``.
        """
        if self.staging is not None:
            raise DefinitionError("stage: the staging table is already defined", field="stage")
        name = checks.object_name(table, field="table", database=self.database, schema=None)
        staged = resolve_columns(columns, ingested_at=ingested_at)
        spec = Stage(
            table=name,
            columns=staged,
            ingested_at=ingested_at,
            retention_days=checks.count(
                retention_days, field="retention_days", low=0, high=checks.MAX_RETENTION_DAYS
            ),
            max_extension_days=None
            if max_extension_days is None
            else checks.count(
                max_extension_days,
                field="max_extension_days",
                low=0,
                high=checks.MAX_RETENTION_DAYS,
            ),
            comment=None if comment is None else checks.text(comment, field="comment"),
        )
        return self._with(staging=spec)

    def stream(
        self, *, append_only: bool = True, name: str | None = None, show_initial_rows: bool = False
    ) -> Pipeline:
        """Add the stream the load task consumes (append-only by default).

        The default name is ``<STAGING_TABLE>_STREAM`` in the staging schema.
        """
        staging = self._require_stage("stream")
        if self.stream_spec is not None:
            raise DefinitionError("stream: the stream is already defined", field="stream")
        if isinstance(self.target, DynamicTarget):
            raise checks.dynamic_with_stream()
        stream_name = (
            staging.table.with_name(staging.table.name + "_STREAM")
            if name is None
            else checks.object_name(
                name, field="stream", database=staging.table.database, schema=staging.table.schema
            )
        )
        spec = StreamSpec(
            name=stream_name,
            append_only=bool(append_only),
            show_initial_rows=bool(show_initial_rows),
        )
        return self._with(stream_spec=spec)

    def to_iceberg(
        self,
        table: str,
        *,
        schedule: str | Schedule = "1 minute",
        merge_on: str | Sequence[str] | None = None,
        latest_by: str | None = None,
        external_volume: str | None = None,
        catalog: str = "SNOWFLAKE",
        base_location: str | None = None,
        task_name: str | None = None,
        warehouse: str | None = None,
        column_types: Mapping[str, str] | None = None,
    ) -> Pipeline:
        """Load the stream into a Snowflake-managed Iceberg table with a scheduled task.

        Without ``merge_on`` each run inserts the new rows; with it each run MERGEs the
        newest row per key (``latest_by``, default ``_INGESTED_AT``). Target column types
        derive from the staging types (``VARCHAR(50)`` -> ``STRING``); ``column_types``
        sets some explicitly (Iceberg-legal types only).
        """
        staging = self._require_stage("to_iceberg")
        if self.stream_spec is None:
            raise DefinitionError(
                "stream: .to_iceberg() loads through a stream; call .stream() before it",
                field="stream",
            )
        table_name = checks.target_name(self, table, staging, kind="task")
        if not isinstance(catalog, str) or catalog.upper() != "SNOWFLAKE":
            raise DefinitionError(
                f"catalog: only CATALOG = 'SNOWFLAKE' tables can be loaded, got {catalog!r}",
                field="catalog",
            )
        keys, latest = checks.merge_keys(merge_on, latest_by, staging)
        if not keys and not self.stream_spec.append_only:
            raise DefinitionError(
                "merge_on: insert mode needs an append-only stream; use merge_on=... for a "
                "standard stream",
                field="merge_on",
            )
        target_columns = checks.iceberg_columns(staging, column_types)
        wh = self.warehouse if warehouse is None else checks.ident(warehouse, field="warehouse")
        task = (
            staging.table.with_name(self.name + "_LOAD_TASK")
            if task_name is None
            else checks.object_name(
                task_name,
                field="task_name",
                database=staging.table.database,
                schema=staging.table.schema,
            )
        )
        spec = IcebergTarget(
            table=table_name,
            schedule=Schedule.parse(schedule),
            task=task,
            warehouse=wh,
            merge_on=keys,
            latest_by=latest,
            external_volume=None
            if external_volume is None
            else checks.text(external_volume, field="external_volume"),
            catalog="SNOWFLAKE",
            columns=target_columns,
            base_location=checks.base_location(table_name)
            if base_location is None
            else checks.text(base_location, field="base_location"),
        )
        return self._with(target=spec)

    def to_dynamic_iceberg(
        self,
        table: str,
        *,
        target_lag: str = "1 minute",
        merge_on: str | Sequence[str] | None = None,
        latest_by: str | None = None,
        external_volume: str | None = None,
        base_location: str | None = None,
        refresh_mode: str | None = None,
        initialize: str | None = None,
        warehouse: str | None = None,
        column_types: Mapping[str, str] | None = None,
    ) -> Pipeline:
        """Compute the Iceberg table as a dynamic Iceberg table over the staging table.

        Dynamic tables track changes themselves, so this path takes no ``.stream()``.
        """
        staging = self._require_stage("to_dynamic_iceberg")
        table_name = checks.target_name(self, table, staging, kind="dynamic")
        if self.stream_spec is not None:
            raise checks.dynamic_with_stream()
        keys, latest = checks.merge_keys(merge_on, latest_by, staging)
        target_columns = checks.iceberg_columns(staging, column_types)
        wh = self.warehouse if warehouse is None else checks.ident(warehouse, field="warehouse")
        if wh is None:
            raise DefinitionError(
                "warehouse: dynamic tables need a WAREHOUSE; pass warehouse= here or to Pipeline",
                field="warehouse",
            )
        if self.failure != FailurePolicy():
            raise checks.failure_on_dynamic()
        spec = DynamicTarget(
            table=table_name,
            target_lag=parse_target_lag(target_lag),
            warehouse=wh,
            merge_on=keys,
            latest_by=latest,
            external_volume=None
            if external_volume is None
            else checks.text(external_volume, field="external_volume"),
            base_location=checks.base_location(table_name)
            if base_location is None
            else checks.text(base_location, field="base_location"),
            columns=target_columns,
            refresh_mode=checks.choice(refresh_mode, checks.REFRESH_MODES, field="refresh_mode"),
            initialize=checks.choice(initialize, checks.INITIALIZE, field="initialize"),
        )
        return self._with(target=spec)

    def cleanup(
        self,
        *,
        min_age: str | None = None,
        task_name: str | None = None,
        warehouse: str | None = None,
        column_types: Mapping[str, str] | None = None,
    ) -> Pipeline:
        """Delete loaded rows from the staging table in a child task of the load task.

        A row is deleted only when it is not among the stream's pending changes, so an
        unloaded row is never deleted; ``min_age`` ("1 hour") adds an extra age guard.
        """
        staging = self._require_stage("cleanup")
        target = self.target
        if isinstance(target, DynamicTarget):
            raise DefinitionError(
                "cleanup: a dynamic Iceberg table is computed from the staging table, so "
                "deleting staging rows would delete them from the target too",
                field="cleanup",
            )
        if target is None or self.stream_spec is None:
            raise DefinitionError("cleanup: call .to_iceberg() before .cleanup()", field="cleanup")
        if not self.stream_spec.append_only:
            raise DefinitionError(
                "cleanup: a standard stream records the cleanup's DELETEs, which the MERGE "
                "would apply to the target; use .stream(append_only=True)",
                field="cleanup",
            )
        if self.cleanup_spec is not None:
            raise DefinitionError("cleanup: cleanup is already defined", field="cleanup")
        age = None
        if min_age is not None:
            if not staging.ingested_at:
                raise DefinitionError(
                    f"min_age: needs the {INGESTED_AT} column (stage with ingested_at=True)",
                    field="min_age",
                )
            age = Interval.parse(min_age, field="min_age")
        task = (
            target.task.with_name(self.name + "_CLEANUP_TASK")
            if task_name is None
            else checks.object_name(
                task_name,
                field="task_name",
                database=target.task.database,
                schema=target.task.schema,
            )
        )
        if task == target.task:
            raise DefinitionError(
                "task_name: the cleanup task needs its own name", field="task_name"
            )
        wh = target.warehouse if warehouse is None else checks.ident(warehouse, field="warehouse")
        return self._with(cleanup_spec=Cleanup(task=task, min_age=age, warehouse=wh))

    def on_failure(
        self,
        *,
        suspend_after: int = 10,
        retries: int = 0,
        error_integration: str | None = None,
    ) -> Pipeline:
        """Set SUSPEND_TASK_AFTER_NUM_FAILURES, TASK_AUTO_RETRY_ATTEMPTS and
        ERROR_INTEGRATION of the root task (rendered in its CREATE TASK)."""
        if isinstance(self.target, DynamicTarget):
            raise checks.failure_on_dynamic()
        policy = FailurePolicy(
            suspend_after=checks.count(suspend_after, field="suspend_after", low=0, high=None),
            retries=checks.count(retries, field="retries", low=0, high=checks.MAX_RETRIES),
            error_integration=None
            if error_integration is None
            else checks.ident(error_integration, field="error_integration"),
        )
        return self._with(failure=policy)

    # -- helpers -------------------------------------------------------------------

    def _require_stage(self, step: str) -> Stage:
        if self.staging is None:
            raise DefinitionError(f"stage: call .stage() before .{step}()", field="stage")
        return self.staging

    # -- outputs -------------------------------------------------------------------

    def statements(self) -> list[exp.Expression]:
        """The deploy statements as sqlglot nodes, in order."""
        from icebridge.render import render_pipeline

        return render_pipeline(self)

    def sql(self, *, pretty: bool = False) -> list[str]:
        """The Snowflake statements that deploy this pipeline, in deploy order."""
        from icebridge.render import render_all

        return render_all([self], pretty=pretty)

    def plan(
        self, target: Target, *, rebuild: Iterable[str] = (), allow_rebuild: bool = False
    ) -> Plan:
        """The changes :meth:`deploy` would make on ``target``, read from what is deployed
        there (see :func:`icebridge.plan` and docs/evolution.md); nothing is changed."""
        from icebridge.plan_changes import plan

        return plan([self], target, rebuild=rebuild, allow_rebuild=allow_rebuild)

    def deploy(
        self, target: Target, *, rebuild: Iterable[str] = (), allow_rebuild: bool = False
    ) -> Plan:
        """Execute :meth:`plan` on ``target`` (an Emulator or a Snowflake target) and return
        it. A change that would lose data raises DeployError before anything runs, unless
        the object is named in ``rebuild`` (or ``allow_rebuild=True``)."""
        from icebridge.plan_changes import deploy

        return deploy([self], target, rebuild=rebuild, allow_rebuild=allow_rebuild)

    def ingest(self, target: Target, rows: object) -> int:
        """Validate ``rows`` (list of dicts, pyarrow Table or pandas DataFrame) against the
        staging columns and insert them in one atomic batch; returns the row count."""
        from icebridge.pipeline.ingest import to_arrow

        staging = self._require_stage("ingest")
        batch: pa.Table = to_arrow(rows, staging, not_null=self._not_null())
        if batch.num_rows == 0:
            return 0  # nothing to write: the target is not called
        return target.insert_rows(staging.table, batch)

    def status(self, target: Target) -> PipelineStatus:
        """Counts and state of the deployed pipeline (see :class:`PipelineStatus`)."""
        from icebridge.pipeline.status import read_status

        return read_status(self, target)

    def _not_null(self) -> frozenset[str]:
        staging = self._require_stage("ingest")
        keys = self.target.merge_on if self.target is not None else ()
        return frozenset(keys) | {c.name for c in staging.columns if not c.nullable}
