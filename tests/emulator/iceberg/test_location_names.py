"""Table names and BASE_LOCATIONs become directories through one function.

Snowflake keeps a double-quoted identifier exactly as written: spaces, quotes, ``%``,
``;``, ``/``, ``.`` and unicode included
(https://docs.snowflake.com/en/sql-reference/identifiers-syntax). A Snowflake-managed
Iceberg table without BASE_LOCATION lives under ``<database>/<schema>/<table>.<randomId>``
of its volume, with one a BASE_LOCATION under ``<BASE_LOCATION>``
(https://docs.snowflake.com/en/release-notes/bcr-bundles/2025_01/bcr-1873). Every such
name must map to a directory of its own inside the volume, and what PyIceberg records in
the metadata must be what every reader opens, DuckDB's own ``iceberg_scan`` included.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pyarrow as pa
import pytest
from iceberg_helpers import assert_interop

from emulator.iceberg import DEFAULT_VOLUME, IcebergColumn, IcebergStore, PartitionField
from emulator.iceberg.locations import (
    MAX_SEGMENT_BYTES,
    local_path,
    path_segment,
    remove_table_files,
    table_location,
)
from icebridge.errors import SqlError, UnsupportedError
from icebridge.sql.identifiers import ObjectName

HOSTILE = [
    "weird db",
    "my schema",
    "t 1 %20 é 日本",
    "100%",
    "%2E%2E",
    "it's",
    'say "hi',  # one double quote: DuckDB's iceberg_scan cannot open such a path
    'a ""b""',
    "a;b; DROP TABLE x --",
    "a/b",
    "x/../../y",
    "..",
    ".",
    "...",
    "back\\slash",
    "glob*?[x]{a,b}",
    "tab\there\nnewline",
    "Ordérs 📦",
]
#: One name per kind of path trouble, for the tests that write whole tables.
STORED = ["t 1 %20 é 日本", 'say "hi', "it's; x", "a/b", "..", "glob*?[x]{a,b}", "tab\there"]
COLUMNS = [IcebergColumn("ID", "long", required=True), IcebergColumn("V", "string")]


def _rows(ids: range) -> pa.Table:
    return pa.table({"ID": pa.array(list(ids), pa.int64()), "V": [f"v {i} é'\"" for i in ids]})


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_name_round_trips_through_its_directory_name(name: str) -> None:
    segment = path_segment(name)
    assert unquote(segment) == name
    assert segment not in (".", "..")
    assert not set(segment) & set('/\\"*?[]{}\t\n')
    # Only what must be escaped is: spaces, quotes, ';' and unicode stay readable.
    for kept in (" ", "'", ";", "é", "日本", "📦"):
        assert (kept in name) == (kept in segment)
    # A directory of its own: no other name (nor its escaped spelling) maps to it.
    assert segment not in {path_segment(n) for n in [*HOSTILE, segment] if n != name}


def test_long_names_are_shortened_to_distinct_creatable_directories(tmp_path: Path) -> None:
    long_a, long_b = "é" * 254 + "a", "é" * 254 + "b"  # Snowflake allows 255 characters
    a, b = path_segment(long_a), path_segment(long_b)
    assert a != b
    assert len(a.encode()) <= MAX_SEGMENT_BYTES
    assert a.startswith("é" * 10)
    (tmp_path / f"{a}.12345678").mkdir()  # within the file system's limit, with the suffix


@pytest.mark.parametrize("name", HOSTILE)
def test_no_name_leaves_its_volume(tmp_path: Path, name: str) -> None:
    volume = (tmp_path / "warehouse").resolve()
    table = ObjectName(name, name, name)
    location = table_location({DEFAULT_VOLUME: volume}, table, None, None, DEFAULT_VOLUME)
    relative = location.relative_to(volume)
    assert len(relative.parts) == 3
    assert [unquote(p) for p in relative.parts[:2]] == [name, name]
    assert unquote(relative.parts[2].rsplit(".", 1)[0]) == name
    assert Path(os.path.abspath(location)) == location  # what PyIceberg's file IO opens


@pytest.mark.parametrize("name", [n for n in HOSTILE if n not in ("..", ".")])
def test_a_base_location_of_names_stays_inside_its_volume(tmp_path: Path, name: str) -> None:
    volume = (tmp_path / "warehouse").resolve()
    base = f"{name}/{name}"
    table = ObjectName("D", "S", name)
    if ".." in base.split("/"):
        with pytest.raises(SqlError, match="Invalid BASE_LOCATION") as err:
            table_location({DEFAULT_VOLUME: volume}, table, None, base, DEFAULT_VOLUME)
        assert table.sql() in str(err.value)
        return
    location = table_location({DEFAULT_VOLUME: volume}, table, None, base, DEFAULT_VOLUME)
    assert location.is_relative_to(volume)
    assert location != volume
    segments = [s for s in base.split("/") if s not in ("", ".")]
    assert [unquote(p) for p in location.relative_to(volume).parts] == segments


@pytest.mark.parametrize("base", ["..", "a/../..", ".", "./", "/", ""])
def test_a_base_location_that_is_or_leaves_the_volume_is_refused(tmp_path: Path, base: str) -> None:
    table = ObjectName("D", "S", "t 1")
    volumes = {DEFAULT_VOLUME: tmp_path.resolve()}
    with pytest.raises(SqlError, match="Invalid BASE_LOCATION") as err:
        table_location(volumes, table, None, base, DEFAULT_VOLUME)
    assert table.sql() in str(err.value)


def test_a_base_location_through_a_symlink_out_of_the_volume_is_refused(tmp_path: Path) -> None:
    volume, outside = tmp_path / "vol", tmp_path / "outside"
    volume.mkdir()
    outside.mkdir()
    (volume / "link").symlink_to(outside)
    table = ObjectName("D", "S", "T")
    with pytest.raises(SqlError, match="leaves external volume") as err:
        table_location({"V": volume.resolve()}, table, "V", "link/t", DEFAULT_VOLUME)
    assert table.sql() in str(err.value)


def test_drop_never_deletes_outside_the_volumes(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "data").mkdir(parents=True)
    remove_table_files(outside, {DEFAULT_VOLUME: tmp_path / "warehouse"})
    assert (outside / "data").is_dir()


@pytest.mark.parametrize("base_location", [False, True], ids=["derived", "base-location"])
def test_tables_with_hostile_names_are_read_back_by_every_reader(
    store: IcebergStore, duck: duckdb.DuckDBPyConnection, base_location: bool
) -> None:
    for pos, name in enumerate(STORED):
        table = ObjectName(name, "s", name)
        # A BASE_LOCATION of the name, as a pipeline renders it ('/' kept out: it nests).
        base = f"{pos}/{name.replace('/', ' ')} t" if base_location else None
        store.create_table(table, COLUMNS, identifier_fields=["ID"], base_location=base)
        store.append(table, _rows(range(3)))
        store.append(table, _rows(range(3, 5)))
        [keep] = [f.path for f in store.scan_files(table) if f.record_count == 2]
        store.rewrite(table, remove=[keep], add=_rows(range(3, 4)))  # copy-on-write DELETE
        assert store.compact(table) is not None
        assert assert_interop(duck, store, table).column("ID").to_pylist() == [0, 1, 2, 3]
        # What the metadata records is what the readers opened: one directory, inside.
        metadata = Path(local_path(store.metadata_location(table)))
        table_dir = metadata.parent.parent
        recorded = json.loads(metadata.read_text())
        assert recorded["location"] == str(table_dir)
        # The emulator's file naming is not imposed on other engines writing the table.
        assert not any("location-provider" in key for key in recorded["properties"])
        assert Path(os.path.abspath(table_dir)).is_relative_to(store.root / "warehouse")
        files = store.scan_files(table)
        assert all(f.location == f.path and Path(f.path).is_file() for f in files)
        assert all(Path(f.path).parent == table_dir / "data" for f in files)


def test_a_root_with_percent_escapes_and_question_marks_keeps_its_catalog(
    tmp_path: Path,
) -> None:
    root = tmp_path / "lake%20one?x=1"
    table = ObjectName("weird db", "my schema", "t 1")
    store = IcebergStore(root)
    store.create_table(table, COLUMNS)
    store.append(table, _rows(range(2)))
    store.close()
    assert (root / "iceberg_catalog.db").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [root.name]
    reopened = IcebergStore(root)
    assert reopened.list_tables() == [table]
    assert reopened.current_summary(table)["total-records"] == "2"
    reopened.close()


def test_long_names_and_long_partition_values_are_written(
    store: IcebergStore, duck: duckdb.DuckDBPyConnection
) -> None:
    table = ObjectName("é" * 255, "s" * 255, "t" * 255)
    store.create_table(table, COLUMNS, partition_by=[PartitionField("V")])
    rows = pa.table({"ID": pa.array([1, 2], pa.int64()), "V": ["é" * 300, "é" * 299 + "x"]})
    store.append(table, rows)
    files = store.scan_files(table)
    assert len(files) == 2
    assert all(len(part.encode()) <= 255 for f in files for part in Path(f.path).parts)
    assert (
        assert_interop(duck, store, table).column("V").to_pylist() == rows.column("V").to_pylist()
    )


def test_a_file_uri_volume_is_its_decoded_directory(tmp_path: Path) -> None:
    volume = tmp_path / "ext vol %41"
    store = IcebergStore(
        tmp_path / "lake", volumes={"ext": volume.as_uri(), "cloud": "s3://bucket/lake"}
    )
    table = ObjectName("D", "S", "T")
    store.create_table(table, COLUMNS, external_volume="EXT", base_location="t 1")
    assert local_path(store.metadata_location(table)).startswith(f"{volume}/t 1/metadata/")
    other = ObjectName("D", "S", "U")
    with pytest.raises(UnsupportedError, match="s3://bucket/lake") as err:
        store.create_table(other, COLUMNS, external_volume="cloud")
    assert other.sql() in str(err.value)
    store.close()


def test_a_moved_lake_reports_the_missing_metadata_naming_the_table(tmp_path: Path) -> None:
    table = ObjectName("weird db", "my schema", "t 1")
    store = IcebergStore(tmp_path / "lake")
    store.create_table(table, COLUMNS)
    store.close()
    (tmp_path / "lake").rename(tmp_path / "moved")  # locations recorded are absolute
    moved = IcebergStore(tmp_path / "moved")
    assert moved.exists(table)
    with pytest.raises(SqlError, match="Cannot read the Iceberg metadata") as err:
        moved.columns(table)
    assert table.sql() in str(err.value)
    moved.close()
