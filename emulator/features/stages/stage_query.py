"""Querying staged files: ``SELECT $1, $2, METADATA$FILENAME FROM @stage[/path] (FILE_FORMAT =>
'name', PATTERN => '…') [alias]``.

https://docs.snowflake.com/en/user-guide/querying-stage and
https://docs.snowflake.com/en/user-guide/querying-metadata: ``$n`` is the n-th field of a
CSV record (``$1`` the whole document of JSON and Parquet), METADATA$FILENAME the file's
name, METADATA$FILE_ROW_NUMBER the row's number in it. The format is the one named, else the
stage's. The files are read as COPY reads them (:mod:`.readers`), every file of the location
into one scratch relation that stands for the stage in the query; a file with rows that do
not parse fails the query. One stage per query.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import duckdb
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.engine import Handler, Outcome
from emulator.core.query import name_projections
from emulator.features.stages import readers, transform
from emulator.features.stages.areas import listed, resolve, stage_files
from emulator.features.stages.copy_options import named_format
from emulator.features.stages.load_errors import abort
from icebridge.sql.stage_location import StageLocation, location_text

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def routed_query(native: Handler) -> Handler:
    """The query handler: a query that reads a stage here, every other one ``native``."""

    def run(emu: Engine, node: exp.Expression, text: str) -> Outcome:
        staged = [t for t in node.find_all(exp.Table) if location_text(t) is not None]
        if not staged:
            return native(emu, node, text)
        if len(staged) > 1 or not isinstance(node, exp.Select):
            raise errors.unsupported("a query over more than one stage or a stage and a table")
        return _run(emu, node, staged[0], native, text)

    return run


def _run(emu: Engine, node: exp.Select, table: exp.Table, native: Handler, text: str) -> Outcome:
    written = location_text(table)
    assert written is not None
    location = StageLocation.parse(written)
    area = resolve(emu, location, "SELECT")
    named = table.args.get("format")
    fmt = named_format(emu, named) if named is not None else area.file_format(emu)
    pattern = table.args.get("pattern")
    regex = pattern.name if isinstance(pattern, exp.Literal) else None
    files = stage_files(emu)
    sources = []
    for staged in listed(emu, area, location.path, regex):
        name = area.display(staged.path)
        source = readers.read(files.read(area.directory, staged.path), fmt, name, expected=None)
        if source.errors:
            raise abort(source.errors[0], name)
        sources.append(readers.with_file(source, name, staged.last_modified, staged.md5))
    combined = readers.combine(sources, fmt.type)
    named = name_projections(_positional_names(node))  # $1, METADATA$FILENAME …
    assert isinstance(named, exp.Select)
    query = transform.transformed(named, combined, emu.now)
    emu.con.register(transform.RAW, combined.table)
    try:
        view = transform.source_view(combined)
        sql.run(emu.con, sql.create_temp(transform.SOURCE, view, view=True))
        return native(emu, query, text)
    finally:
        with contextlib.suppress(duckdb.Error):
            sql.run(emu.con, sql.drop(transform.SOURCE, view=True))
        emu.con.unregister(transform.RAW)


def _positional_names(node: exp.Select) -> exp.Select:
    """``alias.$n`` is named ``$n``, as a qualified column is named by its column."""
    out = node.copy()
    named = []
    for projection in out.expressions:
        if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Parameter):
            alias = "$" + projection.this.this.name
            projection = exp.alias_(projection, sql.ident(alias))
        named.append(projection)
    out.set("expressions", named)
    return out
