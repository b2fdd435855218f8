"""Every ```sql fenced block in docs/*.md parses with the icebridge dialect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import parse

DOCS = Path(__file__).resolve().parents[3] / "docs"
_FENCE = re.compile(r"^```sql[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def sql_blocks(folder: Path) -> list[tuple[str, str]]:
    """(``file:line``, text) of every ```sql block in ``folder``'s markdown files."""
    blocks = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((f"{path.name}:{line}", match.group(1)))
    return blocks


def unparsable(folder: Path) -> list[str]:
    """The blocks that do not parse, with the error."""
    failures = []
    for where, sql in sql_blocks(folder):
        try:
            parse(sql)
        except ProgrammingError as error:
            failures.append(f"{where}: {error}")
    return failures


def test_docs_sql_blocks_parse() -> None:
    assert unparsable(DOCS) == []


def test_checker_finds_blocks_and_reports_bad_ones(tmp_path: Path) -> None:
    assert sql_blocks(tmp_path / "missing") == []
    (tmp_path / "good.md").write_text(
        "text\n```sql\nCREATE STREAM s ON TABLE t;\nSELECT 1;\n```\n", encoding="utf-8"
    )
    (tmp_path / "bad.md").write_text(
        "# t\n\n```sql\nCREATE STREAM s ON TABEL t;\n```\n\n```python\nnot sql\n```\n",
        encoding="utf-8",
    )
    assert [w for w, _ in sql_blocks(tmp_path)] == ["bad.md:3", "good.md:2"]
    failures = unparsable(tmp_path)
    assert len(failures) == 1
    assert failures[0].startswith("bad.md:3: 001003 (42000)")
    assert "unexpected 'TABEL'" in failures[0]


@pytest.mark.parametrize(("where", "sql"), sql_blocks(DOCS) or [("none", "SELECT 1")])
def test_each_docs_block(where: str, sql: str) -> None:
    assert parse(sql) is not None, where
