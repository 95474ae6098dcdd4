"""`unibos sync --watch` runs until stopped, so it refuses --once and --json before
it loads any settings."""

import pytest
from click.testing import CliRunner
from unibos.cli.node import cli


@pytest.mark.parametrize("other", ["--once", "--json"])
def test_watch_with_once_or_json_is_a_usage_error(other):
    result = CliRunner().invoke(cli, ["sync", "--watch", other])

    assert result.exit_code == 2
    assert "--watch runs until stopped: it takes neither --once nor --json" in result.stderr
