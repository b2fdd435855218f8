"""Streams on views with joins, UNION ALL and nested views or subqueries
(https://docs.snowflake.com/en/user-guide/streams-intro, Streams on views)."""

from __future__ import annotations

import pytest
from stream_helpers import rows

from emulator import Emulator
from icebridge.errors import SqlError, UnsupportedError


@pytest.fixture
def j(emu: Emulator) -> Emulator:
    """Birds joined to the places they were seen at (the streams-examples join shape)."""
    emu.execute(
        "CREATE TABLE birds (id INT, name VARCHAR, loc INT);"
        "CREATE TABLE places (lid INT, place VARCHAR);"
        "INSERT INTO birds VALUES (1, 'robin', 10), (2, 'owl', 20);"
        "INSERT INTO places VALUES (10, 'park'), (20, 'wood'), (30, 'lake');"
        "CREATE VIEW sightings AS SELECT b.id, b.name, p.place FROM birds b "
        "JOIN places p ON b.loc = p.lid;"
        "CREATE STREAM ss ON VIEW sightings"
    )
    return emu


def delta(emu: Emulator, stream: str = "ss") -> list[tuple[object, ...]]:
    """(view columns…, ACTION, ISUPDATE) sorted; the row id is checked separately."""
    got = rows(emu, f"SELECT * EXCLUDE (METADATA$ROW_ID) FROM {stream}")
    return sorted(got, key=repr)


def row_ids(emu: Emulator, stream: str = "ss") -> dict[tuple[object, str], str]:
    """(first view column, ACTION) -> METADATA$ROW_ID."""
    got = rows(emu, f"SELECT * FROM {stream}")
    return {(r[0], str(r[-3])): str(r[-1]) for r in got}


def test_changes_on_either_side_of_the_join(j: Emulator) -> None:
    j.sql("INSERT INTO birds VALUES (3, 'jay', 10), (4, 'gull', 99)")  # 4 joins nothing
    j.sql("UPDATE places SET place = 'forest' WHERE lid = 20")  # owl's row changes
    j.sql("DELETE FROM birds WHERE id = 1")
    assert delta(j) == [
        (1, "robin", "park", "DELETE", False),
        (2, "owl", "forest", "INSERT", True),
        (2, "owl", "wood", "DELETE", True),
        (3, "jay", "park", "INSERT", False),
    ]
    ids = row_ids(j)
    assert ids[(2, "DELETE")] == ids[(2, "INSERT")]
    assert len({ids[(1, "DELETE")], ids[(2, "INSERT")], ids[(3, "INSERT")]}) == 3


def test_rows_changed_on_both_sides_in_one_interval_appear_once(j: Emulator) -> None:
    j.sql("INSERT INTO places VALUES (40, 'marsh')")
    j.sql("INSERT INTO birds VALUES (5, 'heron', 40)")
    j.sql("UPDATE birds SET loc = 30 WHERE id = 2")  # owl moves: a new pair of row ids
    assert delta(j) == [
        (2, "owl", "lake", "INSERT", False),
        (2, "owl", "wood", "DELETE", False),
        (5, "heron", "marsh", "INSERT", False),
    ]


def test_a_change_the_view_cannot_see_is_nothing(j: Emulator) -> None:
    j.sql("UPDATE places SET place = 'sea' WHERE lid = 30")  # no bird is at the lake
    j.sql("INSERT INTO birds VALUES (6, 'tern', 77)")  # joins no place
    assert delta(j) == []
    assert rows(j, "SELECT SYSTEM$STREAM_HAS_DATA('ss')") == [(True,)]  # a false positive


def test_consumption_moves_the_offset_of_every_table(j: Emulator) -> None:
    j.execute("CREATE TABLE sink (id INT); INSERT INTO birds VALUES (3, 'jay', 10)")
    j.sql("INSERT INTO sink SELECT id FROM ss")
    assert delta(j) == []
    assert rows(j, "SELECT SYSTEM$STREAM_HAS_DATA('ss')") == [(False,)]
    j.sql("UPDATE places SET place = 'garden' WHERE lid = 10")
    assert delta(j) == [
        (1, "robin", "garden", "INSERT", True),
        (1, "robin", "park", "DELETE", True),
        (3, "jay", "garden", "INSERT", True),
        (3, "jay", "park", "DELETE", True),
    ]
    assert rows(j, "SELECT id FROM sink") == [(3,)]


def test_rolled_back_consumption_keeps_the_offset(j: Emulator) -> None:
    j.execute("CREATE TABLE sink (id INT); INSERT INTO birds VALUES (3, 'jay', 10)")
    j.execute("BEGIN; INSERT INTO sink SELECT id FROM ss; ROLLBACK")
    assert delta(j) == [(3, "jay", "park", "INSERT", False)]


