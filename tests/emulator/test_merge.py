"""MERGE plans run on a real DuckDB connection, checked against Snowflake's documented results.

Examples and results come from https://docs.snowflake.com/en/sql-reference/sql/merge.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import duckdb
import pytest
from sqlglot import exp

from emulator.core import sql
from emulator.statements.merge import MergeTarget, execute_plan, plan_merge
from icebridge.errors import DataError
from icebridge.sql.dialect import parse_one

ROW_ID = "__RID"


class Db:
    """A DuckDB database whose target tables carry a hidden sequence-filled row id."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.targets: dict[str, MergeTarget] = {}

    def target(
        self,
        name: str,
        columns: str,
        rows: str | None = None,
        defaults: Mapping[str, exp.Expression] | None = None,
    ) -> None:
        """Create target ``name`` with ``columns`` (DuckDB DDL, upper-case names)."""
        self.con.execute(f"CREATE SEQUENCE {name}_seq")
        self.con.execute(
            f"CREATE TABLE {name} ({ROW_ID} BIGINT DEFAULT nextval('{name}_seq'), {columns})"
        )
        names = [r[0] for r in self.con.execute(f"DESCRIBE {name}").fetchall() if r[0] != ROW_ID]
        if rows:
            self.con.execute(f"INSERT INTO {name} ({', '.join(names)}) VALUES {rows}")
        self.targets[name.upper()] = MergeTarget(
            relation=exp.to_table(f"main.{name}"),
            alias=None,
            columns=tuple(names),
            row_id=ROW_ID,
            defaults=defaults or {},
        )

    def source(self, name: str, columns: str, rows: str) -> None:
        self.con.execute(f"CREATE TABLE {name} ({columns})")
        self.con.execute(f"INSERT INTO {name} VALUES {rows}")

    def merge(self, sql: str, *, error_on_nondeterministic: bool = True) -> dict[str, int]:
        """Plan and run one MERGE in a transaction; return the result row by column name."""
        merge = parse_one(sql)
        assert isinstance(merge, exp.Merge)
        target = self.targets[merge.this.name.upper()]
        plan = plan_merge(merge, target, lambda node: node)
        self.con.execute("BEGIN")
        try:
            counts = execute_plan(
                self.con, plan, error_on_nondeterministic=error_on_nondeterministic
            )
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")
        return dict(zip(plan.count_columns, counts, strict=True))

    def rows(self, name: str) -> list[tuple[object, ...]]:
        cols = ", ".join(self.targets[name.upper()].columns)
        return self.con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()


@pytest.fixture
def db() -> Iterator[Db]:
    database = Db()
    yield database
    database.con.close()


INSERTED, UPDATED, DELETED = (
    "number of rows inserted",
    "number of rows updated",
    "number of rows deleted",
)


def test_docs_basic_update(db: Db) -> None:
    db.target(
        "merge_example_target",
        "ID INTEGER, DESCRIPTION VARCHAR",
        "(10, 'To be updated (this is the old value)')",
    )
    db.source(
        "merge_example_source",
        "id INTEGER, description VARCHAR",
        "(10, 'To be updated (this is the new value)')",
    )
    result = db.merge(
        """MERGE INTO merge_example_target
          USING merge_example_source
          ON merge_example_target.id = merge_example_source.id
          WHEN MATCHED THEN
            UPDATE SET merge_example_target.description = merge_example_source.description"""
    )
    assert result == {UPDATED: 1}
    assert db.rows("merge_example_target") == [(10, "To be updated (this is the new value)")]


