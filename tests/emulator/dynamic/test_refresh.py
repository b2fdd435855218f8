"""Refreshes: incremental results equal the query, NO_DATA, REINITIALIZE, upstream first.

https://docs.snowflake.com/en/user-guide/dynamic-tables/refresh-modes and
https://docs.snowflake.com/en/sql-reference/functions/dynamic_table_refresh_history.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator import Emulator
from emulator.features.dynamic.incremental import plan_for
from icebridge.sql.dialect import parse_one

SHAPES = {
    "filter": ("SELECT id, k, v * 2 AS v2 FROM a WHERE v > 3", "delta"),
    "union_all": ("SELECT id, v FROM a WHERE v > 2 UNION ALL SELECT id, w FROM b", "delta"),
    "inner_join": ("SELECT a.id, a.v, b.w FROM a JOIN b ON a.k = b.k", "delta"),
    "group_by": (
        "SELECT k, SUM(v) AS s, COUNT(*) AS n, MIN(v) AS lo FROM a WHERE v <> 5 GROUP BY k",
        "keyed",
    ),
    "join_group_by": (
        "SELECT a.k, COUNT(*) AS n, SUM(b.w) AS s FROM a JOIN b ON a.k = b.k GROUP BY a.k",
        "keyed",
    ),
    "dedup": (
        "SELECT id, k, v FROM a QUALIFY ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id) = 1",
        "keyed",
    ),
    "distinct": ("SELECT DISTINCT k, v FROM a", "keyed"),
    "left_join": ("SELECT a.id, b.w FROM a LEFT JOIN b ON a.k = b.k", "recompute"),
    "self_join": ("SELECT x.id, y.id AS id2 FROM a x JOIN a y ON x.k = y.k", "recompute"),
    "cte": ("WITH c AS (SELECT id, v FROM a) SELECT * FROM c WHERE v > 2", "recompute"),
    "union": ("SELECT k FROM a UNION SELECT k FROM b", "recompute"),
}


def _rows(emu: Emulator, sql: str) -> list[tuple[Any, ...]]:
    table = emu.sql(sql)
    return sorted(
        (tuple(r.values()) for r in table.to_pylist()),
        key=lambda row: tuple((v is None, str(v)) for v in row),
    )


def _last(emu: Emulator, name: str) -> dict[str, Any]:
    rows = emu.sql(
        f"SELECT * FROM TABLE(INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY(NAME => '{name}'))"
    ).to_pylist()
    row: dict[str, Any] = rows[0]
    return row


def _mutate(emu: Emulator, rng: random.Random, next_id: list[int]) -> None:
    for _ in range(rng.randint(1, 4)):
        table = rng.choice(["a", "b"])
        column = "v" if table == "a" else "w"
        action = rng.choice(["insert", "insert", "update", "delete"])
        if action == "insert":
            next_id[0] += 1
            value = rng.choice(["NULL", str(rng.randint(0, 9))])
            key = rng.choice(["'x'", "'y'", "'z'", "NULL"])
            emu.sql(f"INSERT INTO {table} VALUES ({next_id[0]}, {key}, {value})")
        elif action == "update":
            emu.sql(
                f"UPDATE {table} SET {column} = {rng.randint(0, 9)} "
                f"WHERE id % 3 = {rng.randint(0, 2)}"
            )
        else:
            emu.sql(f"DELETE FROM {table} WHERE id = {rng.randint(1, next_id[0])}")


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_incremental_refresh_equals_the_query(emu: Emulator, shape: str) -> None:
    query, plan = SHAPES[shape]
    assert plan_for(parse_one(query)).kind == plan
    emu.execute(
        """
        CREATE TABLE a (id INT, k VARCHAR, v INT);
        CREATE TABLE b (id INT, k VARCHAR, w INT);
        INSERT INTO a VALUES (1, 'x', 1), (2, 'x', 4), (3, 'y', 6), (4, NULL, 7);
        INSERT INTO b VALUES (1, 'x', 10), (2, 'y', 20), (3, 'y', 30);
        """
    )
    emu.sql(f"CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS {query}")
    assert _rows(emu, "SELECT * FROM d") == _rows(emu, query)
    rng = random.Random(shape)
    next_id = [10]
    for _ in range(10):
        _mutate(emu, rng, next_id)
        emu.sql("ALTER DYNAMIC TABLE d REFRESH")
        assert _rows(emu, "SELECT * FROM d") == _rows(emu, query)
        assert _last(emu, "d")["REFRESH_ACTION"] in ("INCREMENTAL", "NO_DATA")


def test_incremental_refresh_writes_only_changed_rows(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT, k VARCHAR, v INT);
        INSERT INTO a SELECT seq4(), 'k' || (seq4() % 10), seq4()
            FROM TABLE(GENERATOR(ROWCOUNT => 1000));
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id, v FROM a;
        CREATE DYNAMIC TABLE g TARGET_LAG = '1 minute' WAREHOUSE = w
            AS SELECT k, SUM(v) AS s FROM a GROUP BY k;
        UPDATE a SET v = -1 WHERE id = 7;
        ALTER DYNAMIC TABLE d REFRESH;
        ALTER DYNAMIC TABLE g REFRESH;
        """
    )
    stats = json.loads(_last(emu, "d")["STATISTICS"])
    assert (stats["numInsertedRows"], stats["numDeletedRows"]) == (1, 1)
    stats = json.loads(_last(emu, "g")["STATISTICS"])
    assert (stats["numInsertedRows"], stats["numDeletedRows"]) == (1, 1)  # group k7 only


