"""Install streams: statements, stream and CHANGES relations, consumption, rewriters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.catalog import STREAM, VIEW, CatalogObject
from emulator.core.registry import Kind
from emulator.core.resolve import HISTORY
from emulator.core.services import StreamReads
from emulator.features.streams import ddl, show, statements
from emulator.features.streams.consume import StreamTracker
from emulator.features.streams.functions import rewrite_stream_functions
from emulator.features.streams.relation import relation
from emulator.features.streams.touches import Touches
from emulator.features.streams.view_join import JoinViewSource
from icebridge.sql.nodes_stream import CreateStream

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def install(engine: Engine) -> None:
    """Register the streams feature with ``engine``."""
    registry = engine.registry
    tracker = StreamTracker(engine)
    registry.provide(StreamTracker, tracker)
    registry.provide(StreamReads, tracker)  # type: ignore[type-abstract]
    registry.listeners.append(tracker)
    registry.provide(Touches, tracker.probe)  # type: ignore[type-abstract]
    registry.provide(statements.StatementLog, tracker.statements)
    registry.metadata_ddl.extend(statements.ddl())
    registry.close_hooks.append(tracker.probe.flush)
    registry.rewriter(("SYSTEM$STREAM_HAS_DATA",), rewrite_stream_functions)

    def read(obj: CatalogObject, table: exp.Table) -> exp.Expression:
        return relation(engine, obj, table)

    registry.relations[STREAM] = read
    registry.relations[HISTORY] = read  # CHANGES and AT | BEFORE on tables and views
    registry.change_sources[VIEW] = lambda obj: JoinViewSource(engine, obj)
    registry.statement(CreateStream, Kind.CREATE, ddl.run_create_stream)
    registry.statement((exp.Drop, "STREAM"), Kind.DROP, ddl.run_drop_stream)
    registry.statement((exp.Show, "STREAMS"), Kind.SHOW, show.run_show_streams)
    registry.statement((exp.Describe, "STREAM"), Kind.DESCRIBE, show.run_describe_stream)
