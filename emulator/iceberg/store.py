"""The emulator's Iceberg storage: a PyIceberg SQL catalog on sqlite plus local volumes.

Layout under ``root``::

    iceberg_catalog.db                      the catalog (sqlite): name -> metadata location
    warehouse/<DB>/<SCHEMA>/<NAME>.<id>/    the SNOWFLAKE_MANAGED volume's table directories
                                            (names mapped by emulator.iceberg.locations)
        data/*.parquet                      data files
        metadata/*.metadata.json, *.avro    table metadata, manifest lists, manifests

Tables are real Iceberg v2 tables that other engines read through their metadata
location (the catalog writes no version hint). Every write, compaction included, is one
write unit (:meth:`IcebergStore.write`, :mod:`emulator.iceberg.write`): one Iceberg commit
with one snapshot on a clean exit, nothing on an error; snapshot summaries carry caller
properties and the commit time on the store's clock. Row changes are copy-on-write, as on
Snowflake-managed v2 tables (https://docs.snowflake.com/en/user-guide/tables-iceberg-manage).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.table.snapshots import Snapshot
from pyiceberg.utils.datetime import datetime_to_millis
from sqlglot import exp

from emulator import errors
from emulator.iceberg import maintenance
from emulator.iceberg.catalog import open_catalog
from emulator.iceberg.files import DataFileInfo, ManifestReader, live_files, parquet_relation
from emulator.iceberg.history import CREATED_AT, snapshot_at, snapshot_history
from emulator.iceberg.layout import build_schema, catalog_identifier, object_name
from emulator.iceberg.locations import (
    local_path,
    remove_table_files,
    table_location,
    volume_directory,
)
from emulator.iceberg.maintenance import MaintenancePolicy
from emulator.iceberg.partitioning import PartitionField, build_spec
from emulator.iceberg.types import IcebergColumn, iceberg_type, type_text
from emulator.iceberg.write import CommitListener, IcebergWrite
from icebridge.sql.identifiers import ObjectName

_log = logging.getLogger(__name__)

DEFAULT_VOLUME = "SNOWFLAKE_MANAGED"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _file_errors(name: ObjectName, location: Path) -> Iterator[None]:
    """A filesystem failure creating the files of ``name`` as an error naming the table."""
    try:
        yield
    except OSError as exc:
        raise errors.generic(
            f"Cannot create the files of Iceberg table {name.sql()} in {location}: "
            f"{exc.strerror or exc}"
        ) from None


class IcebergStore:
    """Snowflake-managed Iceberg tables of one emulator, stored under ``root``.

    ``volumes`` maps external volume names to directories (paths, or ``file://`` URIs
    given as strings); ``SNOWFLAKE_MANAGED`` is ``root/warehouse`` unless given. Table
    locations are built by :mod:`emulator.iceberg.locations`. ``clock`` gives commit
    times (the emulator's virtual clock); ``maintenance`` is the automatic policy, or None
    to disable it.
    """

    def __init__(
        self,
        root: Path,
        volumes: Mapping[str, str | Path] | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        maintenance: MaintenancePolicy | None = MaintenancePolicy(),  # noqa: B008
        listener: CommitListener | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self._volumes = {DEFAULT_VOLUME: self.root / "warehouse"}
        self._remote: dict[str, str] = {}  # volumes given as URLs the store cannot write to
        for volume, value in (volumes or {}).items():
            directory = volume_directory(value)
            if directory is None:
                self._remote[volume.upper()] = str(value)
            else:
                self._volumes[volume.upper()] = directory
        self._clock = clock
        self._policy = maintenance
        self._listener = listener
        self._catalog = open_catalog(
            self.root / "iceberg_catalog.db", self._volumes[DEFAULT_VOLUME]
        )
        self._tables: dict[ObjectName, Table] = {}
        self._files: dict[tuple[ObjectName, int], list[DataFileInfo]] = {}
        self._manifests = ManifestReader()

    # -- catalog ---------------------------------------------------------------------

    @staticmethod
    def _identifier(name: ObjectName) -> tuple[str, str, str]:
        return catalog_identifier(name)

    def _table(self, name: ObjectName) -> Table:
        table = self._tables.get(name)
        if table is None:
            try:
                table = self._catalog.load_table(self._identifier(name))
            except NoSuchTableError:
                raise errors.object_does_not_exist(name.sql(), "Table") from None
            except OSError as exc:  # locations are absolute: a moved lake or deleted files
                raise errors.generic(
                    f"Cannot read the Iceberg metadata of {name.sql()}: {exc}"
                ) from None
            self._tables[name] = table
        return table

    def exists(self, name: ObjectName) -> bool:
        """True when the Iceberg table ``name`` exists."""
        if name in self._tables:
            return True
        try:
            return self._catalog.table_exists(self._identifier(name))
        except OSError:  # catalogued, but its metadata is unreadable: reading it says why
            return True

    def list_tables(
        self, database: str | None = None, schema: str | None = None
    ) -> list[ObjectName]:
        """The Iceberg tables, optionally of one database and schema, sorted by name."""
        found: list[ObjectName] = []
        for namespace in self._catalog.list_namespaces():
            for ns in self._catalog.list_namespaces(namespace):
                found.extend(object_name(ident) for ident in self._catalog.list_tables(ns))
        return sorted(
            n
            for n in found
            if (database is None or n.database == database)
            and (schema is None or n.schema == schema)
        )

    def create_table(
        self,
        name: ObjectName,
        columns: Sequence[IcebergColumn],
        *,
        partition_by: Sequence[PartitionField] = (),
        identifier_fields: Sequence[str] = (),
        external_volume: str | None = None,
        base_location: str | None = None,
        properties: Mapping[str, str] | None = None,
        replace: bool = False,
        format_version: int = 2,
    ) -> None:
        """Create an Iceberg table (``replace``: drop an existing one and its history first).

        PRIMARY KEY columns are given as ``identifier_fields``; they become Iceberg
        identifier fields, which Iceberg requires to be non-null and not float/double
        (https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake).
        Everything is validated before an existing table is dropped.
        """
        if format_version == 3:
            # PyIceberg 0.12 cannot write v3 metadata (apache/iceberg-python#1551).
            raise errors.unsupported(f"ICEBERG_VERSION = 3 for {name.sql()}")
        if format_version != 2:
            raise errors.generic(f"Invalid ICEBERG_VERSION {format_version} for {name.sql()}")
        schema = build_schema(name, columns, identifier_fields, format_version)
        spec = build_spec(schema, partition_by)
        if self.exists(name) and not replace:
            raise errors.already_exists(name.sql())
        remote = self._remote.get((external_volume or DEFAULT_VOLUME).upper())
        if remote is not None:
            raise errors.unsupported(
                f"external volume {external_volume} at {remote} for {name.sql()} "
                "(give the volume a local directory or a file:// URI)"
            )
        location = table_location(
            self._volumes, name, external_volume, base_location, DEFAULT_VOLUME
        )
        replacing = replace and self.exists(name)
        old_location = self._local(self._table(name)) if replacing else None
        if (location / "metadata").exists() and location != old_location:
            raise errors.generic(
                f"BASE_LOCATION of {name.sql()} is already used by another table: {location}"
            )
        props = dict(self._policy.table_properties() if self._policy else {})
        props.update(properties or {})
        props["format-version"] = str(format_version)
        props[CREATED_AT] = str(datetime_to_millis(self._clock()))
        # The directory must be creatable before an old table is dropped for it.
        with _file_errors(name, location):
            location.mkdir(parents=True, exist_ok=True)
        if replacing:
            self.drop_table(name)
        namespace = self._identifier(name)[:2]
        self._catalog.create_namespace_if_not_exists(namespace[:1])
        self._catalog.create_namespace_if_not_exists(namespace)
        with _file_errors(name, location):
            self._tables[name] = self._catalog.create_table(
                self._identifier(name),
                schema,
                location=str(location),
                partition_spec=spec,
                properties=props,
            )

    @staticmethod
    def _local(table: Table) -> Path:
        return Path(local_path(table.location()))

    def drop_table(self, name: ObjectName) -> None:
        """Drop the table and delete its files."""
        table = self._table(name)
        self._catalog.drop_table(self._identifier(name))
        self._forget(name)
        remove_table_files(self._local(table), self._volumes)

    def _forget(self, name: ObjectName) -> None:
        self._tables.pop(name, None)
        for key in [k for k in self._files if k[0] == name]:
            del self._files[key]

    def add_column(self, name: ObjectName, column: IcebergColumn) -> None:
        """Add a column (schema evolution); existing rows read it as NULL.

        A NOT NULL column can only be added while the table has no rows.
        """
        table = self._table(name)
        if column.name in {f.name for f in table.schema().columns}:
            raise errors.already_exists(column.name, "Column")
        kind = iceberg_type(column.type, column=column.name)
        rows = int(self.current_summary(name).get("total-records", "0"))
        if column.required and rows:
            raise errors.not_null_violation(column.name)
        with table.update_schema(allow_incompatible_changes=column.required) as update:
            update.add_column(column.name, kind, doc=column.doc, required=column.required)
        self._tables[name] = self._catalog.load_table(self._identifier(name))

    def set_properties(self, name: ObjectName, properties: Mapping[str, str]) -> None:
        """Set Iceberg table properties (one metadata commit, no snapshot)."""
        table = self._table(name)
        with table.transaction() as txn:
            txn.set_properties(dict(properties))
        self._tables[name] = self._catalog.load_table(self._identifier(name))

    def identifier_fields(self, name: ObjectName) -> list[str]:
        """The table's identifier fields (its PRIMARY KEY columns), sorted by name."""
        return sorted(self._table(name).schema().identifier_field_names())

    def columns(self, name: ObjectName) -> list[IcebergColumn]:
        """The table's columns, in schema order."""
        return [
            IcebergColumn(f.name, type_text(f.field_type), f.required, f.doc)
            for f in self._table(name).schema().columns
        ]

    # -- reads -------------------------------------------------------------------------

    def _snapshot(self, name: ObjectName, snapshot_id: int | None) -> Snapshot | None:
        table = self._table(name)
        if snapshot_id is None:
            return table.current_snapshot()
        snap = table.snapshot_by_id(snapshot_id)
        if snap is None:
            raise errors.generic(f"Snapshot {snapshot_id} of {name.sql()} does not exist")
        return snap

    def scan_files(self, name: ObjectName, *, snapshot_id: int | None = None) -> list[DataFileInfo]:
        """The data files of the current (or given) snapshot, with manifest statistics."""
        snap = self._snapshot(name, snapshot_id)
        if snap is None:
            return []
        key = (name, snap.snapshot_id)
        if key not in self._files:
            table = self._table(name)
            schema = table.schema() if snapshot_id is None else self._schema_of(table, snap)
            files = self._manifests.snapshot_files(snap, table.io)
            self._files[key] = live_files(files, schema, table.metadata.specs())
            if len(self._files) > 64:  # keep the recent snapshots' listings only
                del self._files[next(iter(self._files))]
        return list(self._files[key])

    def changed_files(
        self, name: ObjectName, since_snapshot_id: int | None, snapshot_id: int | None = None
    ) -> tuple[list[DataFileInfo], list[DataFileInfo]]:
        """(added, removed) data files between two snapshots (``since`` None: empty table).

        With copy-on-write, the rows changed between the snapshots are the rows of the
        added files minus those of the removed files (a bag difference), which is how a
        stream on the table can compute its delta without reading unchanged files.
        """
        before = (
            {}
            if since_snapshot_id is None
            else {f.path: f for f in self.scan_files(name, snapshot_id=since_snapshot_id)}
        )
        after = {f.path: f for f in self.scan_files(name, snapshot_id=snapshot_id)}
        added = [f for p, f in after.items() if p not in before]
        removed = [f for p, f in before.items() if p not in after]
        return added, removed

    @staticmethod
    def _schema_of(table: Table, snap: Snapshot) -> Schema:
        schemas = table.metadata.schemas
        return next((s for s in schemas if s.schema_id == snap.schema_id), table.schema())

    def relation(self, name: ObjectName, *, snapshot_id: int | None = None) -> exp.Subquery:
        """A DuckDB relation (sqlglot AST) with the table's rows, columns in schema order.

        Use it as a FROM item; columns carry the exact stored names and DuckDB types.
        """
        table = self._table(name)
        snap = self._snapshot(name, snapshot_id)
        schema = (
            table.schema() if snap is None or snapshot_id is None else self._schema_of(table, snap)
        )
        paths = [f.path for f in self.scan_files(name, snapshot_id=snapshot_id)]
        return parquet_relation(paths, schema)

    def file_relation(
        self, name: ObjectName, paths: Sequence[str], *, filename: str | None = None
    ) -> exp.Subquery:
        """The rows of some data files of ``name`` (paths from :meth:`scan_files`).

        With ``filename``, an extra last column of that name holds each row's file path,
        exactly as :attr:`DataFileInfo.path`: with
        :func:`~emulator.iceberg.files.prune_files` this finds the files a row-level
        change touches, to pass to :meth:`rewrite`.
        """
        return parquet_relation(paths, self._table(name).schema(), filename=filename)

    def current_summary(self, name: ObjectName) -> dict[str, str]:
        """The current snapshot's summary (operation, totals, caller properties)."""
        snap = self._table(name).current_snapshot()
        if snap is None or snap.summary is None:
            return {}
        return {"operation": snap.summary.operation.value, **snap.summary.additional_properties}

    def snapshot_summaries(self, name: ObjectName) -> list[tuple[int, dict[str, str]]]:
        """(snapshot id, summary) of the retained snapshots, in commit order."""
        out: list[tuple[int, dict[str, str]]] = []
        for snap in self._table(name).metadata.snapshots:
            summary = snap.summary
            props = {} if summary is None else summary.additional_properties
            op = {} if summary is None else {"operation": summary.operation.value}
            out.append((snap.snapshot_id, {**op, **props}))
        return out

    def metadata_location(self, name: ObjectName) -> str:
        """The current ``vN.metadata.json`` location, for other engines' readers."""
        return str(self._table(name).metadata_location)

    def snapshots(self, name: ObjectName) -> list[tuple[int, datetime]]:
        """(snapshot id, commit time) of the retained snapshots, oldest first."""
        return snapshot_history(self._table(name))

    def snapshot_at(self, name: ObjectName, ts: datetime) -> int | None:
        """The snapshot current at ``ts`` (for ``AT(TIMESTAMP => ...)``); None when the
        table existed but had no snapshot yet. Raises ``000707`` before its creation or
        its retained history."""
        return snapshot_at(self._table(name), ts, name.sql())

    # -- writes ------------------------------------------------------------------------

    def write(self, name: ObjectName, *, summary: Mapping[str, str] | None = None) -> IcebergWrite:
        """One write to ``name``: ``with store.write(name, summary=...) as w:`` collects
        appends, removed files, truncation or a whole new content and commits ONE snapshot
        on a clean exit (nothing on an error); see :mod:`emulator.iceberg.write`.

        ``summary`` goes into the snapshot summary (with the commit time on the store's
        clock). After the commit the store compacts small files when its policy says so.
        """
        return self._unit(name, summary, self._listener)

    def _unit(
        self,
        name: ObjectName,
        summary: Mapping[str, str] | None,
        listener: CommitListener | None,
        *,
        operation: str | None = None,
    ) -> IcebergWrite:
        def published(table: Table) -> None:
            self._tables[name] = table
            if operation is None:  # a compaction does not trigger another one
                self._auto_maintain(name)

        return IcebergWrite(
            name,
            self._table(name),
            files=lambda: self.scan_files(name),
            summary=summary,
            clock=self._clock,
            published=published,
            listener=listener,
            operation=operation,
        )

    def append(
        self, name: ObjectName, rows: pa.Table, *, summary: Mapping[str, str] | None = None
    ) -> int | None:
        """Append ``rows`` in one commit (a :meth:`write`); the new snapshot id, None
        when there were no rows."""
        with self.write(name, summary=summary) as unit:
            unit.append(rows)
        return unit.snapshot_id

    def rewrite(
        self,
        name: ObjectName,
        *,
        remove: Sequence[str],
        add: pa.Table | None,
        append: pa.Table | None = None,
        summary: Mapping[str, str] | None = None,
    ) -> int | None:
        """One :meth:`write`: remove the data files ``remove`` (paths from
        :meth:`scan_files`), add ``add`` (their surviving and changed rows) and ``append``
        (new rows). Returns the new snapshot id (None: nothing changed).
        """
        with self.write(name, summary=summary) as unit:
            unit.remove(remove)
            unit.append(add)
            unit.append(append)
        return unit.snapshot_id

    def truncate(self, name: ObjectName, *, summary: Mapping[str, str] | None = None) -> int | None:
        """Remove every row in one ``delete`` commit (a :meth:`write`); the new snapshot
        id, None when the table had no data file."""
        with self.write(name, summary=summary) as unit:
            unit.truncate()
        return unit.snapshot_id

    # -- maintenance -------------------------------------------------------------------

    def _auto_maintain(self, name: ObjectName) -> None:
        """Compact after a write when the policy says so.

        The write is already committed: a maintenance failure must not look like a
        failed write (a retry would duplicate rows), so it is logged, not raised.
        """
        policy = self._policy
        if policy is None:
            return
        total = int(self.current_summary(name).get("total-data-files", "0"))
        if total < policy.compact_files:
            return
        small = [f for f in self.scan_files(name) if f.size_bytes < policy.small_file_bytes]
        if len(small) < policy.compact_files:
            return
        try:
            self.compact(name)
        except Exception:
            _log.warning("automatic compaction of %s failed", name.sql(), exc_info=True)

    def compact(self, name: ObjectName, *, small_file_bytes: int | None = None) -> int | None:
        """Rewrite small data files into target-sized ones in one ``replace`` snapshot
        (a write like any other, committed the same way).

        Returns the snapshot id, or None when there was nothing to compact.
        """
        policy = self._policy or MaintenancePolicy()
        plan = maintenance.plan_compaction(
            self._table(name),
            self.scan_files(name),
            small_file_bytes=small_file_bytes or policy.small_file_bytes,
            name=name.sql(),
        )
        if plan is None:
            return None
        # No commit listener: its steps are those of a statement's write, not maintenance.
        with self._unit(name, plan.carried, None, operation="replace") as unit:
            unit.remove([f.path for f in plan.files])
            unit.append(plan.rows)
        return unit.snapshot_id

    def expire_snapshots(self, name: ObjectName, older_than: datetime, retain_last: int = 1) -> int:
        """Expire snapshots older than ``older_than`` (now minus DATA_RETENTION_TIME_IN_DAYS)
        and delete the files only they used; returns how many snapshots were expired."""
        table, count = maintenance.expire(
            self._table(name), datetime_to_millis(older_than), retain_last, self._manifests
        )
        self._tables[name] = table
        live = {s.snapshot_id for s in table.metadata.snapshots}
        for key in [k for k in self._files if k[0] == name and k[1] not in live]:
            del self._files[key]
        return count

    def close(self) -> None:
        """Release the catalog's database connections."""
        self._tables.clear()
        self._files.clear()
        self._catalog.close()
