"""Whole-table writes for features that compute an Iceberg table's full contents (dynamic
Iceberg tables): replace every row, or apply a keyed delta, in ONE Iceberg commit.

Both run inside the caller's statement (the DuckDB transaction of a refresh) and record the
stream offsets that statement consumed, like every other Iceberg write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from emulator.core.catalog import DYNAMIC_TABLE, ICEBERG_TABLE
from emulator.features.iceberg_tables.exactly_once import fault, offsets_summary
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.api.emulator import Emulator


def replace_contents(
    emu: Emulator, name: ObjectName, rows: pa.Table, *, summary: dict[str, str] | None = None
) -> int | None:
    """Make ``rows`` the table's only rows in one commit; the new snapshot id (None when the
    table was empty and stays empty: no snapshot is written).

    Columns are matched by name; columns missing from ``rows`` are NULL.
    """
    obj = emu.iceberg.require(name, (ICEBERG_TABLE, DYNAMIC_TABLE))
    store = emu.iceberg.store
    paths = [f.path for f in store.scan_files(name)]
    if not paths and rows.num_rows == 0:
        return None
    props = {**offsets_summary(emu, obj), **(summary or {})}
    fault("before_iceberg_commit")
    if paths:
        snapshot = store.rewrite(name, remove=paths, add=None, append=rows, summary=props)
    else:
        snapshot = store.append(name, rows, summary=props)
    emu.iceberg.committed = True
    fault("after_iceberg_commit")
    emu.iceberg.after_write(obj)
    return snapshot


def merge_contents(
    emu: Emulator,
    name: ObjectName,
    *,
    keys: list[str],
    upserts: pa.Table,
    deletes: pa.Table | None = None,
    summary: dict[str, str] | None = None,
) -> int | None:
    """Apply a keyed delta in one commit: rows of ``upserts`` replace the rows with the same
    ``keys`` (or are added), rows whose keys are in ``deletes`` are removed. Only the data
    files holding affected keys are rewritten. Returns the snapshot id (None: no change).
    """
    obj = emu.iceberg.require(name, (ICEBERG_TABLE, DYNAMIC_TABLE))
    store = emu.iceberg.store
    files = store.scan_files(name)
    changed = [t.select(keys) for t in (upserts, deletes) if t is not None and t.num_rows]
    if not changed:
        return None
    keyset = pa.concat_tables(changed, promote_options="permissive")
    emu.con.register("__ib_keys", keyset)
    try:
        rel = store.file_relation(name, [f.path for f in files], filename="__ib_file")
        on = " AND ".join(f"r.{_q(k)} IS NOT DISTINCT FROM k.{_q(k)}" for k in keys)
        duck_rel = rel.sql(dialect="duckdb")
        probe = f"SELECT DISTINCT r.__ib_file FROM {duck_rel} AS r SEMI JOIN __ib_keys k ON {on}"
        touched = [str(r[0]) for r in emu.con.execute(probe).fetchall()] if files else []
        kept: pa.Table | None = None
        if touched:
            emu.con.register("__ib_touched", pa.table({"p": pa.array(touched, pa.string())}))
            try:
                kept = emu.con.execute(
                    f"SELECT * EXCLUDE (__ib_file) FROM {duck_rel} AS r "
                    "WHERE r.__ib_file IN (SELECT p FROM __ib_touched) "
                    f"AND NOT EXISTS (SELECT 1 FROM __ib_keys k WHERE {on})"
                ).to_arrow_table()
            finally:
                emu.con.unregister("__ib_touched")
    finally:
        emu.con.unregister("__ib_keys")
    props = {**offsets_summary(emu, obj), **(summary or {})}
    fault("before_iceberg_commit")
    if touched:
        snapshot = store.rewrite(name, remove=touched, add=kept, append=upserts, summary=props)
    elif upserts.num_rows:
        snapshot = store.append(name, upserts, summary=props)
    else:
        return None
    emu.iceberg.committed = True
    fault("after_iceberg_commit")
    emu.iceberg.after_write(obj)
    return snapshot


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
