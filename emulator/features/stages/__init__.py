"""Stages and bulk loading: named stages, file formats, PUT / GET / LIST / REMOVE, COPY INTO.

* :mod:`feature` — what the feature registers at install;
* :mod:`objects`, :mod:`ddl`, :mod:`show` — stage and file format objects and their DDL;
* :mod:`areas` — a stage location to its files (named, table and user stages);
* :mod:`files` — PUT, GET, LIST and REMOVE; :mod:`compression` — what PUT and COPY detect;
* :mod:`formats`, :mod:`copy_options` — file format and copy options as Python values;
* :mod:`copy`, :mod:`load`, :mod:`unload` — COPY INTO <table> and COPY INTO <location>;
  :mod:`load_plan` — a load's target, source, format and files; :mod:`load_results` —
  its result rows;
* :mod:`readers`, :mod:`csv_reader` — a staged file's rows; :mod:`transform` — the load
  query over them; :mod:`evaluate` — conversion and per-row errors; :mod:`load_write` —
  where the rows land; :mod:`load_errors`, :mod:`load_history`, :mod:`load_history_view` —
  errors, load metadata and INFORMATION_SCHEMA.LOAD_HISTORY;
* :mod:`stage_query` — ``SELECT … FROM @stage``; :mod:`infer_schema` — INFER_SCHEMA();
* :mod:`after_commit` — file removals that wait for the commit (PURGE, DROP STAGE).
"""
