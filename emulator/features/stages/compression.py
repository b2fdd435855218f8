"""Compression of staged files: what PUT detects and applies, and what COPY reads.

https://docs.snowflake.com/en/sql-reference/sql/put: AUTO_COMPRESS gzips a file that is not
compressed already (``name`` becomes ``name.gz``); SOURCE_COMPRESSION = AUTO_DETECT finds
how a file was compressed. COPY's ``COMPRESSION = AUTO`` detects it again when reading
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table). Detection reads the
file's leading bytes; Brotli cannot be detected (as in Snowflake) and is not read here.
"""

from __future__ import annotations

import bz2
import gzip
import zlib

from emulator import errors

#: Leading bytes of the formats that are compressed already.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "GZIP"),
    (b"BZh", "BZ2"),
    (b"\x28\xb5\x2f\xfd", "ZSTD"),
    (b"PAR1", "PARQUET"),
    (b"ORC", "ORC"),
)
#: File name endings AUTO_COMPRESS would add, by method.
EXTENSIONS = {"GZIP": ".gz", "BZ2": ".bz2", "ZSTD": ".zst", "BROTLI": ".br", "DEFLATE": ".deflate"}
#: SOURCE_COMPRESSION values PUT accepts.
SOURCE_METHODS = frozenset(
    {"AUTO_DETECT", "GZIP", "BZ2", "BROTLI", "ZSTD", "DEFLATE", "RAW_DEFLATE", "NONE"}
)


def detect(data: bytes) -> str:
    """The compression of ``data`` from its leading bytes, or ``NONE``."""
    for magic, method in _MAGIC:
        if data.startswith(magic):
            return method
    return "NONE"


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzipped the same way every time (no timestamp in the header), so staging an
    unchanged file again gives the same checksum."""
    return gzip.compress(data, mtime=0)


def decompress(data: bytes, method: str, file: str) -> bytes:
    """``data`` read with COPY's COMPRESSION ``method`` (AUTO detects it)."""
    if method == "AUTO":
        method = detect(data)
    try:
        if method in ("NONE", "PARQUET", "ORC"):
            return data
        if method == "GZIP":
            return gzip.decompress(data)
        if method == "BZ2":
            return bz2.decompress(data)
        if method == "DEFLATE":
            return zlib.decompress(data)
        if method == "RAW_DEFLATE":
            return zlib.decompress(data, -15)
    except (OSError, EOFError, ValueError, zlib.error):
        raise errors.generic(
            f"Invalid data encountered during decompression for file: '{file}',"
            f"compression type used: '{method}', cause: 'data corrupted'",
            errno=100109,
            sqlstate="22000",
        ) from None
    raise errors.unsupported(f"reading {method}-compressed files")
