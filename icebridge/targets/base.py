"""The protocol every deploy target implements: the emulator and the Snowflake target.

A target runs Snowflake SQL text and accepts Arrow batches for the staging table, so a
pipeline deploys, ingests and reports the same way offline and on Snowflake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pyarrow as pa

    from icebridge.sql.identifiers import ObjectName


@runtime_checkable
class Target(Protocol):
    """Where a pipeline is deployed: an ``Emulator`` or a Snowflake session wrapper."""

    def execute_script(self, statements: Sequence[str]) -> None:
        """Execute Snowflake statements in order; stop at (and raise) the first error."""
        ...

    def insert_rows(self, table: ObjectName, batch: pa.Table) -> int:
        """Insert ``batch`` into ``table`` atomically (all rows or none) and return the
        number of rows inserted. Columns missing from the batch take their DEFAULT."""
        ...

    def query(self, sql: str) -> pa.Table:
        """Run one query and return its result, column names as Snowflake returns them."""
        ...
