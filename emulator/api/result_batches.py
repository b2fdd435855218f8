"""Result batches: a result cut into pieces that can be read on their own.

The connector's ``cursor.get_result_batches()`` returns ``ResultBatch`` objects (one per
result chunk) with ``rowcount``, ``schema``, ``column_names``, ``to_arrow()``,
``to_pandas()`` and ``create_iter()``; they can be pickled and read in another process
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-distributed-fetch).
The emulator's result is one Arrow table in memory, cut every :data:`BATCH_ROWS` rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from emulator.api.connector_errors import api_error
from emulator.api.types import ResultMetadata, describe, rows

if TYPE_CHECKING:
    import pandas

#: Rows per batch (Snowflake's chunks are sized by bytes; a fixed row count is enough here).
BATCH_ROWS = 100_000
ER_NO_PYARROW = 255002  # the connector's "pandas / pyarrow missing" error number


@dataclass(frozen=True)
class ResultBatch:
    """One piece of a result (the connector's ``ResultBatch``)."""

    table: pa.Table
    schema: list[ResultMetadata]

    @property
    def rowcount(self) -> int:
        """Rows in this batch."""
        return int(self.table.num_rows)

    @property
    def column_names(self) -> list[str]:
        """The result's column names."""
        return [meta.name for meta in self.schema]

    @property
    def compressed_size(self) -> int | None:
        """Bytes on the wire (None: the emulator's batches never travel)."""
        return None

    @property
    def uncompressed_size(self) -> int:
        """Bytes in memory."""
        return int(self.table.nbytes)

    def to_arrow(self, connection: Any = None) -> pa.Table:
        """The batch as an Arrow table."""
        return self.table

    def to_pandas(self, connection: Any = None, **kwargs: Any) -> pandas.DataFrame:
        """The batch as a pandas DataFrame."""
        return to_pandas(self.table, **kwargs)

    def create_iter(self, **kwargs: Any) -> Iterator[tuple[Any, ...]]:
        """The batch's rows as tuples of connector-style Python values."""
        return iter(rows(self.table, self.schema))

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self.create_iter()


def batches_of(table: pa.Table, schema: list[ResultMetadata] | None = None) -> list[ResultBatch]:
    """``table`` cut into batches (one, possibly empty, for a small result)."""
    meta = schema if schema is not None else [describe(f) for f in table.schema]
    if table.num_rows <= BATCH_ROWS:
        return [ResultBatch(table, meta)]
    return [
        ResultBatch(table.slice(start, BATCH_ROWS), meta)
        for start in range(0, table.num_rows, BATCH_ROWS)
    ]


def to_pandas(table: pa.Table, **kwargs: Any) -> pandas.DataFrame:
    """``table`` as a pandas DataFrame; a clear error when pandas is missing."""
    try:
        import pandas  # noqa: F401 - imported only to fail early with a clear message
    except ImportError:
        raise api_error(
            "fetching a pandas DataFrame needs pandas: pip install pandas",
            errno=ER_NO_PYARROW,
            kind="ProgrammingError",
        ) from None
    frame: pandas.DataFrame = table.to_pandas(**kwargs)
    return frame
