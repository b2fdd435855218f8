"""SHOW commands: documented columns in order, values, and TERSE / LIKE / IN / STARTS WITH /
LIMIT … FROM, which every SHOW kind (the features' too) takes through one code path."""

from __future__ import annotations

import json

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError, UnsupportedError

TERSE = ["created_on", "name", "kind", "database_name", "schema_name"]


def names(emu: Emulator, sql: str) -> list[str]:
    return [str(n) for n in emu.sql(sql).column("name").to_pylist()]


@pytest.fixture
def tables(emu: Emulator) -> Emulator:
    """DB.PUBLIC holds ALPHA, ALPINE, BETA, Beta_2 (quoted) and a view; DB.OTHER holds GAMMA."""
    emu.execute(
        """
        CREATE TABLE alpha (a INT);
        CREATE TABLE alpine (a INT);
        CREATE TABLE beta (a INT);
        CREATE TABLE "Beta_2" (a INT);
        CREATE VIEW alpha_view AS SELECT a FROM alpha;
        CREATE SCHEMA other;
        CREATE TABLE other.gamma (a INT);
        USE SCHEMA public;
        """
    )
    return emu


def test_show_tables_columns_and_values(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-tables: the documented output
    columns, in order; kind is TABLE for permanent tables, TRANSIENT / TEMPORARY otherwise."""
    tables.sql("CREATE TRANSIENT TABLE scratch (a INT) COMMENT = 'tmp'")
    tables.sql("INSERT INTO alpha VALUES (1), (2)")
    table = tables.sql("SHOW TABLES")
    assert table.column_names == [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "kind",
        "comment",
        "cluster_by",
        "rows",
        "bytes",
        "owner",
        "retention_time",
        "automatic_clustering",
        "change_tracking",
        "search_optimization",
        "search_optimization_progress",
        "search_optimization_bytes",
        "is_external",
        "enable_schema_evolution",
        "owner_role_type",
        "is_event",
        "is_hybrid",
        "is_iceberg",
        "is_immutable",
    ]
    rows = {r["name"]: r for r in table.to_pylist()}
    assert (rows["ALPHA"]["kind"], rows["SCRATCH"]["kind"]) == ("TABLE", "TRANSIENT")
    assert (rows["ALPHA"]["rows"], rows["BETA"]["rows"]) == (2, 0)
    assert rows["SCRATCH"]["comment"] == "tmp"
    assert rows["ALPHA"]["owner"] == "ACCOUNTADMIN"
    assert rows["ALPHA"]["change_tracking"] == "OFF"


def test_terse_returns_the_short_column_list(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-tables: TERSE returns
    created_on, name, kind (always TABLE), database_name and schema_name."""
    tables.sql("CREATE TRANSIENT TABLE scratch (a INT)")
    terse = tables.sql("SHOW TERSE TABLES LIKE 'scratch'")
    assert terse.column_names == TERSE
    assert terse.to_pylist()[0]["kind"] == "TABLE"


def test_like_is_case_insensitive_with_sql_wildcards(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-objects: LIKE matches object
    names case-insensitively, with % and _ as wildcards."""
    assert names(tables, "SHOW TABLES LIKE 'ALP%'") == ["ALPHA", "ALPINE"]
    assert names(tables, "SHOW TABLES LIKE 'alp%'") == ["ALPHA", "ALPINE"]
    assert names(tables, "SHOW TABLES LIKE 'alp_ne'") == ["ALPINE"]
    assert names(tables, "SHOW TABLES LIKE '%eta%'") == ["BETA", "Beta_2"]


def test_starts_with_is_case_sensitive(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-objects: STARTS WITH is case
    sensitive (``'B'`` and ``'b'`` return different results)."""
    assert names(tables, "SHOW TABLES STARTS WITH 'B'") == ["BETA", "Beta_2"]
    assert names(tables, "SHOW TABLES STARTS WITH 'Be'") == ["Beta_2"]
    assert names(tables, "SHOW TABLES STARTS WITH 'b'") == []


def test_limit_and_from(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-objects: LIMIT caps the rows;
    FROM starts at the first row whose name matches the (partial, case-sensitive) string,
    and combined with STARTS WITH both must hold: STARTS WITH 'A' … FROM 'B' and STARTS
    WITH 'B' … FROM 'A' return nothing, STARTS WITH 'A' … FROM 'ALPI' returns rows."""
    assert names(tables, "SHOW TABLES LIMIT 2") == ["ALPHA", "ALPINE"]
    assert names(tables, "SHOW TABLES LIMIT 2 FROM 'B'") == ["BETA", "Beta_2"]
    assert names(tables, "SHOW TABLES STARTS WITH 'A' LIMIT 10 FROM 'B'") == []
    assert names(tables, "SHOW TABLES STARTS WITH 'B' LIMIT 10 FROM 'A'") == []
    assert names(tables, "SHOW TABLES STARTS WITH 'A' LIMIT 10 FROM 'ALPI'") == ["ALPINE"]


def test_in_scopes(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-objects: IN ACCOUNT, IN
    DATABASE [db], IN SCHEMA [db.schema] and a bare schema name narrow the listing; an IN
    database that does not exist is 002003."""
    tables.sql("CREATE DATABASE second")
    tables.sql("CREATE TABLE elsewhere (a INT)")
    tables.sql("USE DATABASE db")
    assert names(tables, "SHOW TABLES IN SCHEMA db.other") == ["GAMMA"]
    assert names(tables, "SHOW TABLES IN other") == ["GAMMA"]
    assert names(tables, "SHOW TABLES IN SCHEMA") == ["ALPHA", "ALPINE", "BETA", "Beta_2"]
    assert "GAMMA" in names(tables, "SHOW TABLES IN DATABASE")
    assert names(tables, "SHOW TABLES IN DATABASE second") == ["ELSEWHERE"]
    assert set(names(tables, "SHOW TABLES IN ACCOUNT")) >= {"GAMMA", "ELSEWHERE", "ALPHA"}
    with pytest.raises(ProgrammingError) as info:
        tables.sql("SHOW TABLES IN DATABASE missing")
    assert info.value.errno == 2003


def test_show_objects_lists_tables_and_views(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-objects: tables and views, kind
    TABLE or VIEW; dynamic tables are kind TABLE with is_dynamic Y."""
    tables.sql(
        "CREATE DYNAMIC TABLE dyn TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT a FROM alpha"
    )
    table = tables.sql("SHOW OBJECTS LIKE '%a%'")
    assert table.column_names == [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "kind",
        "comment",
        "cluster_by",
        "rows",
        "bytes",
        "owner",
        "retention_time",
        "owner_role_type",
        "is_hybrid",
        "is_dynamic",
        "is_iceberg",
    ]
    rows = {r["name"]: (r["kind"], r["is_dynamic"]) for r in table.to_pylist()}
    assert rows == {
        "ALPHA": ("TABLE", "N"),
        "ALPHA_VIEW": ("VIEW", "N"),
        "ALPINE": ("TABLE", "N"),
        "BETA": ("TABLE", "N"),
        "Beta_2": ("TABLE", "N"),
    }
    assert tables.sql("SHOW TERSE OBJECTS LIKE 'dyn'").to_pylist()[0]["kind"] == "TABLE"
    assert tables.sql("SHOW OBJECTS LIKE 'dyn'").to_pylist()[0]["is_dynamic"] == "Y"
    assert tables.sql("SHOW TERSE OBJECTS").column_names == TERSE


def test_show_views(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-views: the documented columns;
    text is the command that created the view."""
    table = tables.sql("SHOW VIEWS")
    assert table.column_names == [
        "created_on",
        "name",
        "reserved",
        "kind",
        "database_name",
        "schema_name",
        "owner",
        "comment",
        "text",
        "is_secure",
        "is_materialized",
        "owner_role_type",
        "change_tracking",
    ]
    row = table.to_pylist()[0]
    assert (row["name"], row["kind"], row["is_secure"]) == ("ALPHA_VIEW", "VIEW", "false")
    assert row["text"].startswith("CREATE VIEW alpha_view")
    assert tables.sql("SHOW TERSE VIEWS").column_names == TERSE


def test_show_schemas(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-schemas: the columns of the
    documented output; is_current marks the current schema; TERSE shows kind and
    schema_name as NULL; IN DATABASE or a bare database name scopes the listing."""
    tables.sql("CREATE DATABASE second")
    table = tables.sql("SHOW SCHEMAS IN DATABASE db")
    assert table.column_names == [
        "created_on",
        "name",
        "is_default",
        "is_current",
        "database_name",
        "owner",
        "comment",
        "options",
        "retention_time",
        "owner_role_type",
        "object_visibility",
    ]
    assert [(r["name"], r["is_current"]) for r in table.to_pylist()] == [
        ("OTHER", "N"),
        ("PUBLIC", "N"),
    ]
    assert names(tables, "SHOW SCHEMAS IN db") == ["OTHER", "PUBLIC"]
    assert names(tables, "SHOW SCHEMAS") == ["PUBLIC"]  # the current database: SECOND
    terse = tables.sql("SHOW TERSE SCHEMAS IN ACCOUNT").to_pylist()
    assert {(r["database_name"], r["name"]) for r in terse} == {
        ("DB", "OTHER"),
        ("DB", "PUBLIC"),
        ("SECOND", "PUBLIC"),
    }
    assert {(r["kind"], r["schema_name"]) for r in terse} == {(None, None)}


def test_show_databases(tables: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-databases: the documented
    columns; kind STANDARD; options TRANSIENT for a transient database."""
    tables.sql("CREATE TRANSIENT DATABASE scratch")
    table = tables.sql("SHOW DATABASES")
    assert table.column_names == [
        "created_on",
        "name",
        "is_default",
        "is_current",
        "origin",
        "owner",
        "comment",
        "options",
        "retention_time",
        "kind",
        "budget",
        "owner_role_type",
        "object_visibility",
    ]
    rows = {r["name"]: r for r in table.to_pylist()}
    assert (rows["SCRATCH"]["options"], rows["DB"]["options"]) == ("TRANSIENT", "")
    assert (rows["SCRATCH"]["is_current"], rows["DB"]["is_current"]) == ("Y", "N")
    assert rows["DB"]["kind"] == "STANDARD"
    assert names(tables, "SHOW DATABASES STARTS WITH 'S'") == ["SCRATCH"]
    assert tables.sql("SHOW TERSE DATABASES").column_names == TERSE


def test_show_columns(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-columns: the documented columns;
    data_type is a JSON object (FIXED / TEXT / REAL / TIMESTAMP_NTZ with their properties),
    null? is true / false, LIKE filters column names, IN TABLE names one table."""
    emu.sql(
        "CREATE TABLE t (n1 NUMBER DEFAULT 5, s1 STRING NOT NULL, s3 CHAR, f1 FLOAT,"
        " ts1 TIMESTAMP COMMENT 'when')"
    )
    emu.sql("CREATE TABLE u (x INT)")
    table = emu.sql("SHOW COLUMNS IN TABLE t")
    assert table.column_names == [
        "table_name",
        "schema_name",
        "column_name",
        "data_type",
        "null?",
        "default",
        "kind",
        "expression",
        "comment",
        "database_name",
        "autoincrement",
        "schema_evolution_record",
    ]
    rows = {r["column_name"]: r for r in table.to_pylist()}
    assert json.loads(rows["N1"]["data_type"]) == {
        "type": "FIXED",
        "precision": 38,
        "scale": 0,
        "nullable": True,
    }
    assert json.loads(rows["S1"]["data_type"]) == {
        "type": "TEXT",
        "length": 16777216,
        "byteLength": 16777216,
        "nullable": False,
        "fixed": False,
    }
    assert json.loads(rows["S3"]["data_type"])["byteLength"] == 4
    assert json.loads(rows["F1"]["data_type"]) == {"type": "REAL", "nullable": True}
    assert json.loads(rows["TS1"]["data_type"]) == {
        "type": "TIMESTAMP_NTZ",
        "precision": 0,
        "scale": 9,
        "nullable": True,
    }
    assert (rows["N1"]["null?"], rows["S1"]["null?"]) == ("true", "false")
    assert (rows["N1"]["default"], rows["TS1"]["comment"]) == ("5", "when")
    assert {r["kind"] for r in rows.values()} == {"COLUMN"}
    like = emu.sql("SHOW COLUMNS LIKE 's%' IN TABLE t").column("column_name").to_pylist()
    assert like == ["S1", "S3"]
    schema = emu.sql("SHOW COLUMNS IN SCHEMA public").column("table_name").to_pylist()
    assert schema == ["T"] * 5 + ["U"]
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SHOW COLUMNS IN TABLE missing")
    assert info.value.errno == 2003


def test_show_primary_keys(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-primary-keys: one row per key
    column with key_sequence its position in the key; TERSE is accepted and changes
    nothing; IN TABLE names one table."""
    emu.sql("CREATE TABLE one (id INT PRIMARY KEY, v INT)")
    emu.sql("CREATE TABLE two (a INT, b INT, c INT, CONSTRAINT pk_two PRIMARY KEY (b, a))")
    emu.sql("CREATE TABLE none_ (a INT)")
    table = emu.sql("SHOW PRIMARY KEYS")
    assert table.column_names == [
        "created_on",
        "database_name",
        "schema_name",
        "table_name",
        "column_name",
        "key_sequence",
        "comment",
        "constraint_name",
    ]
    rows = [(r["table_name"], r["column_name"], r["key_sequence"]) for r in table.to_pylist()]
    assert rows == [("ONE", "ID", 1), ("TWO", "B", 1), ("TWO", "A", 2)]
    keys = emu.sql("SHOW TERSE PRIMARY KEYS IN TABLE two")
    assert keys.column_names == table.column_names
    assert set(keys.column("constraint_name").to_pylist()) == {"PK_TWO"}
    unnamed = emu.sql("SHOW PRIMARY KEYS IN one").column("constraint_name")[0].as_py()
    assert unnamed.startswith("SYS_CONSTRAINT_")


def test_show_users(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-users: the documented columns
    (TERSE: its short list); the emulator has one user."""
    table = emu.sql("SHOW USERS")
    assert table.column_names[:10] == [
        "name",
        "created_on",
        "login_name",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "mins_to_unlock",
        "days_to_expiry",
        "comment",
    ]
    assert table.column_names[-5:] == [
        "type",
        "has_mfa",
        "has_pat",
        "has_workload_identity",
        "is_from_organization_user",
    ]
    assert len(table.column_names) == 31
    assert table.column("name").to_pylist() == ["ICEBRIDGE"]
    assert table.column("disabled").to_pylist() == ["false"]
    terse = emu.sql("SHOW TERSE USERS")
    assert terse.column_names[:3] == ["name", "created_on", "display_name"]
    assert len(terse.column_names) == 15
    assert emu.sql("SHOW USERS LIKE 'nobody%'").num_rows == 0
    assert emu.sql("SHOW USERS STARTS WITH 'ice'").num_rows == 0  # case-sensitive


def test_show_warehouses(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-warehouses: the documented
    columns; the warehouses created, with their size, auto_suspend and is_current."""
    emu.sql("CREATE WAREHOUSE small_wh WAREHOUSE_SIZE = 'SMALL' AUTO_SUSPEND = 60")
    emu.sql("CREATE WAREHOUSE other_wh")
    table = emu.sql("SHOW WAREHOUSES")
    assert table.column_names[:12] == [
        "name",
        "state",
        "type",
        "size",
        "min_cluster_count",
        "max_cluster_count",
        "started_clusters",
        "running",
        "queued",
        "is_default",
        "is_current",
        "is_interactive",
    ]
    assert table.column_names[-4:] == [
        "scaling_policy",
        "owner_role_type",
        "resource_constraint",
        "generation",
    ]
    assert len(table.column_names) == 35
    rows = {r["name"]: r for r in table.to_pylist()}
    assert (rows["SMALL_WH"]["size"], rows["SMALL_WH"]["auto_suspend"]) == ("Small", 60)
    assert (rows["OTHER_WH"]["size"], rows["OTHER_WH"]["type"]) == ("X-Small", "STANDARD")
    assert (rows["OTHER_WH"]["is_current"], rows["SMALL_WH"]["is_current"]) == ("Y", "N")
    assert names(emu, "SHOW WAREHOUSES LIKE 'small%'") == ["SMALL_WH"]


#: A call of every function SHOW FUNCTIONS advertises (each must run in the emulator).
CALLS = {
    "ABS": "SELECT ABS(-1.5)",
    "ARRAY_AGG": "SELECT ARRAY_AGG(a) FROM t",
    "ARRAY_SIZE": "SELECT ARRAY_SIZE(PARSE_JSON('[1, 2]'))",
    "AVG": "SELECT AVG(a) FROM t",
    "COALESCE": "SELECT COALESCE(NULL, 1)",
    "CONCAT": "SELECT CONCAT('a', 'b')",
    "COUNT": "SELECT COUNT(*) FROM t",
    "CURRENT_DATABASE": "SELECT CURRENT_DATABASE()",
    "CURRENT_DATE": "SELECT CURRENT_DATE()",
    "CURRENT_SCHEMA": "SELECT CURRENT_SCHEMA()",
    "CURRENT_TIMESTAMP": "SELECT CURRENT_TIMESTAMP()",
    "DATE_TRUNC": "SELECT DATE_TRUNC('month', '2024-01-15'::DATE)",
    "DATEADD": "SELECT DATEADD(day, 1, '2024-01-01'::DATE)",
    "DATEDIFF": "SELECT DATEDIFF(day, '2024-01-01'::DATE, '2024-01-03'::DATE)",
    "FLATTEN": "SELECT * FROM TABLE(FLATTEN(INPUT => PARSE_JSON('[1, 2]')))",
    "IFF": "SELECT IFF(TRUE, 1, 2)",
    "LENGTH": "SELECT LENGTH('abc')",
    "LISTAGG": "SELECT LISTAGG(a, ',') FROM t",
    "LOWER": "SELECT LOWER('A')",
    "MAX": "SELECT MAX(a) FROM t",
    "MIN": "SELECT MIN(a) FROM t",
    "NVL": "SELECT NVL(NULL, 2)",
    "OBJECT_CONSTRUCT": "SELECT OBJECT_CONSTRUCT('a', 1)",
    "PARSE_JSON": "SELECT PARSE_JSON('{\"a\": 1}')",
    "ROUND": "SELECT ROUND(1.25, 1)",
    "SUM": "SELECT SUM(a) FROM t",
    "TO_CHAR": "SELECT TO_CHAR('2024-01-01'::DATE, 'YYYY-MM-DD')",
    "TO_DATE": "SELECT TO_DATE('2024-01-01')",
    "TO_TIMESTAMP": "SELECT TO_TIMESTAMP('2024-01-01 10:00:00')",
    "TRIM": "SELECT TRIM('  a ')",
    "UPPER": "SELECT UPPER('a')",
}


def test_show_functions_lists_builtins_that_run(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-functions: the documented
    columns; built-ins have is_builtin Y, language SQL and no schema; LIKE filters. Every
    function listed runs in the emulator."""
    table = emu.sql("SHOW FUNCTIONS")
    assert table.column_names == [
        "created_on",
        "name",
        "schema_name",
        "is_builtin",
        "is_aggregate",
        "is_ansi",
        "min_num_arguments",
        "max_num_arguments",
        "arguments",
        "description",
        "catalog_name",
        "is_table_function",
        "valid_for_clustering",
        "is_secure",
        "is_external_function",
        "language",
        "is_memoizable",
        "is_data_metric",
    ]
    rows = {r["name"]: r for r in table.to_pylist()}
    assert set(rows) == set(CALLS)
    assert {(r["is_builtin"], r["language"], r["schema_name"]) for r in rows.values()} == {
        ("Y", "SQL", None)
    }
    assert (rows["SUM"]["is_aggregate"], rows["UPPER"]["is_aggregate"]) == ("Y", "N")
    assert rows["FLATTEN"]["is_table_function"] == "Y"
    assert rows["UPPER"]["arguments"] == "UPPER(VARCHAR) RETURN VARCHAR"
    assert names(emu, "SHOW FUNCTIONS LIKE 'current_d%'") == ["CURRENT_DATABASE", "CURRENT_DATE"]
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1), (2)")
    for call in CALLS.values():
        emu.sql(call)


def test_show_procedures(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-procedures: the documented
    columns (no stored procedures exist in the emulator)."""
    table = emu.sql("SHOW PROCEDURES")
    assert table.column_names == [
        "created_on",
        "name",
        "schema_name",
        "is_builtin",
        "is_aggregate",
        "is_ansi",
        "min_num_arguments",
        "max_num_arguments",
        "arguments",
        "description",
        "catalog_name",
        "is_table_function",
        "valid_for_clustering",
        "is_secure",
    ]
    assert table.num_rows == 0


def test_show_parameters_like_is_case_insensitive(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-parameters: LIKE filters the
    parameter names case-insensitively."""
    rows = emu.sql("SHOW PARAMETERS LIKE 'timezone'").to_pylist()
    assert [r["key"] for r in rows] == ["TIMEZONE"]


def test_features_share_the_listing_clauses(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-streams, …/show-tasks,
    …/show-dynamic-tables and …/show-iceberg-tables take STARTS WITH and LIMIT like every
    SHOW; SHOW TERSE TASKS returns created_on, name, kind (NULL), database_name,
    schema_name and schedule."""
    emu.execute(
        """
        CREATE TABLE t (a INT);
        CREATE STREAM s_one ON TABLE t;
        CREATE STREAM s_two ON TABLE t;
        CREATE TASK k_one SCHEDULE = '1 MINUTE' AS SELECT 1;
        CREATE TASK k_two SCHEDULE = '5 MINUTE' AS SELECT 2;
        CREATE DYNAMIC TABLE d_one TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT a FROM t;
        CREATE DYNAMIC TABLE d_two TARGET_LAG = '1 minute' WAREHOUSE = w AS SELECT a FROM t;
        """
    )
    assert names(emu, "SHOW STREAMS STARTS WITH 'S_T'") == ["S_TWO"]
    assert names(emu, "SHOW STREAMS LIMIT 1") == ["S_ONE"]
    assert names(emu, "SHOW TASKS LIMIT 1 FROM 'K_T'") == ["K_TWO"]
    assert names(emu, "SHOW DYNAMIC TABLES STARTS WITH 'D_O'") == ["D_ONE"]
    terse = emu.sql("SHOW TERSE TASKS")
    assert terse.column_names == [*TERSE, "schedule"]
    assert terse.column("kind").to_pylist() == [None, None]
    assert terse.column("schedule").to_pylist() == ["1 MINUTE", "5 MINUTE"]


def test_show_iceberg_tables_terse(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-iceberg-tables: TERSE returns
    created_on, name, kind (always ICEBERG TABLE), database_name and schema_name."""
    emu.sql("CREATE ICEBERG TABLE ice (a INT) BASE_LOCATION = 'ice'")
    terse = emu.sql("SHOW TERSE ICEBERG TABLES")
    assert terse.column_names == TERSE
    assert terse.column("kind").to_pylist() == ["ICEBERG TABLE"]
    assert emu.sql("SHOW ICEBERG TABLES STARTS WITH 'X'").num_rows == 0


def test_terse_where_no_terse_form_is_documented(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables documents no
    TERSE: the keyword is a syntax error (001003), not silently ignored."""
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SHOW TERSE DYNAMIC TABLES")
    assert info.value.errno == 1003


def test_unsupported_show_and_describe_name_the_statement_once(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show lists kinds the emulator does
    not answer: the error names the statement without doubling its kind."""
    with pytest.raises(UnsupportedError) as info:
        emu.sql("SHOW PIPES")
    assert info.value.msg.endswith(": SHOW PIPES")
    with pytest.raises(UnsupportedError) as info:
        emu.sql("DESCRIBE INTEGRATION my_integration")
    assert info.value.msg.endswith(": DESCRIBE INTEGRATION")
    with pytest.raises(UnsupportedError, match="SHOW TABLES HISTORY"):
        emu.sql("SHOW TABLES HISTORY")
