"""Deploying to Snowflake through a Snowpark ``Session``.

:class:`SnowflakeTarget` implements :class:`~icebridge.targets.base.Target` with the few
Session calls icebridge needs: ``session.sql(text).collect()`` to run statements,
``session.sql(text).to_arrow()`` to query, and ``session.write_arrow(...)`` to ingest (one
COPY INTO from a temporary stage per call, so a batch lands whole or not at all; see
https://docs.snowflake.com/en/developer-guide/snowpark/reference/python/latest/snowpark/api/snowflake.snowpark.Session.write_arrow).

Snowpark is imported only when a session is created from connection parameters, so
``import icebridge`` stays light. Any object with that Session surface works, including
:class:`emulator.api.snowpark.EmulatorSession`, which runs the same calls on the emulator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from icebridge.errors import DeployError, IcebridgeError, IngestError, SqlError

if TYPE_CHECKING:
    import pyarrow as pa

    from icebridge.sql.identifiers import ObjectName


class _DataFrame(Protocol):
    def collect(self) -> list[Any]: ...

    def to_arrow(self) -> pa.Table: ...


class SessionLike(Protocol):
    """The part of ``snowflake.snowpark.Session`` that icebridge uses."""

    def sql(self, query: str) -> _DataFrame: ...

    def write_arrow(
        self,
        table: pa.Table,
        table_name: str,
        *,
        database: str | None = None,
        schema: str | None = None,
        quote_identifiers: bool = True,
        auto_create_table: bool = False,
        overwrite: bool = False,
    ) -> Any: ...


def _sql_error(err: Exception) -> IcebridgeError:
    """Snowpark/connector errors as icebridge's SqlError (number, state and message kept)."""
    if isinstance(err, IcebridgeError):
        return err
    errno = getattr(err, "sql_error_code", None) or getattr(err, "errno", None) or 0
    state = getattr(err, "sqlstate", None) or ""
    message = getattr(err, "raw_message", None) or getattr(err, "message", None) or str(err)
    try:
        number = int(errno)
    except (TypeError, ValueError):
        number = 0
    return SqlError(str(message), errno=number, sqlstate=str(state))


class SnowflakeTarget:
    """A Snowflake account reached through a Snowpark session."""

    def __init__(self, session: SessionLike) -> None:
        self.session = session

    @classmethod
    def connect(cls, connection_parameters: Mapping[str, Any]) -> SnowflakeTarget:
        """Open a Snowpark session (``account``, ``user``, ``password`` or authenticator,
        ``role``, ``warehouse``, …) and wrap it. Needs the ``snowflake`` extra."""
        try:
            from snowflake.snowpark import Session
        except ImportError as err:  # pragma: no cover - depends on the installed extra
            raise DeployError(
                "the Snowflake target needs Snowpark: pip install 'icebridge-sdk[snowflake]'"
            ) from err
        try:
            session = Session.builder.configs(dict(connection_parameters)).create()
        except Exception as err:  # the connector's message names the problem, not secrets
            raise DeployError(f"cannot connect to Snowflake: {_sql_error(err)}") from err
        return cls(session)

    def execute_script(self, statements: Sequence[str]) -> None:
        """Run each statement in order; the first failure stops the deploy and is raised
        as a :class:`~icebridge.errors.DeployError` naming the statement."""
        for number, statement in enumerate(statements, start=1):
            try:
                self.session.sql(statement).collect()
            except Exception as err:
                cause = _sql_error(err)
                first_line = statement.strip().splitlines()[0] if statement.strip() else ""
                raise DeployError(
                    f"statement {number} of {len(statements)} failed ({first_line} ...): {cause}"
                ) from cause

    def insert_rows(self, table: ObjectName, batch: pa.Table) -> int:
        """Append ``batch`` to ``table`` with ``write_arrow`` (one COPY INTO: all or none).

        Column names are the stored (case-sensitive) identifiers, so they are quoted as is;
        omitted columns take their DEFAULT.
        """
        try:
            self.session.write_arrow(
                batch,
                table.name,
                database=table.database,
                schema=table.schema,
                quote_identifiers=True,
                auto_create_table=False,
                overwrite=False,
            )
        except Exception as err:
            raise IngestError(f"ingest into {table.sql()} failed: {_sql_error(err)}") from err
        return int(batch.num_rows)

    def query(self, sql: str) -> pa.Table:
        """Run one query and return its result as an Arrow table."""
        try:
            return self.session.sql(sql).to_arrow()
        except Exception as err:
            raise _sql_error(err) from err
