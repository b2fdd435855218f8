"""Pipeline.ingest: name matching, validation before writing, Arrow conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from pipeline_fake_target import RecordingTarget

from icebridge import Column, Pipeline
from icebridge.errors import IngestError
from icebridge.sql.identifiers import ObjectName
from icebridge.targets.base import Target

COLUMNS = {
    "ORDER_ID": "NUMBER(38,0)",
    "CUSTOMER_ID": "NUMBER(38,0)",
    "ORDER_TS": "TIMESTAMP_NTZ",
    "STATUS": "VARCHAR(10)",
    "TOTAL_AMOUNT": "NUMBER(10,2)",
}


def orders() -> Pipeline:
    return (
        Pipeline("orders", database="DB", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns=COLUMNS)
        .stream()
        .to_iceberg("A.ORDERS", merge_on="ORDER_ID")
    )


ROWS = [
    {
        "order_id": 1,
        "customer_id": 7,
        "order_ts": "2024-05-01 10:00:00",
        "status": "NEW",
        "total_amount": 19.99,
    },
    {
        "ORDER_ID": 2,
        "CUSTOMER_ID": 8,
        "ORDER_TS": dt.datetime(2024, 5, 1, 11),
        "STATUS": "PAID",
        "TOTAL_AMOUNT": Decimal("5.5"),
    },
]


def test_fake_target_satisfies_the_protocol() -> None:
    assert isinstance(RecordingTarget(), Target)


def test_list_of_dicts_becomes_one_arrow_batch() -> None:
    target = RecordingTarget()
    assert orders().ingest(target, ROWS) == 2
    ((table, batch),) = target.batches
    assert table == ObjectName("DB", "STAGING", "ORDERS_STAGING")
    # _INGESTED_AT is left to its DEFAULT.
    assert batch.column_names == ["ORDER_ID", "CUSTOMER_ID", "ORDER_TS", "STATUS", "TOTAL_AMOUNT"]
    assert batch.schema.field("TOTAL_AMOUNT").type == pa.decimal128(10, 2)
    assert batch.schema.field("ORDER_TS").type == pa.timestamp("ns")
    assert batch.column("TOTAL_AMOUNT").to_pylist() == [Decimal("19.99"), Decimal("5.50")]
    assert batch.column("ORDER_TS").to_pylist()[0] == dt.datetime(2024, 5, 1, 10)


def test_arrow_and_pandas_inputs() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"order_id": [1, 2], "status": ["A", None], "total_amount": [1.5, 2.25]})
    target = RecordingTarget()
    assert orders().ingest(target, frame) == 2
    arrow = pa.table({"ORDER_ID": [3], "TOTAL_AMOUNT": [1.005]})
    assert orders().ingest(target, arrow) == 1
    first, second = (b for _, b in target.batches)
    assert first.column("STATUS").to_pylist() == ["A", None]
    assert first.column("ORDER_ID").to_pylist() == [Decimal(1), Decimal(2)]
    assert second.column("TOTAL_AMOUNT").type == pa.decimal128(10, 2)


@pytest.mark.parametrize(
    ("rows", "row", "column"),
    [
        ([{"ORDER_ID": 1}, {"ORDER_ID": 2, "COLOUR": "red"}], 1, "COLOUR"),
        ([{"ORDER_ID": 1}, {"ORDER_ID": None}], 1, "ORDER_ID"),
        ([{"ORDER_ID": 1}, {"CUSTOMER_ID": 3}], 1, "ORDER_ID"),
        ([{"ORDER_ID": 1, "TOTAL_AMOUNT": "12,5"}], 0, "TOTAL_AMOUNT"),
        ([{"ORDER_ID": 1}, {"ORDER_ID": 2, "TOTAL_AMOUNT": 123456789.0}], 1, "TOTAL_AMOUNT"),
        ([{"ORDER_ID": 1, "STATUS": "x" * 11}], 0, "STATUS"),
        (
            [{"ORDER_ID": 1}, {"ORDER_ID": 2}, {"ORDER_ID": 3, "ORDER_TS": "yesterday"}],
            2,
            "ORDER_TS",
        ),
        ([{"ORDER_ID": True}], 0, "ORDER_ID"),
        ([{"ORDER_ID": 1, "STATUS": {"a": 1}}], 0, "STATUS"),
    ],
)
def test_invalid_rows_are_rejected_before_writing(
    rows: list[dict[str, object]], row: int, column: str
) -> None:
    target = RecordingTarget()
    with pytest.raises(IngestError) as err:
        orders().ingest(target, rows)
    assert (err.value.row, err.value.column) == (row, column)
    assert column in str(err.value)
    assert target.batches == []


def test_missing_not_null_key_column_in_arrow_input() -> None:
    with pytest.raises(IngestError) as err:
        orders().ingest(RecordingTarget(), pa.table({"STATUS": ["A"]}))
    assert err.value.column == "ORDER_ID"


def test_null_key_in_arrow_input_names_the_row() -> None:
    with pytest.raises(IngestError) as err:
        orders().ingest(RecordingTarget(), pa.table({"ORDER_ID": [1, None, 3]}))
    assert (err.value.row, err.value.column) == (1, "ORDER_ID")


def test_bad_value_in_arrow_input_names_the_row() -> None:
    table = pa.table({"ORDER_ID": [1, 2, 3], "STATUS": ["ok", "ok", "far too long"]})
    with pytest.raises(IngestError) as err:
        orders().ingest(RecordingTarget(), table)
    assert (err.value.row, err.value.column) == (2, "STATUS")


def test_names_matching_rules() -> None:
    p = Pipeline("p", database="DB").stage(
        "S.T", columns=[Column('"Mixed Case"', "STRING"), Column("plain", "NUMBER")]
    )
    target = RecordingTarget()
    p.ingest(target, [{"Mixed Case": "a", "Plain": 1}, {'"Mixed Case"': None, "PLAIN": 2}])
    batch = target.batches[0][1]
    assert batch.column_names == ["Mixed Case", "PLAIN"]
    assert batch.column("Mixed Case").to_pylist() == ["a", None]
    with pytest.raises(IngestError) as err:
        p.ingest(target, [{"mixed case": "a"}])
    assert err.value.column == "mixed case"
    with pytest.raises(IngestError, match="both name") as err:
        p.ingest(target, [{"plain": 1, "PLAIN": 2}])
    assert err.value.column == "PLAIN"


def test_value_conversions() -> None:
    p = Pipeline("p", database="DB").stage(
        "S.T",
        columns={
            "B": "BOOLEAN",
            "D": "DATE",
            "F": "FLOAT",
            "V": "VARIANT",
            "LTZ": "TIMESTAMP_LTZ",
            "BIN": "BINARY(2)",
        },
        ingested_at=False,
    )
    target = RecordingTarget()
    p.ingest(
        target,
        [
            {
                "B": "yes",
                "D": "2024-01-02",
                "F": "1.5",
                "V": {"k": [1, 2]},
                "LTZ": "2024-01-01T00:00:00+02:00",
                "BIN": b"\x01\x02",
            },
            {
                "B": 0,
                "D": dt.datetime(2024, 1, 3, 4),
                "F": 2,
                "V": "[1]",
                "LTZ": None,
                "BIN": "0a0b",
            },
        ],
    )
    batch = target.batches[0][1]
    assert batch.column("B").to_pylist() == [True, False]
    assert batch.column("D").to_pylist() == [dt.date(2024, 1, 2), dt.date(2024, 1, 3)]
    assert batch.column("F").to_pylist() == [1.5, 2.0]
    assert batch.column("V").to_pylist() == ['{"k":[1,2]}', "[1]"]
    assert batch.column("LTZ").to_pylist()[0] == dt.datetime(2023, 12, 31, 22, tzinfo=dt.UTC)
    assert batch.column("BIN").to_pylist() == [b"\x01\x02", b"\n\x0b"]
    with pytest.raises(IngestError) as err:
        p.ingest(target, [{"BIN": b"abc"}])
    assert err.value.column == "BIN"


def test_rows_must_be_a_supported_shape() -> None:
    with pytest.raises(IngestError):
        orders().ingest(RecordingTarget(), {"ORDER_ID": 1})
    with pytest.raises(IngestError) as err:
        orders().ingest(RecordingTarget(), [{"ORDER_ID": 1}, ("not", "a", "dict")])
    assert err.value.row == 1


def test_empty_input_writes_nothing() -> None:
    target = RecordingTarget()
    assert orders().ingest(target, []) == 0
    assert orders().ingest(target, pa.table({"ORDER_ID": pa.array([], pa.int64())})) == 0
    assert target.batches == []


def test_numbers_round_half_away_from_zero_on_every_input_path() -> None:
    p = Pipeline("p", database="DB").stage(
        "S.T", columns={"N": "NUMBER(10,1)", "I": "NUMBER"}, ingested_at=False
    )
    values = [1.25, -1.25, 2.5]
    target = RecordingTarget()
    p.ingest(target, [{"N": v, "I": v} for v in values])
    p.ingest(target, pa.table({"N": values, "I": values}))
    for _, batch in target.batches:
        assert batch.column("N").to_pylist() == [Decimal("1.3"), Decimal("-1.3"), Decimal("2.5")]
        assert batch.column("I").to_pylist() == [Decimal(1), Decimal(-1), Decimal(3)]


def test_number_overflow_in_arrow_input_names_the_row() -> None:
    table = pa.table({"ORDER_ID": [1, 2], "TOTAL_AMOUNT": pa.array([5, 10**9], pa.int64())})
    with pytest.raises(IngestError) as err:
        orders().ingest(RecordingTarget(), table)
    assert (err.value.row, err.value.column) == (1, "TOTAL_AMOUNT")


def test_list_and_arrow_paths_agree() -> None:
    p = Pipeline("p", database="DB").stage(
        "S.T",
        columns={"N": "NUMBER(10,2)", "TS": "TIMESTAMP_NTZ", "LTZ": "TIMESTAMP_LTZ", "S": "STRING"},
        ingested_at=False,
    )
    aware = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    rows = [
        {"N": Decimal("1.005"), "TS": aware, "LTZ": aware, "S": "x"},
        {"N": 7, "TS": dt.datetime(2024, 1, 2), "LTZ": dt.datetime(2024, 1, 2), "S": None},
    ]
    target = RecordingTarget()
    p.ingest(target, rows)
    batch = target.batches[0][1]
    assert batch.column("N").to_pylist() == [Decimal("1.01"), Decimal("7.00")]
    # NTZ keeps the wallclock of aware values; LTZ converts them to UTC.
    assert batch.column("TS").to_pylist() == [dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 2)]
    assert batch.column("LTZ").to_pylist()[0] == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    p.ingest(target, pa.Table.from_pylist(rows[1:]))
    assert target.batches[1][1].to_pylist() == batch.slice(1).to_pylist()
