"""Helpers shared by the stage and COPY tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from emulator import Emulator

#: local(name, text or bytes, gz=False) -> the file:// URI of a new local file.
Write = Callable[..., str]


def rows(emu: Emulator, query: str) -> list[dict[str, Any]]:
    """The rows of ``query`` as dicts."""
    return list(emu.sql(query).to_pylist())


def parquet_bytes(table: pa.Table) -> bytes:
    """``table`` as the bytes of a Parquet file."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
