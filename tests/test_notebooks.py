"""Every notebook in notebooks/ runs top to bottom (its own asserts check the results).

Code cells are executed in order in one namespace, in a temporary working directory, the
way a reader running the notebook would; no Jupyter kernel is needed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def _code_cells(path: Path) -> list[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in document["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__notebook__"}
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for number, source in enumerate(_code_cells(path), start=1):
            code = compile(source, f"{path.name}[cell {number}]", "exec")
            exec(code, namespace)
    finally:
        os.chdir(cwd)
