"""One writer per lake: an OS lock on ``<path>/icebridge.lock``.

A writer takes an exclusive ``flock`` and records itself (pid, host, time) in the file; a
read-only open takes a shared one. The OS drops the lock when the file is closed or the
process dies (kill -9 included), so a lock file left by a killed process never blocks the
next open; the file itself stays in the lake (deleting a lock file races with a process
opening it). An open that finds the lake held raises
:class:`~icebridge.errors.LakeLockedError` naming the holder. A process-wide table of held
locks gives the same answer within one process on file systems whose locks are
per-process rather than per open file, and keeps a process to one Emulator per lake (DuckDB
would share one database between two, settings included). Read-only opens in separate
processes share a lake.

DuckDB keeps its own lock on ``native.duckdb``; :func:`duckdb_lock_error` turns its
"Conflicting lock" error into the same LakeLockedError, as a backstop. Linux and macOS
(``fcntl``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from icebridge.errors import LakeLockedError

#: The lock file in the lake directory.
LOCK_FILE = "icebridge.lock"
_DUCKDB_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")

# (device, inode) of a lock file -> the mode ("write" / "read") it is held in by this process.
_held: dict[tuple[int, int], str] = {}
_held_guard = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """Who holds a lake: the writer's record (fields None when unknown)."""

    pid: int | None = None
    host: str | None = None
    since: str | None = None

    def describe(self) -> str:
        if self.pid is None:
            return "another Emulator (process unknown)"
        where = "this process" if self._here() else f"process {self.pid}"
        host = f" on host {self.host}" if self.host else ""
        since = f", open since {self.since}" if self.since else ""
        return f"another Emulator in {where}{host}{since}"

    def _here(self) -> bool:
        return self.pid == os.getpid() and self.host in (None, socket.gethostname())


class LakeLock:
    """The lock an open Emulator holds on its lake until :meth:`release` (or until it is
    garbage-collected: an Emulator dropped without ``close()`` does not hold its lake
    forever)."""

    def __init__(self, directory: Path, fd: int | None, key: tuple[int, int] | None, mode: str):
        self.directory = directory
        self.mode = mode
        self._release = weakref.finalize(self, _unlock, fd, key, mode)

    @classmethod
    def acquire(cls, directory: Path, *, read_only: bool = False) -> LakeLock:
        """Lock the lake at ``directory`` (exclusive, or shared for ``read_only``), or raise
        LakeLockedError naming the holder."""
        mode = "read" if read_only else "write"
        path = directory / LOCK_FILE
        fd = _open(path, read_only=read_only)
        if fd is None:  # a read-only directory without a lock file: nothing can write here
            return cls(directory, None, None, mode)
        try:
            stat = os.fstat(fd)
            key = (stat.st_dev, stat.st_ino)
            with _held_guard:
                held = _held.get(key)
                # One Emulator per lake per process: DuckDB would share one database.
                if held is not None:
                    here = _read_record(fd) if held == "write" else Holder(os.getpid())
                    raise _locked(directory, here, held)
                try:
                    fcntl.flock(fd, (fcntl.LOCK_SH if read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise _contended(directory, fd) from None
                _held[key] = mode
            if not read_only:
                _record(fd)
        except BaseException:
            os.close(fd)
            raise
        return cls(directory, fd, key, mode)

    def release(self) -> None:
        """Unlock (a writer first clears its record); idempotent."""
        self._release()


def _unlock(fd: int | None, key: tuple[int, int] | None, mode: str) -> None:
    if fd is None:
        return
    try:
        if mode == "write":
            os.ftruncate(fd, 0)
    except OSError:
        pass  # the lock goes away with the descriptor all the same
    finally:
        with _held_guard:
            if key is not None:
                _held.pop(key, None)
        os.close(fd)  # closing the last descriptor releases the flock


def _open(path: Path, *, read_only: bool) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        if not read_only:
            raise
    try:  # inspecting a lake on a read-only mount
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None


def _record(fd: int) -> None:
    """Write the holder's record (the writer owns the file while it holds the lock)."""
    body = json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    ).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, body, 0)


def _read_record(fd: int) -> Holder:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
        pid = data.get("pid")
        return Holder(int(pid) if pid is not None else None, data.get("host"), data.get("since"))
    except (OSError, ValueError, TypeError, AttributeError):
        return Holder()


def _contended(directory: Path, fd: int) -> LakeLockedError:
    """The error for a lock the OS refused: held by a writer, or only by readers."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _locked(directory, _read_record(fd), "write")
    fcntl.flock(fd, fcntl.LOCK_UN)  # a shared lock was free: only readers hold the lake
    return _locked(directory, Holder(), "read")


def _locked(directory: Path, holder: Holder, held: str) -> LakeLockedError:
    if held == "write":
        message = (
            f"The lake at {directory} is locked by {holder.describe()}. A lake has one "
            "writer at a time: close that Emulator (or end its process) first."
        )
        return LakeLockedError(
            message, path=str(directory), pid=holder.pid, host=holder.host, read_only=False
        )
    if holder.pid == os.getpid():
        message = (
            f"The lake at {directory} is already open read-only in this process; a process "
            "opens a lake in one Emulator at a time: use that one, or close it first."
        )
    else:
        message = (
            f"The lake at {directory} is open read-only in another process; a writer cannot "
            "open it until every read-only Emulator is closed."
        )
    return LakeLockedError(
        message, path=str(directory), pid=holder.pid, host=holder.host, read_only=True
    )


def duckdb_lock_error(directory: Path, err: Exception) -> LakeLockedError | None:
    """The LakeLockedError for DuckDB's own lock conflict on the lake's file, else None."""
    text = str(err)
    match = _DUCKDB_HOLDER.search(text)
    if match is not None:
        pid = int(match.group(2))
        message = (
            f"The lake at {directory} is locked: process {pid} ({match.group(1)}) holds its "
            "DuckDB file. A lake has one writer at a time: close that program first."
        )
        return LakeLockedError(message, path=str(directory), pid=pid)
    if "different configuration than existing connections" in text:
        message = (
            f"The lake at {directory} is locked: this process holds its DuckDB file in "
            "another connection. A lake has one writer at a time: close that one first."
        )
        return LakeLockedError(message, path=str(directory), pid=os.getpid())
    return None
