"""Write Arrow rows as Parquet data files of a table, partitioned by its spec.

PyIceberg 0.12 computes non-identity partition transforms (bucket, truncate, year,
month, day, hour) only through the optional ``pyiceberg-core`` extension, which is not
a dependency here. This module computes partition values with PyIceberg's own
pure-Python transforms instead, then hands each partition to PyIceberg's file writer,
so the files, statistics and partition records are exactly PyIceberg's.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from typing import Any

import pyarrow as pa
from pyiceberg.io import FileIO
from pyiceberg.io.pyarrow import (
    _dataframe_to_data_files,
    bin_pack_arrow_table,
    pyarrow_to_schema,
    write_file,
)
from pyiceberg.manifest import DataFile
from pyiceberg.partitioning import PartitionFieldValue, PartitionKey
from pyiceberg.table import TableProperties, WriteTask
from pyiceberg.table.metadata import TableMetadata
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import DateType, IcebergType, TimestampType, TimestamptzType, TimeType
from pyiceberg.utils.properties import property_as_int

from emulator.iceberg.locations import TableFiles


def _internal(values: pa.ChunkedArray, kind: IcebergType) -> list[Any]:
    """Values in PyIceberg's internal representation (days, microseconds, ...)."""
    if isinstance(kind, DateType):
        return values.cast(pa.int32()).to_pylist()  # type: ignore[no-any-return]
    if isinstance(kind, TimestampType | TimestamptzType | TimeType):
        return values.cast(pa.int64()).to_pylist()  # type: ignore[no-any-return]
    return values.to_pylist()  # type: ignore[no-any-return]


#: PyIceberg names data files with this provider (emulator.iceberg.locations): set on the
#: metadata handed to the writer only, never recorded in the table's properties.
_PROVIDER_CLASS = f"{TableFiles.__module__}.{TableFiles.__qualname__}"
_PROVIDER = {TableProperties.WRITE_PY_LOCATION_PROVIDER_IMPL: _PROVIDER_CLASS}


def write_data_files(metadata: TableMetadata, rows: pa.Table, io: FileIO) -> list[DataFile]:
    """Parquet data files holding ``rows`` (already conformed to the table schema)."""
    metadata = metadata.model_copy(update={"properties": {**metadata.properties, **_PROVIDER}})
    spec = metadata.spec()
    if spec.is_unpartitioned():
        return list(_dataframe_to_data_files(metadata, rows, io))
    schema = metadata.schema()
    columns: list[list[Any]] = []
    for field in spec.fields:
        source = schema.find_field(field.source_id)
        values = rows.column(source.name)
        if isinstance(field.transform, IdentityTransform):
            columns.append(values.to_pylist())
        else:
            transform = field.transform.transform(source.field_type)
            columns.append([transform(v) for v in _internal(values, source.field_type)])
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row, key in enumerate(zip(*columns, strict=True)):
        groups[key].append(row)

    target = property_as_int(
        metadata.properties,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT,
    )
    task_schema = pyarrow_to_schema(
        rows.schema, name_mapping=schema.name_mapping, format_version=metadata.format_version
    )
    write_uuid, counter = uuid.uuid4(), itertools.count(0)
    tasks = (
        WriteTask(
            write_uuid=write_uuid,
            task_id=next(counter),
            record_batches=batches,
            partition_key=PartitionKey(
                field_values=[
                    PartitionFieldValue(field=f, value=v)
                    for f, v in zip(spec.fields, key, strict=True)
                ],
                partition_spec=spec,
                schema=schema,
            ),
            schema=task_schema,
        )
        for key, indices in groups.items()
        for batches in bin_pack_arrow_table(rows.take(indices), target or 0)
    )
    return list(write_file(io, metadata, tasks))
