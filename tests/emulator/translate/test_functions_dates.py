"""Date and time functions, run through the translation on DuckDB (the session TIMEZONE is
America/Los_Angeles)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from conftest import Run
from translate_helpers import one


def test_date_trunc(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/date_trunc: a DATE stays a DATE;
    a timestamp is cut to the part (weeks start on Monday)."""
    row = one(
        run(
            "SELECT DATE_TRUNC('MONTH', TO_DATE('2024-05-08')) AS m, "
            "DATE_TRUNC('QUARTER', '2024-05-08'::DATE) AS q, "
            "DATE_TRUNC('WEEK', '2024-05-08'::DATE) AS w, "
            "DATE_TRUNC('HOUR', '2024-05-08 23:39:20.123'::TIMESTAMP_NTZ) AS h"
        )
    )
    assert row == {
        "M": date(2024, 5, 1),
        "Q": date(2024, 4, 1),
        "W": date(2024, 5, 6),
        "H": datetime(2024, 5, 8, 23, 0),
    }


def test_last_day_next_day_previous_day(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/last_day (default part MONTH;
    WEEK ends on Sunday), https://docs.snowflake.com/en/sql-reference/functions/next_day,
    https://docs.snowflake.com/en/sql-reference/functions/previous_day (day names may be
    abbreviated; the same weekday gives the next or previous one)."""
    row = one(
        run(
            "SELECT LAST_DAY('2024-02-10'::DATE) AS feb, "
            "LAST_DAY('2024-05-08'::DATE, 'WEEK') AS wk, "
            "LAST_DAY('2024-05-08'::DATE, 'QUARTER') AS qt, "
            "LAST_DAY('2024-05-08'::DATE, 'YEAR') AS yr, "
            "NEXT_DAY('2024-05-08'::DATE, 'Friday') AS fri, "
            "NEXT_DAY('2024-05-10'::DATE, 'fr') AS nfri, "
            "PREVIOUS_DAY('2024-05-08'::DATE, 'Monday') AS mon"
        )
    )
    assert row == {
        "FEB": date(2024, 2, 29),
        "WK": date(2024, 5, 12),
        "QT": date(2024, 6, 30),
        "YR": date(2024, 12, 31),
        "FRI": date(2024, 5, 10),
        "NFRI": date(2024, 5, 17),
        "MON": date(2024, 5, 6),
    }


def test_convert_timezone(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/convert_timezone: the 3-argument
    form moves an NTZ wallclock between zones; the 2-argument form shows an instant in the
    target zone (the emulator returns that wallclock as TIMESTAMP_NTZ, without an offset)."""
    row = one(
        run(
            "SELECT CONVERT_TIMEZONE('America/Los_Angeles', 'America/New_York', "
            "'2019-01-01 14:00:00'::TIMESTAMP_NTZ) AS ny, "
            "CONVERT_TIMEZONE('Europe/Warsaw', 'UTC', "
            "'2019-01-01 00:00:00'::TIMESTAMP_NTZ) AS utc, "
            "CONVERT_TIMEZONE('America/Los_Angeles', "
            "'2024-04-05 12:00:00 +02:00'::TIMESTAMP_TZ) AS la"
        )
    )
    assert row == {
        "NY": datetime(2019, 1, 1, 17, 0),
        "UTC": datetime(2018, 12, 31, 23, 0),
        "LA": datetime(2024, 4, 5, 3, 0),
    }


def test_add_months_keeps_the_month_end(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/add_months: the last day of a
    month stays the last day (unlike DATEADD)."""
    row = one(
        run(
            "SELECT ADD_MONTHS('2016-05-15'::DATE, 2) AS a, "
            "ADD_MONTHS('2016-02-29'::DATE, 1) AS b, "
            "ADD_MONTHS('2016-01-31'::DATE, 1) AS c"
        )
    )
    assert row == {"A": date(2016, 7, 15), "B": date(2016, 3, 31), "C": date(2016, 2, 29)}


def test_months_between(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/months_between"""
    row = one(
        run(
            "SELECT MONTHS_BETWEEN('2019-03-15'::DATE, '2019-02-15'::DATE) AS whole, "
            "MONTHS_BETWEEN('2019-03-31'::DATE, '2019-02-28'::DATE) AS ends, "
            "MONTHS_BETWEEN('2019-03-01'::DATE, '2019-02-15'::DATE) AS part"
        )
    )
    assert float(row["WHOLE"]) == pytest.approx(1.0)
    assert float(row["ENDS"]) == pytest.approx(1.0)
    assert float(row["PART"]) == pytest.approx(0.548387, abs=1e-6)


def test_date_parts_and_names(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/year (and the other part
    functions), https://docs.snowflake.com/en/sql-reference/functions/dayname,
    https://docs.snowflake.com/en/sql-reference/functions/monthname. With the default
    WEEK_START, DAYOFWEEK of a Sunday is 0 and DAYOFWEEKISO 7."""
    row = one(
        run(
            "SELECT YEAR('2024-05-08'::DATE) AS y, QUARTER('2024-05-08'::DATE) AS q, "
            "DAYOFYEAR('2024-02-01'::DATE) AS doy, DAYOFWEEK('2024-05-12'::DATE) AS dow, "
            "DAYOFWEEKISO('2024-05-12'::DATE) AS iso, WEEKISO('2024-12-30'::DATE) AS wk, "
            "YEAROFWEEKISO('2024-12-30'::DATE) AS wy, DAYNAME('2024-05-08'::DATE) AS dn, "
            "MONTHNAME('2024-05-08'::DATE) AS mn, "
            "DATE_PART(minute, '2024-05-08 10:42:00'::TIMESTAMP) AS mi"
        )
    )
    assert row == {
        "Y": 2024,
        "Q": 2,
        "DOY": 32,
        "DOW": 0,
        "ISO": 7,
        "WK": 1,
        "WY": 2025,
        "DN": "Wed",
        "MN": "May",
        "MI": 42,
    }


def test_from_parts_and_conversions(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/date_from_parts (out-of-range
    parts carry over), https://docs.snowflake.com/en/sql-reference/functions/time_from_parts,
    https://docs.snowflake.com/en/sql-reference/functions/to_date (of a timestamp: its date),
    https://docs.snowflake.com/en/sql-reference/functions/to_time,
    https://docs.snowflake.com/en/sql-reference/functions/time_slice"""
    row = one(
        run(
            "SELECT DATE_FROM_PARTS(2004, 1, 0) AS d0, DATE_FROM_PARTS(2024, 2, 30) AS carry, "
            "TIME_FROM_PARTS(12, 34, 56) AS t, "
            "TO_DATE('2024-05-08 23:39:20'::TIMESTAMP_NTZ) AS td, "
            "TO_TIME('13:30:00') AS tt, "
            "TIME_SLICE('2019-02-28 12:34:56'::TIMESTAMP_NTZ, 15, 'MINUTE') AS slice"
        )
    )
    assert row == {
        "D0": date(2003, 12, 31),
        "CARRY": date(2024, 3, 1),
        "T": time(12, 34, 56),
        "TD": date(2024, 5, 8),
        "TT": time(13, 30),
        "SLICE": datetime(2019, 2, 28, 12, 30),
    }
