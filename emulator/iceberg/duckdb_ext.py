"""Load DuckDB's own Iceberg extension offline, as an independent reader of our tables.

The extensions ship as pip packages (``duckdb-extension-avro`` and
``duckdb-extension-iceberg``, built for DuckDB 1.5.5). They are loaded by file path, avro
first because the iceberg extension reads Avro manifests through it; nothing is
downloaded. Then ``iceberg_scan('<metadata location>')`` reads a table.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
from sqlglot import exp

from emulator.errors import unsupported

_PACKAGES = (("duckdb_extension_avro", "avro"), ("duckdb_extension_iceberg", "iceberg"))


def extension_path(package: str, name: str) -> Path:
    """The ``<name>.duckdb_extension`` file inside an installed extension package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise unsupported(f"DuckDB extension package '{package}' is not installed")
    for location in spec.submodule_search_locations:
        version = f"v{duckdb.__version__}"
        candidate = Path(location) / "extensions" / version / f"{name}.duckdb_extension"
        if candidate.is_file():
            return candidate
    raise unsupported(
        f"DuckDB extension '{name}' for DuckDB {duckdb.__version__} not found in '{package}'"
    )


def load_iceberg_extension(con: duckdb.DuckDBPyConnection) -> None:
    """Load the avro and iceberg extensions into ``con`` from their pip packages."""
    for package, name in _PACKAGES:
        path = extension_path(package, name)
        # LOAD takes a string literal (sqlglot has no LOAD node): the generator quotes it.
        load = exp.Command(this="LOAD", expression=exp.Literal.string(str(path)).sql("duckdb"))
        con.execute(load.sql(dialect="duckdb"))
