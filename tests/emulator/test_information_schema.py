"""INFORMATION_SCHEMA DATABASES / SCHEMATA / TABLES / COLUMNS / VIEWS: documented columns,
values, and the views used like any relation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError, UnsupportedError

TABLES_COLUMNS = [
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "TABLE_OWNER",
    "TABLE_TYPE",
    "IS_TRANSIENT",
    "CLUSTERING_KEY",
    "ROW_COUNT",
    "BYTES",
    "RETENTION_TIME",
    "SELF_REFERENCING_COLUMN_NAME",
    "REFERENCE_GENERATION",
    "USER_DEFINED_TYPE_CATALOG",
    "USER_DEFINED_TYPE_SCHEMA",
    "USER_DEFINED_TYPE_NAME",
    "IS_INSERTABLE_INTO",
    "IS_TYPED",
    "COMMIT_ACTION",
    "CREATED",
    "LAST_ALTERED",
    "LAST_DDL",
    "LAST_DDL_BY",
    "AUTO_CLUSTERING_ON",
    "COMMENT",
    "IS_TEMPORARY",
    "IS_ICEBERG",
    "IS_DYNAMIC",
    "IS_IMMUTABLE",
    "IS_HYBRID",
]
COLUMNS_COLUMNS = [
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "COLUMN_NAME",
    "ORDINAL_POSITION",
    "COLUMN_DEFAULT",
    "IS_NULLABLE",
    "DATA_TYPE",
    "CHARACTER_MAXIMUM_LENGTH",
    "CHARACTER_OCTET_LENGTH",
    "NUMERIC_PRECISION",
    "NUMERIC_PRECISION_RADIX",
    "NUMERIC_SCALE",
    "DATETIME_PRECISION",
    "INTERVAL_TYPE",
    "INTERVAL_PRECISION",
    "CHARACTER_SET_CATALOG",
    "CHARACTER_SET_SCHEMA",
    "CHARACTER_SET_NAME",
    "COLLATION_CATALOG",
    "COLLATION_SCHEMA",
    "COLLATION_NAME",
    "DOMAIN_CATALOG",
    "DOMAIN_SCHEMA",
    "DOMAIN_NAME",
    "UDT_CATALOG",
    "UDT_SCHEMA",
    "UDT_NAME",
    "SCOPE_CATALOG",
    "SCOPE_SCHEMA",
    "SCOPE_NAME",
    "MAXIMUM_CARDINALITY",
    "DTD_IDENTIFIER",
    "IS_SELF_REFERENCING",
    "IS_IDENTITY",
    "IDENTITY_GENERATION",
    "IDENTITY_START",
    "IDENTITY_INCREMENT",
    "IDENTITY_MAXIMUM",
    "IDENTITY_MINIMUM",
    "IDENTITY_CYCLE",
    "IDENTITY_ORDERED",
    "SCHEMA_EVOLUTION_RECORD",
    "DATA_TYPE_ALIAS",
    "COMMENT",
]


def test_tables_view_has_the_documented_columns(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/tables: every column, in
    order, also when no table exists (the view's shape does not depend on its rows)."""
    assert emu.sql("SELECT * FROM information_schema.tables").column_names == TABLES_COLUMNS
    emu.sql("CREATE TABLE t (a INT)")
    assert emu.sql("SELECT * FROM information_schema.tables").column_names == TABLES_COLUMNS


