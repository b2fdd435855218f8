"""A pipeline into an Iceberg table whose names have spaces, ``%``, quotes and unicode.

Snowflake keeps a double-quoted identifier exactly as written
(https://docs.snowflake.com/en/sql-reference/identifiers-syntax), and the pipeline renders
the names into the table's BASE_LOCATION; a table without one lives under
``<database>/<schema>/<table>.<randomId>``
(https://docs.snowflake.com/en/release-notes/bcr-bundles/2025_01/bcr-1873). Whatever the
names, the Iceberg rows must be seen the same by the emulator's SELECT, by
``Pipeline.status()`` and by DuckDB's own ``iceberg_scan`` of the metadata location: after
the load task, after UPDATE / DELETE / MERGE, after compaction and after the persistent
lake (itself in a directory named with a space and ``%20``) is closed and reopened.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from sqlglot import exp

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from emulator.iceberg.files import local_path
from icebridge import Column, Pipeline
from icebridge.demo import setup_statements
from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName

TABLE = 't 1 %20 é 日本 "q'
TARGET = ObjectName("weird db", "my schema", TABLE)


def _pipeline() -> Pipeline:
    return (
        Pipeline("spaced", database='"weird db"', warehouse="WH")
        .stage('"my schema"."land ing"', columns=[Column("ID", "NUMBER"), Column("V", "STRING")])
        .stream()
        .to_iceberg('"my schema"."t 1 %20 é 日本 ""q"', schedule="1 minute", merge_on="ID")
    )


def _literal(text: str) -> str:
    return generate(exp.Literal.string(text))


def _metadata_location(emu: Emulator, name: ObjectName) -> str:
    call = f"SELECT SYSTEM$GET_ICEBERG_TABLE_INFORMATION({_literal(name.sql())})"
    info = json.loads(emu.sql(call).column(0)[0].as_py())
    return str(info["metadataLocation"])


def _iceberg_scan(location: str) -> list[tuple[int, str]]:
    con = duckdb.connect()
    try:
        load_iceberg_extension(con)
        rows = con.execute('SELECT "ID", "V" FROM iceberg_scan(?) ORDER BY 1', [location])
        return [(int(i), v) for i, v in rows.fetchall()]
    finally:
        con.close()


def _seen_everywhere(
    emu: Emulator, name: ObjectName, volume: Path, pipeline: Pipeline | None = None
) -> list[tuple[int, str]]:
    """The rows of ``name`` as SELECT sees them, checked against status() and iceberg_scan;
    every data file is in the table's directory inside ``volume``."""
    ours = [
        (int(r["ID"]), r["V"])
        for r in emu.sql(f"SELECT ID, V FROM {name.sql()} ORDER BY ID").to_pylist()
    ]
    location = _metadata_location(emu, name)
    assert _iceberg_scan(location) == ours
    if pipeline is not None:
        assert pipeline.status(emu).target_rows == len(ours)
    table_dir = Path(local_path(location)).parent.parent
    assert table_dir.is_relative_to(volume)
    files = emu.engine.lake.store.scan_files(name)
    assert files
    assert all(Path(f.path).is_file() and Path(f.path).is_relative_to(table_dir) for f in files)
    return ours


def _dml(emu: Emulator, name: ObjectName) -> None:
    target = name.sql()
    emu.execute(f"UPDATE {target} SET V = V || ' é%' WHERE ID = 1")
    emu.execute(f"DELETE FROM {target} WHERE ID = 2")
    emu.execute(
        f"MERGE INTO {target} T USING (SELECT 3 AS ID, 'm 3' AS V UNION ALL "
        "SELECT 9, 'm 9') S ON T.ID = S.ID WHEN MATCHED THEN UPDATE SET V = S.V "
        "WHEN NOT MATCHED THEN INSERT (ID, V) VALUES (S.ID, S.V)"
    )
    emu.execute(f"INSERT INTO {target} (ID, V) VALUES (7, 'i 7')")  # a second data file


