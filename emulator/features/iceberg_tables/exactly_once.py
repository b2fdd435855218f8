"""Exactly-once loads into Iceberg tables (the Iceberg commit is the commit point).

A statement that reads streams and writes an Iceberg table commits in this order:

1. the Iceberg commit, whose snapshot summary records the stream offsets the statement
   consumes under :data:`OFFSETS` (JSON ``{"<stream object id>": <source version>}``);
2. the DuckDB transaction that moves those streams' offsets.

A crash between 1 and 2 leaves rows in Iceberg and offsets behind. :func:`repair` runs when
a persistent emulator opens: it reads the offsets recorded in each Iceberg table's
retained snapshots and moves every stream still behind them forward, so re-running the
load consumes only what is new. A crash before 1 leaves nothing to repair (orphan Parquet
files at most, as after a failed Snowflake DML).

Crash tests stop the process at these steps through the lake's test hooks
(:class:`emulator.core.lake.CommitHooks`); nothing here simulates failures.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from emulator.core.catalog import ICEBERG_TABLE, CatalogObject
from emulator.core.services import StreamReads

if TYPE_CHECKING:
    from emulator.core.engine import Engine

OFFSETS = "icebridge.stream-offsets"
#: The emulator table version a snapshot was written at (streams map versions to snapshots).
TABLE_VERSION = "icebridge.table-version"


def offsets_summary(emu: Engine, obj: CatalogObject) -> dict[str, str]:
    """The snapshot summary entries of a write to ``obj``: its table version (given to the
    open transaction) and the offsets of the streams the running statement has read."""
    out = {TABLE_VERSION: str(emu.capture.version_for(obj))}
    tracker = emu.registry.service(StreamReads)  # type: ignore[type-abstract]
    reads = tracker.statement_reads() if tracker is not None else {}
    if reads:
        out[OFFSETS] = json.dumps({str(k): v for k, v in sorted(reads.items())})
    return out


def recorded_offsets(summaries: list[tuple[int, dict[str, str]]]) -> dict[int, int]:
    """The highest offset per stream id recorded in snapshot summaries."""
    best: dict[int, int] = {}
    for _, summary in summaries:
        text = summary.get(OFFSETS)
        if not text:
            continue
        for key, value in json.loads(text).items():
            best[int(key)] = max(best.get(int(key), value), int(value))
    return best


def repair(emu: Engine) -> int:
    """Move streams forward to the offsets recorded in Iceberg snapshots; how many moved.

    Runs in its own DuckDB transaction when a persistent emulator opens.
    """
    from emulator.core import stream_objects as objects

    tables = emu.catalog.objects(kind=ICEBERG_TABLE)
    if not tables:
        return 0
    moved = 0
    with emu.transactions.unit():
        for obj in tables:
            store = emu.lake.store
            if not store.exists(obj.name):
                continue
            summaries = store.snapshot_summaries(obj.name)
            versions = [int(s[TABLE_VERSION]) for _, s in summaries if TABLE_VERSION in s]
            if versions and max(versions) > obj.version:
                # The table version of the lost DuckDB commit: keep versions unique.
                emu.catalog.update_object(obj.id, version=max(versions))
            for stream_id, offset in recorded_offsets(summaries).items():
                stream = objects.load(emu, stream_id)
                if stream is not None and stream.offset < offset:
                    objects.save_offset(emu, stream, offset, consumed_at=emu.now)
                    moved += 1
    return moved
