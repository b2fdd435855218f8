"""The virtual clock, DATEADD/DATEDIFF and datetime conversions, run on DuckDB.

Expected values are the examples of the Snowflake function pages cited per test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlglot
from conftest import Run
from sqlglot import exp
from translate_helpers import NOW, one, translate

from icebridge.errors import DataError, UnsupportedError


def test_current_timestamp_is_the_virtual_clock_in_the_session_zone(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/current_timestamp: LTZ in
    # the session TIMEZONE.
    row = one(
        run(
            "SELECT CURRENT_TIMESTAMP()::VARCHAR a, CURRENT_TIMESTAMP::VARCHAR b, "
            "GETDATE()::VARCHAR c, LOCALTIMESTAMP()::VARCHAR d, CURRENT_TIMESTAMP() e"
        )
    )
    assert row["A"] == "2024-01-31 10:30:00.123456-08"
    assert row["B"] == row["C"] == row["D"] == row["A"]
    assert row["E"] == NOW


def test_clock_never_reads_duckdb_now() -> None:
    sql = translate("SELECT CURRENT_TIMESTAMP(), SYSDATE(), CURRENT_DATE, CURRENT_TIME")
    tree = sqlglot.parse_one(sql, read="duckdb")
    clock = (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.Localtime)
    assert not list(tree.find_all(*clock))
    assert all(f.name.lower() != "now" for f in tree.find_all(exp.Anonymous))


def test_current_timestamp_precision_truncates_fraction(run: Run) -> None:
    row = one(run("SELECT CURRENT_TIMESTAMP(0)::VARCHAR s, CURRENT_TIMESTAMP(3)::VARCHAR ms"))
    assert row == {"S": "2024-01-31 10:30:00-08", "MS": "2024-01-31 10:30:00.123-08"}


def test_ntz_cast_of_current_timestamp_keeps_local_wallclock(run: Run) -> None:
    # An NTZ DEFAULT CURRENT_TIMESTAMP() stores Los Angeles wallclock (SEMANTICS §6).
    row = one(run("SELECT CURRENT_TIMESTAMP()::TIMESTAMP_NTZ ntz"))
    assert row["NTZ"] == datetime(2024, 1, 31, 10, 30, 0, 123456)


def test_session_timezone_changes_the_local_view(run: Run, con: object) -> None:
    row = one(run("SELECT CURRENT_DATE d, CURRENT_TIME t", timezone="Asia/Tokyo"))
    # 18:30 UTC is 03:30 the next day in Tokyo.
    assert row["D"] == date(2024, 2, 1)
    assert row["T"] == time(3, 30, 0, 123456)


def test_current_date_and_time_are_local(run: Run) -> None:
    late = datetime(2024, 2, 1, 5, 0, tzinfo=UTC)  # still Jan 31 in Los Angeles
    row = one(run("SELECT CURRENT_DATE d, CURRENT_TIME() t", now=late))
    assert row == {"D": date(2024, 1, 31), "T": time(21, 0)}


def test_sysdate_is_utc_wallclock(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/sysdate: NTZ in UTC.
    assert one(run("SELECT SYSDATE() s"))["S"] == datetime(2024, 1, 31, 18, 30, 0, 123456)


def test_dateadd_docs_examples(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/dateadd
    row = one(
        run(
            "SELECT DATEADD(year, 2, TO_DATE('2022-05-08')) AS date_plus_two_years, "
            "DATEADD(year, -2, TO_DATE('2022-05-08')) AS date_minus_two_years, "
            "DATEADD(month, 1, '2023-01-31'::DATE) AS jan31, "
            "DATEADD(month, 1, '2023-02-28'::DATE) AS feb28, "
            "DATEADD(hour, 3, TO_TIME('05:00:00')) AS time_plus_three_hours, "
            "DATEADD(hour, 2, '2022-04-05'::DATE) AS timestamp_plus_two_hours"
        )
    )
    assert row == {
        "DATE_PLUS_TWO_YEARS": date(2024, 5, 8),
        "DATE_MINUS_TWO_YEARS": date(2020, 5, 8),
        "JAN31": date(2023, 2, 28),
        "FEB28": date(2023, 3, 28),
        "TIME_PLUS_THREE_HOURS": time(8, 0),
        "TIMESTAMP_PLUS_TWO_HOURS": datetime(2022, 4, 5, 2, 0),
    }


def test_timeadd_and_timestampadd_are_aliases(run: Run) -> None:
    row = one(
        run(
            "SELECT TIMEADD(quarter, 1, '2024-01-31'::DATE) q, "
            "TIMESTAMPADD(minute, 90, '2024-01-01 00:00:00'::TIMESTAMP_NTZ) m"
        )
    )
    assert row == {"Q": date(2024, 4, 30), "M": datetime(2024, 1, 1, 1, 30)}


def test_dateadd_on_ltz_keeps_ltz_and_follows_local_calendar(run: Run) -> None:
    # 2024-03-10 is the US DST change: one day later is the same local wallclock.
    row = one(
        run(
            "SELECT DATEADD(day, 1, '2024-03-09 12:00:00-08:00'::TIMESTAMP_LTZ)::VARCHAR d, "
            "DATEADD(hour, -1, CURRENT_TIMESTAMP())::VARCHAR h"
        )
    )
    assert row == {"D": "2024-03-10 12:00:00-07", "H": "2024-01-31 09:30:00.123456-08"}


def test_dateadd_nested(run: Run) -> None:
    row = one(run("SELECT DATEADD(day, 1, DATEADD(month, 1, '2024-01-31'::DATE)) d"))
    assert row["D"] == date(2024, 3, 1)


def test_datediff_docs_examples(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/datediff
    rows = run(
        "SELECT DATEDIFF(year, column1, column2) diff_years, "
        "DATEDIFF(month, column1, column2) diff_months, "
        "DATEDIFF(day, column1, column2) diff_days, "
        "column2 - column1 AS diff_days_via_minus "
        "FROM VALUES ('2015-12-30'::DATE, '2015-12-31'::DATE), "
        "('2015-12-31'::DATE, '2016-01-01'::DATE), ('2016-01-01'::DATE, '2017-12-31'::DATE), "
        "('2016-08-23'::DATE, '2016-09-07'::DATE)"
    )
    assert [tuple(r.values()) for r in rows] == [
        (0, 0, 1, 1),
        (1, 1, 1, 1),
        (1, 23, 730, 730),
        (0, 1, 15, 15),
    ]
    row = one(
        run(
            "SELECT DATEDIFF(year, '2020-04-09 14:39:20'::TIMESTAMP, "
            "'2023-05-08 23:39:20'::TIMESTAMP) AS diff_years, "
            "DATEDIFF(hour, '2023-05-08T23:39:20.123-07:00'::TIMESTAMP, "
            "DATEADD(year, 2, ('2023-05-08T23:39:20.123-07:00')::TIMESTAMP)) AS diff_hours"
        )
    )
    assert row == {"DIFF_YEARS": 3, "DIFF_HOURS": 17544}


def test_datediff_counts_boundaries(run: Run) -> None:
    row = one(
        run(
            "SELECT DATEDIFF(year, '2020-12-31', '2021-01-01') y, "
            "DATEDIFF(hour, '2016-01-01 01:59:59'::TIMESTAMP, "
            "'2016-01-01 02:00:00'::TIMESTAMP) h, "
            "DATEDIFF(minute, '2016-01-01 01:00:59'::TIMESTAMP, "
            "'2016-01-01 02:00:00'::TIMESTAMP) m"
        )
    )
    assert row == {"Y": 1, "H": 1, "M": 60}


def test_datediff_week_counts_monday_boundaries(run: Run) -> None:
    # Sunday -> Monday crosses a week start (WEEK_START = 0 means Monday).
    row = one(
        run(
            "SELECT DATEDIFF(week, '2024-01-07'::DATE, '2024-01-08'::DATE) a, "
            "DATEDIFF(week, '2024-01-08'::DATE, '2024-01-14'::DATE) b, "
            "DATEDIFF(week, '2024-01-14'::DATE, '2024-01-01'::DATE) c"
        )
    )
    assert row == {"A": 1, "B": 0, "C": -1}


def test_to_timestamp_variants(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/to_timestamp
    row = one(
        run(
            "SELECT TO_TIMESTAMP('2024-01-02 03:04:05') a, "
            "TO_TIMESTAMP_NTZ('2024-01-02 03:04:05') b, "
            "TO_TIMESTAMP_LTZ('2024-01-02 03:04:05')::VARCHAR c, "
            "TO_TIMESTAMP('02/01/2024 03:04', 'DD/MM/YYYY HH24:MI') d, "
            "TO_DATE('2024-01-02') e, TO_DATE('02.01.2024', 'DD.MM.YYYY') f, "
            "TO_TIMESTAMP(31536000) g, "
            "TO_TIMESTAMP_TZ('2024-01-02 03:04:05+01:00')::VARCHAR h"
        )
    )
    assert row == {
        "A": datetime(2024, 1, 2, 3, 4, 5),
        "B": datetime(2024, 1, 2, 3, 4, 5),
        "C": "2024-01-02 03:04:05-08",
        "D": datetime(2024, 1, 2, 3, 4),
        "E": date(2024, 1, 2),
        "F": date(2024, 1, 2),
        "G": datetime(1971, 1, 1),
        "H": "2024-01-01 18:04:05-08",
    }


def test_try_variants_give_null(run: Run) -> None:
    row = one(
        run(
            "SELECT TRY_TO_TIMESTAMP('nope') a, TRY_TO_DATE('nope') b, "
            "TRY_TO_TIMESTAMP('2024', 'YYYY') c, TRY_TO_TIMESTAMP_LTZ('x') d"
        )
    )
    assert row == {"A": None, "B": None, "C": datetime(2024, 1, 1), "D": None}


@pytest.mark.parametrize(
    ("sql", "errno", "message"),
    [
        ("SELECT TO_TIMESTAMP('abc')", 100035, "Timestamp 'abc' is not recognized"),
        ("SELECT TO_DATE('abc')", 100040, "Date 'abc' is not recognized"),
        ("SELECT TO_TIMESTAMP('2024-13', 'YYYY-MM')", 100035, "is not recognized"),
    ],
)
def test_invalid_datetime_text_is_snowflakes_error(
    run: Run, sql: str, errno: int, message: str
) -> None:
    with pytest.raises(DataError) as info:
        run(sql)
    assert info.value.errno == errno
    assert info.value.sqlstate == "22007"
    assert message in info.value.msg


def test_to_char_datetime_formats(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/to_char
    row = one(
        run(
            "SELECT TO_CHAR(CURRENT_TIMESTAMP(), 'YYYY-MM-DD HH24:MI:SS.FF3') a, "
            "TO_VARCHAR(CURRENT_TIMESTAMP(), 'DY, DD MON YYYY HH12:MI AM TZH:TZM') b, "
            "TO_CHAR('2024-07-04 15:00:00'::TIMESTAMP_NTZ, 'YY/MM/DD HH24\"h\" FF6') c, "
            "TO_CHAR('2024-07-04'::DATE, 'MM/DD/YYYY') d, "
            "TO_CHAR(CURRENT_TIMESTAMP(), 'FF9') e, "
            "TO_CHAR('2024-09-01 00:00:00'::TIMESTAMP, 'FF9 MMMM') f, "
            "TO_CHAR(t, 'YYYY-MM-DD\"T\"HH24:MI:SS') g "
            "FROM (SELECT '2024-09-01 08:07:06'::TIMESTAMP t)"
        )
    )
    assert row == {
        "A": "2024-01-31 10:30:00.123",
        "B": "Wed, 31 Jan 2024 10:30 AM -08:00",
        "C": "24/07/04 15h 000000",
        "D": "07/04/2024",
        "E": "123456000",
        "F": "000000000 September",
        "G": "2024-09-01T08:07:06",
    }


def test_to_char_unsupported_element_is_named() -> None:
    with pytest.raises(UnsupportedError, match="'Q'"):
        translate("SELECT TO_CHAR(CURRENT_DATE, 'YYYY-Q')")


def test_to_timestamp_unsupported_element_is_named() -> None:
    with pytest.raises(UnsupportedError, match="format element"):
        translate("SELECT TO_TIMESTAMP('2024 Q1', 'YYYY QQ')")


def test_ntz_compared_with_ltz_reads_ntz_as_session_local(run: Run) -> None:
    # SEMANTICS §6: an NTZ value is compared with LTZ as session-local wallclock.
    # The clock is 10:30 in Los Angeles, so the cutoff is 09:30 local.
    row = one(
        run(
            "SELECT '2024-01-31 09:00:00'::TIMESTAMP_NTZ < cutoff a, "
            "'2024-01-31 10:00:00'::TIMESTAMP_NTZ < cutoff b "
            "FROM (SELECT DATEADD(hour, -1, CURRENT_TIMESTAMP()) cutoff)"
        )
    )
    assert row == {"A": True, "B": False}
