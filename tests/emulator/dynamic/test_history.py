"""INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY(): arguments and columns.

https://docs.snowflake.com/en/sql-reference/functions/dynamic_table_refresh_history
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError

COLUMNS = [
    "NAME",
    "SCHEMA_NAME",
    "DATABASE_NAME",
    "STATE",
    "STATE_CODE",
    "STATE_MESSAGE",
    "QUERY_ID",
    "DATA_TIMESTAMP",
    "REFRESH_START_TIME",
    "REFRESH_END_TIME",
    "COMPLETION_TARGET",
    "QUALIFIED_NAME",
    "LAST_COMPLETED_DEPENDENCY",
    "STATISTICS",
    "REFRESH_ACTION",
    "REINIT_REASON",
    "REFRESH_TRIGGER",
    "TARGET_LAG_SEC",
    "GRAPH_HISTORY_VALID_FROM",
    "INPUTS_WITH_CHANGED_DATA",
]


@pytest.fixture
def emu(emu: Emulator) -> Emulator:
    emu.execute(
        """
        CREATE SCHEMA other;
        CREATE TABLE db.public.src (id INT);
        INSERT INTO db.public.src VALUES (1);
        USE SCHEMA db.public;
        CREATE DYNAMIC TABLE orders_dt TARGET_LAG = '1 minute' WAREHOUSE = w
            AS SELECT id FROM src;
        CREATE DYNAMIC TABLE db.other.orders_dt TARGET_LAG = '2 minutes' WAREHOUSE = w
            AS SELECT id FROM db.public.src;
        CREATE DYNAMIC TABLE items_dt TARGET_LAG = '1 minute' WAREHOUSE = w
            AS SELECT id FROM src;
        """
    )
    emu.advance("2 minutes")
    return emu


def _history(emu: Emulator, args: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = emu.sql(
        f"SELECT * FROM TABLE(INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY({args}))"
    ).to_pylist()
    return rows


def test_columns_and_newest_first(emu: Emulator) -> None:
    table = emu.sql("SELECT * FROM TABLE(INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY())")
    assert table.column_names == COLUMNS
    rows = table.to_pylist()
    starts = [r["REFRESH_START_TIME"] for r in rows]
    assert starts == sorted(starts, reverse=True)
    scheduled = [r for r in rows if r["REFRESH_TRIGGER"] == "SCHEDULED"]
    assert {r["STATE"] for r in rows} == {"SUCCEEDED"}
    assert {r["REFRESH_ACTION"] for r in scheduled} == {"NO_DATA"}
    first = next(r for r in rows if r["QUALIFIED_NAME"] == "DB.PUBLIC.ORDERS_DT")
    assert first["TARGET_LAG_SEC"] == 60
    stats = json.loads(str(first["STATISTICS"]))
    assert {"numInsertedRows", "numDeletedRows", "executionTimeMs"} <= set(stats)


def test_completion_target_is_previous_data_timestamp_plus_lag(emu: Emulator) -> None:
    rows = _history(emu, "NAME => 'ORDERS_DT'")
    latest, previous = rows[0], rows[1]
    lag = latest["REFRESH_START_TIME"] - previous["DATA_TIMESTAMP"]
    assert lag.total_seconds() == 60
    assert latest["COMPLETION_TARGET"] == latest["REFRESH_START_TIME"]
    creation = rows[-1]
    assert (creation["REFRESH_TRIGGER"], creation["COMPLETION_TARGET"]) == ("CREATION", None)


def test_name_resolves_like_an_object_name(emu: Emulator) -> None:
    assert {r["QUALIFIED_NAME"] for r in _history(emu, "NAME => 'orders_dt'")} == {
        "DB.PUBLIC.ORDERS_DT"
    }
    assert {r["QUALIFIED_NAME"] for r in _history(emu, "NAME => 'other.orders_dt'")} == {
        "DB.OTHER.ORDERS_DT"
    }
    assert {r["QUALIFIED_NAME"] for r in _history(emu, "NAME => 'DB.OTHER.ORDERS_DT'")} == {
        "DB.OTHER.ORDERS_DT"
    }


def test_name_prefix_result_limit_and_time_range(emu: Emulator) -> None:
    names = {r["QUALIFIED_NAME"] for r in _history(emu, "NAME_PREFIX => 'db.public.'")}
    assert names == {"DB.PUBLIC.ORDERS_DT", "DB.PUBLIC.ITEMS_DT"}
    assert len(_history(emu, "RESULT_LIMIT => 2")) == 2
    recent = _history(emu, "DATA_TIMESTAMP_START => DATEADD(second, -30, CURRENT_TIMESTAMP())")
    assert {r["REFRESH_START_TIME"] for r in recent} == {emu.now}
    with pytest.raises(ProgrammingError):
        _history(emu, "RESULT_LIMIT => 0")
    with pytest.raises(ProgrammingError, match="invalid argument 'BOGUS'"):
        _history(emu, "BOGUS => 1")


def test_error_only_is_empty_without_failures(emu: Emulator) -> None:
    assert _history(emu, "ERROR_ONLY => TRUE") == []
