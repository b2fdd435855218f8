"""The CLI lifecycle on an emulator lake: plan -> deploy -> ingest (sql) -> advance -> status.

Each command opens the lake directory, works and closes it, as separate shell commands do.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from icebridge import __version__
from icebridge.cli import main

PIPELINES = """
from icebridge import Pipeline

base = Pipeline("sensor", database="IOT", warehouse="WH").stage(
    "RAW.READINGS", columns={"ID": "NUMBER", "VALUE": "FLOAT"}
)
sensor = base.stream().to_iceberg("LAKE.READINGS", merge_on="ID", schedule="1 minute")
sensor_dyn = (
    Pipeline("sensor_dyn", database="IOT", warehouse="WH")
    .stage("RAW.READINGS_DYN", columns={"ID": "NUMBER", "VALUE": "FLOAT"})
    .to_dynamic_iceberg("LAKE.READINGS_DYN", merge_on="ID", target_lag="1 minute")
)
"""


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == 0, argv
    return out.getvalue()


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "pipelines.py"
    path.write_text(PIPELINES, encoding="utf-8")
    return str(path)


@pytest.mark.slow  # ten commands, each opening and closing the lake (about 5 s)
def test_lifecycle_on_an_emulator_lake(source: str, tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    # Only complete pipelines are collected: `base` (staged only) is not a third pipeline.
    script = run("plan", source)
    assert script.count("CREATE STREAM") == 1
    assert "CREATE OR REPLACE DYNAMIC ICEBERG TABLE IOT.LAKE.READINGS_DYN" in script

    planned = run("plan", source, "--emulator", lake)
    assert "CREATE DATABASE IF NOT EXISTS IOT" in planned
    assert "SENSOR_LOAD_TASK" in planned

    deployed = run("deploy", source, "--emulator", lake)
    assert "Deployed:" in deployed
    assert "No changes" in run("plan", source, "--emulator", lake)

    run(
        "sql",
        "INSERT INTO IOT.RAW.READINGS (ID, VALUE) VALUES (1, 0.5), (2, 1.5)",
        "--emulator",
        lake,
    )
    run("sql", "INSERT INTO IOT.RAW.READINGS_DYN (ID, VALUE) VALUES (7, 2.5)", "--emulator", lake)
    advanced = run("advance", "2 minutes", "--emulator", lake)
    assert "SUCCEEDED" in advanced

    reports = {
        r["pipeline"]: r for r in json.loads(run("status", source, "--emulator", lake, "--json"))
    }
    task, dynamic = reports["SENSOR"], reports["SENSOR_DYN"]
    assert (task["staged_rows"], task["pending_rows"], task["target_rows"]) == (2, 0, 2)
    assert task["runs_by_state"]["SUCCEEDED"] >= 1
    assert task["stream_stale"] is False
    assert task["next_run"] is not None
    assert dynamic["mode"] == "dynamic"
    assert dynamic["target_rows"] == 1
    assert dynamic["scheduling_state"] == "RUNNING"
    assert dynamic["lag_seconds"] is not None
    assert dynamic["last_refresh"]["state"] == "SUCCEEDED"

    table = run("status", source, "--emulator", lake)
    assert "pipeline SENSOR" in table
    assert "loaded rows" in table

    rows = json.loads(
        run("sql", "SELECT ID FROM IOT.LAKE.READINGS ORDER BY ID", "--emulator", lake, "--json")
    )
    assert rows == [{"ID": "1"}, {"ID": "2"}]


def test_deploy_refusal_exits_2_and_changes_nothing(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = str(tmp_path / "lake")
    run("deploy", source, "--emulator", lake)
    narrowed = (
        Path(source)
        .read_text(encoding="utf-8")
        .replace(
            '"RAW.READINGS", columns={"ID": "NUMBER", "VALUE": "FLOAT"}',
            '"RAW.READINGS", columns={"ID": "NUMBER"}',
        )
    )
    Path(source).write_text(narrowed, encoding="utf-8")
    assert main(["deploy", source, "--emulator", lake]) == 2
    err = capsys.readouterr().err
    assert "refused, nothing was changed" in err
    assert "column VALUE" in err
    assert "REFUSED" in run("plan", source, "--emulator", lake)


def test_version_and_target_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["status"]) == 2
    assert "give exactly one target" in capsys.readouterr().err
