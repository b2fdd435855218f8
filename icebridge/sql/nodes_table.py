"""Table DDL nodes: dynamic tables, Iceberg tables, ALTER DYNAMIC TABLE, and readers for
the kinds of DROP / DESCRIBE / SHOW statements.

``CREATE DYNAMIC [ICEBERG] TABLE`` parses into :class:`CreateDynamicTable` and
``CREATE ICEBERG TABLE`` into :class:`CreateIcebergTable`; both subclass
:class:`sqlglot.exp.Create` and keep sqlglot's property nodes. A plain ``CREATE TABLE``
stays an ``exp.Create``; :func:`table_option` reads its options. ``CREATE DYNAMIC TABLE``
is never Iceberg: only the ICEBERG keyword makes it so.

https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table
https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake
https://docs.snowflake.com/en/sql-reference/sql/alter-dynamic-table
"""

from __future__ import annotations

import typing as t

from sqlglot import exp

from icebridge.sql.nodes_common import (
    CreateFlagsMixin,
    OptionsMixin,
    bool_value,
    find_option,
    int_value,
    stored_name,
    string_value,
)

#: ALTER DYNAMIC TABLE actions.
ALTER_DYNAMIC_TABLE_ACTIONS = ("REFRESH", "SUSPEND", "RESUME", "SET", "UNSET")


def _properties(create: exp.Create) -> list[exp.Expression]:
    props = create.args.get("properties")
    return list(props.expressions) if isinstance(props, exp.Properties) else []


def table_option(create: exp.Create, name: str) -> exp.Expression | None:
    """The value node of a ``NAME = value`` table option of any CREATE TABLE node.

    ``COMMENT`` is read from sqlglot's comment property.
    """
    props = _properties(create)
    if name.upper() == "COMMENT":
        for prop in props:
            if isinstance(prop, exp.SchemaCommentProperty):
                value = prop.this
                return value if isinstance(value, exp.Expression) else None
        return None
    return find_option(props, name)


class _TableDDL(CreateFlagsMixin):
    """Readers shared by the CREATE TABLE node kinds."""

    args: dict[str, t.Any]

    def _create(self) -> exp.Create:
        assert isinstance(self, exp.Create)
        return self

    def option(self, name: str) -> exp.Expression | None:
        """The value node of option ``name`` (case-insensitive), or None when absent."""
        return table_option(self._create(), name)

    @property
    def table(self) -> exp.Table:
        """The table's name."""
        this = self.args["this"]
        if isinstance(this, exp.Schema):
            this = this.this
        assert isinstance(this, exp.Table)
        return this

    @property
    def columns(self) -> list[exp.Expression]:
        """The column list: exp.ColumnDef nodes (or bare exp.Identifier names, which a
        dynamic table allows); empty when none is written."""
        this = self.args["this"]
        return list(this.expressions) if isinstance(this, exp.Schema) else []

    @property
    def query(self) -> exp.Query | None:
        """The AS query, or None."""
        query = self.args.get("expression")
        return query if isinstance(query, exp.Query) else None

    @property
    def or_alter(self) -> bool:
        """True for CREATE OR ALTER."""
        return bool(self.args.get("or_alter"))

    @property
    def transient(self) -> bool:
        """True for TRANSIENT."""
        return any(isinstance(p, exp.TransientProperty) for p in _properties(self._create()))

    @property
    def is_iceberg(self) -> bool:
        """True when the ICEBERG keyword was written."""
        return any(isinstance(p, exp.IcebergProperty) for p in _properties(self._create()))

    @property
    def cluster_by(self) -> list[exp.Expression]:
        """CLUSTER BY expressions."""
        for prop in _properties(self._create()):
            if isinstance(prop, exp.ClusterProperty):
                return list(prop.expressions)
        return []

    @property
    def partition_by(self) -> list[exp.Expression]:
        """PARTITION BY transforms: columns, exp.PartitionedByBucket (``.this`` column,
        ``.expression`` bucket count), exp.PartitionByTruncate, exp.Year/Month/Day/Hour."""
        for prop in _properties(self._create()):
            if isinstance(prop, exp.PartitionedByProperty):
                schema = prop.this
                return list(schema.expressions) if isinstance(schema, exp.Schema) else [schema]
        return []

    @property
    def comment(self) -> str | None:
        """COMMENT text."""
        return string_value(self.option("COMMENT"))

    @property
    def external_volume(self) -> str | None:
        """EXTERNAL_VOLUME."""
        return string_value(self.option("EXTERNAL_VOLUME"))

    @property
    def catalog(self) -> str | None:
        """CATALOG."""
        return string_value(self.option("CATALOG"))

    @property
    def base_location(self) -> str | None:
        """BASE_LOCATION."""
        return string_value(self.option("BASE_LOCATION"))

    @property
    def iceberg_version(self) -> int | None:
        """ICEBERG_VERSION."""
        return int_value(self.option("ICEBERG_VERSION"))

    @property
    def data_retention_time_in_days(self) -> int | None:
        """DATA_RETENTION_TIME_IN_DAYS."""
        return int_value(self.option("DATA_RETENTION_TIME_IN_DAYS"))

    @property
    def max_data_extension_time_in_days(self) -> int | None:
        """MAX_DATA_EXTENSION_TIME_IN_DAYS."""
        return int_value(self.option("MAX_DATA_EXTENSION_TIME_IN_DAYS"))

    @property
    def change_tracking(self) -> bool | None:
        """CHANGE_TRACKING."""
        return bool_value(self.option("CHANGE_TRACKING"))

    def option_names(self) -> list[str]:
        """Upper-case names of the ``NAME = value`` options written, in order."""
        return [p.name.upper() for p in _properties(self._create()) if isinstance(p, exp.Property)]


