"""``import icebridge`` (and defining pipelines) loads no heavy dependency."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("snowflake.snowpark", "duckdb", "pyiceberg", "pandas", "click", "rich")


def _loaded(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    modules = json.loads(out.strip().splitlines()[-1])
    return [m for m in HEAVY if m in modules]


def test_import_icebridge_is_light() -> None:
    assert _loaded("import icebridge") == []


def test_defining_and_rendering_a_pipeline_is_light() -> None:
    code = (
        "from icebridge import Pipeline\n"
        "from icebridge.examples.orders import PIPELINES, render_all\n"
        "assert render_all(PIPELINES)\n"
        "assert Pipeline('x')\n"
    )
    assert _loaded(code) == []
