"""COPY INTO <table>: load staged files into a table.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table. The files are the stage
location's (a path is a prefix), narrowed by FILES or PATTERN; without FROM, the table's
own stage. Files the table loaded already and that did not change are skipped unless
FORCE = TRUE (:mod:`.load_history`). Each file is read (:mod:`.readers`), projected onto
the target columns (:mod:`.transform`) and converted (:mod:`.evaluate`); then ON_ERROR
decides: ABORT_STATEMENT (the default) fails the statement at the first error and loads
nothing, CONTINUE loads the good rows, SKIP_FILE[_n[%]] loads nothing of a file with too
many errors. The result has one row per file (file, status LOADED / LOAD_FAILED /
PARTIALLY_LOADED, rows_parsed, rows_loaded, error_limit, errors_seen, first_error,
first_error_line, first_error_character, first_error_column_name), or "Copy executed with 0
files processed." when no file is loaded. VALIDATION_MODE = RETURN_ERRORS | RETURN_ALL_ERRORS
| RETURN_n_ROWS checks the files without loading them. PURGE = TRUE removes the loaded files
once the statement commits.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.engine import Outcome, status
from emulator.core.stage_files import StagedFile
from emulator.features.stages import evaluate as ev
from emulator.features.stages import readers, transform
from emulator.features.stages.after_commit import AfterCommit
from emulator.features.stages.areas import StageArea, stage_files
from emulator.features.stages.copy_options import ABORT_STATEMENT
from emulator.features.stages.load_errors import NOT_NULL, RowError, abort, column_label, conversion
from emulator.features.stages.load_history import (
    LOAD_FAILED,
    LOADED,
    PARTIALLY_LOADED,
    LoadHistory,
    LoadRecord,
)
from emulator.features.stages.load_plan import Load, not_found, plan, select_files
from emulator.features.stages.load_results import (
    NO_FILES,
    RESULT,
    errors_table,
    missing_row,
    sample,
    validation_name,
)
from emulator.features.stages.load_write import Writer
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_VALIDATIONS = ("RETURN_ERRORS", "RETURN_ALL_ERRORS")


def run_load(emu: Engine, node: exp.Copy) -> Outcome:
    """COPY INTO <table> (see the module docstring)."""
    load = plan(emu, node)
    options = load.options
    candidates, missing = select_files(emu, load)
    rows_mode = options.validation_rows()
    validating = options.validation is not None
    if validating and rows_mode is None and options.validation not in _VALIDATIONS:
        raise errors.invalid_value("VALIDATION_MODE", str(options.validation))
    if missing and options.on_error.mode == ABORT_STATEMENT:
        raise not_found(missing[0])
    writer = Writer(emu, load.obj, [c.name for c in load.targets])
    records: list[LoadRecord] = []
    found_errors: list[tuple[RowError, str]] = []
    returned: list[pa.Table] = []
    wanted = rows_mode
    for staged in candidates:
        if wanted is not None and wanted <= 0:
            break
        outcome = _load_file(emu, load, staged, writer, validating=validating)
        if validating:
            name = validation_name(load.area, staged.path)
            found_errors.extend((e, name) for e in outcome.errors)
            if wanted is not None:
                if outcome.errors and outcome.errors[0].row <= wanted:
                    raise abort(outcome.errors[0], name)
                returned.append(outcome.sample)
                wanted -= outcome.sample.num_rows
            continue
        records.append(outcome.record)
        load.results.append(outcome.row)
    if validating:
        if rows_mode is not None:
            return sample(returned, load.targets, rows_mode)
        return errors_table(found_errors)
    writer.commit()
    LoadHistory(emu).record(records)
    if options.flag("PURGE"):
        _purge(emu, load.area, [r for r in records if r.status in (LOADED, PARTIALLY_LOADED)])
    for name in missing:
        load.results.append(missing_row(name, options))
    if not load.results:
        return status(NO_FILES)
    shown = load.results
    if options.flag("RETURN_FAILED_ONLY"):
        shown = [r for r in shown if r["status"] != LOADED]
    table = pa.Table.from_pylist(shown, schema=pa.schema(list(RESULT)))
    return Outcome(table, sum(int(r["rows_loaded"]) for r in load.results))


@dataclass
class FileOutcome:
    """What loading one file did."""

    row: dict[str, Any]
    record: LoadRecord
    errors: list[RowError]
    sample: pa.Table


def _load_file(
    emu: Engine, load: Load, staged: StagedFile, writer: Writer, *, validating: bool
) -> FileOutcome:
    name = load.area.display(staged.path)
    data = stage_files(emu).read(load.area.directory, staged.path)
    options = load.options
    plain_csv = load.query is None and options.match_by == "NONE" and load.fmt.type == "CSV"
    try:
        source = readers.read(
            data, load.fmt, name, expected=len(load.targets) if plain_csv else None
        )
    except SqlError as error:  # the file cannot be read at all
        failure = RowError(1, 1, 1, error.msg, error.errno or 100000, error.sqlstate or "22000")
        source = readers.unreadable(load.fmt.type, failure)
    source = readers.with_file(source, name, staged.last_modified, staged.md5)
    raw = transform.RAW
    emu.con.register(raw, source.table)
    try:
        sql.run(
            emu.con, sql.create_temp(transform.SOURCE, transform.source_view(source), view=True)
        )
        if load.query is not None:
            query = transform.transformed(load.query, source, emu.now)
        elif options.match_by != "NONE":
            query = transform.by_name(source, load.targets, options.match_by)
        else:
            query = transform.plain(source, load.targets, load.fmt.type)
        checks = ev.evaluate(emu, query, load.targets)
        row_errors = list(source.errors)
        for number, index, value in ev.failures(emu):
            row_errors.append(_row_error(load, source, checks[index], number, value, plain_csv))
        row_errors.sort(key=lambda e: e.row)
        parsed = source.parsed
        errors_seen = len(row_errors)
        if errors_seen and options.on_error.mode == ABORT_STATEMENT and not validating:
            raise abort(row_errors[0], name)
        skipped = options.on_error.skips(errors_seen, parsed)
        loaded = 0
        sample = pa.table({})
        if validating:
            sample = sql.fetch_arrow(emu.con, ev.good_rows(len(load.targets)))
        elif not skipped and parsed > errors_seen:
            loaded = writer.write(ev.good_rows(len(load.targets)))
    finally:
        # After a DuckDB error the transaction is aborted (and drops them): keep that error.
        with contextlib.suppress(duckdb.Error):
            sql.run(emu.con, sql.drop(ev.ROWS))
            sql.run(emu.con, sql.drop(transform.SOURCE, view=True))
        emu.con.unregister(raw)
    if errors_seen == 0:
        state = LOADED
    elif skipped or loaded == 0:
        state = LOAD_FAILED
    else:
        state = PARTIALLY_LOADED
    first = row_errors[0] if row_errors else None
    limit = options.on_error.error_limit(parsed)
    row = {
        "file": name,
        "status": state,
        "rows_parsed": parsed,
        "rows_loaded": loaded,
        "error_limit": limit,
        "errors_seen": errors_seen,
        "first_error": first.message if first else None,
        "first_error_line": first.line if first else None,
        "first_error_character": first.character if first else None,
        "first_error_column_name": first.column if first else None,
    }
    record = LoadRecord(
        load.obj.id,
        load.area.key,
        staged.path,
        name,
        staged.md5,
        staged.size,
        state,
        parsed,
        loaded,
        errors_seen,
        limit,
        first.message if first else None,
        first.line if first else None,
        first.character if first else None,
        first.column if first else None,
    )
    return FileOutcome(row, record, row_errors, sample)


def _row_error(
    load: Load, source: readers.Source, check: ev.Check, row: int, value: str | None, plain: bool
) -> RowError:
    column = load.targets[check.column]
    position = next(i for i, c in enumerate(load.table_columns, start=1) if c.name == column.name)
    label = column_label(load.obj.name.name, column.name, position)
    field_number = check.column + 1 if plain else None
    line, character = source.locate(row, field_number)
    if check.not_null:
        return RowError(row, line, character, NOT_NULL, 100072, "22000", label)
    message, code, state = conversion(check.family, value or "")
    return RowError(row, line, character, message, code, state, label)


def _purge(emu: Engine, area: StageArea, records: list[LoadRecord]) -> None:
    later = emu.registry.service(AfterCommit)
    assert later is not None, "the stages feature is not installed"
    files = stage_files(emu)
    paths = [r.path for r in records]

    def purge() -> None:
        for path in paths:
            files.remove(area.directory, path)

    later.add(purge)
