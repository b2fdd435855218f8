"""A VARIANT read as text: casts, string functions, comparisons and assignments to VARCHAR."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from emulator import Emulator

CAR_SALES = """
CREATE OR REPLACE TABLE car_sales (src VARIANT)
AS
SELECT PARSE_JSON(column1) AS src
FROM VALUES
('{
    "date" : "2017-04-28",
    "dealership" : "Valley View Auto Sales",
    "salesperson" : {"id": "55", "name": "Frank Beasley"},
    "customer" : [
      {"name": "Joyce Ridgely", "phone": "16504378889", "address": "San Francisco, CA"}
    ],
    "vehicle" : [
      {"make": "Honda", "model": "Civic", "year": "2017", "price": "20275",
       "extras":["ext warranty", "paint protection"]}
    ]
}'),
('{
    "date" : "2017-04-28",
    "dealership" : "Tindel Toyota",
    "salesperson" : {"id": "274", "name": "Greg Northrup"},
    "customer" : [
      {"name": "Bradley Greenbloom", "phone": "12127593751", "address": "New York, NY"}
    ],
    "vehicle" : [
      {"make": "Toyota", "model": "Camry", "year": "2017", "price": "23500",
       "extras":["ext warranty", "rust proofing", "fabric protection"]}
    ]
}') v
"""


def values(emu: Emulator, sql: str) -> list[tuple[Any, ...]]:
    table = emu.sql(sql)
    return [tuple(row.values()) for row in table.to_pylist()]


@pytest.fixture
def cars(emu: Emulator) -> Emulator:
    """The car_sales table of https://docs.snowflake.com/en/user-guide/querying-semistructured."""
    emu.execute("USE SCHEMA db.public")
    emu.sql(CAR_SALES)
    return emu


