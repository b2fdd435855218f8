"""Comments, clustering keys and tags.

Sources: https://docs.snowflake.com/en/sql-reference/sql/comment (Examples),
https://docs.snowflake.com/en/sql-reference/sql/create-table (comment and CLUSTER BY
examples), https://docs.snowflake.com/en/sql-reference/sql/alter-table (Changing the order
of clustering keys; DROP CLUSTERING KEY; SET / UNSET TAG; UNSET COMMENT),
https://docs.snowflake.com/en/sql-reference/sql/alter-view,
https://docs.snowflake.com/en/sql-reference/sql/create-tag and
https://docs.snowflake.com/en/sql-reference/functions/system_get_tag.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator
from icebridge.errors import SqlError


def first(emu: Emulator, sql: str) -> dict[str, Any]:
    found: dict[str, Any] = emu.sql(sql).to_pylist()[0]
    return found


def describe_comments(emu: Emulator, table: str) -> dict[str, Any]:
    return {r["name"]: r["comment"] for r in emu.sql(f"DESC TABLE {table}").to_pylist()}


def test_comment_on_schema_overwrites_its_comment(emu: Emulator) -> None:
    """comment: CREATE SCHEMA my_schema COMMENT='this is comment1', then COMMENT ON SCHEMA
    my_schema IS 'now comment2'; SHOW SCHEMAS shows each."""
    emu.sql("CREATE SCHEMA my_schema COMMENT='this is comment1'")
    assert first(emu, "SHOW SCHEMAS LIKE 'my_schema'")["comment"] == "this is comment1"
    emu.sql("COMMENT ON SCHEMA my_schema IS 'now comment2'")
    assert first(emu, "SHOW SCHEMAS LIKE 'my_schema'")["comment"] == "now comment2"


def test_comment_on_column_overwrites_its_comment(emu: Emulator) -> None:
    """comment: a column created with COMMENT 'this is comment3', then COMMENT ON COLUMN
    test_comment_table_column.my_column IS 'now comment4'; DESC TABLE shows each."""
    emu.sql(
        "CREATE OR REPLACE TABLE test_comment_table_column(my_column STRING COMMENT "
        "'this is comment3')"
    )
    table = "test_comment_table_column"
    assert describe_comments(emu, table) == {"MY_COLUMN": "this is comment3"}
    emu.sql("COMMENT ON COLUMN test_comment_table_column.my_column IS 'now comment4'")
    assert describe_comments(emu, table) == {"MY_COLUMN": "now comment4"}
    comment = "SELECT comment FROM information_schema.columns WHERE column_name = 'MY_COLUMN'"
    assert first(emu, comment)["COMMENT"] == "now comment4"


def test_comment_on_view_overwrites_its_comment(emu: Emulator) -> None:
    """comment: CREATE OR REPLACE VIEW … COMMENT='this is comment5', then COMMENT ON VIEW …
    IS 'now comment6'; SHOW VIEWS shows each. ALTER VIEW … UNSET COMMENT removes it."""
    emu.execute(
        "CREATE OR REPLACE TABLE test_comment_table_column(my_column STRING);"
        "CREATE OR REPLACE VIEW test_comment_view COMMENT='this is comment5' AS "
        "(SELECT * FROM test_comment_table_column)"
    )
    show = "SHOW VIEWS LIKE 'test_comment_view'"
    assert first(emu, show)["comment"] == "this is comment5"
    emu.sql("COMMENT ON VIEW test_comment_view IS 'now comment6'")
    assert first(emu, show)["comment"] == "now comment6"
    emu.sql("ALTER VIEW test_comment_view SET COMMENT = 'set by alter'")
    assert first(emu, show)["comment"] == "set by alter"
    emu.sql("ALTER VIEW test_comment_view UNSET COMMENT")
    assert first(emu, show)["comment"] == ""


def test_table_comment_from_create_comment_on_and_alter(emu: Emulator) -> None:
    """create-table: CREATE TABLE example (col1 NUMBER COMMENT 'a column comment')
    COMMENT='a table comment' shows both; COMMENT ON TABLE replaces the table's, ALTER TABLE
    … UNSET COMMENT removes it; INFORMATION_SCHEMA.TABLES reads the same comment."""
    emu.sql(
        "CREATE TABLE example (col1 NUMBER COMMENT 'a column comment') COMMENT='a table comment'"
    )
    assert first(emu, "SHOW TABLES LIKE 'example'")["comment"] == "a table comment"
    assert describe_comments(emu, "example") == {"COL1": "a column comment"}
    emu.sql("COMMENT ON TABLE example IS 'another comment'")
    assert first(emu, "SHOW TABLES LIKE 'example'")["comment"] == "another comment"
    info = "SELECT comment FROM information_schema.tables WHERE table_name = 'EXAMPLE'"
    assert first(emu, info)["COMMENT"] == "another comment"
    emu.sql("ALTER TABLE example UNSET COMMENT")
    assert first(emu, "SHOW TABLES LIKE 'example'")["comment"] == ""


def test_comment_on_database_and_missing_objects(emu: Emulator) -> None:
    """comment: COMMENT ON DATABASE; IF EXISTS makes a missing object a no-op, without it the
    object must exist."""
    emu.sql("COMMENT ON DATABASE db IS 'the database'")
    assert first(emu, "SHOW DATABASES LIKE 'db'")["comment"] == "the database"
    emu.sql("COMMENT IF EXISTS ON TABLE nowhere IS 'x'")
    with pytest.raises(SqlError) as info:
        emu.sql("COMMENT ON TABLE nowhere IS 'x'")
    assert info.value.errno == 2003


def test_comment_on_sequence(emu: Emulator) -> None:
    """comment: comments can be added to all objects, sequences included (SHOW SEQUENCES)."""
    emu.execute("CREATE SEQUENCE s; COMMENT ON SEQUENCE s IS 'ids'")
    assert first(emu, "SHOW SEQUENCES")["comment"] == "ids"


def test_create_table_cluster_by_shows_the_linear_key(emu: Emulator) -> None:
    """create-table: CREATE TABLE mytable (date TIMESTAMP_NTZ, id NUMBER, content VARIANT)
    CLUSTER BY (date, id) shows cluster_by LINEAR(DATE, ID)."""
    emu.sql(
        "CREATE TABLE mytable (date TIMESTAMP_NTZ, id NUMBER, content VARIANT) "
        "CLUSTER BY (date, id)"
    )
    assert first(emu, "SHOW TABLES LIKE 'mytable'")["cluster_by"] == "LINEAR(DATE, ID)"


def test_alter_table_cluster_by_and_drop_clustering_key(emu: Emulator) -> None:
    """alter-table, Changing the order of clustering keys: T1 clustered by (id, date) is
    altered to CLUSTER BY (date, id). (That page prints the key as ``(DATE,ID)``, an older
    format; the emulator prints create-table's ``LINEAR(…)``.) DROP CLUSTERING KEY removes it."""
    emu.sql(
        "CREATE OR REPLACE TABLE T1 (id NUMBER, date TIMESTAMP_NTZ, name STRING) "
        "CLUSTER BY (id, date)"
    )
    assert first(emu, "SHOW TABLES LIKE 'T1'")["cluster_by"] == "LINEAR(ID, DATE)"
    emu.sql("ALTER TABLE t1 CLUSTER BY (date, id)")
    shown = first(emu, "SHOW TABLES LIKE 'T1'")
    assert (shown["cluster_by"], shown["automatic_clustering"]) == ("LINEAR(DATE, ID)", "ON")
    emu.sql("ALTER TABLE t1 DROP CLUSTERING KEY")
    assert first(emu, "SHOW TABLES LIKE 'T1'")["cluster_by"] == ""
    with pytest.raises(SqlError) as info:
        emu.sql("ALTER TABLE t1 CLUSTER BY (missing)")
    assert info.value.errno == 904


def test_system_get_tag_follows_the_docs_examples(emu: Emulator) -> None:
    """system_get_tag: NULL while cost_center is not set on my_table, then its value
    ('sales') under the column name the docs show; ALTER TABLE … UNSET TAG removes it."""
    emu.execute(
        "CREATE TAG cost_center COMMENT = 'cost_center tag';CREATE TABLE my_table (revenue NUMBER)"
    )
    query = "select system$get_tag('cost_center', 'my_table', 'table')"
    unset = emu.sql(query)
    assert unset.column_names == ["SYSTEM$GET_TAG('COST_CENTER', 'MY_TABLE', 'TABLE')"]
    assert unset.column(0).to_pylist() == [None]
    emu.sql("ALTER TABLE my_table SET TAG cost_center = 'sales'")
    assert emu.sql(query).column(0).to_pylist() == ["sales"]
    emu.sql("ALTER TABLE my_table UNSET TAG cost_center")
    assert emu.sql(query).column(0).to_pylist() == [None]


def test_with_tag_on_create_and_tags_on_views(emu: Emulator) -> None:
    """create-table: ``[WITH] TAG (tag = 'value', …)`` on CREATE TABLE; alter-view: SET TAG
    on a view, read with domain TABLE (it covers views, system_get_tag)."""
    emu.execute(
        "CREATE TAG cost_center; CREATE TAG owner_team;"
        "CREATE TABLE t (a INT) WITH TAG (cost_center = 'finance', owner_team = 'data');"
        "CREATE VIEW v AS SELECT a FROM t;"
        "ALTER VIEW v SET TAG cost_center = 'engineering'"
    )
    values = first(
        emu,
        "SELECT system$get_tag('cost_center', 't', 'table') AS c,"
        " system$get_tag('db.public.owner_team', 'db.public.t', 'table') AS o,"
        " system$get_tag('cost_center', 'v', 'table') AS v",
    )
    assert values == {"C": "finance", "O": "data", "V": "engineering"}


def test_tag_allowed_values_and_missing_tags(emu: Emulator) -> None:
    """create-tag: ALLOWED_VALUES limits the values a tag can be set to; CREATE OR ALTER TAG
    changes them (the docs' cost_center example). A tag that does not exist cannot be set
    or read."""
    emu.execute(
        "CREATE TAG cost_center COMMENT = 'cost_center tag';"
        "CREATE OR ALTER TAG cost_center ALLOWED_VALUES 'finance', 'engineering', 'sales';"
        "CREATE TABLE t (a INT)"
    )
    with pytest.raises(SqlError):
        emu.sql("ALTER TABLE t SET TAG cost_center = 'marketing'")
    emu.sql("ALTER TABLE t SET TAG cost_center = 'sales'")
    with pytest.raises(SqlError) as info:
        emu.sql("ALTER TABLE t SET TAG nowhere = 'x'")
    assert info.value.errno == 2003
    with pytest.raises(SqlError):
        emu.sql("SELECT system$get_tag('nowhere', 't', 'table')")


def test_dropped_tag_values_are_gone(emu: Emulator) -> None:
    """A tag dropped and created again starts without values (drop-tag)."""
    emu.execute(
        "CREATE TAG tg; CREATE TABLE t (a INT) WITH TAG (tg = 'x'); DROP TAG tg; CREATE TAG tg"
    )
    assert emu.sql("SELECT system$get_tag('tg', 't', 'table')").column(0).to_pylist() == [None]
