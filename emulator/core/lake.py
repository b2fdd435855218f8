"""The emulator's Iceberg storage: one store per emulator, its lifetime and volumes.

A persistent emulator keeps the catalog and warehouse beside ``native.duckdb``; an
in-memory one uses a temporary directory removed on close. The store's clock is the
emulator clock, so snapshot times and time travel follow virtual time. PyIceberg is
imported only when the store is first used.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, Catalog, CatalogObject
from emulator.core.state import SessionState
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.iceberg import IcebergStore

_log = logging.getLogger(__name__)


class Lake:
    """Owns the emulator's :class:`IcebergStore` (opened lazily) and its volumes.

    ``external_volumes`` maps volume names to directories; ``SNOWFLAKE_MANAGED`` (the
    default volume) lives under the store root.
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        path: Path | None,
        external_volumes: Mapping[str, str | Path] | None,
    ) -> None:
        self._clock = clock
        self._path = path
        self.volumes = {k.upper(): Path(v) for k, v in (external_volumes or {}).items()}
        self._store: IcebergStore | None = None
        self._tempdir: Path | None = None

    @property
    def store(self) -> IcebergStore:
        """The store, opened on first use."""
        if self._store is None:
            from emulator.iceberg import IcebergStore

            if self._path is not None:
                root = self._path
            else:
                self._tempdir = Path(tempfile.mkdtemp(prefix="icebridge-iceberg-"))
                root = self._tempdir
            self._store = IcebergStore(root, self.volumes, clock=self._clock)
        return self._store

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