def test_full_refresh_rewrites_the_table(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT, v INT);
        INSERT INTO a VALUES (1, 1), (2, 2), (3, 3);
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w
            REFRESH_MODE = FULL AS SELECT id, v FROM a;
        UPDATE a SET v = 9 WHERE id = 1;
        ALTER DYNAMIC TABLE d REFRESH;
        """
    )
    last = _last(emu, "d")
    assert last["REFRESH_ACTION"] == "FULL"
    stats = json.loads(last["STATISTICS"])
    assert (stats["numInsertedRows"], stats["numDeletedRows"]) == (3, 3)


def test_no_data_when_inputs_did_not_change(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT);
        INSERT INTO a VALUES (1);
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM a;
        """
    )
    assert _last(emu, "d")["REFRESH_TRIGGER"] == "CREATION"
    emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    last = _last(emu, "d")
    assert (last["REFRESH_ACTION"], last["REFRESH_TRIGGER"]) == ("NO_DATA", "MANUAL")
    assert last["INPUTS_WITH_CHANGED_DATA"] is None
    emu.sql("INSERT INTO a VALUES (2)")
    emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    last = _last(emu, "d")
    assert last["REFRESH_ACTION"] == "INCREMENTAL"
    changed = json.loads(last["INPUTS_WITH_CHANGED_DATA"])
    assert changed == [{"name": "DB.PUBLIC.A", "kind": "TABLE"}]


def test_replaced_input_reinitializes(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT);
        INSERT INTO a VALUES (1), (2);
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM a;
        CREATE OR REPLACE TABLE a (id INT);
        INSERT INTO a VALUES (3);
        ALTER DYNAMIC TABLE d REFRESH;
        """
    )
    assert _last(emu, "d")["REFRESH_ACTION"] == "REINITIALIZE"
    assert emu.sql("SELECT id FROM d").column(0).to_pylist() == [3]


def test_manual_refresh_refreshes_upstream_first(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT);
        INSERT INTO a VALUES (1);
        CREATE DYNAMIC TABLE up TARGET_LAG = DOWNSTREAM WAREHOUSE = w AS SELECT id FROM a;
        CREATE DYNAMIC TABLE down TARGET_LAG = '1 minute' WAREHOUSE = w
            AS SELECT id * 10 AS id FROM up;
        INSERT INTO a VALUES (2);
        ALTER DYNAMIC TABLE down REFRESH;
        """
    )
    assert emu.sql("SELECT id FROM down ORDER BY id").column(0).to_pylist() == [10, 20]
    rows = emu.sql(
        "SELECT name, refresh_action FROM TABLE(INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY("
        "RESULT_LIMIT => 2))"
    ).to_pylist()
    assert rows == [
        {"NAME": "DOWN", "REFRESH_ACTION": "INCREMENTAL"},
        {"NAME": "UP", "REFRESH_ACTION": "INCREMENTAL"},
    ]


def test_manual_refresh_of_a_scheduler_disabled_table_does_not_refresh_upstream(
    emu: Emulator,
) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT);
        INSERT INTO a VALUES (1);
        CREATE DYNAMIC TABLE up TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM a;
        CREATE DYNAMIC TABLE iso SCHEDULER = DISABLE WAREHOUSE = w AS SELECT id FROM up;
        INSERT INTO a VALUES (2);
        ALTER DYNAMIC TABLE iso REFRESH;
        """
    )
    assert emu.sql("SELECT id FROM iso").column(0).to_pylist() == [1]
    assert _last(emu, "iso")["REFRESH_ACTION"] == "NO_DATA"


def test_refresh_reads_views_and_sees_their_tables_change(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT, v INT);
        INSERT INTO a VALUES (1, 1);
        CREATE VIEW big AS SELECT id FROM a WHERE v > 0;
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id FROM big;
        INSERT INTO a VALUES (2, 5), (3, -1);
        ALTER DYNAMIC TABLE d REFRESH;
        """
    )
    assert emu.sql("SELECT id FROM d ORDER BY id").column(0).to_pylist() == [1, 2]
    assert _last(emu, "d")["REFRESH_ACTION"] == "INCREMENTAL"


def test_tracking_switched_off_and_on_falls_back_to_recompute(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE a (id INT, v INT);
        INSERT INTO a VALUES (1, 1), (2, 2);
        CREATE DYNAMIC TABLE d TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT id, v FROM a;
        ALTER TABLE a SET CHANGE_TRACKING = FALSE;
        UPDATE a SET v = 5 WHERE id = 1;
        ALTER TABLE a SET CHANGE_TRACKING = TRUE;
        INSERT INTO a VALUES (3, 3);
        ALTER DYNAMIC TABLE d REFRESH;
        """
    )
    assert _rows(emu, "SELECT * FROM d") == _rows(emu, "SELECT id, v FROM a")
    stats = json.loads(_last(emu, "d")["STATISTICS"])
    assert (stats["numInsertedRows"], stats["numDeletedRows"]) == (2, 1)
