"""The PyIceberg SQL catalog on a sqlite file, tuned for many small commits.

These per-commit costs grow with a table's history in stock PyIceberg 0.12 and are
removed (or cut to a copy of bytes) here:

* a commit first re-reads and re-parses the table's metadata JSON (every snapshot) to
  get the base it applies updates to; the committing table already holds that metadata,
  so :meth:`StoreCatalog.commit_table` uses it (the catalog row update still checks
  that the metadata location did not move, so a stale base fails the commit);
* applying a commit's updates ends in ``model_copy(deep=True)`` of the whole table
  metadata (every snapshot and its summary); the metadata models are immutable and each
  update builds new lists, so :func:`apply_updates` returns the result without the copy;
* the new metadata JSON is written by :class:`~emulator.iceberg.metadata_json.MetadataWriter`,
  which reuses each (immutable) snapshot's serialised JSON instead of serialising every
  retained snapshot again;
* snapshot lookups by id scan the snapshot list about ten times per commit; tables
  loaded or created here carry :class:`~emulator.iceberg.snapshot_index.IndexedTableMetadataV2`,
  which looks them up in a dictionary;
* each catalog commit is a sqlite transaction; WAL mode with ``synchronous=NORMAL``
  avoids an fsync of the whole journal per commit while staying crash-consistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.io import FileIO
from pyiceberg.table import CommitTableResponse, StagedTable, Table
from pyiceberg.table.locations import load_location_provider
from pyiceberg.table.metadata import TableMetadata
from pyiceberg.table.update import (
    TableRequirement,
    TableUpdate,
    _apply_table_update,
    _TableMetadataUpdateContext,
    _update_table_metadata_log,
)
from pyiceberg.typedef import Identifier
from pyiceberg.utils.datetime import datetime_to_millis
from sqlalchemy import event
from sqlalchemy.engine import URL

from emulator.iceberg.metadata_json import MetadataWriter
from emulator.iceberg.snapshot_index import indexed


def apply_updates(
    base: TableMetadata, updates: Iterable[TableUpdate], metadata_location: str | None = None
) -> TableMetadata:
    """``update_table_metadata`` of PyIceberg without its final deep copy."""
    context = _TableMetadataUpdateContext()
    new = base
    for update in updates:
        new = _apply_table_update(update, new, context)
    if context.has_changes():
        if metadata_location:
            new = _update_table_metadata_log(new, metadata_location, base.last_updated_ms)
        if base.last_updated_ms == new.last_updated_ms:
            now = datetime_to_millis(datetime.now().astimezone())
            new = new.model_copy(update={"last_updated_ms": now})
    new.spec().check_compatible(new.schema())
    new.sort_order().check_compatible(new.schema())
    return new


class StoreCatalog(SqlCatalog):
    """A :class:`SqlCatalog` whose commits skip re-reading and deep-copying metadata."""

    _committing: Table | None = None
    _writer: MetadataWriter | None = None

    def _write_metadata(  # type: ignore[override]
        self, metadata: TableMetadata, io: FileIO, metadata_path: str
    ) -> None:
        if self._writer is None:
            self._writer = MetadataWriter()
        self._writer.write(metadata, io, metadata_path)

    def commit_table(
        self,
        table: Table,
        requirements: tuple[TableRequirement, ...],
        updates: tuple[TableUpdate, ...],
    ) -> CommitTableResponse:
        self._committing = table
        try:
            return super().commit_table(table, requirements, updates)
        finally:
            self._committing = None

    def load_table(self, identifier: str | Identifier) -> Table:
        committing = self._committing
        if committing is not None and tuple(identifier) == tuple(committing.name()):
            # The base of a commit: the committing table's own metadata (see module doc).
            self._committing = None
            return committing
        table = super().load_table(identifier)
        table.metadata = indexed(table.metadata)
        return table

    def _update_and_stage_table(
        self,
        current_table: Table | None,
        table_identifier: Identifier,
        requirements: tuple[TableRequirement, ...],
        updates: tuple[TableUpdate, ...],
    ) -> StagedTable:
        if current_table is None:  # table creation: keep PyIceberg's full validation
            staged = super()._update_and_stage_table(None, table_identifier, requirements, updates)
            staged.metadata = indexed(staged.metadata)
            return staged
        for requirement in requirements:
            requirement.validate(current_table.metadata)
        metadata = apply_updates(current_table.metadata, updates, current_table.metadata_location)
        version = self._parse_metadata_version(current_table.metadata_location) + 1
        provider = load_location_provider(metadata.location, metadata.properties)
        location = provider.new_table_metadata_file_location(version)
        return StagedTable(
            identifier=table_identifier,
            metadata=metadata,
            metadata_location=location,
            io=self._load_file_io(properties=metadata.properties, location=location),
            catalog=self,
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_catalog(database: Path, warehouse: Path) -> StoreCatalog:
    """Open (creating if needed) the catalog stored in the sqlite file ``database``."""
    # SQLAlchemy percent-decodes the database part of its URL and cuts it at "?": render
    # the URL from the path so a directory named "my%20lake" or "a?b" is that directory.
    uri = URL.create("sqlite", database=str(database)).render_as_string(hide_password=False)
    # The warehouse is a plain path, as table locations are (emulator.iceberg.locations).
    catalog = StoreCatalog("icebridge", uri=uri, warehouse=str(warehouse))
    event.listen(catalog.engine, "connect", _sqlite_pragmas)
    catalog.engine.dispose()  # reconnect so every pooled connection gets the pragmas
    return catalog
