"""Aggregate and window functions, through the emulator (column types from the catalog)."""

from __future__ import annotations

import json
from decimal import Decimal

import pyarrow as pa
import pytest

from emulator import Emulator


@pytest.fixture
def aggr(emu: Emulator) -> Emulator:
    """The ``aggr`` table of the PERCENTILE_CONT / MEDIAN pages' examples."""
    emu.execute(
        "CREATE TABLE aggr (k INT, v DECIMAL(10, 2));"
        "INSERT INTO aggr (k, v) VALUES (0, 0), (0, 10), (0, 20), (0, 30), (0, 40), "
        "(1, 10), (1, 20), (2, 10), (2, 20), (2, 25), (2, 30), (3, 60), (4, NULL)"
    )
    return emu


def test_percentile_cont_is_a_number(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/percentile_cont: 10, 12.5, 17.5,
    60 and NULL; a number (scale 2 + 3), not text, and not rounded to the input's scale."""
    table = aggr.sql(
        "SELECT k, PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY v) AS p FROM aggr "
        "GROUP BY k ORDER BY k"
    )
    assert table.column("P").to_pylist() == [
        Decimal("10"),
        Decimal("12.5"),
        Decimal("17.5"),
        Decimal("60"),
        None,
    ]
    assert table.schema.field("P").type == pa.decimal128(38, 5)


def test_percentile_cont_descending_and_over_a_window(aggr: Emulator) -> None:
    """ORDER BY ... DESC reads the percentile from the top; OVER (PARTITION BY) gives the
    group's value on every row (https://docs.snowflake.com/en/sql-reference/functions/percentile_cont)."""
    desc = aggr.sql(
        "SELECT PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY v DESC) AS p FROM aggr WHERE k = 0"
    )
    assert desc.column("P").to_pylist() == [Decimal("30")]
    over = aggr.sql(
        "SELECT k, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY v) OVER (PARTITION BY k) AS p "
        "FROM aggr WHERE k = 1"
    )
    assert over.column("P").to_pylist() == [Decimal("15"), Decimal("15")]


def test_median_and_percentile_disc(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/median (20, 15, 22.5, 60, NULL),
    https://docs.snowflake.com/en/sql-reference/functions/percentile_disc (a value of the
    input)."""
    rows = aggr.sql(
        "SELECT k, MEDIAN(v) AS m, PERCENTILE_DISC(0.25) WITHIN GROUP (ORDER BY v) AS d "
        "FROM aggr GROUP BY k ORDER BY k"
    ).to_pylist()
    assert [r["M"] for r in rows] == [
        Decimal("20"),
        Decimal("15"),
        Decimal("22.5"),
        Decimal("60"),
        None,
    ]
    assert [r["D"] for r in rows] == [
        Decimal("10"),
        Decimal("10"),
        Decimal("10"),
        Decimal("60"),
        None,
    ]


def test_listagg(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/listagg: WITHIN GROUP orders,
    DISTINCT drops repeats, an empty input gives the empty string."""
    row = aggr.sql(
        "SELECT LISTAGG(k, ',') WITHIN GROUP (ORDER BY k DESC) AS all_k, "
        "LISTAGG(DISTINCT k, '|') WITHIN GROUP (ORDER BY k) AS distinct_k FROM aggr"
    ).to_pylist()[0]
    assert row == {"ALL_K": "4,3,2,2,2,2,1,1,0,0,0,0,0", "DISTINCT_K": "0|1|2|3|4"}
    empty = aggr.sql("SELECT LISTAGG(k, ',') AS e FROM aggr WHERE k > 10").to_pylist()
    assert empty == [{"E": ""}]


def test_array_agg_distinct_within_group_over_a_window(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_agg: ``ARRAY_AGG(DISTINCT
    c) WITHIN GROUP (ORDER BY c) OVER (PARTITION BY ...)``; NULLs are left out."""
    rows = aggr.sql(
        "SELECT k, ARRAY_AGG(DISTINCT v) WITHIN GROUP (ORDER BY v DESC) "
        "OVER (PARTITION BY k) AS vs FROM aggr WHERE k IN (1, 4) ORDER BY k"
    ).to_pylist()
    assert [(r["K"], json.loads(r["VS"])) for r in rows] == [
        (1, [20, 10]),
        (1, [20, 10]),
        (4, []),
    ]


def test_object_agg(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/object_agg: pairs with a NULL
    key or value are left out."""
    row = aggr.sql(
        "SELECT OBJECT_AGG(k::VARCHAR, v::VARIANT) AS o FROM aggr WHERE v = 10 OR v IS NULL"
    ).to_pylist()[0]
    assert json.loads(row["O"]) == {"0": 10, "1": 10, "2": 10}


def test_ratio_to_report_and_conditional_true_event(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/ratio_to_report (the value over
    the window's sum), https://docs.snowflake.com/en/sql-reference/functions/conditional_true_event
    (counts the rows so far for which the condition holds)."""
    rows = aggr.sql(
        "SELECT v, RATIO_TO_REPORT(v) OVER (PARTITION BY k) AS r, "
        "CONDITIONAL_TRUE_EVENT(v >= 20) OVER (PARTITION BY k ORDER BY v) AS e "
        "FROM aggr WHERE k = 0 ORDER BY v"
    ).to_pylist()
    assert [float(r["R"]) for r in rows] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4])
    assert [r["E"] for r in rows] == [0, 0, 1, 2, 3]


def test_everyday_aggregates(aggr: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/count_if,
    https://docs.snowflake.com/en/sql-reference/functions/max_by,
    https://docs.snowflake.com/en/sql-reference/functions/booland_agg,
    https://docs.snowflake.com/en/sql-reference/functions/mode"""
    row = aggr.sql(
        "SELECT COUNT_IF(v > 15) AS ci, MAX_BY(k, v) AS mb, MIN_BY(k, v) AS nb, "
        "BOOLAND_AGG(k >= 0) AS ba, BOOLOR_AGG(k > 3) AS bo, MODE(k) AS mo FROM aggr"
    ).to_pylist()[0]
    assert row == {"CI": 8, "MB": 3, "NB": 0, "BA": True, "BO": True, "MO": 0}


def test_value_and_ranking_window_functions(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/last_value: with ORDER BY and no
    frame the window is the whole partition (NULLs sort last, so partition 1's last value is
    NULL); https://docs.snowflake.com/en/sql-reference/functions/first_value,
    https://docs.snowflake.com/en/sql-reference/functions/nth_value and the ranking
    functions (rank, dense_rank, ntile, cume_dist, percent_rank, lag, lead)."""
    rows = emu.sql(
        "SELECT column1 AS p, column2 AS v, "
        "LAST_VALUE(column2) OVER (PARTITION BY column1 ORDER BY column2) AS last_v, "
        "FIRST_VALUE(column2) OVER (PARTITION BY column1 ORDER BY column2) AS first_v, "
        "NTH_VALUE(column2, 2) OVER (PARTITION BY column1 ORDER BY column2) AS second_v, "
        "RANK() OVER (ORDER BY column1) AS rk, DENSE_RANK() OVER (ORDER BY column1) AS dr, "
        "LAG(column2, 1, 0) OVER (PARTITION BY column1 ORDER BY column2) AS prev, "
        "LEAD(column2) IGNORE NULLS OVER (PARTITION BY column1 ORDER BY column2) AS nxt "
        "FROM VALUES (1, 10), (1, 11), (1, NULL), (1, 12), (2, 20), (2, 21), (2, 22) "
        "ORDER BY p, v NULLS LAST"
    ).to_pylist()
    assert [r["LAST_V"] for r in rows] == [None] * 4 + [22] * 3
    assert [r["FIRST_V"] for r in rows] == [10] * 4 + [20] * 3
    assert [r["SECOND_V"] for r in rows] == [11] * 4 + [21] * 3
    assert [r["RK"] for r in rows] == [1, 1, 1, 1, 5, 5, 5]
    assert [r["DR"] for r in rows] == [1, 1, 1, 1, 2, 2, 2]
    assert [r["PREV"] for r in rows] == [0, 10, 11, 12, 0, 20, 21]
    assert [r["NXT"] for r in rows] == [11, 12, None, None, 21, 22, None]
    ranks = emu.sql(
        "SELECT NTILE(2) OVER (ORDER BY column1) AS nt, CUME_DIST() OVER (ORDER BY column1) AS cd, "
        "PERCENT_RANK() OVER (ORDER BY column1) AS pr FROM VALUES (1), (2), (3), (4) ORDER BY 1"
    ).to_pylist()
    assert [r["NT"] for r in ranks] == [1, 1, 2, 2]
    assert [r["CD"] for r in ranks] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert [r["PR"] for r in ranks] == pytest.approx([0, 1 / 3, 2 / 3, 1])
