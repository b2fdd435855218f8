"""Where an Iceberg table's files live: the one mapping from names to filesystem paths.

Every path the store writes or reads is built here:

* :func:`table_location` builds a new table's directory from (database, schema, table,
  BASE_LOCATION) inside its external volume: ``<volume>/<BASE_LOCATION>`` or, without
  one, ``<volume>/<DB>/<SCHEMA>/<NAME>.<random id>`` as Snowflake derives a location
  from the table name (https://docs.snowflake.com/en/release-notes/bcr-bundles/2025_01/bcr-1873);
* every directory name in it is :func:`path_segment` of one name part (or one
  BASE_LOCATION segment): the text itself, except ``%``, path separators, ``"``, glob
  characters and control characters, which are written ``%XX``. Percent-decoding a
  directory name gives the name back, so spaces, quotes, ``;`` and unicode stay readable,
  two names never share a directory, and a name containing ``/`` or ``..`` never leaves
  its volume;
* :class:`TableFiles` names the data files PyIceberg writes below the table directory
  (``data/[<field>=<value>/...]<file>.parquet``, the metadata under ``metadata/``);
* :func:`local_path` turns a location recorded in Iceberg metadata back into the path
  the readers (PyIceberg, the emulator's DuckDB reads, DuckDB's ``iceberg_scan``) open.

Locations are plain absolute filesystem paths, never ``file://`` URIs, and they are
normalised (no ``.``, ``..`` or doubled slashes), so the text PyIceberg records in
metadata is exactly the file every reader opens: PyIceberg's file IO uses a URI's path
without percent-decoding while other readers decode it, so an escaped URI would point the
two at different files.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from pyiceberg.partitioning import PartitionKey
from pyiceberg.table.locations import LocationProvider

from emulator import errors
from icebridge.sql.identifiers import ObjectName

#: Written as ``%XX`` in a directory name: ``%`` (so decoding is exact), the path
#: separators, ``"`` (DuckDB's ``iceberg_scan`` refuses a path with an odd number of
#: them: it tries to read the text as a quoted table name first), the glob characters
#: DuckDB expands in a file list, and control characters.
_ESCAPED = frozenset('%/\\"*?[]{}') | {chr(c) for c in range(0x20)} | {"\x7f"}
#: Longest directory name built here, in bytes: file systems allow 255, and a table
#: directory adds a ``.<8 hex>`` suffix.
MAX_SEGMENT_BYTES = 200
#: Marks a shortened directory name. ``%`` is never followed by ``~`` in an escaped name,
#: so a shortened name cannot equal the full name of another object.
_SHORTENED = "%~"
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_PIECES = re.compile(r"%[0-9A-Fa-f]{2}|.", re.DOTALL)  # escapes and characters


def _escape(char: str) -> str:
    if char not in _ESCAPED:
        return char
    return "".join(f"%{b:02X}" for b in char.encode())


def path_segment(part: str) -> str:
    """The directory name of one name part or BASE_LOCATION segment.

    ``unquote(path_segment(p)) == p`` for every non-empty ``p`` whose escaped form fits in
    :data:`MAX_SEGMENT_BYTES`; ``.`` and ``..`` become ``%2E`` and ``%2E%2E``. A longer
    name keeps its escaped beginning and ends in ``%~`` plus a digest of the whole name,
    so it still names one directory of its own.
    """
    if part in ("", ".", ".."):
        return "%2E" * len(part) or "%"  # never the current or the parent directory
    return _fit([_escape(c) for c in part], part)


def _fit(pieces: list[str], whole: str) -> str:
    """``pieces`` joined, shortened to :data:`MAX_SEGMENT_BYTES` when longer."""
    if sum(len(p.encode()) for p in pieces) <= MAX_SEGMENT_BYTES:
        return "".join(pieces)
    digest = hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    budget = MAX_SEGMENT_BYTES - len(_SHORTENED) - len(digest)
    head: list[str] = []
    for piece in pieces:  # whole escapes and whole characters only
        budget -= len(piece.encode())
        if budget < 0:
            break
        head.append(piece)
    return "".join(head) + _SHORTENED + digest


def table_location(
    volumes: Mapping[str, Path],
    name: ObjectName,
    external_volume: str | None,
    base_location: str | None,
    default_volume: str,
) -> Path:
    """The directory of a new table ``name``, inside its external volume.

    ``volumes`` maps volume names to resolved directories. BASE_LOCATION is a relative
    directory; its empty and ``.`` segments are ignored and a ``..`` segment (or nothing
    left) is refused, naming the table. A directory that resolves outside the volume
    (through a symbolic link) is refused too.
    """
    volume = (external_volume or default_volume).upper()
    if volume not in volumes:
        raise errors.object_does_not_exist(volume, "External volume")
    root = volumes[volume]
    if base_location is None:
        db, schema, table = (path_segment(p) for p in name.parts)
        location = root / db / schema / f"{table}.{uuid.uuid4().hex[:8]}"
    else:
        segments = [s for s in base_location.split("/") if s not in ("", ".")]
        if not segments or ".." in segments:
            raise errors.generic(
                f"Invalid BASE_LOCATION '{base_location}' for {name.sql()}: "
                "give a relative directory inside the external volume"
            )
        location = root.joinpath(*(path_segment(s) for s in segments))
    if not location.resolve().is_relative_to(root.resolve()):
        raise errors.generic(
            f"The location of {name.sql()} leaves external volume {volume}: {location}"
        )
    return location


def volume_directory(value: str | Path) -> Path | None:
    """The resolved directory of an external volume given as a path or a ``file://`` URI;
    None for another URL (``s3://...``), which the emulator cannot store into.

    A URI is percent-decoded as RFC 8089 says: ``file:///data/my%20lake`` is the directory
    ``/data/my lake``.
    """
    text = str(value)
    if isinstance(value, str) and _URI.match(text):
        uri = urlparse(text)
        if uri.scheme.lower() != "file" or uri.netloc not in ("", "localhost"):
            return None
        return Path(url2pathname(uri.path)).resolve()
    return Path(text).resolve()


def local_path(location: str) -> str:
    """The filesystem path of a location recorded in Iceberg metadata.

    Plain paths (what the store records) pass through; a ``file://`` URI's path (tables
    of older emulator versions) is taken as it is written, without percent-decoding,
    which is how PyIceberg's file IO wrote and reads such a location.
    """
    parsed = urlparse(location)
    return f"{parsed.netloc}{parsed.path}" if parsed.scheme == "file" else location


def remove_table_files(location: Path, volumes: Mapping[str, Path]) -> None:
    """Delete a dropped table's ``data`` and ``metadata`` directories (nothing else).

    Only below one of ``volumes``: a location recorded elsewhere (a lake reopened with
    other volumes) is left alone rather than deleting files the emulator does not own.
    """
    if not any(location != v and location.is_relative_to(v) for v in volumes.values()):
        return
    for sub in ("data", "metadata"):
        shutil.rmtree(location / sub, ignore_errors=True)
    with contextlib.suppress(OSError):  # not empty: other files or nested tables live there
        location.rmdir()


class TableFiles(LocationProvider):
    """PyIceberg's simple layout for the data files the store writes, with overlong
    partition directories (a long partition value) shortened like names.

    The store hands this class to PyIceberg's writer for each write
    (:func:`emulator.iceberg.datafiles.write_data_files`); it is not recorded in the
    table's properties, so other engines keep writing with their own layout.
    """

    def new_data_location(
        self, data_file_name: str, partition_key: PartitionKey | None = None
    ) -> str:
        """``<table>/data/[<field>=<value>/...]<file>``; PyIceberg escapes each directory."""
        if partition_key is None:
            return f"{self.data_path}/{data_file_name}"
        dirs = [_fit(_PIECES.findall(d), d) for d in partition_key.to_path().split("/")]
        return "/".join([self.data_path, *dirs, data_file_name])
