"""One write to an Iceberg table: the changes it collects commit as ONE snapshot.

``with store.write(name, summary=...) as w:`` collects what the write does and commits one
snapshot when the block exits cleanly; when the block raises, nothing is committed and
the table is unchanged (the model is PyIceberg's ``Transaction``, which commits on a clean
``with`` exit)::

    with store.write(name, summary={"icebridge.stream-offsets": "..."}) as w:
        w.remove(paths)       # data files (paths from IcebergStore.scan_files) to drop
        w.append(kept)        # their surviving and changed rows (copy-on-write) ...
        w.append(new)         # ... and new rows
    w.snapshot_id             # the committed snapshot; None when nothing changed

``truncate()`` removes every data file and ``replace(rows)`` makes ``rows`` the whole
content. Rows are checked against the table schema when they are given (the error names
the column) and written as Parquet only at the commit, so an aborted write leaves no files.
Iceberg readers see the operation the changes imply: ``append`` (nothing removed),
``delete`` (nothing added), ``overwrite`` (both), ``replace`` for compaction (same rows).
A write that changes nothing commits nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

import pyarrow as pa
from pyiceberg.manifest import DataFile
from pyiceberg.table import Table
from pyiceberg.utils.datetime import datetime_to_millis

from emulator import errors
from emulator.iceberg.commits import commit_files
from emulator.iceberg.conform import conform
from emulator.iceberg.datafiles import write_data_files
from emulator.iceberg.files import DataFileInfo
from emulator.iceberg.locations import local_path
from emulator.iceberg.maintenance import COMMIT_TIME, data_files_by_path
from icebridge.sql.identifiers import ObjectName


class CommitListener(Protocol):
    """Told about each write's commit (crash tests stop the process there); optional."""

    def before_commit(self, name: ObjectName) -> None:
        """Data files are written; the catalog commit is next."""

    def after_commit(self, name: ObjectName) -> None:
        """The snapshot is committed."""


class IcebergWrite:
    """The changes of one write to the Iceberg table ``name`` (see the module docstring).

    Made by :meth:`IcebergStore.write`: ``table`` is the table as the write starts,
    ``files`` lists its current data files (read only when a file is removed),
    ``published`` receives the committed table (the store caches it and maintains it).
    """

    def __init__(
        self,
        name: ObjectName,
        table: Table,
        *,
        files: Callable[[], list[DataFileInfo]],
        summary: Mapping[str, str] | None,
        clock: Callable[[], datetime],
        published: Callable[[Table], None],
        listener: CommitListener | None = None,
        operation: str | None = None,
    ) -> None:
        self.name = name
        self._table = table
        self._files = files
        self._summary = {str(k): str(v) for k, v in (summary or {}).items()}
        self._clock = clock
        self._published = published
        self._listener = listener
        self._operation = operation
        self._rows: list[pa.Table] = []
        self._removed: dict[int, DataFile] = {}  # id(DataFile) -> DataFile: no duplicates
        self._known: dict[str, DataFile] | None = None
        self._open = True
        #: The committed snapshot, once the write is committed (None: nothing changed).
        self.snapshot_id: int | None = None

    # -- what the write does -------------------------------------------------------------

    def append(self, rows: pa.Table | None) -> None:
        """Add ``rows`` (new rows, or the kept rows of removed files); checked now."""
        self._check_open()
        if rows is not None and rows.num_rows:
            self._rows.append(conform(rows, self._table.schema(), self.name.sql()))

    def remove(self, paths: Sequence[str]) -> None:
        """Remove the data files ``paths`` (local paths or locations from ``scan_files``)."""
        self._check_open()
        if self._known is None:
            self._known = data_files_by_path(self._files())
        missing = [p for p in paths if p not in self._known]
        if missing:
            raise errors.generic(f"Data file {missing[0]} is not part of {self.name.sql()}")
        for path in paths:
            data_file = self._known[path]
            self._removed[id(data_file)] = data_file

    def truncate(self) -> None:
        """Remove every row: the current data files and the rows given so far."""
        self._check_open()
        self._rows.clear()
        self.remove([f.path for f in self._files()])

    def replace(self, rows: pa.Table | None) -> None:
        """Make ``rows`` the table's whole content."""
        self.truncate()
        self.append(rows)

    # -- commit ------------------------------------------------------------------------

    def __enter__(self) -> IcebergWrite:
        self._check_open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open = False
        if exc_type is None:
            self._commit()
        self._rows.clear()

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError(f"the write to {self.name.sql()} is already finished")

    def _write_files(self, table: Table, rows: pa.Table) -> list[DataFile]:
        try:
            return write_data_files(table.metadata, rows, table.io)
        except OSError as exc:  # disk full, permissions, a path the OS refuses
            raise errors.generic(
                f"Cannot write the data files of {self.name.sql()}: {exc.strerror or exc}"
            ) from None

    def _commit(self) -> None:
        removed = list(self._removed.values())
        if not self._rows and not removed:
            return  # nothing changed: no snapshot
        table = self._table
        added: list[DataFile] = []
        try:
            if self._rows:
                added = self._write_files(table, pa.concat_tables(self._rows))
            if self._listener is not None:
                self._listener.before_commit(self.name)
        except BaseException:
            _delete(added)  # nothing refers to them yet
            raise
        summary = {**self._summary, COMMIT_TIME: str(datetime_to_millis(self._clock()))}
        operation = self._operation
        if operation is None and removed and not added:
            operation = "delete"
        # Past this point a failure may leave orphan Parquet files (as a failed Snowflake
        # DML can), never a half-applied snapshot: the catalog commit is atomic.
        table = commit_files(table, add=added, remove=removed, summary=summary, operation=operation)
        snapshot = table.current_snapshot()
        assert snapshot is not None  # a commit always leaves a current snapshot
        self.snapshot_id = snapshot.snapshot_id
        self._published(table)
        if self._listener is not None:
            self._listener.after_commit(self.name)


def _delete(files: Sequence[DataFile]) -> None:
    for data_file in files:
        with contextlib.suppress(OSError):
            os.remove(local_path(data_file.file_path))
