"""The session's Iceberg storage: one store per emulator, its lifetime and volumes.

A persistent emulator keeps the catalog and warehouse beside ``native.duckdb``; an
in-memory one uses a temporary directory removed on close. The store's clock is the
emulator clock, so snapshot times and time travel follow virtual time.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, CatalogObject
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.api.emulator import Emulator
    from emulator.iceberg import IcebergStore

_log = logging.getLogger(__name__)


class IcebergTables:
    """Owns the emulator's :class:`IcebergStore` (opened lazily) and its volumes.

    ``external_volumes`` maps volume names to directories; ``SNOWFLAKE_MANAGED`` (the
    default volume) lives under the store root.
    """

    def __init__(self, emu: Emulator, external_volumes: Mapping[str, str | Path] | None) -> None:
        self.emu = emu
        self.volumes = {k.upper(): Path(v) for k, v in (external_volumes or {}).items()}
        self._store: IcebergStore | None = None
        self._tempdir: Path | None = None
        # object id -> relation a statement reads instead of the current snapshot (the
        # DML working set with its file-path column).
        self.read_overrides: dict[int, exp.Expression] = {}
        # True between a statement's Iceberg commit and the end of its DuckDB COMMIT.
        self.committed = False
        emu.commit_hooks.append(self._after_commit)
        emu.resolver.iceberg = self._relation
        from emulator.features.iceberg_tables.functions import rewrite_iceberg_functions

        emu.statement_rewriters.append(rewrite_iceberg_functions)

    def _relation(self, obj: CatalogObject, table: exp.Table) -> exp.Expression:
        from emulator.features.iceberg_tables.reads import relation

        return relation(self.emu, obj, table)

    def _after_commit(self) -> None:
        from emulator.features.iceberg_tables.exactly_once import fault

        if self.committed:
            self.committed = False
            fault("after_offset_update")

    def repair(self) -> int:
        """Move stream offsets forward to those recorded in Iceberg snapshots (on open)."""
        from emulator.features.iceberg_tables.exactly_once import repair

        return repair(self.emu)

    @property
    def store(self) -> IcebergStore:
        """The store, opened on first use."""
        if self._store is None:
            from emulator.iceberg import IcebergStore

            if self.emu.path is not None:
                root = self.emu.path
            else:
                self._tempdir = Path(tempfile.mkdtemp(prefix="icebridge-iceberg-"))
                root = self._tempdir
            self._store = IcebergStore(root, self.volumes, clock=self.emu.clock.now)
        return self._store

    def volume_exists(self, name: str) -> bool:
        """True for SNOWFLAKE_MANAGED and every configured external volume."""
        from emulator.iceberg import DEFAULT_VOLUME

        return name.upper() == DEFAULT_VOLUME or name.upper() in self.volumes

    def require(self, name: ObjectName, kinds: tuple[str, ...] = (ICEBERG_TABLE,)) -> CatalogObject:
        """The catalog row of the Iceberg table ``name`` (of one of ``kinds``: a dynamic
        Iceberg table passes ``(DYNAMIC_TABLE,)``)."""
        obj = self.emu.catalog.find(name)
        if obj is None or obj.kind not in kinds:
            raise errors.object_does_not_exist(name.sql(), "Table")
        return obj

    def compact(self, name: str | ObjectName) -> int | None:
        """Rewrite the small data files of an Iceberg table in one ``replace`` snapshot.

        ``name`` is ``DB.SCHEMA.TABLE`` (Snowflake identifier rules); returns the new
        snapshot id, or None when there was nothing to compact.
        """
        target = name if isinstance(name, ObjectName) else self.parse_name(name)
        with self.emu.lock:
            self.require(target)
            return self.store.compact(target)

    def expire(self, obj: CatalogObject) -> int:
        """Expire snapshots older than DATA_RETENTION_TIME_IN_DAYS on the emulator clock
        (the current snapshot always stays); how many were expired."""
        older_than = self.emu.now - timedelta(days=obj.retention_days)
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

    def parse_name(self, text: str) -> ObjectName:
        """A table name as written in SQL, completed with the current database and schema."""
        return ObjectName.parse(
            text, database=self.emu.state.database, schema=self.emu.state.schema
        )

    def has_tables(self) -> bool:
        """True when the catalog holds any Iceberg table (the store may stay closed)."""
        return bool(self.emu.catalog.objects(kind=ICEBERG_TABLE))

    def close(self) -> None:
        """Close the store; an in-memory emulator's directory is removed."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
