"""A Snowpark-``Session``-shaped facade over the emulator.

It offers the Session calls that :class:`icebridge.targets.snowflake.SnowflakeTarget` uses —
``sql(text)`` returning a DataFrame-like object with ``collect()`` / ``to_arrow()`` /
``to_pandas()``, and ``write_arrow(...)`` — so code written for the Snowflake target (and
simple Snowpark scripts built on ``session.sql``) run offline unchanged. Snowpark's own
local-testing mode has no ``session.sql``; this fills that gap for SQL-driven code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from icebridge.errors import IngestError
from icebridge.sql.identifiers import ObjectName, normalize

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from emulator.api.emulator import Emulator


@dataclass(frozen=True)
class Row:
    """One result row; fields by position (``row[0]``) or by column name (``row["A"]``)."""

    names: tuple[str, ...]
    values: tuple[Any, ...]

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self.values[key]
        return self.values[self.names.index(key)]

    def as_dict(self) -> dict[str, Any]:
        """The row as ``{column: value}``."""
        return dict(zip(self.names, self.values, strict=True))


class EmulatorDataFrame:
    """The lazily-run result of ``EmulatorSession.sql(text)`` (run on first action)."""

    def __init__(self, emu: Emulator, query: str) -> None:
        self._emu = emu
        self._query = query

    def to_arrow(self) -> pa.Table:
        """Run the statement and return its result as Arrow."""
        return self._emu.sql(self._query)

    def collect(self) -> list[Row]:
        """Run the statement and return its rows."""
        table = self.to_arrow()
        names = tuple(table.column_names)
        return [Row(names, tuple(r.values())) for r in table.to_pylist()]

    def to_pandas(self) -> pd.DataFrame:
        """Run the statement and return its result as a pandas DataFrame."""
        frame: pd.DataFrame = self.to_arrow().to_pandas()
        return frame


class EmulatorSession:
    """Runs Session calls on an :class:`~emulator.api.emulator.Emulator`."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def sql(self, query: str) -> EmulatorDataFrame:
        """A DataFrame for one SQL statement (executed on collect / to_arrow / to_pandas)."""
        return EmulatorDataFrame(self.emu, query)

    def write_arrow(
        self,
        table: pa.Table,
        table_name: str,
        *,
        database: str | None = None,
        schema: str | None = None,
        quote_identifiers: bool = True,
        auto_create_table: bool = False,
        overwrite: bool = False,
    ) -> None:
        """Append ``table`` to an existing table, as Snowpark's ``write_arrow`` does.

        With ``quote_identifiers=True`` (Snowpark's default) the table and column names are
        taken as written (case-sensitive); otherwise as unquoted identifiers.
        """
        if auto_create_table or overwrite:
            raise IngestError("the emulator's write_arrow only appends to an existing table")
        if not quote_identifiers:
            table = table.rename_columns([normalize(c) for c in table.column_names])
            table_name = normalize(table_name)
        target = ObjectName(
            database or self.emu.engine.state.database or "",
            schema or self.emu.engine.state.schema or "",
            table_name,
        )
        self.emu.insert_rows(target, table)