def test_docs_multiple_operations(db: Db) -> None:
    db.target(
        "merge_example_mult_target",
        "ID INTEGER, VAL INTEGER, STATUS VARCHAR",
        "(1, 10, 'Production'), (2, 20, 'Alpha'), (3, 30, 'Production')",
    )
    db.source(
        "merge_example_mult_source",
        "id INTEGER, marked VARCHAR, isnewstatus INTEGER, newval INTEGER, newstatus VARCHAR",
        "(1, 'Y', 0, 10, 'Production'), (2, 'N', 1, 50, 'Beta'), (3, 'N', 0, 60, 'Deprecated'),"
        " (4, 'N', 0, 40, 'Production')",
    )
    result = db.merge(
        """MERGE INTO merge_example_mult_target
          USING merge_example_mult_source
          ON merge_example_mult_target.id = merge_example_mult_source.id
          WHEN MATCHED AND merge_example_mult_source.marked = 'Y'
            THEN DELETE
          WHEN MATCHED AND merge_example_mult_source.isnewstatus = 1
            THEN UPDATE SET val = merge_example_mult_source.newval,
                            status = merge_example_mult_source.newstatus
          WHEN MATCHED
            THEN UPDATE SET val = merge_example_mult_source.newval
          WHEN NOT MATCHED
            THEN INSERT (id, val, status) VALUES (
              merge_example_mult_source.id,
              merge_example_mult_source.newval,
              merge_example_mult_source.newstatus)"""
    )
    assert result == {INSERTED: 1, UPDATED: 2, DELETED: 1}
    assert db.rows("merge_example_mult_target") == [
        (2, 50, "Beta"),
        (3, 60, "Production"),
        (4, 40, "Production"),
    ]


def test_docs_all_by_name(db: Db) -> None:
    db.target(
        "merge_example_target_all",
        "ID INTEGER, X INTEGER, Y VARCHAR",
        "(1, 10, 'Skiing'), (2, 20, 'Snowboarding')",
    )
    db.source(
        "merge_example_source_all",
        "id INTEGER, y VARCHAR, x INTEGER",
        "(1, 'Skiing', 10), (2, 'Snowboarding', 25), (3, 'Skating', 30)",
    )
    result = db.merge(
        """MERGE INTO merge_example_target_all
          USING merge_example_source_all
          ON merge_example_target_all.id = merge_example_source_all.id
          WHEN MATCHED THEN UPDATE ALL BY NAME
          WHEN NOT MATCHED THEN INSERT ALL BY NAME"""
    )
    assert result == {INSERTED: 1, UPDATED: 2}
    assert db.rows("merge_example_target_all") == [
        (1, 10, "Skiing"),
        (2, 25, "Snowboarding"),
        (3, 30, "Skating"),
    ]


def test_docs_source_duplicates_are_all_inserted(db: Db) -> None:
    db.target("merge_example_target", "ID INTEGER, DESCRIPTION VARCHAR")
    text = "This is a duplicate in the source and has no match in target"
    db.source(
        "merge_example_source", "id INTEGER, description VARCHAR", f"(50, '{text}'), (50, '{text}')"
    )
    result = db.merge(
        """MERGE INTO merge_example_target
          USING merge_example_source
          ON merge_example_target.id = merge_example_source.id
          WHEN MATCHED THEN
            UPDATE SET merge_example_target.description = merge_example_source.description
          WHEN NOT MATCHED THEN
            INSERT (id, description) VALUES
              (merge_example_source.id, merge_example_source.description)"""
    )
    assert result == {INSERTED: 2, UPDATED: 0}
    assert db.rows("merge_example_target") == [(50, text), (50, text)]


@pytest.fixture
def dup_db(db: Db) -> Db:
    """The docs' deterministic / nondeterministic example tables."""
    db.target("merge_example_target_clone", "K NUMERIC(38, 0), V NUMERIC(38, 0)", "(0, 10)")
    db.source(
        "merge_example_src", "k NUMERIC(38, 0), v NUMERIC(38, 0)", "(0, 11), (0, 12), (0, 13)"
    )
    return db


UPDATE_ALL = """MERGE INTO merge_example_target_clone
  USING merge_example_src
  ON merge_example_target_clone.k = merge_example_src.k
  WHEN MATCHED THEN UPDATE SET merge_example_target_clone.v = merge_example_src.v"""

