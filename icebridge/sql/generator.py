"""The SQL generator of icebridge's Snowflake dialect: renders the statement nodes of
:mod:`icebridge.sql.nodes_stream`, :mod:`icebridge.sql.nodes_task` and
:mod:`icebridge.sql.nodes_table` so that parsing the text gives the same node back."""

from __future__ import annotations

import re
import typing as t

from sqlglot import exp
from sqlglot.generators.snowflake import SnowflakeGenerator

from icebridge.sql.nodes_objects import AlterSequence, DropClusteringKey
from icebridge.sql.nodes_stage import RemoveFiles
from icebridge.sql.nodes_stream import CreateStream
from icebridge.sql.nodes_table import AlterDynamicTable, CreateDynamicTable, CreateIcebergTable
from icebridge.sql.nodes_task import (
    AlterTask,
    Call,
    CreateTask,
    ExecuteTask,
    ScriptBlock,
    ScriptVariable,
)

_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Properties written between CREATE and TABLE, in this order.
_PREFIX_PROPERTIES: tuple[tuple[type[exp.Expression], str], ...] = (
    (exp.TransientProperty, "TRANSIENT"),
    (exp.DynamicProperty, "DYNAMIC"),
    (exp.IcebergProperty, "ICEBERG"),
)


class IcebridgeGenerator(SnowflakeGenerator):
    """sqlglot's Snowflake generator plus icebridge's statement nodes."""

    TRANSFORMS: t.ClassVar[dict[type[exp.Expr], t.Callable[..., str]]] = {
        **SnowflakeGenerator.TRANSFORMS,
        CreateStream: lambda self, e: self.createstream_sql(e),
        CreateTask: lambda self, e: self.createtask_sql(e),
        AlterTask: lambda self, e: self.altertask_sql(e),
        ExecuteTask: lambda self, e: self.executetask_sql(e),
        ScriptBlock: lambda self, e: self.scriptblock_sql(e),
        ScriptVariable: lambda self, e: self.scriptvariable_sql(e),
        Call: lambda self, e: self.call_sql(e),
        CreateDynamicTable: lambda self, e: self.table_ddl_sql(e),
        CreateIcebergTable: lambda self, e: self.table_ddl_sql(e),
        AlterDynamicTable: lambda self, e: self.alterdynamictable_sql(e),
        RemoveFiles: lambda self, e: self.removefiles_sql(e),
        AlterSequence: lambda self, e: self.altersequence_sql(e),
        DropClusteringKey: lambda self, e: "DROP CLUSTERING KEY",
        # https://docs.snowflake.com/en/user-guide/querying-sequences: <name>.NEXTVAL
        exp.NextValueFor: lambda self, e: f"{self.sql(e, 'this')}.NEXTVAL",
        # Snowflake writes the bucket count / width first: BUCKET(n, col), TRUNCATE(w, col).
        # https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-snowflake
        exp.PartitionedByBucket: lambda self, e: self.func("BUCKET", e.expression, e.this),
        exp.PartitionByTruncate: lambda self, e: self.func("TRUNCATE", e.expression, e.this),
    }

    # sqlglot writes STRING/TEXT as VARCHAR, which reads back as a different type node;
    # STRING is a Snowflake synonym that reads back as itself. The other entries write
    # Snowflake's own spelling (NUMBER, FLOAT, TIMESTAMP_NTZ) instead of synonyms, so the
    # rendered DDL reads like the docs.
    # https://docs.snowflake.com/en/sql-reference/data-types-text
    # https://docs.snowflake.com/en/sql-reference/data-types-numeric
    # https://docs.snowflake.com/en/sql-reference/data-types-datetime
    TYPE_MAPPING: t.ClassVar[dict[exp.DType, str]] = {
        **SnowflakeGenerator.TYPE_MAPPING,
        exp.DType.TEXT: "STRING",
        exp.DType.DECIMAL: "NUMBER",
        exp.DType.DOUBLE: "FLOAT",
        exp.DType.TIMESTAMPNTZ: "TIMESTAMP_NTZ",
        exp.DType.TIMESTAMPLTZ: "TIMESTAMP_LTZ",
        exp.DType.TIMESTAMPTZ: "TIMESTAMP_TZ",
    }

    def _options(self, props: object, sep: str = " ") -> str:
        items = props if isinstance(props, list) else []
        return sep.join(self.sql(p) for p in items)

    def _head(self, expression: exp.Expression, kind: str) -> str:
        replace = " OR REPLACE" if expression.args.get("replace") else ""
        exists = " IF NOT EXISTS" if expression.args.get("exists") else ""
        return f"CREATE{replace} {kind}{exists} {self.sql(expression, 'this')}"

    def jsonextract_sql(self, expression: exp.JSONExtract) -> str:
        # Write ``col:path`` back as written (sqlglot writes GET_PATH, which reads back as a
        # different node). https://docs.snowflake.com/en/user-guide/querying-semistructured
        path = self._colon_path(expression)
        if path is None:
            return str(super().jsonextract_sql(expression))
        return f"{self.sql(expression, 'this')}:{path}"

    def _colon_path(self, expression: exp.JSONExtract) -> str | None:
        json_path = expression.expression
        if not expression.args.get("variant_extract") or not isinstance(json_path, exp.JSONPath):
            return None
        if not isinstance(expression.this, exp.Column | exp.Func):
            return None
        parts = list(json_path.expressions)
        if parts and isinstance(parts[0], exp.JSONPathRoot):
            parts = parts[1:]
        out = ""
        for i, part in enumerate(parts):
            if isinstance(part, exp.JSONPathKey) and isinstance(part.this, str):
                key = part.this
                if part.args.get("quoted") or not _BARE_KEY.match(key):
                    key = '"' + key.replace('"', '""') + '"'
                out += key if i == 0 else f".{key}"
            elif isinstance(part, exp.JSONPathSubscript) and i > 0:
                out += f"[{self.sql(part.this) if isinstance(part.this, exp.Expr) else part.this}]"
            else:
                return None
        return out or None

    def transaction_sql(self, expression: exp.Transaction) -> str:
        # A bare BEGIN inside a block would open a nested block; say TRANSACTION.
        # https://docs.snowflake.com/en/sql-reference/sql/begin
        modes = self.expressions(expression, key="modes", flat=True)
        return f"BEGIN TRANSACTION {modes}" if modes else "BEGIN TRANSACTION"

    def create_sql(self, expression: exp.Create) -> str:
        sql = super().create_sql(expression)
        if expression.args.get("or_alter") and sql.startswith("CREATE OR REPLACE "):
            sql = "CREATE OR ALTER " + sql[len("CREATE OR REPLACE ") :]
        return sql

    def createstream_sql(self, expression: CreateStream) -> str:
        parts = [self._head(expression, "STREAM")]
        if expression.args.get("copy_grants"):
            parts.append("COPY GRANTS")
        parts.append(f"ON {expression.args['kind']} {self.sql(expression, 'on')}")
        if expression.args.get("at"):
            parts.append(self.sql(expression, "at"))
        if expression.args.get("properties"):
            parts.append(self._options(expression.args["properties"]))
        return " ".join(parts)

    def createtask_sql(self, expression: CreateTask) -> str:
        parts = [self._head(expression, "TASK")]
        if expression.args.get("properties"):
            parts.append(self._options(expression.args["properties"]))
        if expression.args.get("after"):
            parts.append(f"AFTER {self.expressions(expression, key='after', flat=True)}")
        if expression.args.get("execute_as"):
            parts.append(f"EXECUTE AS USER {self.sql(expression, 'execute_as')}")
        if expression.args.get("when"):
            parts.append(f"WHEN {self.sql(expression, 'when')}")
        parts.append(f"AS {self.sql(expression, 'body')}")
        return self.sep().join(parts) if self.pretty else " ".join(parts)

    def altertask_sql(self, expression: AlterTask) -> str:
        exists = " IF EXISTS" if expression.args.get("exists") else ""
        head = f"ALTER TASK{exists} {self.sql(expression, 'this')} {expression.action}"
        action = expression.action
        if action == "SET":
            return f"{head} {self._options(expression.args.get('properties'))}"
        if action in ("UNSET", "ADD AFTER", "REMOVE AFTER"):
            return f"{head} {self.expressions(expression, flat=True)}"
        if action == "MODIFY AS":
            return f"{head} {self.sql(expression, 'body')}"
        if action == "MODIFY WHEN":
            return f"{head} {self.sql(expression, 'when')}"
        return head

    def executetask_sql(self, expression: ExecuteTask) -> str:
        sql = f"EXECUTE TASK {self.sql(expression, 'this')}"
        if expression.args.get("config"):
            sql += f" USING CONFIG = {self.sql(expression, 'config')}"
        if expression.args.get("retry_last"):
            sql += " RETRY LAST"
        return sql

    def scriptblock_sql(self, expression: ScriptBlock) -> str:
        sep = "\n" if self.pretty else " "
        declare = [f"{self.sql(v)};" for v in expression.args.get("declare") or []]
        body = [f"{self.sql(s)};" for s in expression.expressions]
        if self.pretty:
            declare = [self.indent(d) for d in declare]
            body = [self.indent(b) for b in body]
        head = ["DECLARE", *declare] if declare else []
        return sep.join([*head, "BEGIN", *body, "END"])

    def scriptvariable_sql(self, expression: ScriptVariable) -> str:
        sql = self.sql(expression, "this")
        if expression.args.get("kind"):
            sql += f" {self.sql(expression, 'kind')}"
        if expression.args.get("default"):
            sql += f" DEFAULT {self.sql(expression, 'default')}"
        return sql

    def call_sql(self, expression: Call) -> str:
        return f"CALL {self.sql(expression, 'this')}({self.expressions(expression, flat=True)})"

    def table_ddl_sql(self, expression: exp.Create) -> str:
        """CREATE [OR REPLACE|OR ALTER] [TRANSIENT] [DYNAMIC] [ICEBERG] TABLE, with the
        remaining properties written in node order so the text parses back equal."""
        props_node = expression.args.get("properties")
        props = list(props_node.expressions) if props_node else []
        prefix = [
            word for klass, word in _PREFIX_PROPERTIES if any(type(p) is klass for p in props)
        ]
        rest = [p for p in props if not any(type(p) is k for k, _ in _PREFIX_PROPERTIES)]
        head = "CREATE"
        if expression.args.get("or_alter"):
            head += " OR ALTER"
        elif expression.args.get("replace"):
            head += " OR REPLACE"
        parts = [head, *prefix, "TABLE"]
        if expression.args.get("exists"):
            parts.append("IF NOT EXISTS")
        parts.append(self.sql(expression, "this"))
        parts.extend(self.sql(p) for p in rest)
        if expression.args.get("expression"):
            parts.append(f"AS {self.sql(expression, 'expression')}")
        return " ".join(parts)

    def alterdynamictable_sql(self, expression: AlterDynamicTable) -> str:
        exists = " IF EXISTS" if expression.args.get("exists") else ""
        tables = self.expressions(expression, flat=True)
        sql = f"ALTER DYNAMIC TABLE{exists} {tables} {expression.action}"
        if expression.action == "REFRESH" and expression.args.get("copy_session"):
            sql += " COPY SESSION"
        elif expression.action == "SET":
            sql += f" {self._options(expression.args.get('properties'))}"
        elif expression.action == "UNSET":
            sql += f" {self.expressions(expression, key='unset', flat=True)}"
        return sql

    def removefiles_sql(self, expression: RemoveFiles) -> str:
        pattern = expression.args.get("pattern")
        sql = f"REMOVE {self.sql(expression, 'this')}"
        return f"{sql} PATTERN = {self.sql(pattern)}" if pattern else sql

    def altersequence_sql(self, expression: AlterSequence) -> str:
        exists = " IF EXISTS" if expression.args.get("exists") else ""
        sql = f"ALTER SEQUENCE{exists} {self.sql(expression, 'this')}"
        if expression.args.get("rename") is not None:
            return f"{sql} RENAME TO {self.sql(expression, 'rename')}"
        if expression.args.get("unset_comment"):
            return f"{sql} UNSET COMMENT"
        parts = []
        if expression.args.get("increment") is not None:
            parts.append(f"INCREMENT = {self.sql(expression, 'increment')}")
        order = expression.args.get("order")
        if order is not None:
            parts.append("ORDER" if order else "NOORDER")
        if expression.args.get("comment") is not None:
            parts.append(f"COMMENT = {self.sql(expression, 'comment')}")
        return f"{sql} SET {' '.join(parts)}"
