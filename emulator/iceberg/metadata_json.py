"""Writing table metadata JSON without serialising the whole snapshot history each time.

PyIceberg writes ``<n>-<uuid>.metadata.json`` with pydantic's ``model_dump_json`` on the
whole :class:`TableMetadata`, which serialises every retained snapshot (and its summary)
again on every commit: about 20 µs per snapshot, so a day of one-minute commits kept for
time travel costs tens of milliseconds per commit. Snapshots are immutable, so
:class:`MetadataWriter` keeps each snapshot's JSON fragment and assembles the file from:

* the cached fragments of the snapshots (each serialised once, by PyIceberg itself);
* the snapshot log, written from plain integers;
* everything else (schemas, specs, properties, refs, the short metadata log), serialised
  by PyIceberg as before.

The document is the same JSON object PyIceberg would write (same keys, same values; only
the position of ``snapshots`` and ``snapshot-log`` among the keys differs, which JSON
readers ignore), compressed as the file name asks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from pyiceberg.io import FileIO
from pyiceberg.serializers import NOOP_COMPRESSOR, Compressor
from pyiceberg.table.metadata import TableMetadata
from pyiceberg.table.snapshots import Snapshot, SnapshotLogEntry
from pyiceberg.utils.config import Config

# Fields written from the caches below, under their Iceberg (alias) names.
_SPLICED = {"snapshots", "snapshot_log"}
_MAX_TABLES = 64


def _legacy_snapshot_id() -> bool:
    # PyIceberg writes nulls (current-snapshot-id -1) under this option; keep its writer then.
    return bool(Config().get_bool("legacy-current-snapshot-id"))


class _Fragments:
    """The JSON texts of one list of immutable models, reused across versions of the list.

    Successive metadata versions share the same objects: a commit appends to the list and
    an expiry drops its head. The cached run of objects is matched by identity (the cache
    holds them, so identities stay valid; an equal object has the same JSON) and only the
    others are serialised.
    """

    def __init__(self, serialise: Callable[[Any], bytes]) -> None:
        self._serialise = serialise
        self._items: list[Any] = []
        self._texts: list[bytes] = []
        self._position: dict[int, int] | None = None  # id(item) -> index, built on demand

    def join(self, items: list[Any]) -> bytes:
        """The items' UTF-8 JSON texts joined with commas (a JSON array's body)."""
        start: int | None = None
        if items and self._items:
            # After an append the run starts at 0; after an expiry, further in.
            start = 0 if self._items[0] is items[0] else self._positions().get(id(items[0]))
        reused = 0
        if start is not None:
            reused = min(len(self._items) - start, len(items))
            # list equality checks identity first, so a shared run compares in C.
            if self._items[start : start + reused] != items[:reused]:
                start, reused = None, 0
        if start is None:  # no shared run: reuse what can be found item by item
            texts = [self._text(item) for item in items]
        else:
            texts = self._texts[start : start + reused]
            texts.extend(self._serialise(item) for item in items[reused:])
        self._items, self._texts, self._position = list(items), texts, None
        return b",".join(texts)

    def _positions(self) -> dict[int, int]:
        if self._position is None:
            self._position = {id(item): i for i, item in enumerate(self._items)}
        return self._position

    def _text(self, item: Any) -> bytes:
        position = self._positions().get(id(item))
        if position is not None and self._items[position] is item:
            return self._texts[position]
        return self._serialise(item)


def _snapshot_json(snapshot: Snapshot) -> bytes:
    return snapshot.model_dump_json().encode("utf-8")


def _log_entry_json(entry: SnapshotLogEntry) -> bytes:
    return b'{"snapshot-id":%d,"timestamp-ms":%d}' % (entry.snapshot_id, entry.timestamp_ms)


class MetadataWriter:
    """Serialises table metadata reusing each snapshot's JSON (see the module docstring).

    One writer serves every table of a catalog, with caches for the tables written last.
    """

    def __init__(self) -> None:
        # table uuid -> (snapshot fragments, snapshot-log fragments)
        self._tables: OrderedDict[str, tuple[_Fragments, _Fragments]] = OrderedDict()
        self._legacy = _legacy_snapshot_id()

    def _parts(self, metadata: TableMetadata) -> list[bytes]:
        key = str(metadata.table_uuid)
        caches = self._tables.pop(key, None)
        if caches is None:
            caches = (_Fragments(_snapshot_json), _Fragments(_log_entry_json))
        self._tables[key] = caches  # most recently written last
        if len(self._tables) > _MAX_TABLES:
            self._tables.popitem(last=False)
        rest = metadata.model_dump_json(exclude=_SPLICED).encode("utf-8")
        # ``rest`` is a JSON object with at least format-version and location in it.
        return [
            rest[:-1],
            b',"snapshots":[',
            caches[0].join(metadata.snapshots),
            b'],"snapshot-log":[',
            caches[1].join(metadata.snapshot_log),
            b"]}",
        ]

    def to_bytes(self, metadata: TableMetadata) -> bytes:
        """The metadata file's JSON document, UTF-8 encoded."""
        if self._legacy:
            return metadata.model_dump_json(exclude_none=False).encode("utf-8")
        return b"".join(self._parts(metadata))

    def write(self, metadata: TableMetadata, io: FileIO, metadata_path: str) -> None:
        """Write ``metadata`` to ``metadata_path`` (which must not exist yet)."""
        output = io.new_output(metadata_path)
        compressor = Compressor.get_compressor(output.location)
        # Uncompressed, the parts go out as they are: no copy of the whole document.
        if compressor is NOOP_COMPRESSOR and not self._legacy:
            parts = self._parts(metadata)
        else:
            parts = [compressor.bytes_compressor()(self.to_bytes(metadata))]
        with output.create(overwrite=False) as stream:
            for part in parts:
                stream.write(part)