DELETE_OR_UPDATE = """MERGE INTO merge_example_target_clone
  USING merge_example_src
  ON merge_example_target_clone.k = merge_example_src.k
  WHEN MATCHED AND merge_example_src.v = 11 THEN DELETE
  WHEN MATCHED THEN UPDATE SET merge_example_target_clone.v = merge_example_src.v"""


@pytest.mark.parametrize("sql", [UPDATE_ALL, DELETE_OR_UPDATE], ids=["updates", "update+delete"])
def test_docs_nondeterministic_merge_errors_and_writes_nothing(dup_db: Db, sql: str) -> None:
    with pytest.raises(DataError) as info:
        dup_db.merge(sql)
    assert (info.value.errno, info.value.sqlstate) == (100090, "42P18")
    assert "Duplicate row detected during DML action" in str(info.value)
    assert "[0, 10]" in str(info.value)
    assert dup_db.rows("merge_example_target_clone") == [(0, 10)]


def test_nondeterministic_allowed_updates_once_from_first_source_row(dup_db: Db) -> None:
    result = dup_db.merge(UPDATE_ALL, error_on_nondeterministic=False)
    assert result == {UPDATED: 1}
    assert dup_db.rows("merge_example_target_clone") == [(0, 11)]


def test_nondeterministic_allowed_first_source_row_decides_delete(dup_db: Db) -> None:
    result = dup_db.merge(DELETE_OR_UPDATE, error_on_nondeterministic=False)
    assert result == {UPDATED: 0, DELETED: 1}
    assert dup_db.rows("merge_example_target_clone") == []


def test_docs_several_deletes_do_not_conflict(dup_db: Db) -> None:
    result = dup_db.merge(
        """MERGE INTO merge_example_target_clone
          USING merge_example_src
          ON merge_example_target_clone.k = merge_example_src.k
          WHEN MATCHED AND merge_example_src.v <= 12 THEN DELETE"""
    )
    assert result == {DELETED: 1}
    assert dup_db.rows("merge_example_target_clone") == []


def test_docs_rows_matching_no_clause_do_not_prevent_update(dup_db: Db) -> None:
    result = dup_db.merge(
        """MERGE INTO merge_example_target_clone
          USING merge_example_src
          ON merge_example_target_clone.k = merge_example_src.k
          WHEN MATCHED AND merge_example_src.v = 11
            THEN UPDATE SET merge_example_target_clone.v = merge_example_src.v"""
    )
    assert result == {UPDATED: 1}
    assert dup_db.rows("merge_example_target_clone") == [(0, 11)]


def test_docs_group_by_dedup(dup_db: Db) -> None:
    result = dup_db.merge(
        """MERGE INTO merge_example_target_clone
          USING (SELECT k, MAX(v) AS v FROM merge_example_src GROUP BY k) AS b
          ON merge_example_target_clone.k = b.k
          WHEN MATCHED THEN UPDATE SET merge_example_target_clone.v = b.v
          WHEN NOT MATCHED THEN INSERT (k, v) VALUES (b.k, b.v)"""
    )
    assert result == {INSERTED: 0, UPDATED: 1}
    assert dup_db.rows("merge_example_target_clone") == [(0, 13)]


def test_docs_date_values_with_target_alias(db: Db) -> None:
    db.target("members", "ID INTEGER, NAME VARCHAR, FEE INTEGER", "(1, 'a', 0), (2, 'b', 0)")
    db.source(
        "signup",
        "id INTEGER, date DATE",
        "(1, CURRENT_DATE - INTERVAL 40 DAY), (2, CURRENT_DATE - INTERVAL 5 DAY)",
    )
    result = db.merge(
        """MERGE INTO members m
          USING (SELECT id, date
            FROM signup
            WHERE DATEDIFF(day, CURRENT_DATE(), signup.date::DATE) < -30) s
          ON m.id = s.id
          WHEN MATCHED THEN UPDATE SET m.fee = 40"""
    )
    assert result == {UPDATED: 1}
    assert db.rows("members") == [(1, "a", 40), (2, "b", 0)]