def test_append_only_join_returns_inserts_joined_with_the_tables_at_the_offset(
    j: Emulator,
) -> None:
    # https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_01/bcr-920
    j.sql("CREATE STREAM sa ON VIEW sightings APPEND_ONLY = TRUE")
    j.sql("UPDATE places SET place = 'forest' WHERE lid = 20")  # not an insert
    j.sql("INSERT INTO birds VALUES (3, 'jay', 10), (7, 'kite', 50)")
    j.sql("INSERT INTO places VALUES (50, 'hill')")
    j.sql("DELETE FROM birds WHERE id = 1")
    assert delta(j, "sa") == [
        (3, "jay", "park", "INSERT", False),
        (7, "kite", "hill", "INSERT", False),
    ]


def test_union_all_view_rows_keep_unique_row_ids_across_branches(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR); CREATE TABLE u (id INT, v VARCHAR);"
        "CREATE VIEW un AS SELECT id, v FROM t UNION ALL SELECT id, UPPER(v) FROM u "
        "UNION ALL SELECT id, v FROM t WHERE id > 1;"
        "CREATE STREAM us ON VIEW un;"
        "INSERT INTO t VALUES (1, 'a'), (2, 'b'); INSERT INTO u VALUES (3, 'c')"
    )
    assert delta(emu, "us") == [
        (1, "a", "INSERT", False),
        (2, "b", "INSERT", False),
        (2, "b", "INSERT", False),
        (3, "C", "INSERT", False),
    ]
    ids = [r[-1] for r in rows(emu, "SELECT * FROM us")]
    assert len(set(ids)) == 4
    emu.sql("UPDATE t SET v = 'z' WHERE id = 2")
    emu.sql("CREATE TABLE sink AS SELECT * FROM us")
    emu.sql("UPDATE t SET v = 'y' WHERE id = 2")
    assert delta(emu, "us") == [
        (2, "y", "INSERT", True),
        (2, "y", "INSERT", True),
        (2, "z", "DELETE", True),
        (2, "z", "DELETE", True),
    ]


def test_nested_views_and_subqueries_in_from(j: Emulator) -> None:
    j.execute(
        "CREATE VIEW named AS SELECT s.name, s.place FROM sightings s WHERE s.id < 100;"
        "CREATE VIEW sub AS SELECT q.id, p.place FROM "
        "(SELECT b.id, b.loc FROM birds b WHERE b.id > 1) q, places p2 "
        "JOIN (SELECT * FROM places) p ON p.lid = p2.lid WHERE q.loc = p.lid;"
        "CREATE STREAM ns ON VIEW named; CREATE STREAM qs ON VIEW sub;"
        "INSERT INTO birds VALUES (1, 'robin2', 20), (3, 'jay', 30)"
    )
    assert delta(j, "ns") == [("jay", "lake", "INSERT", False), ("robin2", "wood", "INSERT", False)]
    assert delta(j, "qs") == [(3, "lake", "INSERT", False)]


def test_self_join_and_select_star(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE e (id INT, boss INT, name VARCHAR);"
        "INSERT INTO e VALUES (1, NULL, 'ann'), (2, 1, 'bob');"
        "CREATE VIEW chain AS SELECT * FROM e w JOIN e m ON w.boss = m.id;"
        "CREATE STREAM cs ON VIEW chain;"
        "UPDATE e SET name = 'ana' WHERE id = 1"
    )
    # The stream has the view's columns (as SELECT * FROM chain names them), then metadata.
    view_columns = emu.sql("SELECT * FROM chain").column_names
    assert emu.sql("SELECT * FROM cs").column_names == [
        *view_columns,
        "METADATA$ACTION",
        "METADATA$ISUPDATE",
        "METADATA$ROW_ID",
    ]
    assert delta(emu, "cs") == [
        (2, 1, "bob", 1, None, "ana", "INSERT", True),
        (2, 1, "bob", 1, None, "ann", "DELETE", True),
    ]


def test_show_initial_rows_on_a_join_view(j: Emulator) -> None:
    j.sql("CREATE STREAM si ON VIEW sightings SHOW_INITIAL_ROWS = TRUE")
    assert delta(j, "si") == [
        (1, "robin", "park", "INSERT", False),
        (2, "owl", "wood", "INSERT", False),
    ]


def test_stream_at_another_streams_offset(j: Emulator) -> None:
    j.sql("INSERT INTO birds VALUES (3, 'jay', 10)")
    j.sql("CREATE STREAM copy ON VIEW sightings AT(STREAM => 'ss')")
    assert delta(j, "copy") == delta(j, "ss") == [(3, "jay", "park", "INSERT", False)]
    with pytest.raises(
        SqlError, match=r"Time travel data is not available for table DB\.PUBLIC\.SIGHTINGS"
    ):
        j.sql("CREATE STREAM old ON VIEW sightings AT(OFFSET => -60)")


