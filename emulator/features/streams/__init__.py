"""Streams on tables, views, dynamic and Iceberg tables (Snowflake semantics).

* :mod:`feature` — what the feature registers at install;
* :mod:`functions` — SYSTEM$STREAM_HAS_DATA and its statement rewriter;
* :mod:`relation` — stream reads, CHANGES clauses and AT | BEFORE as query relations;
* :mod:`consume` — offsets move only with committed DML (:class:`StreamTracker`);
* :mod:`staleness` — stale streams and SYSTEM$STREAM_HAS_DATA;
* :mod:`ddl`, :mod:`show` — CREATE / DROP / SHOW / DESCRIBE STREAM;
* :mod:`time_travel`, :mod:`tracking`, :mod:`purge` — history points, CHANGE_TRACKING
  toggles and log compaction (the change log itself is :mod:`emulator.core.changes`);
* :mod:`probe` — cached SYSTEM$STREAM_HAS_DATA for task ticks, deferred staleness touches.
"""