class CreateIcebergTable(_TableDDL, exp.Create):
    """``CREATE [OR REPLACE] [TRANSIENT] ICEBERG TABLE [IF NOT EXISTS] name (cols) ...
    [AS query]`` (Snowflake-managed)."""

    arg_types: t.ClassVar[dict[str, bool]] = {**exp.Create.arg_types, "or_alter": False}


class CreateDynamicTable(_TableDDL, exp.Create):
    """``CREATE [OR REPLACE | OR ALTER] [TRANSIENT] DYNAMIC [ICEBERG] TABLE
    [IF NOT EXISTS] name [(cols)] TARGET_LAG = ... WAREHOUSE = ... AS query``."""

    arg_types: t.ClassVar[dict[str, bool]] = {**exp.Create.arg_types, "or_alter": False}

    @property
    def target_lag(self) -> str | None:
        """TARGET_LAG: the lag text (``'1 minute'``) or ``DOWNSTREAM``."""
        value = self.option("TARGET_LAG")
        if isinstance(value, exp.Var):
            return value.name.upper()
        return string_value(value)

    @property
    def downstream(self) -> bool:
        """True for TARGET_LAG = DOWNSTREAM."""
        return isinstance(self.option("TARGET_LAG"), exp.Var)

    @property
    def warehouse(self) -> str | None:
        """WAREHOUSE as a stored name."""
        return stored_name(self.option("WAREHOUSE"))

    @property
    def initialization_warehouse(self) -> str | None:
        """INITIALIZATION_WAREHOUSE as a stored name."""
        return stored_name(self.option("INITIALIZATION_WAREHOUSE"))

    @property
    def refresh_mode(self) -> str | None:
        """REFRESH_MODE keyword (upper case); None means AUTO."""
        value = string_value(self.option("REFRESH_MODE"))
        return value.upper() if value is not None else None

    @property
    def initialize(self) -> str | None:
        """INITIALIZE keyword (upper case); None means ON_CREATE."""
        value = string_value(self.option("INITIALIZE"))
        return value.upper() if value is not None else None

    @property
    def scheduler(self) -> str | None:
        """SCHEDULER keyword (ENABLE / DISABLE), upper case."""
        value = string_value(self.option("SCHEDULER"))
        return value.upper() if value is not None else None


class AlterDynamicTable(OptionsMixin, exp.Expression):
    """``ALTER DYNAMIC TABLE [IF EXISTS] name[, ...] REFRESH [COPY SESSION] | SUSPEND |
    RESUME | SET opt = v ... | UNSET opt, ...``.

    ``expressions`` holds the tables, ``action`` the keyword, ``properties`` the SET
    options, ``unset`` the UNSET names (exp.Var).
    """

    arg_types: t.ClassVar[dict[str, bool]] = {
        "expressions": True,
        "exists": False,
        "action": True,
        "properties": False,
        "unset": False,
        "copy_session": False,
    }

    @property
    def tables(self) -> list[exp.Table]:
        """The dynamic tables named."""
        return [t for t in self.expressions if isinstance(t, exp.Table)]

    @property
    def action(self) -> str:
        """``REFRESH``, ``SUSPEND``, ``RESUME``, ``SET`` or ``UNSET``."""
        return str(self.args["action"]).upper()

    @property
    def target_lag(self) -> str | None:
        """The new TARGET_LAG of a SET."""
        value = self.option("TARGET_LAG")
        if isinstance(value, exp.Var):
            return value.name.upper()
        return string_value(value)

    @property
    def warehouse(self) -> str | None:
        """The new WAREHOUSE of a SET, as a stored name."""
        return stored_name(self.option("WAREHOUSE"))

    @property
    def unset_names(self) -> list[str]:
        """Option names of an UNSET, upper case."""
        return [e.name.upper() for e in self.args.get("unset") or []]


def drop_kind(node: exp.Drop) -> str:
    """The object kind a DROP names: TABLE, ICEBERG TABLE, DYNAMIC TABLE, STREAM, TASK,
    SCHEMA, DATABASE, VIEW, ..."""
    kind = str(node.args.get("kind") or "").upper()
    if node.args.get("iceberg"):
        return f"ICEBERG {kind}"
    return kind


def describe_kind(node: exp.Describe) -> str:
    """The object kind a DESCRIBE names: TABLE, DYNAMIC TABLE, ICEBERG TABLE, STREAM, TASK."""
    kind = str(node.args.get("kind") or "TABLE").upper()
    props = node.args.get("properties")
    for prop in props.expressions if isinstance(props, exp.Properties) else []:
        if isinstance(prop, exp.DynamicProperty):
            return f"DYNAMIC {kind}"
        if isinstance(prop, exp.IcebergProperty):
            return f"ICEBERG {kind}"
    return kind


def show_kind(node: exp.Show) -> str:
    """The object kind a SHOW lists: STREAMS, TASKS, DYNAMIC TABLES, ICEBERG TABLES,
    TABLES, SCHEMAS, DATABASES, ..."""
    name = node.name.upper()
    return f"ICEBERG {name}" if node.args.get("iceberg") else name
