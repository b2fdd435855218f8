"""`--connection NAME`: connections.toml lookup and SNOWFLAKE_CONNECTIONS_* overrides."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from icebridge.cli import main
from icebridge.cli_load import CliError, collect
from icebridge.cli_targets import connection_parameters, connections_file

TOML = """
[dev]
account = "acme-dev"
user = "me"
password = "s3cret-value"
"""


def test_connections_file_location(tmp_path: Path) -> None:
    assert connections_file({"SNOWFLAKE_HOME": str(tmp_path)}) == tmp_path / "connections.toml"
    assert connections_file({}) == Path.home() / ".snowflake" / "connections.toml"


def test_connection_parameters_from_toml_and_environment(tmp_path: Path) -> None:
    (tmp_path / "connections.toml").write_text(TOML, encoding="utf-8")
    env = {"SNOWFLAKE_HOME": str(tmp_path), "SNOWFLAKE_CONNECTIONS_DEV_WAREHOUSE": "WH"}
    params = connection_parameters("dev", env)
    assert params == {
        "account": "acme-dev",
        "user": "me",
        "password": "s3cret-value",
        "warehouse": "WH",
    }
    only_env = {
        "SNOWFLAKE_HOME": str(tmp_path / "none"),
        "SNOWFLAKE_CONNECTIONS_CI_ACCOUNT": "acme-ci",
    }
    assert connection_parameters("ci", only_env) == {"account": "acme-ci"}


def test_unknown_connection_is_a_cli_error_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "connections.toml").write_text(TOML, encoding="utf-8")
    with pytest.raises(CliError, match="no connection named 'prod'"):
        connection_parameters("prod", {"SNOWFLAKE_HOME": str(tmp_path)})
    monkeypatch.setenv("SNOWFLAKE_HOME", str(tmp_path))
    assert main(["sql", "SELECT 1", "--connection", "prod"], out=io.StringIO()) == 2
    captured = capsys.readouterr()
    assert "no connection named 'prod'" in captured.err
    assert "s3cret-value" not in captured.err + captured.out


def test_collect_skips_half_built_pipelines() -> None:
    from icebridge import Pipeline

    base = Pipeline("s", database="D", warehouse="W").stage("R.T", columns={"ID": "NUMBER"})
    full = base.stream().to_iceberg("L.T")
    assert collect({"base": base, "full": full, "again": [full]}) == [full]
    assert collect({"PIPELINES": [base]}) == [base]  # an explicit list is taken as given
