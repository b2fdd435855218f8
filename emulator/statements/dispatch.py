"""From a parsed statement to its handler, through the registry.

:func:`install` registers the native statements (queries, DML, CREATE / DROP / ALTER of
databases, schemas, warehouses, tables and views, SHOW, DESCRIBE, session statements);
features register theirs when they install (:mod:`emulator.features`). :func:`resolve`
finds the registration by node class, or by ``(node class, kind word)`` for statements
that share a node class, after refusing calls of functions Snowflake does not have
(:func:`emulator.core.translation.check_statement`). A statement nobody registered fails with
:func:`emulator.errors.unsupported` naming it; nothing is ever a silent no-op.
"""

from __future__ import annotations

from sqlglot import exp

from emulator import errors
from emulator.core import views
from emulator.core.catalog import VIEW
from emulator.core.engine import Engine, Handler, Outcome
from emulator.core.query import run_query
from emulator.core.registry import Key, Kind, Registry
from emulator.core.script import leading_words, statement_name
from emulator.core.translation import check_statement
from emulator.statements import (
    comments,
    ddl,
    dml,
    information_schema,
    sequences,
    session,
    show,
    tags,
)
from icebridge.sql.nodes_table import describe_kind, drop_kind, show_kind

# Statements sqlglot parses as something generic: recognised by their first words.
_SHOW_PARAMETERS: Key = (exp.Command, "SHOW PARAMETERS")
_UNSET: Key = (exp.Command, "UNSET")


def install(registry: Registry[Engine], engine: Engine) -> None:
    """Register the native statement handlers (and the INFORMATION_SCHEMA views, which
    read the catalog through ``engine``)."""
    add = registry.statement
    add(exp.Query, Kind.QUERY, run_query)
    add(exp.Insert, Kind.INSERT, dml.run_insert)
    add(exp.Update, Kind.UPDATE, dml.run_update)
    add(exp.Delete, Kind.DELETE, dml.run_delete)
    add(exp.Merge, Kind.MERGE, dml.run_merge)
    add(exp.TruncateTable, Kind.TRUNCATE, dml.run_truncate)
    add(exp.Create, Kind.CREATE, ddl.run_create)
    for word in ("DATABASE", "SCHEMA", "TABLE", "VIEW"):
        add((exp.Drop, word), Kind.DROP, ddl.run_drop)
    add((exp.Alter, "TABLE"), Kind.ALTER, ddl.run_alter)
    add((exp.Alter, "SESSION"), Kind.ALTER_SESSION, session.run_alter_session)
    add(exp.Use, Kind.USE, session.run_use)
    add(exp.Set, Kind.SET, session.run_set)
    add(_UNSET, Kind.UNSET, session.run_unset)
    add(exp.Transaction, Kind.BEGIN, session.run_begin)
    add(exp.Commit, Kind.COMMIT, session.run_commit)
    add(exp.Rollback, Kind.ROLLBACK, session.run_rollback)
    for word in show.KINDS:
        add((exp.Show, word), Kind.SHOW, show.run_show)
    add(_SHOW_PARAMETERS, Kind.SHOW_PARAMETERS, show.run_show_parameters)
    for word in ("TABLE", "VIEW", "ICEBERG TABLE", "SCHEMA", "DATABASE"):
        add((exp.Describe, word), Kind.DESCRIBE, show.run_describe)
    information_schema.install(registry, engine)
    for objects in (sequences, tags, comments):  # sequences, tags, COMMENT ON, ALTER VIEW
        objects.install(registry)
    registry.relations[VIEW] = lambda obj, table: views.expand(engine, obj, table)


def kind_word(node: exp.Expression) -> str | None:
    """The word that tells statements of one node class apart (``DROP <word>``,
    ``SHOW <word>``, ``DESCRIBE <word>``, ``ALTER <word>``), or None."""
    if isinstance(node, exp.Show):
        return show_kind(node)
    if isinstance(node, exp.Describe):
        return describe_kind(node)
    if isinstance(node, exp.Drop):
        return drop_kind(node)
    if isinstance(node, exp.Alter):
        return str(node.args.get("kind") or "").upper()
    return None


def resolve(registry: Registry[Engine], sql: str, node: exp.Expression) -> tuple[Kind, Handler]:
    """The kind and handler of a parsed statement; unsupported ones raise."""
    words = leading_words(sql, 2)
    found = None
    if words[:1] == ["UNSET"]:
        found = registry.lookup(exp.Command(), "UNSET")
    elif words[:2] == ["SHOW", "PARAMETERS"]:
        found = registry.lookup(exp.Command(), "SHOW PARAMETERS")
    elif not isinstance(node, exp.Command):
        # Before any handler: DuckDB's own functions (READ_CSV …) are unknown functions.
        check_statement(node, sql)
        word = kind_word(node)
        found = registry.lookup(node, word) if word is not None else registry.lookup(node)
    if found is None:
        return Kind.UNSUPPORTED, _unsupported
    return found.kind, found.handler


def _unsupported(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    word = kind_word(node) if isinstance(node, exp.Show | exp.Describe) else None
    # "SHOW <kind>" from the verb and the kind word: statement_name may hold the kind too.
    name = f"{leading_words(sql, 1)[0]} {word}" if word else statement_name(sql)
    raise errors.unsupported(name)
