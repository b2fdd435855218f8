"""DATEADD's result type follows its input's type, for columns as for literals.

The column types come from the catalog (the session's translation reads them), so these run
through the emulator's statement path. Data and expected values: the DATEADD page's examples.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pyarrow as pa
import pytest

from emulator import Emulator


@pytest.fixture
def dated(emu: Emulator) -> Emulator:
    emu.execute(
        "CREATE TABLE t (d DATE, jan31 DATE, tm TIME, ntz TIMESTAMP_NTZ, ltz TIMESTAMP_LTZ);"
        "INSERT INTO t VALUES ('2022-05-08', '2023-01-31', '05:00:00', "
        "'2022-04-05 00:00:00', '2024-03-09 12:00:00')"
    )
    return emu


def test_dateadd_on_a_date_column_is_a_date(dated: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/dateadd: for a DATE input and
    a part of a day or larger the result is a DATE (example: 2022-05-08 plus and minus two
    years)."""
    table = dated.sql(
        "SELECT DATEADD(year, 2, d) AS date_plus_two_years, "
        "DATEADD(year, -2, d) AS date_minus_two_years, DATEADD(day, 1, d) AS next_day FROM t"
    )
    assert table.to_pylist() == [
        {
            "DATE_PLUS_TWO_YEARS": date(2024, 5, 8),
            "DATE_MINUS_TWO_YEARS": date(2020, 5, 8),
            "NEXT_DAY": date(2022, 5, 9),
        }
    ]
    assert all(field.type == pa.date32() for field in table.schema)


def test_dateadd_month_on_a_date_column_clamps_to_the_month_end(dated: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/dateadd: adding a month to
    January 31 gives the last day of February (2023-02-28), still a DATE."""
    row = dated.sql("SELECT DATEADD(month, 1, jan31) AS feb FROM t").to_pylist()[0]
    assert row == {"FEB": date(2023, 2, 28)}


def test_dateadd_on_a_date_column_by_the_size_of_the_part(dated: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/dateadd: a DATE with a part
    smaller than a day is a TIMESTAMP_NTZ from midnight (2022-04-05 + 2 hours); a week is a
    day or more, so the result stays a DATE."""
    table = dated.sql(
        "SELECT DATEADD(hour, 2, ntz::DATE) AS timestamp_plus_two_hours, "
        "DATEADD(hour, 2, d) AS h, DATEADD(week, 1, d) AS w FROM t"
    )
    assert table.to_pylist() == [
        {
            "TIMESTAMP_PLUS_TWO_HOURS": datetime(2022, 4, 5, 2, 0),
            "H": datetime(2022, 5, 8, 2, 0),
            "W": date(2022, 5, 15),
        }
    ]
    assert table.schema.field("H").type == pa.timestamp("us")
    assert table.schema.field("W").type == pa.date32()


def test_dateadd_keeps_each_input_type(dated: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/dateadd: a TIME stays a TIME
    (05:00 + 3 hours = 08:00), a timestamp keeps its flavour (NTZ stays naive, LTZ stays
    zoned) and a DATE stays a DATE, in one query over columns of each type."""
    table = dated.sql(
        "SELECT DATEADD(hour, 3, tm) AS time_plus_three_hours, DATEADD(day, 1, ntz) AS n, "
        "DATEADD(day, 1, ltz) AS l, DATEADD(quarter, 1, d) AS q FROM t"
    )
    row = table.to_pylist()[0]
    assert row["TIME_PLUS_THREE_HOURS"] == time(8, 0)
    assert row["N"] == datetime(2022, 4, 6, 0, 0)
    assert row["Q"] == date(2022, 8, 8)
    assert table.schema.field("N").type == pa.timestamp("us")
    assert table.schema.field("L").type.tz is not None
    assert table.schema.field("Q").type == pa.date32()


def test_dateadd_of_an_expression_over_a_date_column_is_a_date(dated: Emulator) -> None:
    """The input's type is the expression's: MAX of a DATE, DATE_TRUNC and LAST_DAY of a
    DATE, and a nested DATEADD on a DATE are DATEs, so the result is a DATE
    (https://docs.snowflake.com/en/sql-reference/functions/dateadd)."""
    row = dated.sql(
        "SELECT DATEADD(day, 1, MAX(d)) AS m, DATEADD(month, 1, DATE_TRUNC('month', d)) AS t, "
        "DATEADD(day, 1, LAST_DAY(d)) AS l, DATEADD(day, 1, DATEADD(month, 1, jan31)) AS n "
        "FROM t GROUP BY d, jan31"
    ).to_pylist()[0]
    assert row == {
        "M": date(2022, 5, 9),
        "T": date(2022, 6, 1),
        "L": date(2022, 6, 1),
        "N": date(2023, 3, 1),
    }


def test_dateadd_on_a_view_and_a_subquery_column(dated: Emulator) -> None:
    """Declared types follow a view's and a subquery's columns
    (https://docs.snowflake.com/en/sql-reference/functions/dateadd)."""
    dated.sql("CREATE VIEW v AS SELECT d FROM t")
    assert dated.sql("SELECT DATEADD(year, 2, d) AS x FROM v").to_pylist() == [
        {"X": date(2024, 5, 8)}
    ]
    assert dated.sql("SELECT DATEADD(year, 2, x) AS y FROM (SELECT d AS x FROM t)").to_pylist() == [
        {"Y": date(2024, 5, 8)}
    ]


def test_date_trunc_of_a_date_column_is_a_date(dated: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/date_trunc: the result has the
    input's type, so a DATE truncated to the month is a DATE."""
    table = dated.sql("SELECT DATE_TRUNC('MONTH', d) AS m FROM t")
    assert table.to_pylist() == [{"M": date(2022, 5, 1)}]
    assert table.schema.field("M").type == pa.date32()