# --- rules beyond the docs' examples ---------------------------------------------------------


@pytest.fixture
def kv(db: Db) -> Db:
    db.target(
        "tgt",
        "K INTEGER, V VARCHAR, N INTEGER DEFAULT 7",
        "(1, 'a', 1), (2, 'b', 2), (NULL, 'z', 0)",
    )
    return db


def test_first_true_clause_applies(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'x'), (2, 'y')")
    result = kv.merge(
        """MERGE INTO tgt t USING s ON t.k = s.k
          WHEN MATCHED AND s.k >= 1 THEN UPDATE SET t.v = 'first'
          WHEN MATCHED AND s.k = 2 THEN DELETE
          WHEN MATCHED THEN UPDATE SET v = 'last'"""
    )
    assert result == {UPDATED: 2, DELETED: 0}
    assert kv.rows("tgt") == [(1, "first", 1), (2, "first", 2), (None, "z", 0)]


def test_unchanged_update_still_counts(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'a')")
    result = kv.merge("MERGE INTO tgt USING s ON tgt.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v")
    assert result == {UPDATED: 1}
    assert kv.rows("tgt") == [(1, "a", 1), (2, "b", 2), (None, "z", 0)]


def test_null_keys_never_match(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(NULL, 'new')")
    result = kv.merge(
        """MERGE INTO tgt USING s ON tgt.k = s.k
          WHEN MATCHED THEN UPDATE SET v = 'matched'
          WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)"""
    )
    assert result == {INSERTED: 1, UPDATED: 0}
    assert kv.rows("tgt") == [(1, "a", 1), (2, "b", 2), (None, "new", 7), (None, "z", 0)]


def test_not_matched_predicates_and_defaults(db: Db) -> None:
    db.target(
        "tgt",
        "K INTEGER, V VARCHAR DEFAULT 'table default', N INTEGER, TAG VARCHAR DEFAULT 'dflt'",
        defaults={"N": exp.Literal.number(99)},
    )
    db.source("s", "k INTEGER, v VARCHAR", "(1, 'one'), (2, 'two'), (3, 'three'), (4, 'skip')")
    result = db.merge(
        """MERGE INTO tgt USING s ON tgt.k = s.k
          WHEN NOT MATCHED AND s.k = 1 THEN INSERT (k, v) VALUES (s.k, s.v)
          WHEN NOT MATCHED AND s.k <= 3 THEN INSERT (k, n) VALUES (s.k, s.k * 10)"""
    )
    assert result == {INSERTED: 3}
    # N comes from the given defaults when omitted; V has no given default, so the clause that
    # omits it writes NULL; TAG is never written, so DuckDB's own default applies.
    assert db.rows("tgt") == [(1, "one", 99, "dflt"), (2, None, 20, "dflt"), (3, None, 30, "dflt")]


def test_matched_rows_satisfying_no_clause_are_ignored(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'keep'), (5, 'new')")
    result = kv.merge(
        """MERGE INTO tgt USING s ON tgt.k = s.k
          WHEN MATCHED AND s.v = 'nothing' THEN DELETE
          WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)"""
    )
    assert result == {INSERTED: 1, DELETED: 0}
    assert kv.rows("tgt") == [(1, "a", 1), (2, "b", 2), (5, "new", 7), (None, "z", 0)]


def test_update_with_one_source_row_and_others_matching_nothing(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'skip'), (1, 'use'), (1, 'skip')")
    result = kv.merge(
        "MERGE INTO tgt USING s ON tgt.k = s.k WHEN MATCHED AND s.v = 'use' THEN UPDATE SET v = s.v"
    )
    assert result == {UPDATED: 1}
    assert kv.rows("tgt")[0] == (1, "use", 1)


def test_values_of_clauses_not_taken_are_not_evaluated(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'not a number'), (2, '42')")
    result = kv.merge(
        """MERGE INTO tgt USING s ON tgt.k = s.k
          WHEN MATCHED AND s.k = 1 THEN DELETE
          WHEN MATCHED THEN UPDATE SET n = CAST(s.v AS INTEGER)"""
    )
    assert result == {UPDATED: 1, DELETED: 1}
    assert kv.rows("tgt") == [(2, "b", 42), (None, "z", 0)]


def test_stream_shaped_merge_is_deterministic(kv: Db) -> None:
    # A standard stream shows an update of key 1 as a DELETE+INSERT pair (ISUPDATE TRUE), a
    # deleted key 2 as a plain DELETE and a new key 3 as an INSERT.
    kv.source(
        "stream",
        'k INTEGER, v VARCHAR, "METADATA$ACTION" VARCHAR, "METADATA$ISUPDATE" BOOLEAN',
        "(1, 'a', 'DELETE', TRUE), (1, 'a2', 'INSERT', TRUE), (2, 'b', 'DELETE', FALSE),"
        " (3, 'c', 'INSERT', FALSE)",
    )
    result = kv.merge(
        """MERGE INTO tgt t USING stream s ON t.k = s.k
          WHEN MATCHED AND s.METADATA$ACTION = 'DELETE' AND NOT s.METADATA$ISUPDATE THEN DELETE
          WHEN MATCHED AND s.METADATA$ACTION = 'INSERT' THEN UPDATE SET t.v = s.v
          WHEN NOT MATCHED AND s.METADATA$ACTION = 'INSERT' THEN INSERT (k, v) VALUES (s.k, s.v)"""
    )
    assert result == {INSERTED: 1, UPDATED: 1, DELETED: 1}
    assert kv.rows("tgt") == [(1, "a2", 1), (3, "c", 7), (None, "z", 0)]


def test_row_ids_are_kept_on_update_and_fresh_on_insert(kv: Db) -> None:
    before = dict(kv.con.execute(f"SELECT K, {ROW_ID} FROM tgt WHERE K IS NOT NULL").fetchall())
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'x'), (9, 'y')")
    kv.merge(
        """MERGE INTO tgt USING s ON tgt.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v
          WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)"""
    )
    after = dict(kv.con.execute(f"SELECT K, {ROW_ID} FROM tgt WHERE K IS NOT NULL").fetchall())
    assert after[1] == before[1]
    assert after[9] not in before.values()


def test_teardown_leaves_no_temporary_tables(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'x')")
    kv.merge("MERGE INTO tgt USING s ON tgt.k = s.k WHEN MATCHED THEN DELETE")
    temp = kv.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()
    assert temp == (0,)


def test_affected_row_id_queries(kv: Db) -> None:
    kv.source("s", "k INTEGER, v VARCHAR", "(1, 'x'), (2, 'y')")
    merge = parse_one(
        """MERGE INTO tgt USING s ON tgt.k = s.k
          WHEN MATCHED AND s.k = 1 THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v"""
    )
    assert isinstance(merge, exp.Merge)
    plan = plan_merge(merge, kv.targets["TGT"], lambda node: node)
    assert plan.deleted_row_ids is not None
    assert plan.updated_row_ids is not None
    ids = dict(kv.con.execute(f"SELECT K, {ROW_ID} FROM tgt WHERE K IS NOT NULL").fetchall())
    for statement in plan.setup:
        sql.run(kv.con, statement)
    deleted = sql.run(kv.con, plan.deleted_row_ids).fetchall()
    updated = sql.run(kv.con, plan.updated_row_ids).fetchall()
    assert (deleted, updated) == ([(ids[1],)], [(ids[2],)])