def test_tables_view_types_and_flags(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/tables: TABLE_TYPE is BASE
    TABLE, TEMPORARY TABLE or VIEW; IS_TRANSIENT / IS_TEMPORARY are YES / NO; views have no
    ROW_COUNT or BYTES; COMMENT and CLUSTERING_KEY are the table's."""
    emu.sql("CREATE TABLE perm (a INT, b VARCHAR) COMMENT = 'kept' CLUSTER BY (a)")
    emu.sql("CREATE TRANSIENT TABLE trans (a INT)")
    emu.sql("CREATE TEMPORARY TABLE temp (a INT)")
    emu.sql("CREATE VIEW v AS SELECT a FROM perm")
    rows = emu.sql(
        "SELECT table_name, table_type, is_transient, is_temporary, row_count, bytes, comment,"
        " clustering_key, auto_clustering_on, table_owner, retention_time"
        " FROM information_schema.tables ORDER BY table_name"
    ).to_pylist()
    by_name = {r["TABLE_NAME"]: r for r in rows}
    assert [r["TABLE_NAME"] for r in rows] == ["PERM", "TEMP", "TRANS", "V"]
    assert {n: r["TABLE_TYPE"] for n, r in by_name.items()} == {
        "PERM": "BASE TABLE",
        "TEMP": "TEMPORARY TABLE",
        "TRANS": "BASE TABLE",
        "V": "VIEW",
    }
    assert {n: (r["IS_TRANSIENT"], r["IS_TEMPORARY"]) for n, r in by_name.items()} == {
        "PERM": ("NO", "NO"),
        "TEMP": ("NO", "YES"),
        "TRANS": ("YES", "NO"),
        "V": ("NO", "NO"),
    }
    assert (by_name["V"]["ROW_COUNT"], by_name["V"]["BYTES"]) == (None, None)
    assert (by_name["PERM"]["ROW_COUNT"], by_name["PERM"]["BYTES"]) == (0, 0)
    assert by_name["PERM"]["COMMENT"] == "kept"
    # Unquoted key names in stored case: create-table's CLUSTER BY (date, id) -> LINEAR(DATE, ID).
    assert by_name["PERM"]["CLUSTERING_KEY"] == "LINEAR(A)"
    assert (by_name["PERM"]["AUTO_CLUSTERING_ON"], by_name["TRANS"]["AUTO_CLUSTERING_ON"]) == (
        "YES",
        "NO",
    )
    assert by_name["PERM"]["TABLE_OWNER"] == "ACCOUNTADMIN"
    assert by_name["PERM"]["RETENTION_TIME"] == 1


def test_row_count_is_exact_after_deletes(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/tables: ROW_COUNT is the
    number of rows in the table (not an estimate that forgets deleted rows)."""
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("INSERT INTO t SELECT seq4() FROM TABLE(GENERATOR(ROWCOUNT => 10))")
    emu.sql("DELETE FROM t WHERE a < 4")
    row = emu.sql(
        "SELECT row_count, bytes FROM information_schema.tables WHERE table_name = 'T'"
    ).to_pylist()[0]
    assert row["ROW_COUNT"] == 6
    assert row["BYTES"] > 0


def test_created_and_last_altered_follow_the_clock(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/tables: CREATED is the
    creation time; LAST_ALTERED and LAST_DDL move with DDL such as ALTER TABLE … SET COMMENT;
    LAST_DDL_BY names the user."""
    emu.sql("CREATE TABLE t (a INT)")
    created = emu.now
    emu.advance(hours=2)
    emu.sql("ALTER TABLE t SET COMMENT = 'later'")
    row = emu.sql(
        "SELECT created, last_altered, last_ddl, last_ddl_by, comment"
        " FROM information_schema.tables WHERE table_name = 'T'"
    ).to_pylist()[0]
    assert row["CREATED"] == created
    assert row["LAST_ALTERED"] == row["LAST_DDL"] == created + timedelta(hours=2)
    assert row["LAST_DDL_BY"] == "ICEBRIDGE"
    assert row["COMMENT"] == "later"


def test_last_altered_moves_with_writes_to_change_tracked_tables(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/tables: LAST_ALTERED is also
    updated by DML (the emulator knows write times for change-tracked tables)."""
    emu.sql("CREATE TABLE t (a INT) CHANGE_TRACKING = TRUE")
    emu.advance(minutes=30)
    emu.sql("INSERT INTO t VALUES (1)")
    row = emu.sql(
        "SELECT created, last_altered FROM information_schema.tables WHERE table_name = 'T'"
    ).to_pylist()[0]
    assert row["LAST_ALTERED"] == emu.now
    assert row["CREATED"] == emu.now - timedelta(minutes=30)


def test_iceberg_and_dynamic_tables_are_flagged(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/tables: IS_ICEBERG and
    IS_DYNAMIC tell Iceberg and dynamic tables apart; both are BASE TABLEs with rows."""
    emu.execute(
        """
        CREATE ICEBERG TABLE ice (a INT) BASE_LOCATION = 'ice';
        INSERT INTO ice VALUES (1), (2), (3);
        CREATE TABLE src (a INT);
        CREATE DYNAMIC TABLE dyn TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT a FROM src;
        """
    )
    rows = emu.sql(
        "SELECT table_name, table_type, is_iceberg, is_dynamic, row_count"
        " FROM information_schema.tables ORDER BY table_name"
    ).to_pylist()
    assert rows == [
        {
            "TABLE_NAME": "DYN",
            "TABLE_TYPE": "BASE TABLE",
            "IS_ICEBERG": "NO",
            "IS_DYNAMIC": "YES",
            "ROW_COUNT": 0,
        },
        {
            "TABLE_NAME": "ICE",
            "TABLE_TYPE": "BASE TABLE",
            "IS_ICEBERG": "YES",
            "IS_DYNAMIC": "NO",
            "ROW_COUNT": 3,
        },
        {
            "TABLE_NAME": "SRC",
            "TABLE_TYPE": "BASE TABLE",
            "IS_ICEBERG": "NO",
            "IS_DYNAMIC": "NO",
            "ROW_COUNT": 0,
        },
    ]


def test_columns_view_has_the_documented_columns(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/columns: every column, in
    order."""
    emu.sql("CREATE TABLE t (a INT)")
    assert emu.sql("SELECT * FROM information_schema.columns").column_names == COLUMNS_COLUMNS


def test_columns_view_describes_types_as_snowflake_names_them(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/columns: DATA_TYPE is the
    standard Snowflake name (TEXT for strings, NUMBER for integers and decimals), strings
    report their maximum length in characters (16777216 by default) and bytes, fixed-point
    numbers their precision, radix and scale; IS_NULLABLE is YES / NO."""
    emu.sql(
        "CREATE TABLE t (id INT NOT NULL COMMENT 'key', name VARCHAR DEFAULT 'x',"
        " code VARCHAR(20), amount NUMBER(10, 2), ratio FLOAT, at TIMESTAMP_NTZ, flag BOOLEAN)"
    )
    rows = emu.sql(
        "SELECT column_name, ordinal_position, column_default, is_nullable, data_type,"
        " character_maximum_length, character_octet_length, numeric_precision,"
        " numeric_precision_radix, numeric_scale, comment"
        " FROM information_schema.columns WHERE table_name = 'T' ORDER BY ordinal_position"
    ).to_pylist()
    facts = [tuple(r.values()) for r in rows]
    assert facts == [
        ("ID", 1, None, "NO", "NUMBER", None, None, 38, 10, 0, "key"),
        ("NAME", 2, "'x'", "YES", "TEXT", 16777216, 16777216, None, None, None, None),
        ("CODE", 3, None, "YES", "TEXT", 20, 80, None, None, None, None),
        ("AMOUNT", 4, None, "YES", "NUMBER", None, None, 10, 10, 2, None),
        ("RATIO", 5, None, "YES", "FLOAT", None, None, None, None, None, None),
        ("AT", 6, None, "YES", "TIMESTAMP_NTZ", None, None, None, None, None, None),
        ("FLAG", 7, None, "YES", "BOOLEAN", None, None, None, None, None, None),
    ]
    identity = emu.sql(
        "SELECT DISTINCT is_identity, is_self_referencing FROM information_schema.columns"
    ).to_pylist()
    assert identity == [{"IS_IDENTITY": "NO", "IS_SELF_REFERENCING": "NO"}]


def test_columns_of_views_are_listed(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/columns: TABLE_NAME is the
    table or view the column belongs to."""
    emu.sql("CREATE TABLE t (a INT, b VARCHAR)")
    emu.sql("CREATE VIEW v AS SELECT b, a * 2 AS doubled FROM t")
    names = emu.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'V'"
        " ORDER BY ordinal_position"
    )
    assert names.column(0).to_pylist() == ["B", "DOUBLED"]


def test_schemata_view(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/schemata: the documented
    columns, one row per schema of the database."""
    emu.sql("CREATE TRANSIENT SCHEMA scratch COMMENT = 'temporary work'")
    table = emu.sql("SELECT * FROM information_schema.schemata ORDER BY schema_name")
    assert table.column_names == [
        "CATALOG_NAME",
        "SCHEMA_NAME",
        "SCHEMA_OWNER",
        "IS_TRANSIENT",
        "IS_MANAGED_ACCESS",
        "RETENTION_TIME",
        "DEFAULT_CHARACTER_SET_CATALOG",
        "DEFAULT_CHARACTER_SET_SCHEMA",
        "DEFAULT_CHARACTER_SET_NAME",
        "SQL_PATH",
        "CREATED",
        "LAST_ALTERED",
        "COMMENT",
        "OBJECT_VISIBILITY",
    ]
    rows = [
        (r["CATALOG_NAME"], r["SCHEMA_NAME"], r["IS_TRANSIENT"], r["COMMENT"])
        for r in table.to_pylist()
    ]
    assert rows == [("DB", "PUBLIC", "NO", None), ("DB", "SCRATCH", "YES", "temporary work")]


def test_databases_view_lists_every_database(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/databases: a row for each
    database in the account, whichever database's view is read; TYPE is STANDARD."""
    emu.sql("CREATE TRANSIENT DATABASE other")
    table = emu.sql("SELECT * FROM db.information_schema.databases ORDER BY database_name")
    assert table.column_names == [
        "DATABASE_NAME",
        "DATABASE_OWNER",
        "IS_TRANSIENT",
        "COMMENT",
        "CREATED",
        "LAST_ALTERED",
        "RETENTION_TIME",
        "TYPE",
        "OWNER_ROLE_TYPE",
        "OBJECT_VISIBILITY",
    ]
    rows = [(r["DATABASE_NAME"], r["IS_TRANSIENT"], r["TYPE"]) for r in table.to_pylist()]
    assert rows == [("DB", "NO", "STANDARD"), ("OTHER", "YES", "STANDARD")]


def test_views_view(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/views: the documented
    columns; VIEW_DEFINITION is the text that created the view."""
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("CREATE VIEW v COMMENT = 'doubles' AS SELECT a * 2 AS b FROM t")
    table = emu.sql("SELECT * FROM information_schema.views")
    assert table.column_names == [
        "TABLE_CATALOG",
        "TABLE_SCHEMA",
        "TABLE_NAME",
        "TABLE_OWNER",
        "VIEW_DEFINITION",
        "CHECK_OPTION",
        "IS_UPDATABLE",
        "INSERTABLE_INTO",
        "IS_SECURE",
        "CREATED",
        "LAST_ALTERED",
        "LAST_DDL",
        "LAST_DDL_BY",
        "COMMENT",
    ]
    row = table.to_pylist()[0]
    assert row["TABLE_NAME"] == "V"
    assert row["VIEW_DEFINITION"].startswith("CREATE VIEW v")
    assert (row["IS_SECURE"], row["COMMENT"]) == ("NO", "doubles")


def test_qualified_and_current_database_forms(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema: ``<db>.INFORMATION_SCHEMA``
    reads that database's objects; the unqualified form reads the current database's."""
    emu.sql("CREATE TABLE in_db (a INT)")
    emu.sql("CREATE DATABASE other")
    emu.sql("CREATE TABLE in_other (a INT)")
    current = emu.sql("SELECT table_name FROM information_schema.tables")
    assert current.column(0).to_pylist() == ["IN_OTHER"]
    qualified = emu.sql("SELECT table_catalog, table_name FROM db.information_schema.tables")
    assert qualified.to_pylist() == [{"TABLE_CATALOG": "DB", "TABLE_NAME": "IN_DB"}]
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SELECT * FROM missing.information_schema.tables")
    assert info.value.errno == 2003


def test_unqualified_form_needs_a_current_database() -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema: without a current database
    the unqualified form names no database (090105)."""
    with Emulator() as emu:
        with pytest.raises(ProgrammingError) as info:
            emu.sql("SELECT * FROM information_schema.tables")
        assert info.value.errno == 90105


def test_views_filter_join_and_aggregate_like_tables(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema: the views are queried with
    ordinary SQL (filters, joins, aggregates)."""
    emu.sql("CREATE TABLE a (x INT, y INT, z INT)")
    emu.sql("CREATE TABLE b (x INT)")
    rows = emu.sql(
        "SELECT t.table_name, COUNT(*) AS n FROM information_schema.tables AS t"
        " JOIN information_schema.columns AS c"
        "   ON c.table_schema = t.table_schema AND c.table_name = t.table_name"
        " WHERE t.table_type = 'BASE TABLE' GROUP BY t.table_name ORDER BY n DESC"
    ).to_pylist()
    assert rows == [{"TABLE_NAME": "A", "N": 3}, {"TABLE_NAME": "B", "N": 1}]


def test_view_over_information_schema_is_live(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/views-introduction: a view's query runs when
    the view is read, so a view over INFORMATION_SCHEMA lists objects created after it
    (TABLES lists views too, https://docs.snowflake.com/en/sql-reference/info-schema/tables)."""
    emu.sql("CREATE TABLE first (a INT)")
    emu.sql("CREATE VIEW names AS SELECT table_name FROM information_schema.tables")
    emu.sql("CREATE TABLE second (a INT)")
    names = sorted(emu.sql("SELECT * FROM names").column(0).to_pylist())
    assert names == ["FIRST", "NAMES", "SECOND"]


def test_unknown_view_is_unsupported(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema lists views the emulator does
    not answer (e.g. STAGES): an UnsupportedError naming the view, never empty rows."""
    with pytest.raises(UnsupportedError, match=r"INFORMATION_SCHEMA\.STAGES"):
        emu.sql("SELECT * FROM information_schema.stages")
