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
