"""Install stages: named stages and file formats, PUT / GET / LIST / REMOVE, COPY INTO.

Stage files live in the lake (:mod:`emulator.core.stage_files`); removals that must wait for
a commit (PURGE, a dropped stage's files) go through :class:`.after_commit.AfterCommit`;
load metadata is the ``__ib.load_history`` table. Temporary stages and file formats end with
the emulator: dropped when it closes (and when a lake opens, in case a crash left some).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.registry import Kind
from emulator.core.stage_files import NAMED, StageFiles
from emulator.features.stages import (
    copy,
    ddl,
    files,
    infer_schema,
    load_history,
    load_history_view,
    show,
    stage_query,
)
from emulator.features.stages.after_commit import AfterCommit
from emulator.features.stages.objects import STAGE, temporary_objects
from icebridge.sql.nodes_stage import RemoveFiles

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def install(engine: Engine) -> None:
    """Register the stages feature with ``engine``."""
    registry = engine.registry
    registry.provide(StageFiles, StageFiles(engine.lake))
    later = AfterCommit(engine)
    registry.provide(AfterCommit, later)
    registry.listeners.append(later)
    registry.commit_hooks.append(later.committed)
    registry.metadata_ddl.extend(load_history.ddl())
    registry.rewriter((infer_schema.FUNCTION,), infer_schema.rewrite)

    def load_history_rows(database: str, table: exp.Table) -> exp.Expression:
        return load_history_view.relation(engine, database, table)

    registry.information_schema[load_history_view.VIEW] = load_history_rows
    registry.wrap(exp.Create, ddl.routed_create)
    registry.wrap(exp.Query, stage_query.routed_query)
    registry.wrap((exp.Drop, "TABLE"), ddl.routed_drop_table)
    for word in ("STAGE", "FILE FORMAT"):
        registry.statement((exp.Drop, word), Kind.DROP, ddl.run_drop)
    registry.statement((exp.Show, "STAGES"), Kind.SHOW, show.run_show_stages)
    registry.statement((exp.Show, "FILE FORMATS"), Kind.SHOW, show.run_show_file_formats)
    registry.statement((exp.Describe, "STAGE"), Kind.DESCRIBE, show.run_describe_stage)
    registry.statement((exp.Describe, "FILE FORMAT"), Kind.DESCRIBE, show.run_describe_file_format)
    registry.statement(exp.Put, Kind.STAGE_FILES, files.run_put)
    registry.statement(RemoveFiles, Kind.STAGE_FILES, files.run_remove)
    registry.statement(exp.Get, Kind.QUERY, files.run_get)
    registry.statement(exp.ListStage, Kind.QUERY, files.run_list)
    registry.statement(exp.Copy, Kind.COPY, copy.run_copy)
    registry.close_hooks.append(lambda: drop_temporary(engine))
    registry.open_hooks.append(lambda: drop_temporary(engine))


def drop_temporary(engine: Engine) -> None:
    """Drop the temporary stages (with their files) and file formats."""
    if getattr(engine, "read_only", False):
        return  # a read-only lake writes nothing; its writer drops them
    found = temporary_objects(engine)
    if not found:
        return
    stages = engine.registry.service(StageFiles)
    with engine.transactions.unit():
        for obj in found:
            engine.catalog.forget_object(obj)
    for obj in found:
        if obj.kind == STAGE and stages is not None:
            stages.remove_directory(stages.directory(NAMED, obj.id))
