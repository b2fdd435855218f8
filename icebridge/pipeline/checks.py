"""Validation helpers for the Pipeline builder: each raises DefinitionError with ``field``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from icebridge.errors import DefinitionError
from icebridge.pipeline.columns import INGESTED_AT, resolve_column_refs
from icebridge.pipeline.specs import DynamicTarget, PipelineParts, Stage
from icebridge.sql.identifiers import ObjectName, normalize
from icebridge.types import (
    FLOAT_TYPES,
    GEO_TYPES,
    SEMI_STRUCTURED,
    iceberg_column_type,
    parse_type,
    to_iceberg,
    type_sql,
)

REFRESH_MODES = ("AUTO", "FULL", "INCREMENTAL")
INITIALIZE = ("ON_CREATE", "ON_SCHEDULE")
#: TASK_AUTO_RETRY_ATTEMPTS range (https://docs.snowflake.com/en/sql-reference/sql/create-task).
MAX_RETRIES = 30
#: DATA_RETENTION_TIME_IN_DAYS / MAX_DATA_EXTENSION_TIME_IN_DAYS upper bound.
MAX_RETENTION_DAYS = 90


def ident(value: object, *, field: str) -> str:
    """A stored identifier from Snowflake identifier syntax."""
    if not isinstance(value, str):
        raise DefinitionError(f"{field}: expected an identifier, got {value!r}", field=field)
    return normalize(value.strip(), what=field)


def object_name(
    text: object, *, field: str, database: str | None, schema: str | None
) -> ObjectName:
    """A fully-qualified name, missing parts taken from ``database``/``schema``."""
    if not isinstance(text, str):
        raise DefinitionError(f"{field}: expected an object name, got {text!r}", field=field)
    return ObjectName.parse(text, database=database, schema=schema, what=field)


def count(value: object, *, field: str, low: int, high: int | None) -> int:
    """An integer within ``low``..``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise DefinitionError(f"{field}: expected an integer >= {low}, got {value!r}", field=field)
    if high is not None and value > high:
        raise DefinitionError(f"{field}: {value} is above the maximum {high}", field=field)
    return value


def text(value: object, *, field: str) -> str:
    """Non-empty text (rendered later as a string literal, never spliced)."""
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise DefinitionError(f"{field}: expected non-empty text, got {value!r}", field=field)
    return value


def base_location(table: ObjectName) -> str:
    """The default BASE_LOCATION of a target: ``DATABASE/SCHEMA/TABLE``."""
    # A path per table, relative to the external volume, that never collides across
    # databases or schemas (https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake).
    return "/".join(table.parts)


def target_name(pipeline: PipelineParts, table: str, staging: Stage, *, kind: str) -> ObjectName:
    """Resolve a target table name, rejecting a second target or the staging table."""
    name = object_name(table, field="table", database=pipeline.database, schema=None)
    if pipeline.target is not None:
        other = "dynamic" if isinstance(pipeline.target, DynamicTarget) else "task"
        if pipeline.target.table == name and other != kind:
            raise both_kinds(name)
        raise DefinitionError(
            f"table: this pipeline already loads {pipeline.target.table}; define another "
            "Pipeline for another target",
            field="table",
        )
    if name == staging.table:
        raise DefinitionError(
            f"table: the target {name} cannot be the staging table", field="table"
        )
    return name


def merge_keys(
    merge_on: str | Sequence[str] | None, latest_by: str | None, staging: Stage
) -> tuple[tuple[str, ...], str | None]:
    """Resolve ``merge_on`` and ``latest_by`` (default ``_INGESTED_AT``) to stored names."""
    if merge_on is None:
        if latest_by is not None:
            raise DefinitionError(
                "merge_on: latest_by asks for a deduplicating MERGE, which needs a key; "
                "pass merge_on=...",
                field="merge_on",
            )
        return (), None
    keys = resolve_column_refs(merge_on, staging.columns, field="merge_on")
    for key in keys:
        kind = staging.column(key).dtype.this
        if kind in SEMI_STRUCTURED or kind in GEO_TYPES or kind in FLOAT_TYPES:
            # Keys are compared for equality; floats are inexact (and cannot be Iceberg
            # identifier fields), semi-structured and geospatial values are not comparable.
            raise DefinitionError(
                f"merge_on: column {key} of type {kind.value} cannot be a merge key",
                field="merge_on",
            )
    if latest_by is None:
        if not staging.ingested_at:
            raise DefinitionError(
                f"latest_by: without the {INGESTED_AT} column, name the column that "
                "orders versions of a key",
                field="latest_by",
            )
        return keys, INGESTED_AT
    (latest,) = resolve_column_refs(latest_by, staging.columns, field="latest_by")
    return keys, latest


def choice(value: str | None, allowed: tuple[str, ...], *, field: str) -> str | None:
    """``value`` upper-cased if it is one of ``allowed`` (None passes through)."""
    if value is None:
        return None
    if not isinstance(value, str) or value.upper() not in allowed:
        raise DefinitionError(
            f"{field}: expected one of {', '.join(allowed)}, got {value!r}", field=field
        )
    return value.upper()


def dynamic_with_stream() -> DefinitionError:
    """The error for combining ``.stream()`` with a dynamic target."""
    return DefinitionError(
        "stream: dynamic tables track changes themselves; remove .stream() when using "
        ".to_dynamic_iceberg()",
        field="stream",
    )


def failure_on_dynamic() -> DefinitionError:
    """The error for a task failure policy on a dynamic target."""
    return DefinitionError(
        "on_failure: failure policies apply to tasks; a dynamic table has none",
        field="on_failure",
    )


def both_kinds(name: ObjectName) -> DefinitionError:
    """The error for one table used as a task target and as a dynamic table."""
    return DefinitionError(
        f"table: {name} cannot be both a task target and a dynamic table (a dynamic table "
        "is filled by its query only)",
        field="table",
    )


def iceberg_columns(
    staging: Stage, column_types: Mapping[str, str] | None
) -> tuple[tuple[str, str], ...]:
    """The target's (column, Snowflake type text) pairs: each staged column's Iceberg-legal
    type, or the explicit type given in ``column_types`` (checked against Iceberg's rules)."""
    overrides: dict[str, str] = {}
    for key, type_text in (column_types or {}).items():
        (name,) = resolve_column_refs(key, staging.columns, field="column_types")
        try:
            dtype = parse_type(type_text, column=name)
            to_iceberg(dtype, column=name)
        except DefinitionError as err:
            raise DefinitionError(str(err), field="column_types") from None
        overrides[name] = type_sql(dtype)
    out: list[tuple[str, str]] = []
    for col in staging.columns:
        if col.name in overrides:
            out.append((col.name, overrides[col.name]))
            continue
        try:
            out.append((col.name, type_sql(iceberg_column_type(col.dtype, column=col.name))))
        except DefinitionError as err:
            raise DefinitionError(str(err), field="columns") from None
    return tuple(out)
