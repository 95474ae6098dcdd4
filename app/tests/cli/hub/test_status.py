import json

from click.testing import CliRunner
from unibos.cli.hub import cli
from unibos_controller.testbed.servers import free_port

from tests.cli.hub.clusters import LAGGING, NO_LEADER, REPLICA_STOPPED, document


def test_status_prints_one_line_per_member_and_exits_0(hub_env):
    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "MEMBER      HOST        ROLE          STATE      TL  LAG MB",
        "bebop       bebop       sync_standby  streaming  3   0.0",
        "rocksteady  rocksteady  leader        running    3",
    ]
    assert result.stderr == ""


def test_status_shows_the_lag_in_mb(hub_env):
    hub_env.serve(document(LAGGING))

    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 0
    assert "bebop       bebop       sync_standby  streaming  3   5.0" in result.stdout


def test_status_exits_1_naming_a_member_that_is_not_streaming(hub_env):
    hub_env.serve(document(REPLICA_STOPPED))

    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 1
    assert "bebop       bebop       replica  stopped      unknown" in result.stdout
    assert result.stderr == "error: bebop is stopped, not streaming\n"


def test_status_exits_1_without_a_leader(hub_env):
    hub_env.serve(document(NO_LEADER))

    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 1
    assert "error: no member is the leader" in result.stderr


def test_status_json_prints_the_normalised_members(hub_env):
    result = CliRunner().invoke(cli, ["status", "--json"])

    assert result.exit_code == 0
    members = json.loads(result.stdout)
    assert [(m["name"], m["role"], m["state"]) for m in members] == [
        ("bebop", "sync_standby", "streaming"),
        ("rocksteady", "leader", "running"),
    ]
    assert members[0]["lag_mb"] == 0.0
    assert members[1]["lag"] is None


def test_status_json_still_exits_1_on_a_problem(hub_env):
    hub_env.serve(document(REPLICA_STOPPED))

    result = CliRunner().invoke(cli, ["status", "--json"])

    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["state"] == "stopped"


def test_status_asks_the_next_url_when_the_first_is_down(hub_env, monkeypatch):
    monkeypatch.setenv("UNIBOS_PATRONI_URLS", f"http://127.0.0.1:{free_port()},{hub_env.url}")

    assert CliRunner().invoke(cli, ["status"]).exit_code == 0


def test_status_exits_2_naming_the_urls_when_no_patroni_answers(hub_env, monkeypatch):
    urls = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    monkeypatch.setenv("UNIBOS_PATRONI_URLS", ",".join(urls))

    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 2
    assert "Error: no Patroni REST API answered:" in result.stderr
    for url in urls:
        assert url in result.stderr


def test_status_needs_no_password(hub_env, monkeypatch):
    monkeypatch.delenv("UNIBOS_PATRONI_PASSWORD_FILE")

    assert CliRunner().invoke(cli, ["status"]).exit_code == 0


def test_status_exits_2_naming_a_missing_url_setting(hub_env, monkeypatch):
    monkeypatch.delenv("UNIBOS_PATRONI_URLS")

    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 2
    assert result.stderr == "Error: bad settings: UNIBOS_PATRONI_URLS is not set\n"
