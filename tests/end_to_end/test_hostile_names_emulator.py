"""A pipeline with hostile names, deployed and RUN on the emulator (not just rendered).

Database, schemas, tables and columns carry double quotes, semicolons, spaces, quotes,
accents and emoji. Snowflake keeps a double-quoted identifier exactly as written, case and
special characters included, and a double quote inside it is written twice
(https://docs.snowflake.com/en/sql-reference/identifiers-syntax): the same names must work
through staging, the stream, the MERGE task, the Iceberg files and their metadata. After the
load task catches up, the Iceberg target holds exactly the latest row per key, read back
through the emulator and through DuckDB's own Iceberg extension from the table's metadata
location (SYSTEM$GET_ICEBERG_TABLE_INFORMATION).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from sqlglot import exp

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from emulator.iceberg.files import local_path
from icebridge import Column, Pipeline
from icebridge.demo import holds_latest, metadata_location, setup_statements
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName

DB = 'my "db"; x'
TARGET = ObjectName(DB, "select", "Ordérs 📦 2")
KEY = "id; DROP TABLE x --"
NAME = "ñame 'quoted'"
WAREHOUSE = '"wh; 2"'


def _staged() -> Pipeline:
    return Pipeline('"pipe line"', database='"my ""db""; x"', warehouse=WAREHOUSE).stage(
        '"land; ing"."Tab""le ü"',
        columns=[Column(f'"{KEY}"', "NUMBER"), Column(f'"{NAME}"', "STRING")],
    )


def hostile() -> Pipeline:
    """The pipeline of tests/icebridge/render/test_hostile_names.py, with a schedule."""
    return (
        _staged()
        .stream()
        .to_iceberg('"select"."Ordérs 📦 2"', schedule="1 minute", merge_on=f'"{KEY}"')
        .cleanup()
    )


def hostile_dynamic() -> Pipeline:
    """The same target as a dynamic Iceberg table."""
    return _staged().to_dynamic_iceberg(
        '"select"."Ordérs 📦 2"', target_lag="1 minute", merge_on=f'"{KEY}"'
    )


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


@pytest.fixture(params=["in-memory", "persistent"])
def emu(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Emulator]:
    path = tmp_path / "weird lake" if request.param == "persistent" else None
    emulator = Emulator(path=path)
    yield emulator
    emulator.close()


def _deploy(emu: Emulator, pipeline: Pipeline) -> None:
    emu.execute_script(setup_statements([pipeline]))
    emu.sql(generate(exp.Create(this=exp.Table(this=_ident("wh; 2")), kind="WAREHOUSE")))
    pipeline.deploy(emu)


def _rows(ids: range, label: str) -> list[dict[str, object]]:
    return [{KEY: i, NAME: f"{label} {i} ü'\"; --"} for i in ids]


def _read_with_duckdb_extension(location: str) -> list[dict[str, object]]:
    con = duckdb.connect()
    try:
        load_iceberg_extension(con)
        query = exp.select(exp.Star()).from_(
            exp.Table(this=exp.Anonymous(this="iceberg_scan", expressions=[exp.Placeholder()]))
        )
        query = query.order_by(exp.column(_ident(KEY)))
        rows = con.execute(query.sql(dialect="duckdb"), [location])
        names = [d[0] for d in rows.description]
        return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("pipeline", "tasks"), [(hostile(), True), (hostile_dynamic(), False)], ids=["tasks", "dynamic"]
)
def test_hostile_names_run_end_to_end(emu: Emulator, pipeline: Pipeline, tasks: bool) -> None:
    _deploy(emu, pipeline)
    pipeline.ingest(emu, _rows(range(5), "first"))
    emu.advance("2 minutes")
    # Late updates, and duplicates within one load: the MERGE keeps the latest row per key.
    pipeline.ingest(emu, _rows(range(3, 8), "second"))
    emu.advance("10 seconds")  # a later _INGESTED_AT, before the next task run
    pipeline.ingest(emu, _rows(range(6, 8), "third"))
    emu.advance("2 minutes")

    expected = {i: {KEY: i, NAME: f"first {i} ü'\"; --"} for i in range(3)}
    expected |= {i: {KEY: i, NAME: f"second {i} ü'\"; --"} for i in range(3, 6)}
    expected |= {i: {KEY: i, NAME: f"third {i} ü'\"; --"} for i in range(6, 8)}
    assert holds_latest(emu, TARGET, KEY, expected)

    query = exp.select(exp.Star()).from_(TARGET.table()).order_by(exp.column(_ident(KEY)))
    ours = emu.sql(generate(query)).to_pylist()
    assert [(int(r[KEY]), r[NAME]) for r in ours] == [
        (k, v[NAME]) for k, v in sorted(expected.items())
    ]
    location = metadata_location(emu, TARGET)
    assert location.endswith(".metadata.json")
    # Metadata and data files live where the names say, inside the emulator's directory:
    # the rendered BASE_LOCATION is the names themselves; each directory is the name with
    # only %, path separators, '"', glob and control characters written %XX.
    table_dir = Path(local_path(location)).parent.parent
    assert table_dir.parts[-3:] == ("my %22db%22; x", "select", "Ordérs 📦 2")
    assert tuple(unquote(p) for p in table_dir.parts[-3:]) == TARGET.parts
    if emu.engine.path is not None:
        assert table_dir.is_relative_to(emu.engine.path)
    files = emu.engine.lake.store.scan_files(TARGET)
    assert files
    assert all(Path(f.path).is_file() and Path(f.path).is_relative_to(table_dir) for f in files)
    theirs = _read_with_duckdb_extension(location)
    assert [(int(r[KEY]), r[NAME]) for r in theirs] == [(int(r[KEY]), r[NAME]) for r in ours]
    status = pipeline.status(emu)
    assert status.target_rows == len(expected)
    if tasks:  # the cleanup task emptied staging; the load consumed the stream
        assert status.staged_rows == 0
        assert status.stream_has_data is False
