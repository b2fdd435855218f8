"""MERGE through a real Emulator: the planner with the session's translation and defaults."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from emulator import Emulator
from icebridge.errors import DataError


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        emulator.execute(
            """CREATE DATABASE d;
            CREATE TABLE tgt (id INT, name VARCHAR, "Mixed Case" VARCHAR,
                              created TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP(), n INT DEFAULT 5);
            INSERT INTO tgt (id, name, "Mixed Case") VALUES (1, 'a', 'x'), (2, 'b', 'y');
            CREATE TABLE src (id INT, name VARCHAR, flag BOOLEAN);
            INSERT INTO src VALUES
                (1, 'A', TRUE), (2, 'B', FALSE), (3, 'C', TRUE), (4, 'D', NULL);"""
        )
        yield emulator


def test_snowflake_functions_quoted_names_and_defaults(emu: Emulator) -> None:
    result = emu.sql(
        """MERGE INTO tgt t USING src s ON t.id = s.id
        WHEN MATCHED AND s.flag THEN UPDATE SET name = IFF(s.flag, UPPER(s.name) || '!', 'no'),
                                                t."Mixed Case" = s.name
        WHEN MATCHED THEN DELETE
        WHEN NOT MATCHED AND s.flag IS NULL THEN INSERT (id) VALUES (s.id)
        WHEN NOT MATCHED THEN INSERT (id, name, "Mixed Case") VALUES (s.id, LOWER(s.name), 'new')"""
    )
    assert result.to_pylist() == [
        {"number of rows inserted": 2, "number of rows updated": 1, "number of rows deleted": 1}
    ]
    rows = emu.sql('SELECT id, name, "Mixed Case", created, n FROM tgt ORDER BY id').to_pylist()
    # The session-local wallclock of the virtual clock (America/Los_Angeles by default).
    local_now = emu.now.astimezone(ZoneInfo("America/Los_Angeles")).replace(tzinfo=None)
    assert [tuple(r.values()) for r in rows] == [
        (Decimal(1), "A!", "A", local_now, Decimal(5)),
        (Decimal(3), "c", "new", local_now, Decimal(5)),
        (Decimal(4), None, None, local_now, Decimal(5)),
    ]


def test_nondeterministic_parameter_is_honoured(emu: Emulator) -> None:
    emu.execute("INSERT INTO src VALUES (1, 'again', TRUE)")
    merge = (
        "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET name = src.name"
    )
    with pytest.raises(DataError, match="Duplicate row detected during DML action"):
        emu.sql(merge)
    assert emu.sql("SELECT name FROM tgt WHERE id = 1").to_pylist() == [{"NAME": "a"}]
    emu.execute("ALTER SESSION SET ERROR_ON_NONDETERMINISTIC_MERGE = FALSE")
    assert emu.sql(merge).to_pylist() == [{"number of rows updated": 2}]
    # The first source row in source order wins.
    assert emu.sql("SELECT name FROM tgt WHERE id = 1").to_pylist() == [{"NAME": "A"}]


def test_all_by_name_through_the_session(emu: Emulator) -> None:
    emu.execute(
        """CREATE TABLE pairs_t (k INT, v VARCHAR); INSERT INTO pairs_t VALUES (1, 'old');
        CREATE TABLE pairs_s (v VARCHAR, k INT); INSERT INTO pairs_s VALUES ('new', 1), ('x', 2)"""
    )
    result = emu.sql(
        """MERGE INTO pairs_t USING pairs_s ON pairs_t.k = pairs_s.k
        WHEN MATCHED THEN UPDATE ALL BY NAME WHEN NOT MATCHED THEN INSERT ALL BY NAME"""
    )
    assert result.to_pylist() == [{"number of rows inserted": 1, "number of rows updated": 1}]
    assert emu.sql("SELECT k, v FROM pairs_t ORDER BY k").to_pylist() == [
        {"K": 1, "V": "new"},
        {"K": 2, "V": "x"},
    ]
