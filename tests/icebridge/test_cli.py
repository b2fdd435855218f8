"""``icebridge plan`` on the bundled examples, a file and module:attr."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from icebridge.cli import main
from icebridge.examples import orders as ex
from icebridge.render import render_all
from icebridge.sql.dialect import parse

PIPELINE_FILE = """
from icebridge import Pipeline

events = (
    Pipeline("events", database="DB", warehouse="WH")
    .stage("RAW.EVENTS", columns={"ID": "NUMBER", "BODY": "STRING"})
    .stream()
    .to_iceberg("LAKE.EVENTS", merge_on="ID")
)
also = [events]
"""


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == 0
    return out.getvalue()


def _blocks(text: str) -> list[str]:
    return [b for b in text.split(";\n\n") if b.strip()]


def test_plan_without_argument_prints_the_examples() -> None:
    text = run("plan")
    blocks = _blocks(text)
    assert text.endswith(";\n")
    assert len(blocks) == len(render_all(ex.PIPELINES))
    for block in blocks:
        (node,) = parse(block.rstrip(";\n"))
        assert node is not None
    assert "\x1b[" not in text  # StringIO is not a terminal: plain text


def test_plan_on_module_attr(tmp_path: Path) -> None:
    text = run("plan", "icebridge.examples.orders:orders_dynamic")
    assert "CREATE OR REPLACE DYNAMIC ICEBERG TABLE" in text
    assert "ORDER_ITEMS" not in text


def test_plan_on_file(tmp_path: Path) -> None:
    path = tmp_path / "pipelines.py"
    path.write_text(PIPELINE_FILE, encoding="utf-8")
    text = run("plan", str(path))
    assert "DB.RAW.EVENTS" in text
    assert text.count("CREATE STREAM") == 1  # `events` and `also` hold the same pipeline


def test_plan_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "icebridge.examples.orders:nothing"]) == 2
    assert "no attribute" in capsys.readouterr().err
    assert main(["plan", str(tmp_path / "missing.py")]) == 2
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n", encoding="utf-8")
    assert main(["plan", str(empty)]) == 2
    assert "no Pipeline" in capsys.readouterr().err


def test_piped_console_script_output_is_plain() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "icebridge.cli", "plan", "icebridge.examples.orders:order_items"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "\x1b[" not in result.stdout
    assert "ORDER_ITEMS_LOAD_TASK" in result.stdout


def test_color_always_highlights() -> None:
    pytest.importorskip("pygments")
    text = run("plan", "--color", "always", "icebridge.examples.orders:orders")
    assert "\x1b[" in text


def test_cli_error_is_an_icebridge_error() -> None:
    """Every error icebridge raises is an IcebridgeError, the CLI's usage errors included."""
    from icebridge.cli import CliError, load
    from icebridge.errors import IcebridgeError

    assert issubclass(CliError, IcebridgeError)
    with pytest.raises(IcebridgeError, match="no Pipeline found"):
        load("icebridge.errors")


def test_demo_refuses_a_directory_holding_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "work"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["demo", "--path", str(mine), "--minutes", "1"]) == 2
    err = capsys.readouterr().err
    assert f"refusing to use '{mine}' as the demo directory" in err
    assert "not empty" in err
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    file_path = tmp_path / "a-file"
    file_path.write_text("x", encoding="utf-8")
    assert main(["demo", "--path", str(file_path), "--minutes", "1"]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert file_path.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("given", [".", "./", "..", "~", "HOME"])
def test_demo_refuses_the_current_or_home_directory(
    given: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Even empty, or holding the marker, these directories are never emptied."""
    from icebridge.demo import MARKER

    home = tmp_path / "home"
    cwd = home / "project"
    cwd.mkdir(parents=True)
    (cwd / MARKER).write_text("", encoding="utf-8")
    (home / MARKER).write_text("", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    path = str(home) if given == "HOME" else given
    assert main(["demo", "--path", path, "--minutes", "1"]) == 2
    err = capsys.readouterr().err
    assert "refusing to use" in err
    assert "the current directory" in err or "the home directory" in err
    assert sorted(p.name for p in cwd.iterdir()) == [MARKER]
    assert sorted(p.name for p in home.iterdir()) == [MARKER, "project"]


def test_demo_resets_an_earlier_demo_lake(tmp_path: Path) -> None:
    """A directory written by an earlier demo run (it holds the marker) starts over."""
    from icebridge.demo import MARKER

    lake = tmp_path / "lake"
    first = io.StringIO()
    assert main(["demo", "--path", str(lake), "--minutes", "1"], out=first) == 0
    assert (lake / MARKER).is_file()
    assert (lake / "native.duckdb").is_file()
    (lake / "warehouse" / "stale.txt").write_text("left over", encoding="utf-8")
    second = io.StringIO()
    assert main(["demo", "--path", str(lake), "--minutes", "1"], out=second) == 0
    assert not (lake / "warehouse" / "stale.txt").exists()
    assert (lake / MARKER).is_file()

    def counts(text: str) -> list[str]:  # same seed, same start: the same rows again
        return [line for line in text.splitlines() if "rows " in line]

    assert counts(second.getvalue()) == counts(first.getvalue())


def test_demo_refuses_to_reset_a_demo_lake_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An earlier demo lake that an Emulator holds (a demo still running) is not emptied."""
    from emulator import Emulator
    from icebridge.demo import MARKER

    lake = tmp_path / "lake"
    assert main(["demo", "--path", str(lake), "--minutes", "1"], out=io.StringIO()) == 0
    before = sorted(p.name for p in lake.iterdir())
    with Emulator(path=lake):
        assert main(["demo", "--path", str(lake), "--minutes", "1"]) == 2
        err = capsys.readouterr().err
        assert f"refusing to reset '{lake}'" in err
        assert "in use" in err
        # Nothing was deleted (the open lake adds its own sqlite side files).
        assert set(before) <= {p.name for p in lake.iterdir()}
    assert (lake / MARKER).is_file()
