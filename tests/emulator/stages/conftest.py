"""Fixtures for the stage and COPY tests: local files to PUT, and a stage with files on it."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from stage_helpers import Write

from emulator import Emulator


@pytest.fixture
def local(tmp_path: Path) -> Write:
    """Write a local file (``gz=True``: gzipped) and return its ``file://`` URI."""
    folder = tmp_path / "local"
    folder.mkdir()

    def write(name: str, content: str | bytes, *, gz: bool = False) -> str:
        data = content.encode() if isinstance(content, str) else content
        if gz:
            data = gzip.compress(data)
        path = folder / name
        path.write_bytes(data)
        return f"file://{path}"

    return write


@pytest.fixture
def staged(emu: Emulator, local: Write) -> Callable[..., None]:
    """Stage a local file: ``staged(name, text, stage='@s', options='')`` (PUT it)."""

    def put(name: str, content: str | bytes, stage: str = "@s", options: str = "") -> None:
        emu.sql(f"PUT '{local(name, content)}' {stage} {options}")

    return put
