"""Staged column names that the emulator cannot hold side by side are refused at definition.

In Snowflake unquoted ``ID`` is stored as ``ID`` (so it is the same column as ``"ID"``) while
``"id"`` is another column (https://docs.snowflake.com/en/sql-reference/identifiers-syntax).
DuckDB compares names case-insensitively, so the emulator cannot hold ``ID`` and ``"id"``:
the pipeline says so when it is defined, not with a raw DuckDB error at deploy.
"""

from __future__ import annotations

import pytest

from icebridge import Column, Pipeline
from icebridge.errors import DefinitionError


def _stage(columns: object) -> Pipeline:
    return Pipeline("p", database="DB", warehouse="WH").stage("RAW.T", columns=columns)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("columns", "first", "second"),
    [
        ({"ID": "NUMBER", '"id"': "NUMBER"}, "ID", '"id"'),
        ({'"Amount"': "NUMBER", "amount": "NUMBER"}, '"Amount"', "AMOUNT"),
        ([Column('"order_id"', "NUMBER"), Column("Order_Id", "NUMBER")], '"order_id"', "ORDER_ID"),
    ],
)
def test_names_that_differ_only_in_case_are_refused(
    columns: object, first: str, second: str
) -> None:
    with pytest.raises(DefinitionError) as info:
        _stage(columns)
    assert info.value.field == "columns"
    assert str(info.value).startswith(f"columns: {first} and {second} differ only in case")
    assert "emulator" in str(info.value)


def test_the_limits_of_the_rule() -> None:
    """``ID`` and ``"ID"`` are one name (declared twice); DuckDB folds ASCII letters only, so
    "É" and "é" stay two columns; the added _INGESTED_AT collides whatever its case."""
    with pytest.raises(DefinitionError, match="column ID is declared twice"):
        _stage({"ID": "NUMBER", '"ID"': "NUMBER"})
    staged = _stage({'"É"': "NUMBER", '"é"': "NUMBER"}).staging
    assert staged is not None
    assert [c.name for c in staged.columns][:2] == ["É", "é"]
    with pytest.raises(DefinitionError, match="_INGESTED_AT is added by icebridge"):
        _stage({"A": "NUMBER", '"_ingested_at"': "TIMESTAMP_NTZ"})
