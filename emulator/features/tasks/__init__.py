"""Tasks and task graphs on the emulator's clock.

* :mod:`objects` — task definitions kept as catalog rows of kind TASK;
* :mod:`schedule` — interval and CRON schedules;
* :mod:`graph` — roots, children, finalizers and the rules for changing a graph;
* :mod:`statements`, :mod:`show` — CREATE / ALTER / DROP / EXECUTE TASK, CALL, SHOW, DESCRIBE;
* :mod:`engine`, :mod:`runner` — the scheduled source and the graph runs;
* :mod:`when` — WHEN validation and evaluation;
* :mod:`history`, :mod:`table_functions` — TASK_HISTORY() and COMPLETE_TASK_GRAPHS();
* :mod:`system_functions` — SYSTEM$ functions of tasks;
* :mod:`realtime` — the background thread of real-time mode.
"""