def test_replacing_a_base_table_makes_the_stream_stale(j: Emulator) -> None:
    shown = j.sql("SHOW STREAMS LIKE 'SS'").to_pylist()[0]
    assert shown["base_tables"] == "DB.PUBLIC.BIRDS, DB.PUBLIC.PLACES"
    assert shown["stale"] == "false"
    j.sql("CREATE OR REPLACE TABLE places (lid INT, place VARCHAR)")
    with pytest.raises(SqlError, match="has become stale"):
        j.sql("SELECT * FROM ss")
    assert j.sql("SHOW STREAMS LIKE 'SS'").to_pylist()[0]["stale"] == "true"


def test_reads_in_a_transaction_see_the_committed_tables(j: Emulator) -> None:
    j.execute("BEGIN; INSERT INTO birds VALUES (3, 'jay', 10)")
    assert delta(j) == []
    j.sql("COMMIT")
    assert delta(j) == [(3, "jay", "park", "INSERT", False)]


@pytest.mark.parametrize(
    ("view", "construct"),
    [
        ("SELECT b.id FROM birds b LEFT JOIN places p ON b.loc = p.lid", "outer joins"),
        ("SELECT id FROM birds UNION SELECT lid FROM places", "UNION"),
        ("SELECT b.id FROM birds b JOIN places p ON b.loc = p.lid LIMIT 1", "LIMIT"),
    ],
)
def test_disallowed_join_shapes_fail_at_create(j: Emulator, view: str, construct: str) -> None:
    j.sql(f"CREATE VIEW bad AS {view}")
    with pytest.raises(SqlError, match=construct):
        j.sql("CREATE STREAM bs ON VIEW bad")


def test_union_nested_in_from_is_not_implemented(j: Emulator) -> None:
    j.sql(
        "CREATE VIEW nu AS SELECT x.id FROM "
        "(SELECT id FROM birds UNION ALL SELECT lid FROM places) x"
    )
    with pytest.raises(UnsupportedError, match="NU"):
        j.sql("CREATE STREAM nus ON VIEW nu")


def test_log_compaction_keeps_what_a_join_view_stream_still_needs(j: Emulator) -> None:
    j.execute(
        "ALTER TABLE birds SET DATA_RETENTION_TIME_IN_DAYS = 0;"
        "CREATE STREAM ts ON TABLE birds; CREATE TABLE sink (id INT);"
        "UPDATE birds SET name = 'barn owl' WHERE id = 2;"
        "INSERT INTO sink SELECT id FROM ts"  # consuming ts compacts the birds log
    )
    assert delta(j) == [
        (2, "barn owl", "wood", "INSERT", True),
        (2, "owl", "wood", "DELETE", True),
    ]


def test_unchanged_tables_drive_no_evaluation(j: Emulator) -> None:
    from emulator.core import sql as duck
    from emulator.core.changes import source_for
    from emulator.features.streams.view_join import JoinViewSource

    view = j.engine.catalog.by_id(j.engine.catalog.objects(kind="VIEW")[0].id)
    assert view is not None
    reader = source_for(j.engine, view)
    assert isinstance(reader, JoinViewSource)
    start = reader.current_version()
    j.sql("INSERT INTO birds VALUES (3, 'jay', 10)")
    sql = duck.render(reader.delta_sql(start, reader.current_version(), append_only=False))
    places = j.engine.catalog.objects(kind="TABLE")[1]
    assert places.name.name == "PLACES"
    # birds drives the join through its changed rows; places is only read in full.
    assert f"__ib_aft_{places.id}" not in sql.split('"n" AS (', 1)[1]
    assert "__ib_aft_" in sql.split('"n" AS (', 1)[1]


def test_non_deterministic_functions_are_evaluated_when_the_stream_is_queried(
    j: Emulator,
) -> None:
    j.execute(
        "CREATE VIEW stamped AS SELECT b.id, CURRENT_TIMESTAMP() AS seen FROM birds b "
        "JOIN places p ON b.loc = p.lid;"
        "CREATE STREAM st ON VIEW stamped; INSERT INTO birds VALUES (3, 'jay', 10)"
    )
    first = rows(j, "SELECT seen, CURRENT_TIMESTAMP() FROM st")
    j.advance("1 minute")
    second = rows(j, "SELECT seen, CURRENT_TIMESTAMP() FROM st")
    assert len(first) == len(second) == 1
    assert first[0][0] == first[0][1]
    assert second[0][0] == second[0][1] != first[0][0]
