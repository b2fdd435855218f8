"""Timestamp values reach the user without any module icebridge does not declare.

DuckDB's Python conversion of TIMESTAMP WITH TIME ZONE imports pytz, which is not a
dependency; every path below runs in a fresh interpreter in which pytz cannot be imported
(``sys.modules["pytz"] = None`` before anything else), so the test holds on machines where
pytz happens to be installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys

    sys.modules["pytz"] = None  # importing pytz now raises ImportError

    import json

    from icebridge import Emulator, Pipeline

    def first(table):
        return [str(v) for v in table.to_pylist()[0].values()]

    out = {}
    emu = Emulator()
    emu.execute(
        "CREATE DATABASE db; CREATE WAREHOUSE wh;"
        "CREATE TABLE t (id INT, ltz TIMESTAMP_LTZ, tz TIMESTAMP_TZ, ntz TIMESTAMP_NTZ);"
        "INSERT INTO t VALUES (1, '2024-01-02 03:04:05', '2024-01-02 03:04:05',"
        " '2024-01-02 03:04:05')"
    )
    emu.execute("SET ts1 = (SELECT CURRENT_TIMESTAMP())")
    emu.execute("SET (a, b) = ((SELECT ltz FROM t), (SELECT tz FROM t))")
    out["variables"] = first(emu.sql("SELECT $ts1, $a, $b"))
    out["sql"] = first(emu.sql("SELECT ltz, tz, ntz FROM t"))
    cursor = emu.connect().cursor()
    out["fetchone"] = [str(v) for v in cursor.execute("SELECT ltz, tz FROM t").fetchone()]
    out["fetchall"] = [[str(v) for v in r] for r in cursor.execute("SELECT ltz FROM t").fetchall()]
    emu.execute(
        "CREATE ICEBERG TABLE i (id INT, ltz TIMESTAMP_LTZ);"
        "INSERT INTO i SELECT id, ltz FROM t;"
        "MERGE INTO i USING t ON i.ltz = t.ltz WHEN MATCHED THEN UPDATE SET id = 7"
    )
    out["iceberg_merge"] = emu.sql("SELECT id FROM i").column(0).to_pylist()
    # A nondeterministic MERGE names the target row (LTZ value included) in its error.
    emu.execute("CREATE TABLE n (id INT, ltz TIMESTAMP_LTZ); INSERT INTO n SELECT 1, ltz FROM t")
    for target, key in (("n", 1), ("i", 7)):
        try:
            emu.sql(
                f"MERGE INTO {target} USING (SELECT {key} AS id UNION ALL SELECT {key}) s"
                f" ON {target}.id = s.id WHEN MATCHED THEN UPDATE SET id = 2"
            )
        except Exception as error:  # the error must be Snowflake's, not a conversion's
            out[f"nondeterministic_{target}"] = getattr(error, "errno", repr(error))
    p = (
        Pipeline("events", database="PDB", warehouse="WH")
        .stage("RAW.EVENTS", columns={"ID": "NUMBER", "AT": "TIMESTAMP_LTZ"})
        .stream()
        .to_iceberg("LAKE.EVENTS", schedule="1 minute", merge_on="ID")
    )
    emu.execute("CREATE DATABASE pdb")
    p.deploy(emu)
    p.ingest(emu, [{"ID": 1, "AT": "2024-01-02 03:04:05"}])
    emu.advance("2 minutes")
    history = emu.sql(
        "SELECT name, state, scheduled_time, completed_time"
        " FROM TABLE(pdb.information_schema.task_history())"
    )
    out["history"] = sorted({str(s) for s in history.column("STATE").to_pylist()})
    out["history_times"] = type(history.column("SCHEDULED_TIME")[0].as_py()).__name__
    status = p.status(emu)
    out["status"] = [status.staged_rows, status.target_rows, len(status.recent_task_runs)]
    out["pytz_blocked"] = "pytz" in sys.modules and sys.modules["pytz"] is None
    print(json.dumps(out))
    """
)


def test_timestamp_paths_need_no_pytz() -> None:
    """SET from CURRENT_TIMESTAMP, LTZ/TZ columns via emu.sql and the cursor, an Iceberg MERGE on
    a TIMESTAMP_LTZ key, TASK_HISTORY and Pipeline.status() all work without pytz
    (https://docs.snowflake.com/en/sql-reference/sql/set: a variable holds a query's value)."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = json.loads(done.stdout)
    assert out["pytz_blocked"] is True
    ts1, a, b = out["variables"]
    assert ts1.startswith("2026-01-01")  # the virtual clock's start, in the session TZ
    assert ts1.endswith("-08:00")  # America/Los_Angeles, the default TIMEZONE
    assert a == b == "2024-01-02 03:04:05-08:00"
    assert out["sql"] == [a, a, "2024-01-02 03:04:05"]
    assert out["fetchone"] == ["2024-01-02 03:04:05-08:00", "2024-01-02 03:04:05-08:00"]
    assert out["fetchall"] == [["2024-01-02 03:04:05-08:00"]]
    assert out["iceberg_merge"] == [7]
    assert out["nondeterministic_n"] == 100090
    assert out["nondeterministic_i"] == 100090
    assert "SUCCEEDED" in out["history"]
    assert out["history_times"] == "datetime"
    assert out["status"][0:2] == [1, 1]
    assert out["status"][2] >= 1
