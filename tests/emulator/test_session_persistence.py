"""A persistent emulator restores objects, rows, defaults, metadata and versions on reopen."""

from __future__ import annotations

from pathlib import Path

from emulator import Emulator
from emulator.core.catalog import ROW_ID
from icebridge.sql.identifiers import ObjectName


def test_reopen_restores_everything(tmp_path: Path) -> None:
    with Emulator(path=tmp_path) as emu:
        emu.execute(
            """
            CREATE DATABASE sales;
            CREATE SCHEMA staging;
            CREATE TABLE orders (id INT NOT NULL, status VARCHAR DEFAULT 'NEW')
                COMMENT = 'landing' CHANGE_TRACKING = TRUE DATA_RETENTION_TIME_IN_DAYS = 0;
            INSERT INTO orders (id) VALUES (1), (2);
            UPDATE orders SET status = 'DONE' WHERE id = 1;
            CREATE VIEW open_orders AS SELECT id FROM orders WHERE status = 'NEW';
            """
        )
        version = emu.engine.catalog.find(ObjectName("SALES", "STAGING", "ORDERS")).version
    assert (tmp_path / "native.duckdb").exists()
    with Emulator(path=tmp_path) as emu:
        assert emu.sql("SELECT CURRENT_DATABASE()").column(0).to_pylist() == [None]
        emu.sql("USE SCHEMA sales.staging")
        assert emu.sql("SELECT id, status FROM orders ORDER BY id").to_pylist() == [
            {"ID": 1, "STATUS": "DONE"},
            {"ID": 2, "STATUS": "NEW"},
        ]
        assert emu.sql("SELECT id FROM open_orders").column(0).to_pylist() == [2]
        emu.sql("INSERT INTO orders (id) VALUES (3)")  # the DEFAULT survived
        assert emu.sql("SELECT status FROM orders WHERE id = 3").column(0).to_pylist() == ["NEW"]
        row = emu.sql("SHOW TABLES LIKE 'ORDERS'").to_pylist()[0]
        assert (row["comment"], row["change_tracking"], row["retention_time"]) == (
            "landing",
            "ON",
            "0",
        )
        obj = emu.engine.catalog.find(ObjectName("SALES", "STAGING", "ORDERS"))
        assert obj is not None
        assert obj.version == version + 1  # the counter continued, not restarted
        ids = emu.engine.con.execute(
            f"SELECT {ROW_ID} FROM {obj.base().sql('duckdb')} ORDER BY {ROW_ID}"
        ).fetchall()
        assert len({i[0] for i in ids}) == 3  # row ids stay unique across reopen
