"""Data files of a snapshot: listing with column bounds, pruning, and DuckDB relations.

Row-level DML rewrites only the files that hold affected rows. The session finds them
in two cheap steps: :func:`prune_files` drops files whose manifest bounds exclude every
key, then a DuckDB read of the remaining files with their path column
(:func:`parquet_relation` with ``filename=``) finds the files that really match.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from pyiceberg.conversions import from_bytes
from pyiceberg.io import FileIO
from pyiceberg.manifest import DataFile, DataFileContent, ManifestFile
from pyiceberg.partitioning import PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table.snapshots import Snapshot
from pyiceberg.types import (
    DateType,
    PrimitiveType,
    TimestampType,
    TimestamptzType,
    TimeType,
    UUIDType,
)
from pyiceberg.utils.datetime import (
    days_to_date,
    micros_to_time,
    micros_to_timestamp,
    micros_to_timestamptz,
)
from sqlglot import exp

from emulator.iceberg.locations import local_path as local_path  # re-exported
from emulator.iceberg.types import duckdb_type
from emulator.quoting import ident

Bound = bool | int | float | str | bytes | Decimal | date | time | datetime | uuid.UUID


@dataclass(frozen=True)
class DataFileInfo:
    """One live Parquet data file of a snapshot, with the manifest's statistics.

    ``path`` is the local file path: DuckDB reports exactly this text in the ``filename``
    column of :func:`parquet_relation`; ``location`` is what Iceberg records (the same
    plain path for tables the store creates; a ``file://`` URI for older ones). A write's
    ``remove`` accepts either. ``lower`` / ``upper``
    map column names to decoded bounds (string bounds may be truncated prefixes, still
    valid as bounds); a column without statistics is absent.
    """

    path: str
    location: str
    record_count: int
    size_bytes: int
    partition: Mapping[str, Any]
    lower: Mapping[str, Bound]
    upper: Mapping[str, Bound]
    null_counts: Mapping[str, int]
    data_file: DataFile = field(repr=False, compare=False)


def decode_bound(kind: PrimitiveType, raw: bytes) -> Bound:
    """Decode a manifest bound into a Python value comparable with query literals."""
    value: Any = from_bytes(kind, raw)
    if isinstance(kind, DateType):
        return days_to_date(value)
    if isinstance(kind, TimeType):
        return micros_to_time(value)
    if isinstance(kind, TimestamptzType):
        return micros_to_timestamptz(value)
    if isinstance(kind, TimestampType):
        return micros_to_timestamp(value)
    if isinstance(kind, UUIDType) and isinstance(value, bytes):
        return uuid.UUID(bytes=value)
    bound: Bound = value
    return bound


def _info(data_file: DataFile, schema: Schema, spec: PartitionSpec) -> DataFileInfo:
    # Top-level columns only: statistics of dropped or nested fields are not reported.
    columns = {c.field_id: c for c in schema.columns}

    def by_name(values: Mapping[int, Any], decode: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field_id, raw in (values or {}).items():
            col = columns.get(field_id)
            if col is None:
                continue
            if not decode:
                out[col.name] = raw
            elif isinstance(col.field_type, PrimitiveType):
                out[col.name] = decode_bound(col.field_type, raw)
        return out

    partition = {pf.name: data_file.partition[pos] for pos, pf in enumerate(spec.fields)}
    return DataFileInfo(
        path=local_path(data_file.file_path),
        location=data_file.file_path,
        record_count=data_file.record_count,
        size_bytes=data_file.file_size_in_bytes,
        partition=partition,
        lower=by_name(data_file.lower_bounds, True),
        upper=by_name(data_file.upper_bounds, True),
        null_counts=by_name(data_file.null_value_counts, False),
        data_file=data_file,
    )


class ManifestReader:
    """Live data files of manifests, cached by manifest path (manifest files are immutable).

    Consecutive snapshots share most manifests, so listing a new snapshot's files reads
    only the manifests its commit wrote.
    """

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._cache: dict[str, tuple[DataFile, ...]] = {}

    def manifest_files(self, manifest: ManifestFile, io: FileIO) -> tuple[DataFile, ...]:
        """The live data files one manifest lists."""
        cached = self._cache.get(manifest.manifest_path)
        if cached is None:
            cached = tuple(
                entry.data_file
                for entry in manifest.fetch_manifest_entry(io, discard_deleted=True)
                if entry.data_file.content == DataFileContent.DATA
            )
            if len(self._cache) >= self._limit:
                self._cache.clear()
            self._cache[manifest.manifest_path] = cached
        return cached

    def snapshot_files(self, snapshot: Snapshot, io: FileIO) -> list[DataFile]:
        """The live data files of a snapshot."""
        return [f for m in snapshot.manifests(io) for f in self.manifest_files(m, io)]

    def forget(self, paths: Iterable[str]) -> None:
        """Drop cached manifests (after their files were deleted)."""
        for path in paths:
            self._cache.pop(path, None)


def live_files(
    files: Iterable[DataFile], schema: Schema, specs: Mapping[int, PartitionSpec]
) -> list[DataFileInfo]:
    """:class:`DataFileInfo` of data files, with bounds decoded against ``schema``."""
    return [_info(f, schema, specs[f.spec_id]) for f in files]


def prune_files(
    files: Iterable[DataFileInfo], column: str, values: Iterable[Any]
) -> list[DataFileInfo]:
    """Files whose ``column`` bounds may contain one of ``values`` (NULLs never match).

    A file without bounds for the column is kept. Cost: O(files * log(values)).
    """
    keys = sorted(v for v in values if v is not None)
    kept: list[DataFileInfo] = []
    for info in files:
        lo, hi = info.lower.get(column), info.upper.get(column)
        if lo is None or hi is None:
            kept.append(info)
            continue
        pos = bisect.bisect_left(keys, lo)
        if pos < len(keys) and keys[pos] <= hi:
            kept.append(info)
    return kept


def parquet_relation(
    paths: Sequence[str], schema: Schema, *, filename: str | None = None
) -> exp.Subquery:
    """A DuckDB relation over ``paths`` with the table's columns, in schema order.

    Columns are matched by Iceberg field id (DuckDB's ``read_parquet(schema=...)``), so
    files written before ``ADD COLUMN`` read the new column as NULL. With ``filename``,
    an extra last column of that name holds each row's file path. With no file the
    relation is empty but typed.
    """
    columns = schema.columns
    if not paths:
        projections: list[exp.Expr] = [
            exp.alias_(
                exp.cast(exp.null(), exp.DataType.build(duckdb_type(c.field_type), "duckdb")),
                ident(c.name),
            )
            for c in columns
        ]
        if filename:
            projections.append(exp.alias_(exp.cast(exp.null(), "VARCHAR"), ident(filename)))
        return exp.select(*projections).where(exp.false()).subquery()

    entries = [
        exp.PropertyEQ(
            this=exp.Literal.number(c.field_id),
            expression=exp.Struct(
                expressions=[
                    exp.PropertyEQ(
                        this=exp.to_identifier("name"), expression=exp.Literal.string(c.name)
                    ),
                    exp.PropertyEQ(
                        this=exp.to_identifier("type"),
                        expression=exp.Literal.string(duckdb_type(c.field_type)),
                    ),
                    exp.PropertyEQ(this=exp.to_identifier("default_value"), expression=exp.null()),
                ]
            ),
        )
        for c in columns
    ]
    args: list[exp.Expression] = [
        exp.Array(expressions=[exp.Literal.string(p) for p in paths]),
        exp.EQ(
            this=exp.column("schema"), expression=exp.ToMap(this=exp.Struct(expressions=entries))
        ),
    ]
    if filename:
        args.append(exp.EQ(this=exp.column("filename"), expression=exp.Literal.string(filename)))
    source = exp.Table(this=exp.ReadParquet(expressions=args))
    return exp.select(exp.Star()).from_(source).subquery()
