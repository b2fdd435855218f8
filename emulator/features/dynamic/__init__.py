"""Dynamic tables: CREATE / ALTER / DROP / SHOW, refreshes on the emulator clock, refresh
history. See the module docstrings and docs/fidelity/dynamic_tables.md."""
