"""The persisted clock of a lake: ``<path>/clock.json``, rewritten on every move.

A lake's time never moves backwards (Snowflake's does not), so a reopened lake resumes at
the instant its clock last reached. The file is replaced atomically (a temporary file and
``os.replace``) each time the clock moves to a later instant, before anything can be
committed at that instant: a process killed at any point (kill -9) resumes at least at the
latest instant a commit was made at. No fsync: the OS keeps the file through a process
crash; an OS crash may lose the last moves, like any unsynced write.

A lake written before the clock was persisted has no file; it resumes at the latest
instant its catalog recorded (:func:`latest_recorded`).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog_objects import utc_aware
from icebridge.errors import LakeError

if TYPE_CHECKING:
    import duckdb

#: The clock's file in the lake directory.
CLOCK_FILE = "clock.json"
#: Catalog metadata (table, column) pairs holding instants something was committed at.
_RECORDED = (
    ("table_versions", "committed_at"),
    ("objects", "created_on"),
    ("objects", "last_altered"),
    ("databases", "created_on"),
    ("schemas", "created_on"),
    ("warehouses", "created_on"),
)


class ClockFile:
    """Reads and writes the persisted instant of the lake at ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / CLOCK_FILE
        self._saved: datetime | None = None

    def load(self) -> datetime | None:
        """The recorded instant, or None when the lake has none (new, or written before
        the clock was persisted). An unreadable file is a LakeError naming it."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as err:
            raise LakeError(
                f"cannot read the clock of the lake: {self.path}: {err.strerror}",
                path=str(self.path.parent),
            ) from None
        try:
            instant = datetime.fromisoformat(json.loads(text)["instant"])
        except (ValueError, KeyError, TypeError):
            raise LakeError(
                f"the clock file {self.path} is damaged ({text[:80]!r}); delete it to "
                "resume at the latest instant the lake's catalog recorded",
                path=str(self.path.parent),
            ) from None
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        self._saved = instant.astimezone(UTC)
        return self._saved

    def save(self, instant: datetime) -> None:
        """Record ``instant`` if it is later than what is recorded (never backwards)."""
        if self._saved is not None and instant <= self._saved:
            return
        body = json.dumps({"instant": instant.astimezone(UTC).isoformat()})
        temporary = self.path.with_name(CLOCK_FILE + ".tmp")
        try:
            temporary.write_text(body, encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as err:
            raise LakeError(
                f"cannot record the clock of the lake in {self.path}: {err.strerror}",
                path=str(self.path.parent),
            ) from None
        self._saved = instant


def latest_recorded(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The latest instant the catalog metadata holds (None for an empty or new lake)."""
    import duckdb

    latest: datetime | None = None
    for table, column in _RECORDED:
        query = exp.select(exp.Max(this=sql.column(column))).from_(sql.meta(table))
        try:
            row = sql.run(con, query).fetchone()
        except duckdb.CatalogException:
            continue  # a lake created before this table existed, or a new one
        value = row[0] if row is not None else None
        if isinstance(value, datetime):
            aware = utc_aware(value)
            latest = aware if latest is None else max(latest, aware)
    return latest
