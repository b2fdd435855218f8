"""MERGE as one DuckDB statement (untracked native tables) keeps Snowflake's MERGE rules.

Rules: https://docs.snowflake.com/en/sql-reference/sql/merge (usage notes: nondeterministic
results, ERROR_ON_NONDETERMINISTIC_MERGE, duplicate source rows, count columns). Each case
runs twice, on an untracked target (the one-statement path) and on the same target with
CHANGE_TRACKING = TRUE (the planned path, whose change log needs per-action statements),
and both must give Snowflake's documented result.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator
from emulator.statements import merge as planner
from icebridge.errors import DataError, ProgrammingError

SETUP = """
CREATE DATABASE D; CREATE SCHEMA D.S; USE SCHEMA D.S;
CREATE TABLE TARGET (K INT, V INT, NOTE VARCHAR DEFAULT 'dflt');
INSERT INTO TARGET (K, V) VALUES (0, 10), (1, 11), (2, 12);
CREATE TABLE SRC (K INT, V INT);
"""


def _emulator(tracked: bool, source_rows: str) -> Emulator:
    emu = Emulator()
    emu.execute(SETUP)
    if source_rows:
        emu.execute(f"INSERT INTO SRC VALUES {source_rows}")
    if tracked:
        emu.execute("ALTER TABLE TARGET SET CHANGE_TRACKING = TRUE")
    return emu


def _rows(emu: Emulator) -> list[tuple[Any, ...]]:
    table = emu.sql("SELECT K, V, NOTE FROM TARGET ORDER BY K, V")
    return [tuple(r.values()) for r in table.to_pylist()]


def _counts(emu: Emulator, statement: str) -> dict[str, int]:
    return {k: v[0] for k, v in emu.sql(statement).to_pydict().items()}


@pytest.fixture(params=[False, True], ids=["direct", "planned"])
def tracked(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_untracked_target_takes_the_one_statement_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The planned path is not used for an untracked table (so the cases below cover both)."""
    emu = _emulator(False, "(1, 21), (5, 25)")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the planned path ran")

    monkeypatch.setattr(planner, "plan_merge", refuse)
    counts = _counts(
        emu,
        "MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN UPDATE SET V = S.V "
        "WHEN NOT MATCHED THEN INSERT (K, V) VALUES (S.K, S.V)",
    )
    assert counts == {"number of rows inserted": 1, "number of rows updated": 1}


def test_update_insert_and_default(tracked: bool) -> None:
    """Matched rows update, unmatched insert; a column the INSERT omits takes its DEFAULT."""
    emu = _emulator(tracked, "(1, 21), (5, 25)")
    counts = _counts(
        emu,
        "MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN UPDATE SET V = S.V "
        "WHEN NOT MATCHED THEN INSERT (K, V) VALUES (S.K, S.V)",
    )
    assert counts == {"number of rows inserted": 1, "number of rows updated": 1}
    assert _rows(emu) == [(0, 10, "dflt"), (1, 21, "dflt"), (2, 12, "dflt"), (5, 25, "dflt")]


def test_first_true_clause_applies(tracked: bool) -> None:
    """The first WHEN MATCHED clause whose predicate is true applies to a pair."""
    emu = _emulator(tracked, "(0, 11), (1, 99), (2, 5)")
    counts = _counts(
        emu,
        "MERGE INTO TARGET T USING SRC S ON T.K = S.K "
        "WHEN MATCHED AND S.V = 11 THEN DELETE "
        "WHEN MATCHED AND S.V > 50 THEN UPDATE SET V = S.V, NOTE = 'big' "
        "WHEN MATCHED THEN UPDATE SET V = -S.V",
    )
    assert counts == {"number of rows updated": 2, "number of rows deleted": 1}
    assert _rows(emu) == [(1, 99, "big"), (2, -5, "dflt")]


def test_duplicate_update_is_nondeterministic(tracked: bool) -> None:
    """Two source rows updating one target row raise 100090 and write nothing."""
    emu = _emulator(tracked, "(1, 21), (1, 31)")
    with pytest.raises(DataError) as caught:
        emu.sql("MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN UPDATE SET V = S.V")
    assert caught.value.errno == 100090
    assert "[1, 11, " in str(caught.value)  # the target row's values
    assert _rows(emu) == [(0, 10, "dflt"), (1, 11, "dflt"), (2, 12, "dflt")]


def test_update_and_delete_of_one_row_is_nondeterministic(tracked: bool) -> None:
    """One target row both updated and deleted by different source rows raises."""
    emu = _emulator(tracked, "(1, 0), (1, 31)")
    with pytest.raises(DataError) as caught:
        emu.sql(
            "MERGE INTO TARGET T USING SRC S ON T.K = S.K "
            "WHEN MATCHED AND S.V = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET V = S.V"
        )
    assert caught.value.errno == 100090


