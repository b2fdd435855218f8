"""Where staged files live: directories inside the lake, one per stage.

They are under ``<lake root>/stages/`` (:attr:`Lake.root <emulator.core.lake.Lake.root>`:
the emulator's path, or in memory a temporary directory removed on close), so the
DuckDB sandbox (:mod:`emulator.core.sandbox`), which allows the lake's directories only,
covers them too. A named stage's files are in ``stages/named/<object id>/``, a table stage's
in ``stages/table/<table id>/`` and the user stage's in ``stages/user/``; a file's stage
path (``dir/file.csv.gz``) is its path below that directory.

The file system is the record: a file's LAST_MODIFIED is the emulator time it was staged
(its modification time is set to it, so virtual time and the 64-day load-metadata window
agree) and its MD5 is computed from its bytes (cached by path, size and mtime). Staging is
not transactional in Snowflake either: PUT and REMOVE take effect at once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from emulator import errors

if TYPE_CHECKING:
    from emulator.core.lake import Lake

STAGES_DIR = "stages"
#: Sub-directories of the stages directory per stage kind.
NAMED, TABLE, USER = "named", "table", "user"


@dataclass(frozen=True)
class StagedFile:
    """One file of a stage: its stage path, size in bytes, MD5 and LAST_MODIFIED (UTC)."""

    path: str
    size: int
    md5: str
    last_modified: datetime


class StageFiles:
    """The stage directories of one emulator (see the module docstring)."""

    def __init__(self, lake: Lake) -> None:
        self._lake = lake
        self._md5: dict[tuple[str, int, int], str] = {}

    # -- directories -----------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """``<lake root>/stages`` (created when a file is first staged)."""
        return self._lake.root / STAGES_DIR

    def directory(self, kind: str, key: int | None = None) -> Path:
        """The directory of one stage: ``kind`` is NAMED, TABLE or USER; ``key`` the id of the
        stage (NAMED) or of the table (TABLE)."""
        base = self.root / kind
        return base if key is None else base / str(key)

    # -- files -----------------------------------------------------------------------------

    def list(self, directory: Path, prefix: str = "") -> list[StagedFile]:
        """The files below ``directory`` whose stage path starts with ``prefix``, by path."""
        if not directory.is_dir():
            return []
        found: list[StagedFile] = []
        for dirpath, _dirs, names in os.walk(directory):
            for name in names:
                full = Path(dirpath) / name
                rel = full.relative_to(directory).as_posix()
                if name.startswith(".ib-") or not rel.startswith(prefix):
                    continue  # half-written files of a write in progress are not staged
                found.append(self.describe(directory, rel))
        return sorted(found, key=lambda f: f.path)

    def describe(self, directory: Path, rel: str) -> StagedFile:
        """Size, MD5 and LAST_MODIFIED of one staged file."""
        full = self.full_path(directory, rel)
        info = full.stat()
        key = (str(full), info.st_size, info.st_mtime_ns)
        digest = self._md5.get(key)
        if digest is None:
            digest = hashlib.md5(full.read_bytes(), usedforsecurity=False).hexdigest()
            self._md5[key] = digest
        modified = datetime.fromtimestamp(info.st_mtime_ns / 1e9, tz=UTC)
        return StagedFile(rel, info.st_size, digest, modified)

    def exists(self, directory: Path, rel: str) -> bool:
        """True when the stage has a file at ``rel``."""
        return self.full_path(directory, rel).is_file()

    def read(self, directory: Path, rel: str) -> bytes:
        """The bytes of a staged file."""
        return self.full_path(directory, rel).read_bytes()

    def write(self, directory: Path, rel: str, data: bytes, modified: datetime) -> StagedFile:
        """Stage ``data`` at ``rel`` (replacing a file there), LAST_MODIFIED ``modified``.

        The bytes go to a temporary file beside the target that is then renamed over it, so
        a reader never sees half a file.
        """
        full = self.full_path(directory, rel)
        full.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".ib-", dir=full.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            stamp = modified.timestamp()
            os.utime(temp, (stamp, stamp))
            os.replace(temp, full)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return self.describe(directory, rel)

    def remove(self, directory: Path, rel: str) -> None:
        """Remove one staged file (and the directories it leaves empty)."""
        full = self.full_path(directory, rel)
        full.unlink(missing_ok=True)
        parent = full.parent
        while parent != directory and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def remove_directory(self, directory: Path) -> None:
        """Remove a stage's directory with every file in it."""
        shutil.rmtree(directory, ignore_errors=True)

    def full_path(self, directory: Path, rel: str) -> Path:
        """The file system path of stage path ``rel``; ``.`` / ``..`` segments are refused
        (Snowflake reads them literally, a file system would leave the stage)."""
        segments = rel.split("/")
        if any(s in (".", "..") for s in segments) or not rel or rel.endswith("/"):
            raise errors.unsupported(f"the stage file path {rel!r}")
        return directory.joinpath(*segments)