def test_pipeline_into_spaced_names_is_read_back_everywhere(tmp_path: Path) -> None:
    pipeline = _pipeline()
    lake = tmp_path.resolve() / "my lake %20"
    warehouse = lake / "warehouse"
    emu = Emulator(path=lake)
    emu.execute_script(setup_statements([pipeline]))
    emu.execute("CREATE WAREHOUSE WH")
    pipeline.deploy(emu)
    pipeline.ingest(emu, [{"ID": i, "V": f"v {i} 'ü\""} for i in range(4)])
    emu.advance("2 minutes")
    loaded = [(i, f"v {i} 'ü\"") for i in range(4)]
    assert _seen_everywhere(emu, TARGET, warehouse, pipeline) == loaded

    # The BASE_LOCATION the pipeline renders is the names; each directory decodes to one.
    table_dir = Path(local_path(_metadata_location(emu, TARGET))).parent.parent
    assert [unquote(p) for p in table_dir.parts[-3:]] == list(TARGET.parts)
    assert table_dir.parts[-3:-1] == ("weird db", "my schema")

    _dml(emu, TARGET)
    changed = [(0, "v 0 'ü\""), (1, "v 1 'ü\" é%"), (3, "m 3"), (7, "i 7"), (9, "m 9")]
    assert _seen_everywhere(emu, TARGET, warehouse, pipeline) == changed
    assert emu.compact_iceberg(TARGET.sql()) is not None
    assert _seen_everywhere(emu, TARGET, warehouse, pipeline) == changed
    emu.close()

    emu = Emulator(path=lake)
    assert _seen_everywhere(emu, TARGET, warehouse, pipeline) == changed
    pipeline.ingest(emu, [{"ID": 5, "V": "after reopen"}])
    emu.advance("2 minutes")
    assert _seen_everywhere(emu, TARGET, warehouse, pipeline) == sorted(
        [*changed, (5, "after reopen")]
    )
    emu.execute(f"DROP TABLE {TARGET.sql()}")
    assert not table_dir.exists()
    assert table_dir.parent.is_dir()  # only the table's own directory goes
    with pytest.raises(ProgrammingError, match="does not exist"):
        emu.sql(f"SELECT * FROM {TARGET.sql()}")
    emu.close()


@pytest.mark.parametrize("volume", [False, True], ids=["warehouse", "file-uri-volume"])
def test_sql_iceberg_table_with_spaced_names(tmp_path: Path, volume: bool) -> None:
    """CREATE ICEBERG TABLE without BASE_LOCATION: the location is derived from the names."""
    tmp_path = tmp_path.resolve()
    external = tmp_path / "ext vol %41"
    emu = Emulator(path=tmp_path / "lake %20", external_volumes={"EXT": external.as_uri()})
    emu.execute('CREATE DATABASE "weird db"')
    emu.execute('CREATE SCHEMA "weird db"."my schema"')
    name = ObjectName("weird db", "my schema", TABLE)
    option = " EXTERNAL_VOLUME = 'EXT'" if volume else ""
    root = external if volume else tmp_path / "lake %20" / "warehouse"
    emu.execute(f"CREATE ICEBERG TABLE {name.sql()} (ID INT, V STRING){option}")
    emu.execute(f"INSERT INTO {name.sql()} VALUES (0, 'a'), (1, 'b'), (2, 'c'), (3, 'd')")
    _dml(emu, name)
    changed = [(0, "a"), (1, "b é%"), (3, "m 3"), (7, "i 7"), (9, "m 9")]
    assert _seen_everywhere(emu, name, root) == changed
    table_dir = Path(local_path(_metadata_location(emu, name))).parent.parent
    assert table_dir.parent.parent.parent == root
    # The same directories as the pipeline's BASE_LOCATION: names, not URL escapes.
    assert table_dir.parts[-3:-1] == ("weird db", "my schema")
    assert unquote(table_dir.name.rsplit(".", 1)[0]) == TABLE
    emu.close()
    emu = Emulator(path=tmp_path / "lake %20", external_volumes={"EXT": external.as_uri()})
    assert _seen_everywhere(emu, name, root) == changed
    emu.close()