def test_duplicates_satisfying_no_clause_are_ignored(tracked: bool) -> None:
    """Exactly one source row satisfies the UPDATE clause; the other satisfies none: no error."""
    emu = _emulator(tracked, "(1, 21), (1, -1)")
    counts = _counts(
        emu,
        "MERGE INTO TARGET T USING SRC S ON T.K = S.K "
        "WHEN MATCHED AND S.V > 0 THEN UPDATE SET V = S.V",
    )
    assert counts == {"number of rows updated": 1}
    assert _rows(emu)[1] == (1, 21, "dflt")


def test_several_deletes_are_deterministic(tracked: bool) -> None:
    """Only DELETE clauses satisfied by several source rows: deterministic, deleted once."""
    emu = _emulator(tracked, "(1, 0), (1, 1)")
    counts = _counts(emu, "MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN DELETE")
    assert counts == {"number of rows deleted": 1}
    assert [r[0] for r in _rows(emu)] == [0, 2]


def test_unmatched_duplicates_are_all_inserted(tracked: bool) -> None:
    """Unmatched source duplicates are all inserted, each with its own row."""
    emu = _emulator(tracked, "(7, 1), (7, 1), (8, 2)")
    counts = _counts(
        emu,
        "MERGE INTO TARGET T USING SRC S ON T.K = S.K "
        "WHEN NOT MATCHED THEN INSERT (K, V) VALUES (S.K, S.V)",
    )
    assert counts == {"number of rows inserted": 3}
    assert [r[0] for r in _rows(emu)] == [0, 1, 2, 7, 7, 8]
    # Each inserted row is a row of its own: a later UPDATE of one key reaches both copies.
    assert _counts(emu, "UPDATE TARGET SET V = 0 WHERE K = 7") == {
        "number of rows updated": 2,
        "number of multi-joined rows updated": 0,
    }


def test_noop_update_counts_as_updated(tracked: bool) -> None:
    """An UPDATE that writes the same value still counts as updated."""
    emu = _emulator(tracked, "(1, 11)")
    counts = _counts(
        emu, "MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN UPDATE SET V = S.V"
    )
    assert counts == {"number of rows updated": 1}


def test_nondeterminism_allowed_falls_back_to_one_winner(tracked: bool) -> None:
    """ERROR_ON_NONDETERMINISTIC_MERGE = FALSE: one candidate updates the row, counted once."""
    emu = _emulator(tracked, "(1, 21), (1, 31)")
    emu.execute("ALTER SESSION SET ERROR_ON_NONDETERMINISTIC_MERGE = FALSE")
    counts = _counts(
        emu, "MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN UPDATE SET V = S.V"
    )
    assert counts == {"number of rows updated": 1}
    assert _rows(emu)[1][1] in (21, 31)


def test_one_row_source_without_from(tracked: bool) -> None:
    """A one-row ``(SELECT …)`` source, the common upsert shape, matches and inserts."""
    emu = _emulator(tracked, "")
    statement = (
        "MERGE INTO TARGET T USING (SELECT {k} AS K, 5 AS V) S ON T.K = S.K "
        "WHEN MATCHED THEN UPDATE SET V = S.V WHEN NOT MATCHED THEN INSERT (K, V) VALUES (S.K, S.V)"
    )
    assert _counts(emu, statement.format(k=2)) == {
        "number of rows inserted": 0,
        "number of rows updated": 1,
    }
    assert _counts(emu, statement.format(k=9)) == {
        "number of rows inserted": 1,
        "number of rows updated": 0,
    }
    assert _rows(emu)[-2:] == [(2, 5, "dflt"), (9, 5, "dflt")]


def test_errors_are_the_same_on_both_paths(tracked: bool) -> None:
    """An unknown column in a clause is Snowflake's invalid identifier on either path."""
    emu = _emulator(tracked, "(1, 1)")
    with pytest.raises(ProgrammingError) as caught:
        emu.sql(
            "MERGE INTO TARGET T USING SRC S ON T.K = S.K WHEN MATCHED THEN UPDATE SET NOPE = 1"
        )
    assert caught.value.errno == 904


def test_inserted_rows_get_distinct_row_ids() -> None:
    """Rows inserted by MERGE and by later INSERTs each get their own METADATA$ROW_ID
    ("unique, immutable": https://docs.snowflake.com/en/user-guide/streams-intro)."""
    emu = _emulator(False, "(7, 1), (7, 1), (8, 2)")
    emu.execute(
        "MERGE INTO TARGET T USING SRC S ON T.K = S.K "
        "WHEN NOT MATCHED THEN INSERT (K, V) VALUES (S.K, S.V)"
    )
    emu.execute("INSERT INTO TARGET (K, V) VALUES (20, 1), (21, 1)")
    emu.execute("CREATE STREAM ST ON TABLE TARGET SHOW_INITIAL_ROWS = TRUE")
    ids = emu.sql('SELECT "METADATA$ROW_ID" AS ID FROM ST').column("ID").to_pylist()
    assert len(ids) == 8
    assert len(set(ids)) == 8
