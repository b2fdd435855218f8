"""Deploy a staging-only pipeline to the emulator, ingest rows and read them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from emulator.api.emulator import Emulator
from icebridge import Pipeline
from icebridge.errors import IngestError

STAGE_ONLY = Pipeline("orders", database="SHOP", warehouse="WH").stage(
    "STAGING.ORDERS_STAGING",
    columns={"ORDER_ID": "NUMBER(38,0)", "STATUS": "VARCHAR(10)", "AMOUNT": "NUMBER(10,2)"},
)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.execute("CREATE DATABASE SHOP")
    STAGE_ONLY.deploy(emulator)
    yield emulator
    emulator.close()


def test_ingest_then_read_back(emu: Emulator) -> None:
    rows = [{"order_id": 1, "status": "NEW", "amount": 9.99}, {"order_id": 2, "amount": "1.5"}]
    assert STAGE_ONLY.ingest(emu, rows) == 2
    table = emu.sql(
        "SELECT ORDER_ID, STATUS, AMOUNT, _INGESTED_AT FROM SHOP.STAGING.ORDERS_STAGING "
        "ORDER BY ORDER_ID"
    )
    assert table.column("ORDER_ID").to_pylist() == [Decimal(1), Decimal(2)]
    assert table.column("STATUS").to_pylist() == ["NEW", None]
    assert table.column("AMOUNT").to_pylist() == [Decimal("9.99"), Decimal("1.50")]
    stamps = table.column("_INGESTED_AT").to_pylist()
    assert all(isinstance(s, dt.datetime) for s in stamps)  # the DEFAULT applied
    assert STAGE_ONLY.status(emu).staged_rows == 2


def test_invalid_batch_writes_nothing(emu: Emulator) -> None:
    rows = [{"order_id": 1, "status": "NEW"}, {"order_id": 2, "status": "MUCH TOO LONG"}]
    with pytest.raises(IngestError) as err:
        STAGE_ONLY.ingest(emu, rows)
    assert (err.value.row, err.value.column) == (1, "STATUS")
    count = emu.sql("SELECT COUNT(*) AS N FROM SHOP.STAGING.ORDERS_STAGING")
    assert count.column("N").to_pylist() == [0]


def test_redeploying_keeps_staged_rows(emu: Emulator) -> None:
    STAGE_ONLY.ingest(emu, [{"order_id": 1}])
    STAGE_ONLY.deploy(emu)
    assert STAGE_ONLY.status(emu).staged_rows == 1
