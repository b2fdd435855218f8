"""The emulator's DuckDB connection may touch the lake's own directories and nothing else.

Snowflake SQL never reaches DuckDB's file functions (:mod:`emulator.translate.guard`
refuses them as Snowflake would), and this lock-down holds even if some statement did.
Right after the connection and the :class:`~emulator.core.lake.Lake` are created,
:func:`lock_down` sets, in this order (DuckDB 1.5.5,
https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview):

* ``allowed_directories``: the lake's directory (the DuckDB file, its WAL and spill files,
  the Iceberg catalog and warehouse) or, in memory, the Iceberg store's temporary
  directory, and every external volume's directory: the emulator reads Iceberg data
  files there with ``read_parquet``;
* ``enable_external_access = false``: every other file is refused (``read_csv``, ``glob``,
  ``COPY … TO``, ``ATTACH``, ``EXPORT DATABASE``, a string in FROM), ``LOAD`` / ``INSTALL``
  of extensions too, and so are Python replacement scans; DuckDB also adds its own spill
  directory to the allowed list;
* ``autoinstall_known_extensions`` / ``autoload_known_extensions`` /
  ``allow_community_extensions = false``: no extension is fetched or loaded on demand.

Once external access is off DuckDB refuses to turn it back on, and to change
``allowed_directories`` or ``allowed_paths``, for the life of the connection: that is the
lock. ``lock_configuration = true`` would freeze every setting, but the emulator must keep
``SET TimeZone`` in step with the session's TIMEZONE, so it is not set; nothing a user
writes can reach a DuckDB ``SET`` (Snowflake's ``SET x = 1`` is a session variable).
Other connections (the tests' own, which load DuckDB's Iceberg extension) are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from sqlglot import exp

from emulator import errors
from emulator.core import sql

if TYPE_CHECKING:
    import duckdb

    from emulator.core.lake import Lake

#: ``scheme://`` at the start of a volume given as a URI.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
#: The settings that come after ``allowed_directories``, in order.
_LOCKS: tuple[tuple[str, Any], ...] = (
    ("enable_external_access", False),
    ("autoinstall_known_extensions", False),
    ("autoload_known_extensions", False),
    ("allow_community_extensions", False),
)


def lock_down(con: duckdb.DuckDBPyConnection, lake: Lake) -> None:
    """Restrict ``con`` to the directories of ``lake`` (see the module docstring).

    Call it once, right after the Lake is created and before any statement runs.
    """
    restrict(con, lake_directories(lake))


def restrict(con: duckdb.DuckDBPyConnection, directories: Iterable[Path]) -> None:
    """Allow ``con`` file access below ``directories`` only, for good.

    DuckDB keeps one database instance per file in a process, settings included: when
    the instance is locked down already (another connection to the same file), it must
    allow ``directories`` already, since nothing can be added any more.
    """
    allowed = sorted({f"{d}/" for d in directories})
    if _setting(con, "enable_external_access") is False:
        present = set(_setting(con, "allowed_directories") or [])
        missing = [d for d in allowed if d not in present]
        if missing:
            raise errors.generic(
                "The lake's DuckDB database is already open in this process with other "
                f"directories allowed; close that emulator first (not allowed: {missing[0]})."
            )
        return
    _set(con, "allowed_directories", allowed)
    for name, value in _LOCKS:
        _set(con, name, value)


def lake_directories(lake: Lake) -> list[Path]:
    """The directories the emulator's DuckDB connection reads and writes for ``lake``:
    its root and every external volume that is a local directory, each as given and
    resolved (the Iceberg store records resolved paths)."""
    found: list[Path] = [lake.root]
    for value in lake.volumes.values():
        directory = _volume_directory(value)
        if directory is not None:
            found.append(directory)
    return sorted({p for d in found for p in (d.absolute(), d.resolve())})


def _volume_directory(value: str | Path) -> Path | None:
    """A volume's directory (a path or a ``file://`` URI); None for another URL.

    The same reading as :func:`emulator.iceberg.locations.volume_directory`, which cannot
    be imported here without loading PyIceberg.
    """
    text = str(value)
    if isinstance(value, str) and _URI.match(text):
        uri = urlparse(text)
        if uri.scheme.lower() != "file" or uri.netloc not in ("", "localhost"):
            return None
        return Path(url2pathname(uri.path))
    return Path(text)


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> Any:
    """The current value of the DuckDB setting ``name``."""
    query = exp.select(exp.Anonymous(this="current_setting", expressions=[sql.param()]))
    row = sql.run(con, query, [name]).fetchone()
    return row[0] if row else None


def _set(con: duckdb.DuckDBPyConnection, name: str, value: Any) -> None:
    """``SET "name" = ?`` with ``value`` bound."""
    node = exp.Set(
        expressions=[exp.SetItem(this=exp.EQ(this=sql.ident(name), expression=sql.param()))]
    )
    sql.run(con, node, [value])
