"""Task bodies and dynamic-table queries, built as sqlglot nodes.

- Insert mode (append-only stream): ``INSERT INTO target (cols) SELECT cols FROM stream``.
- Merge mode: ``MERGE`` from the stream deduplicated to one row per key with
  ``QUALIFY ROW_NUMBER() OVER (PARTITION BY keys ORDER BY latest_by DESC) = 1``, so one
  target row never meets two source rows (https://docs.snowflake.com/en/sql-reference/sql/merge);
  a matched row only updates the target when it is not older than the target's version.
- Standard streams drop the DELETE half of update pairs and apply real deletes.
- Cleanup deletes staging rows that are not among the stream's pending changes, read
  without consuming through ``CHANGES(INFORMATION => DEFAULT) AT(STREAM => ...)``
  (https://docs.snowflake.com/en/sql-reference/constructs/changes). The DEFAULT (net)
  changes show a pending row with its *current* values, also when it was updated after it
  was inserted; APPEND_ONLY changes show the values it was inserted with, which an updated
  row no longer equals, so it would be deleted before any load read it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from icebridge.pipeline.columns import INGESTED_AT
from icebridge.pipeline.specs import Cleanup, DynamicTarget, IcebergTarget, Stage, StreamSpec
from icebridge.sql.identifiers import column, identifier
from icebridge.types import parse_type

SOURCE = "S"
TARGET = "T"
PENDING = "P"
ACTION = "METADATA$ACTION"
ISUPDATE = "METADATA$ISUPDATE"


def _alias(table: exp.Table, alias: str) -> exp.Table:
    table.set("alias", exp.TableAlias(this=identifier(alias)))
    return table


def _and(conditions: Sequence[exp.Expression]) -> exp.Expression:
    result = conditions[0]
    for cond in conditions[1:]:
        result = exp.And(this=result, expression=cond)
    return result


def _latest_first(
    keys: Sequence[str], latest_by: str, prefer_inserts: bool = False
) -> exp.Expression:
    """``ROW_NUMBER() OVER (PARTITION BY keys ORDER BY [action,] latest_by DESC) = 1``."""
    order: list[exp.Ordered] = []
    if prefer_inserts:
        # An INSERT image wins over a DELETE of the same key: the row exists afterwards.
        rank = exp.Case(
            ifs=[
                exp.If(
                    this=exp.EQ(this=column(ACTION), expression=exp.Literal.string("INSERT")),
                    true=exp.Literal.number(0),
                )
            ],
            default=exp.Literal.number(1),
        )
        order.append(exp.Ordered(this=rank, desc=False, nulls_first=False))
    order.append(exp.Ordered(this=column(latest_by), desc=True, nulls_first=True))
    window = exp.Window(
        this=exp.RowNumber(),
        partition_by=[column(k) for k in keys],
        order=exp.Order(expressions=order),
        over="OVER",
    )
    return exp.EQ(this=window, expression=exp.Literal.number(1))


def _not_older(latest_by: str) -> exp.Expression:
    """``(S.latest >= T.latest OR T.latest IS NULL)``.

    A row that arrives late with an older ``latest_by`` than the target already holds
    must not overwrite the newer version; it then satisfies no clause and MERGE ignores it
    (https://docs.snowflake.com/en/sql-reference/sql/merge). ``>=`` keeps in-place staging
    updates, which leave ``_INGESTED_AT`` unchanged, effective.
    """
    newer = exp.GTE(this=column(latest_by, SOURCE), expression=column(latest_by, TARGET))
    unset = exp.Is(this=column(latest_by, TARGET), expression=exp.Null())
    return exp.Paren(this=exp.Or(this=newer, expression=unset))


def _is_action(value: str) -> exp.Expression:
    """``S.METADATA$ACTION = '<value>'``."""
    return exp.EQ(this=column(ACTION, SOURCE), expression=exp.Literal.string(value))


def target_columns(stage: Stage) -> list[str]:
    """Columns copied into the target: every staged column, in staging order."""
    return list(stage.column_names)


def insert_body(stage: Stage, stream: StreamSpec, target: IcebergTarget) -> exp.Insert:
    """``INSERT INTO target (cols) SELECT cols FROM stream``."""
    cols = target_columns(stage)
    select = exp.select(*(column(c) for c in cols)).from_(stream.name.table())
    return exp.Insert(
        this=exp.Schema(this=target.table.table(), expressions=[identifier(c) for c in cols]),
        expression=select,
    )


def merge_body(stage: Stage, stream: StreamSpec, target: IcebergTarget) -> exp.Merge:
    """The deduplicating MERGE from the stream into the target."""
    cols = target_columns(stage)
    keys = list(target.merge_on)
    latest = target.latest_by or INGESTED_AT
    projections: list[exp.Expression] = [column(c) for c in cols]
    source = exp.select(*projections).from_(stream.name.table())
    if not stream.append_only:
        source = source.select(column(ACTION), append=True).where(
            exp.Not(
                this=exp.Paren(
                    this=exp.And(
                        this=exp.EQ(this=column(ACTION), expression=exp.Literal.string("DELETE")),
                        expression=column(ISUPDATE),
                    )
                )
            )
        )
    source = source.qualify(_latest_first(keys, latest, prefer_inserts=not stream.append_only))
    on = _and([exp.EQ(this=column(k, TARGET), expression=column(k, SOURCE)) for k in keys])
    whens: list[exp.When] = []
    if not stream.append_only:
        whens.append(exp.When(matched=True, condition=_is_action("DELETE"), then=exp.var("DELETE")))
    updates = [c for c in cols if c not in keys]
    if updates:
        whens.append(
            exp.When(
                matched=True,
                condition=_not_older(latest),
                then=exp.Update(
                    expressions=[
                        exp.EQ(this=column(c, TARGET), expression=column(c, SOURCE))
                        for c in updates
                    ]
                ),
            )
        )
    whens.append(
        exp.When(
            matched=False,
            condition=None if stream.append_only else _is_action("INSERT"),
            then=exp.Insert(
                this=exp.Tuple(expressions=[column(c) for c in cols]),
                expression=exp.Tuple(expressions=[column(c, SOURCE) for c in cols]),
            ),
        )
    )
    return exp.Merge(
        this=_alias(target.table.table(), TARGET),
        using=exp.Subquery(this=source, alias=exp.TableAlias(this=identifier(SOURCE))),
        on=on,
        whens=exp.Whens(expressions=whens),
    )


def load_body(stage: Stage, stream: StreamSpec, target: IcebergTarget) -> exp.Expression:
    """The root task body: insert or merge, consuming the stream once per run."""
    return merge_body(stage, stream, target) if target.merge else insert_body(stage, stream, target)


def cleanup_body(stage: Stage, stream: StreamSpec, cleanup: Cleanup) -> exp.Delete:
    """Delete staging rows that are not pending in the stream (never an unloaded row)."""
    pending = exp.Table(
        this=identifier(stage.table.name),
        db=identifier(stage.table.schema),
        catalog=identifier(stage.table.database),
        changes=exp.Changes(
            information=exp.var("DEFAULT"),
            at_before=exp.HistoricalData(
                this="AT",
                kind="STREAM",
                expression=exp.Literal.string(stream.name.sql()),
            ),
        ),
        alias=exp.TableAlias(this=identifier(PENDING)),
    )
    same_row = _and(
        [
            exp.NullSafeEQ(this=column(c, PENDING), expression=column(c, SOURCE))
            for c in stage.column_names
        ]
    )
    inserted = exp.EQ(
        this=column("METADATA$ACTION", PENDING), expression=exp.Literal.string("INSERT")
    )
    probe = exp.select(exp.Literal.number(1)).from_(pending).where(_and([inserted, same_row]))
    condition: exp.Expression = exp.Not(this=exp.Exists(this=probe))
    if cleanup.min_age is not None:
        cutoff = exp.DateAdd(
            this=exp.Cast(
                this=exp.CurrentTimestamp(),
                to=exp.DataType.build("TIMESTAMP_NTZ", dialect="snowflake"),
            ),
            expression=exp.Neg(this=exp.Literal.number(cleanup.min_age.seconds)),
            unit=exp.var("SECOND"),
        )
        condition = exp.And(
            this=condition,
            expression=exp.LT(this=column(INGESTED_AT, SOURCE), expression=cutoff),
        )
    return exp.Delete(
        this=_alias(stage.table.table(), SOURCE),
        where=exp.Where(this=condition),
    )


def dynamic_query(stage: Stage, target: DynamicTarget) -> exp.Select:
    """``SELECT cols FROM staging [QUALIFY ...]``, casting columns whose staging type is
    not Iceberg-legal (``VARCHAR(50)`` -> ``STRING``) so the table's schema is."""
    projections: list[exp.Expression] = []
    types = dict(target.columns)
    for col in stage.columns:
        staged = col.dtype
        wanted = parse_type(types[col.name], column=col.name)
        if wanted == staged:
            projections.append(column(col.name))
        else:
            projections.append(
                exp.Alias(
                    this=exp.Cast(this=column(col.name), to=wanted), alias=identifier(col.name)
                )
            )
    query = exp.select(*projections).from_(stage.table.table())
    if target.merge:
        query = query.qualify(_latest_first(target.merge_on, target.latest_by or INGESTED_AT))
    return query