def test_streams_example_copies_variant_strings_into_varchar_columns(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/streams-examples (data_staging -> data_prod1,
    data_prod2): a VARIANT string inserted into a VARCHAR column is stored as the string
    (``green``), and ``"35"`` into a NUMBER column is 35."""
    emu.execute(
        """
        CREATE OR REPLACE TABLE data_staging (raw VARIANT);
        CREATE OR REPLACE STREAM data_check ON TABLE data_staging;
        CREATE OR REPLACE TABLE data_prod1 (id NUMBER(8), ts TIMESTAMP_TZ);
        CREATE OR REPLACE TABLE data_prod2 (id NUMBER(8), color VARCHAR, num NUMBER);
        INSERT INTO data_staging SELECT PARSE_JSON('{"id": 7077,
          "x1": "2018-08-14T20:57:01-07:00", "x2": [{"y1": "green", "y2": "35"}]}');
        INSERT INTO data_staging SELECT PARSE_JSON('{"id": 7078,
          "x1": "2018-08-14T21:07:26-07:00", "x2": [{"y1": "cyan", "y2": "107"}]}');
        BEGIN;
        INSERT INTO data_prod1 (id, ts)
        SELECT t.raw:id, to_timestamp_tz(t.raw:x1)
        FROM data_check t
        WHERE METADATA$ACTION = 'INSERT';
        INSERT INTO data_prod2 (id, color, num)
        SELECT t.raw:id, f.value:y1, f.value:y2
        FROM data_check t
        , lateral flatten(input => raw:x2) f
        WHERE METADATA$ACTION = 'INSERT';
        COMMIT;
        """
    )
    assert values(emu, "SELECT * FROM data_prod2 ORDER BY id") == [
        (7077, "green", 35),
        (7078, "cyan", 107),
    ]
    assert values(emu, "SELECT * FROM data_prod1 ORDER BY id") == [
        (7077, datetime(2018, 8, 15, 3, 57, 1, tzinfo=UTC)),
        (7078, datetime(2018, 8, 15, 4, 7, 26, tzinfo=UTC)),
    ]
    assert values(emu, "SELECT * FROM data_check") == []


def test_flatten_value_cast_to_string(cars: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/querying-semistructured (nested FLATTEN):
    ``ve.value::string`` of each extra is the unquoted string."""
    rows = values(
        cars,
        """
        SELECT
          vm.value:make::string as make,
          vm.value:model::string as model,
          ve.value::string as "Extras Purchased"
          FROM
            car_sales
            , LATERAL FLATTEN(INPUT => SRC:vehicle) vm
            , LATERAL FLATTEN(INPUT => vm.value:extras) ve
          ORDER BY make, model, "Extras Purchased"
        """,
    )
    assert rows == [
        ("Honda", "Civic", "ext warranty"),
        ("Honda", "Civic", "paint protection"),
        ("Toyota", "Camry", "ext warranty"),
        ("Toyota", "Camry", "fabric protection"),
        ("Toyota", "Camry", "rust proofing"),
    ]


def test_elements_and_keys_cast_to_varchar(cars: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/querying-semistructured: ``src:dealership``
    is the VARIANT ``"Tindel Toyota"`` (returned as JSON text, quotes kept) and
    ``src:dealership::VARCHAR`` the string ``Tindel Toyota``; the same holds for an element
    or a key's value (bracket notation; a key in quotes is taken as it is), and
    https://docs.snowflake.com/en/sql-reference/functions/cast: a VARIANT number, boolean
    or object cast to VARCHAR is its JSON text."""
    assert values(
        cars, "SELECT src:dealership, src:dealership::VARCHAR FROM car_sales ORDER BY 2"
    ) == [
        ('"Tindel Toyota"', "Tindel Toyota"),
        ('"Valley View Auto Sales"', "Valley View Auto Sales"),
    ]
    row = values(
        cars,
        """SELECT PARSE_JSON('["banana"]')[0]::varchar,
                  PARSE_JSON('{"a.b": "dotted"}')['a.b']::string,
                  src['salesperson']['name']::varchar,
                  TO_VARCHAR(src:customer[0].name),
                  PARSE_JSON('{"a": 1}')::varchar,
                  PARSE_JSON('1.5')::varchar,
                  PARSE_JSON('true')::string
           FROM car_sales WHERE src:dealership = 'Tindel Toyota'""",
    )
    assert row == [
        ("banana", "dotted", "Greg Northrup", "Bradley Greenbloom", '{"a":1}', "1.5", "true")
    ]


def test_string_functions_and_like_read_a_variant_as_varchar(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/data-type-conversion (coercion: a function
    or operator that needs VARCHAR casts its VARIANT argument): ``UPPER`` of the VARIANT
    ``"apple"`` is ``APPLE``; and the pets example of
    https://docs.snowflake.com/en/user-guide/querying-semistructured (``b.value LIKE '%dog%'``
    finds ``"dog"`` and ``"dog terror"``, also with the pattern anchored at the start)."""
    row = values(
        emu,
        """SELECT UPPER(PARSE_JSON('{"fruit":"apple"}'):fruit),
                  'I like ' || PARSE_JSON('{"fruit":"apple"}'):fruit,
                  LENGTH(PARSE_JSON('"apple"'))""",
    )
    assert row == [("APPLE", "I like apple", 5)]
    emu.execute(
        """
        USE SCHEMA db.public;
        CREATE TABLE pets (v variant);
        INSERT INTO pets SELECT PARSE_JSON ('{"species":"dog", "name":"Fido", "is_dog":"true"} ');
        INSERT INTO pets SELECT PARSE_JSON ('{"species":"cat", "name":"Bubby", "is_dog":"false"}');
        INSERT INTO pets SELECT PARSE_JSON ('{"species":"cat", "name":"dog terror",
                                             "is_dog":"false"}');
        """
    )
    for pattern in ("%dog%", "dog%"):
        rows = values(
            emu,
            f"SELECT b.key, b.value FROM pets a,LATERAL FLATTEN(input => a.v) b "
            f"WHERE b.value LIKE '{pattern}' ORDER BY b.key DESC",
        )
        assert rows == [("species", '"dog"'), ("name", '"dog terror"')], pattern


def test_comparing_a_variant_with_text_compares_the_string(cars: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/querying-semistructured: a VARIANT compared
    with a string is cast to the string's type, so ``v:fruit = 'apple'`` is TRUE and a
    FLATTEN value equals the text it holds."""
    assert values(cars, """SELECT PARSE_JSON('{"fruit":"apple"}'):fruit = 'apple'""") == [(True,)]
    rows = values(
        cars,
        "SELECT src:dealership::string FROM car_sales, "
        "LATERAL FLATTEN(INPUT => src:vehicle[0].extras) e WHERE e.value = 'rust proofing'",
    )
    assert rows == [("Tindel Toyota",)]


def test_variant_values_written_into_varchar_columns(cars: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/data-type-conversion: a value written into
    a column is converted to the column's type, as by a cast; a VARIANT string into VARCHAR
    is the string (INSERT from a subquery, CREATE TABLE (columns) AS SELECT, UPDATE)."""
    cars.execute(
        """
        CREATE TABLE people (name VARCHAR, role VARCHAR);
        INSERT INTO people (name)
          SELECT n FROM (SELECT src:salesperson.name AS n FROM car_sales);
        UPDATE people SET role = PARSE_JSON('{"r": "seller"}'):r;
        CREATE TABLE dealers (dealer VARCHAR, raw VARIANT) AS
          SELECT src:dealership, src:dealership FROM car_sales;
        """
    )
    assert values(cars, "SELECT * FROM people ORDER BY name") == [
        ("Frank Beasley", "seller"),
        ("Greg Northrup", "seller"),
    ]
    assert values(cars, "SELECT * FROM dealers ORDER BY dealer") == [
        ("Tindel Toyota", '"Tindel Toyota"'),
        ("Valley View Auto Sales", '"Valley View Auto Sales"'),
    ]


def test_tasks_example_merges_variant_fields_into_string_columns(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/tasks-examples (transforming loaded JSON data):
    the MERGE statements of the raw_to_names and raw_to_visits tasks, run on the streams'
    two batches, leave names (id, first_name, last_name) and visits (id, dt) as strings and
    dates, not JSON text."""
    emu.execute(
        """
        USE SCHEMA db.public;
        create or replace table raw (var variant);
        create or replace stream rawstream1 on table raw;
        create or replace stream rawstream2 on table raw;
        create or replace table names (id int, first_name string, last_name string);
        create or replace table visits (id int, dt date);
        insert into raw
          select parse_json(column1)
          from values
          ('{"id": "123","fname": "Jane","lname": "Smith","visit_dt": "2019-09-17"}'),
          ('{"id": "456","fname": "Peter","lname": "Williams","visit_dt": "2019-09-17"}');
        """
    )
    names = """merge into names n
      using (select var:id id, var:fname fname, var:lname lname from rawstream1) r1
        on n.id = to_number(r1.id)
      when matched then update set n.first_name = r1.fname, n.last_name = r1.lname
      when not matched then insert (id, first_name, last_name) values (r1.id, r1.fname, r1.lname)"""
    visits = """merge into visits v
      using (select var:id id, var:visit_dt visit_dt from rawstream2) r2
        on v.id = to_number(r2.id)
      when matched then update set v.dt = r2.visit_dt
      when not matched then insert (id, dt) values (r2.id, r2.visit_dt)"""
    emu.sql(names)
    emu.sql(visits)
    emu.sql(
        """insert into raw
          select parse_json(column1)
          from values
          ('{"id": "456","fname": "Peter","lname": "Williams","visit_dt": "2019-09-25"}'),
          ('{"id": "789","fname": "Ana","lname": "Glass","visit_dt": "2019-09-25"}')"""
    )
    emu.sql(names)
    emu.sql(visits)
    assert values(emu, "SELECT * FROM names ORDER BY id") == [
        (123, "Jane", "Smith"),
        (456, "Peter", "Williams"),
        (789, "Ana", "Glass"),
    ]
    assert [(i, d.isoformat()) for i, d in values(emu, "SELECT * FROM visits ORDER BY id")] == [
        (123, "2019-09-17"),
        (456, "2019-09-25"),
        (789, "2019-09-25"),
    ]
