"""Builders for Iceberg and dynamic table DDL (re-exported by :mod:`icebridge.sql.build`).

https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake
https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence

from sqlglot import exp

from icebridge.errors import DefinitionError
from icebridge.sql.nodes_common import boolean, name_value, number, option
from icebridge.sql.nodes_table import CreateDynamicTable, CreateIcebergTable


def schema_or_name(name: exp.Table, columns: Sequence[exp.Expression]) -> exp.Expression:
    """``name (cols)`` as sqlglot parses it, or the bare name when there are no columns."""
    return exp.Schema(this=name, expressions=list(columns)) if columns else name


def comment_property(text: str) -> exp.SchemaCommentProperty:
    """A table ``COMMENT = '...'`` property."""
    return exp.SchemaCommentProperty(this=exp.Literal.string(text))


def _partition_item(item: exp.Expression) -> exp.Expression:
    # A bare column reads back as an identifier inside PARTITION BY (...).
    if isinstance(item, exp.Column) and not item.table:
        return t.cast(exp.Expression, item.this)
    return item


def partition_bucket(buckets: int, column: exp.Expression) -> exp.Expression:
    """``BUCKET(n, col)`` for PARTITION BY."""
    return exp.PartitionedByBucket(this=column, expression=exp.Literal.number(buckets))


def partition_truncate(width: int, column: exp.Expression) -> exp.Expression:
    """``TRUNCATE(w, col)`` for PARTITION BY."""
    return exp.PartitionByTruncate(this=column, expression=exp.Literal.number(width))


def partition_transform(transform: str, column: exp.Expression) -> exp.Expression:
    """``YEAR|MONTH|DAY|HOUR(col)`` for PARTITION BY."""
    klass = {"YEAR": exp.Year, "MONTH": exp.Month, "DAY": exp.Day, "HOUR": exp.Hour}.get(
        transform.upper()
    )
    if klass is None:
        raise DefinitionError(
            f"PARTITION BY: unknown transform {transform!r}", field="partition_by"
        )
    return t.cast(exp.Expression, klass(this=column))


def create_iceberg_table(
    name: exp.Table,
    *,
    columns: Sequence[exp.ColumnDef] = (),
    replace: bool = False,
    if_not_exists: bool = False,
    external_volume: str | None = None,
    catalog: str | None = None,
    base_location: str | None = None,
    partition_by: Sequence[exp.Expression] = (),
    cluster_by: Sequence[exp.Expression] = (),
    data_retention_time_in_days: int | None = None,
    change_tracking: bool | None = None,
    iceberg_version: int | None = None,
    comment: str | None = None,
    query: exp.Query | None = None,
) -> exp.Expression:
    """``CREATE ICEBERG TABLE name (cols) [PARTITION BY (...)] [options] [AS query]``
    (Snowflake-managed). ``partition_by`` items are columns or :func:`partition_bucket` /
    :func:`partition_truncate` / :func:`partition_transform` nodes.
    https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake
    """
    if not columns and query is None:
        raise DefinitionError(f"Iceberg table {name.sql()}: needs columns or a query")
    if replace and if_not_exists:
        raise DefinitionError(
            f"Iceberg table {name.sql()}: OR REPLACE and IF NOT EXISTS exclude each other"
        )
    props: list[exp.Expression] = [exp.IcebergProperty()]
    if partition_by:
        items = [_partition_item(p) for p in partition_by]
        props.append(exp.PartitionedByProperty(this=exp.Schema(expressions=items)))
    if cluster_by:
        props.append(exp.ClusterProperty(expressions=list(cluster_by)))
    for key, text in (
        ("EXTERNAL_VOLUME", external_volume),
        ("CATALOG", catalog),
        ("BASE_LOCATION", base_location),
    ):
        if text is not None:
            props.append(option(key, exp.Literal.string(text)))
    if data_retention_time_in_days is not None:
        props.append(option("DATA_RETENTION_TIME_IN_DAYS", number(data_retention_time_in_days)))
    if change_tracking is not None:
        props.append(option("CHANGE_TRACKING", boolean(change_tracking)))
    if iceberg_version is not None:
        props.append(option("ICEBERG_VERSION", number(iceberg_version)))
    if comment is not None:
        props.append(comment_property(comment))
    return CreateIcebergTable(
        this=schema_or_name(name, columns),
        kind="TABLE",
        replace=replace,
        exists=if_not_exists,
        properties=exp.Properties(expressions=props),
        expression=query,
    )


def create_dynamic_table(
    name: exp.Table,
    *,
    query: exp.Query,
    target_lag: str,
    warehouse: str,
    iceberg: bool = False,
    replace: bool = False,
    if_not_exists: bool = False,
    columns: Sequence[exp.ColumnDef] = (),
    refresh_mode: str | None = None,
    initialize: str | None = None,
    external_volume: str | None = None,
    catalog: str | None = None,
    base_location: str | None = None,
    comment: str | None = None,
) -> exp.Expression:
    """``CREATE DYNAMIC [ICEBERG] TABLE name TARGET_LAG = ... WAREHOUSE = ... AS query``.

    ``target_lag`` is ``"1 minute"`` style (rendered as a string) or ``"DOWNSTREAM"``
    (rendered as the keyword). Storage options need ``iceberg=True``; IF NOT EXISTS is
    not accepted with ICEBERG.
    https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table
    """
    what = f"dynamic table {name.sql()}"
    storage = (external_volume, catalog, base_location)
    if not iceberg and any(v is not None for v in storage):
        raise DefinitionError(
            f"{what}: EXTERNAL_VOLUME / CATALOG / BASE_LOCATION need iceberg=True", field="iceberg"
        )
    if iceberg and if_not_exists:
        raise DefinitionError(f"{what}: IF NOT EXISTS is not supported for DYNAMIC ICEBERG TABLE")
    if replace and if_not_exists:
        raise DefinitionError(f"{what}: OR REPLACE and IF NOT EXISTS exclude each other")
    if not target_lag.strip():
        raise DefinitionError(f"{what}: TARGET_LAG cannot be empty", field="target_lag")
    props: list[exp.Expression] = [exp.DynamicProperty()]
    if iceberg:
        props.append(exp.IcebergProperty())
    lag: exp.Expression = (
        exp.Var(this="DOWNSTREAM")
        if target_lag.strip().upper() == "DOWNSTREAM"
        else exp.Literal.string(target_lag)
    )
    props.append(option("TARGET_LAG", lag))
    props.append(option("WAREHOUSE", name_value(warehouse)))
    if refresh_mode is not None:
        props.append(option("REFRESH_MODE", exp.Var(this=refresh_mode.upper())))
    if initialize is not None:
        props.append(option("INITIALIZE", exp.Var(this=initialize.upper())))
    for key, text in zip(("EXTERNAL_VOLUME", "CATALOG", "BASE_LOCATION"), storage, strict=True):
        if text is not None:
            props.append(option(key, exp.Literal.string(text)))
    if comment is not None:
        props.append(comment_property(comment))
    return CreateDynamicTable(
        this=schema_or_name(name, columns),
        kind="TABLE",
        replace=replace,
        exists=if_not_exists,
        properties=exp.Properties(expressions=props),
        expression=query,
    )
