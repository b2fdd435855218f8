"""The emulator's Iceberg storage: one store per emulator, its lifetime and volumes.

A persistent emulator keeps the catalog and warehouse beside ``native.duckdb``; an
in-memory one uses a temporary directory removed on close. The store's clock is the
emulator clock, so snapshot times and time travel follow virtual time. PyIceberg is
imported only when the store is first used.

Every write of the emulator to an Iceberg table is ``with lake.write(obj, summary=...)``:
one write unit of the store (one snapshot on a clean exit, nothing on an error) followed by
the maintenance after a write. :class:`CommitHooks` are the test hooks on its commit path.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, Catalog, CatalogObject
from emulator.core.state import SessionState
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.iceberg import IcebergStore
    from emulator.iceberg.write import IcebergWrite

_log = logging.getLogger(__name__)

#: The steps of an Iceberg write's commit path where :class:`CommitHooks` run: data files
#: written but nothing committed; the snapshot committed but not the DuckDB transaction
#: that moves the stream offsets it consumed; that DuckDB transaction committed too.
BEFORE_ICEBERG_COMMIT = "before_iceberg_commit"
AFTER_ICEBERG_COMMIT = "after_iceberg_commit"
AFTER_OFFSET_UPDATE = "after_offset_update"
COMMIT_POINTS = (BEFORE_ICEBERG_COMMIT, AFTER_ICEBERG_COMMIT, AFTER_OFFSET_UPDATE)
#: A test hook: (commit point, written table) -> None.
CommitHook = Callable[[str, ObjectName], None]


class CommitHooks:
    """Test hooks on the commit path of Iceberg writes; there are none by default.

    Crash tests add one that stops the process at a :data:`COMMIT_POINTS` step, to prove
    that reopening repairs what the crash interrupted (exactly-once). The store calls
    :meth:`before_commit` / :meth:`after_commit` around each write's catalog commit; the
    Iceberg-tables feature calls :meth:`statement_committed` after each statement's DuckDB
    commit, which runs the ``after_offset_update`` hooks for the writes committed before it.
    """

    def __init__(self) -> None:
        self._hooks: list[CommitHook] = []
        self._awaiting: list[ObjectName] = []  # committed writes whose DuckDB commit is next

    def add(self, hook: CommitHook) -> None:
        """Run ``hook`` at every commit point."""
        self._hooks.append(hook)

    def remove(self, hook: CommitHook) -> None:
        """Stop running ``hook``."""
        self._hooks.remove(hook)

    def before_commit(self, name: ObjectName) -> None:
        """The data files of a write to ``name`` are written; its catalog commit is next."""
        self._run(BEFORE_ICEBERG_COMMIT, name)

    def after_commit(self, name: ObjectName) -> None:
        """The write to ``name`` is committed to Iceberg."""
        if self._hooks:
            self._awaiting.append(name)
        self._run(AFTER_ICEBERG_COMMIT, name)

    def statement_committed(self) -> None:
        """The DuckDB commit after the Iceberg writes (their stream offsets) is done."""
        awaiting, self._awaiting = self._awaiting, []
        for name in awaiting:
            self._run(AFTER_OFFSET_UPDATE, name)

    def _run(self, point: str, name: ObjectName) -> None:
        for hook in list(self._hooks):
            hook(point, name)


class Lake:
    """Owns the emulator's :class:`IcebergStore` (opened lazily) and its volumes.

    ``external_volumes`` maps volume names to directories (paths or ``file://`` URIs);
    ``SNOWFLAKE_MANAGED`` (the default volume) lives under the store root.
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        path: Path | None,
        external_volumes: Mapping[str, str | Path] | None,
    ) -> None:
        self._clock = clock
        self._path = path
        # Kept as given: the store reads a str as a path or a file:// URI (Path() would
        # fold a URI's "//" and hide it).
        self.volumes = {k.upper(): v for k, v in (external_volumes or {}).items()}
        self._store: IcebergStore | None = None
        self._tempdir: Path | None = None
        #: Test hooks on the commit path of every write (none by default).
        self.hooks = CommitHooks()

    @property
    def root(self) -> Path:
        """The directory the lake's files live in: the emulator's path, or (in memory) a
        temporary directory created on first use and removed at :meth:`close` (or when the
        Lake is dropped unclosed)."""
        if self._path is not None:
            return self._path
        if self._tempdir is None:
            self._tempdir = Path(tempfile.mkdtemp(prefix="icebridge-lake-"))
            weakref.finalize(self, shutil.rmtree, self._tempdir, ignore_errors=True)
        return self._tempdir

    @property
    def store(self) -> IcebergStore:
        """The store, opened on first use."""
        if self._store is None:
            from emulator.iceberg import IcebergStore

            self._store = IcebergStore(
                self.root, self.volumes, clock=self._clock, listener=self.hooks
            )
        return self._store

    @contextmanager
    def write(
        self, obj: CatalogObject, *, summary: Mapping[str, str] | None = None
    ) -> Iterator[IcebergWrite]:
        """``with lake.write(obj, summary=...) as w:`` one write to the Iceberg table of
        ``obj`` (:meth:`IcebergStore.write`: one snapshot on a clean exit, nothing on an
        error), then the maintenance after a write when it committed."""
        with self.store.write(obj.name, summary=summary) as unit:
            yield unit
        if unit.snapshot_id is not None:
            self.after_write(obj)

    def volume_exists(self, name: str) -> bool:
        """True for SNOWFLAKE_MANAGED and every configured external volume."""
        from emulator.iceberg import DEFAULT_VOLUME

        return name.upper() == DEFAULT_VOLUME or name.upper() in self.volumes

    @staticmethod
    def require(
        catalog: Catalog, name: ObjectName, kinds: tuple[str, ...] = (ICEBERG_TABLE,)
    ) -> CatalogObject:
        """The catalog row of the Iceberg table ``name`` (of one of ``kinds``: a dynamic
        Iceberg table passes ``(DYNAMIC_TABLE,)``)."""
        obj = catalog.find(name)
        if obj is None or obj.kind not in kinds:
            raise errors.object_does_not_exist(name.sql(), "Table")
        return obj

    def compact(self, catalog: Catalog, state: SessionState, name: str | ObjectName) -> int | None:
        """Rewrite the small data files of an Iceberg table in one ``replace`` snapshot.

        ``name`` is ``DB.SCHEMA.TABLE`` (Snowflake identifier rules); returns the new
        snapshot id, or None when there was nothing to compact.
        """
        target = name if isinstance(name, ObjectName) else parse_name(state, name)
        self.require(catalog, target)
        return self.store.compact(target)

    def expire(self, obj: CatalogObject) -> int:
        """Expire snapshots older than DATA_RETENTION_TIME_IN_DAYS on the emulator clock
        (the current snapshot always stays); how many were expired."""
        older_than = self._clock() - timedelta(days=obj.retention_days)
        history = self.store.snapshots(obj.name)
        if len(history) < 2 or history[0][1] >= older_than:
            return 0  # nothing old enough: skip reading the metadata again
        return self.store.expire_snapshots(obj.name, older_than)

    def after_write(self, obj: CatalogObject) -> None:
        """Maintenance after a commit: snapshot expiry by retention (the store compacts
        small files on its own). A failure is logged, never raised: the write committed."""
        try:
            self.expire(obj)
        except Exception:
            _log.warning("snapshot expiry of %s failed", obj.name.sql(), exc_info=True)

    def row_count(self, obj: CatalogObject) -> int:
        """Rows of the current snapshot (from its summary, no data read)."""
        summary = self.store.current_summary(obj.name)
        return int(summary.get("total-records", "0"))

    def close(self) -> None:
        """Close the store; an in-memory emulator's directory is removed."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None


def parse_name(state: SessionState, text: str) -> ObjectName:
    """A table name as written in SQL, completed with the current database and schema."""
    return ObjectName.parse(text, database=state.database, schema=state.schema)
