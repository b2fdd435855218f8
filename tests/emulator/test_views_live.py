"""A view reads its body's sources as they are now, whatever they are.

https://docs.snowflake.com/en/user-guide/views-introduction: a (non-materialized) view's
query runs when the view is referenced, so its results are always current. A view over an
Iceberg table, a stream or an INFORMATION_SCHEMA view must not keep the files, offsets or
rows of the moment it was created.
"""

from __future__ import annotations

from pathlib import Path

from emulator import Emulator


def _setup(emu: Emulator) -> None:
    emu.execute("CREATE DATABASE D; CREATE SCHEMA D.S; USE SCHEMA D.S")


def test_a_view_over_an_iceberg_table_sees_later_commits() -> None:
    with Emulator() as emu:
        _setup(emu)
        emu.execute("CREATE ICEBERG TABLE IT (A INT); INSERT INTO IT VALUES (1)")
        emu.execute("CREATE VIEW V AS SELECT A FROM IT")
        emu.execute("INSERT INTO IT VALUES (2)")
        emu.execute("DELETE FROM IT WHERE A = 1")
        assert emu.sql("SELECT A FROM V ORDER BY A").column("A").to_pylist() == [2]


def test_a_view_over_a_stream_shows_the_current_delta_and_dml_through_it_consumes() -> None:
    """A stream read through a view is a stream read: a query does not move the offset, a
    committed DML statement does (https://docs.snowflake.com/en/user-guide/streams-intro)."""
    with Emulator() as emu:
        _setup(emu)
        emu.execute("CREATE TABLE T (A INT); CREATE STREAM ST ON TABLE T")
        emu.execute("CREATE VIEW VS (X) AS SELECT A FROM ST")
        emu.execute("INSERT INTO T VALUES (5)")
        assert emu.sql("SELECT X FROM VS").column("X").to_pylist() == [5]
        assert emu.sql("SELECT X FROM VS").column("X").to_pylist() == [5]  # not consumed
        emu.execute("CREATE TABLE SINK (X INT); INSERT INTO SINK SELECT X FROM VS")
        assert emu.sql("SELECT X FROM VS").num_rows == 0
        emu.execute("INSERT INTO T VALUES (6)")
        assert emu.sql("SELECT X FROM VS").column("X").to_pylist() == [6]


def test_a_view_over_information_schema_lists_objects_created_later() -> None:
    with Emulator() as emu:
        _setup(emu)
        emu.execute(
            "CREATE VIEW NAMES AS SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
            "WHERE TABLE_SCHEMA = 'S' AND TABLE_TYPE = 'BASE TABLE'"
        )
        assert emu.sql("SELECT * FROM NAMES").num_rows == 0
        emu.execute("CREATE TABLE LATER (A INT)")
        assert emu.sql("SELECT * FROM NAMES").column(0).to_pylist() == ["LATER"]


def test_names_in_the_body_resolve_in_the_views_schema() -> None:
    """Unqualified names in a view's query are the view's schema's, not the reader's
    (https://docs.snowflake.com/en/sql-reference/sql/create-view)."""
    with Emulator() as emu:
        _setup(emu)
        emu.execute("CREATE ICEBERG TABLE IT (A INT); INSERT INTO IT VALUES (1)")
        emu.execute("CREATE VIEW V AS SELECT A FROM IT")
        emu.execute("CREATE SCHEMA D.OTHER; USE SCHEMA D.OTHER")
        emu.execute("CREATE ICEBERG TABLE IT (A INT); INSERT INTO IT VALUES (99)")
        assert emu.sql("SELECT A FROM D.S.V").column("A").to_pylist() == [1]
        assert emu.sql("SELECT CURRENT_SCHEMA() AS S").column("S").to_pylist() == ["OTHER"]


def test_describe_drop_and_reopen_of_a_live_view(tmp_path: Path) -> None:
    with Emulator(path=tmp_path) as emu:
        _setup(emu)
        emu.execute("CREATE ICEBERG TABLE IT (A INT, B VARCHAR); INSERT INTO IT VALUES (1, 'x')")
        emu.execute("CREATE VIEW V AS SELECT A, B FROM IT")
        described = emu.sql("DESCRIBE VIEW V").to_pylist()
        assert [(r["name"], r["type"]) for r in described] == [
            ("A", "NUMBER(38,0)"),
            ("B", "VARCHAR(16777216)"),
        ]
    with Emulator(path=tmp_path) as emu:
        emu.execute("USE SCHEMA D.S; INSERT INTO IT VALUES (2, 'y')")
        assert emu.sql("SELECT A FROM V ORDER BY A").column("A").to_pylist() == [1, 2]
        emu.execute("DROP VIEW V")
        assert emu.sql("SHOW VIEWS").num_rows == 0
