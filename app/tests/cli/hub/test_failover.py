import base64

import pytest
from click.testing import CliRunner
from unibos.cli.hub import cli
from unibos_controller.testbed.servers import free_port

from tests.cli.hub.clusters import (
    FAILED_OVER_TO_BEBOP,
    HEALTHY,
    LAGGING,
    NO_LEADER,
    OLD_LEADER_RESTARTING,
    REPLICA_STOPPED,
    SWITCHED_TO_BEBOP,
    document,
)
from tests.cli.hub.conftest import PASSWORD

SWITCHED = 'Successfully switched over to "bebop"'


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_failover_switches_over_from_the_leader_and_prints_the_new_status(hub_env):
    hub_env.answer("/switchover", 200, SWITCHED, document(SWITCHED_TO_BEBOP))

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert result.exit_code == 0, result.output
    [post] = hub_env.requests_to("POST")
    assert post.path == "/switchover"
    assert post.json() == {"leader": "rocksteady", "candidate": "bebop"}
    assert post.headers["Authorization"] == basic_auth("patroni", PASSWORD)
    assert post.headers["Content-Type"] == "application/json"
    assert result.stdout.splitlines() == [
        SWITCHED,
        "MEMBER      HOST        ROLE          STATE      TL  LAG MB",
        "bebop       bebop       leader        running    4",
        "rocksteady  rocksteady  sync_standby  streaming  4   0.0",
    ]


def test_failover_uses_the_configured_username(hub_env, monkeypatch):
    monkeypatch.setenv("UNIBOS_PATRONI_USERNAME", "admin")
    hub_env.answer("/switchover", 200, SWITCHED, document(SWITCHED_TO_BEBOP))

    CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert hub_env.requests_to("POST")[0].headers["Authorization"] == basic_auth("admin", PASSWORD)


def test_failover_without_a_leader_posts_a_failover_to_the_candidate(hub_env):
    hub_env.serve(document(NO_LEADER))
    hub_env.answer(
        "/failover", 200, 'Successfully failed over to "bebop"', document(FAILED_OVER_TO_BEBOP)
    )

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert result.exit_code == 0, result.output
    [post] = hub_env.requests_to("POST")
    assert post.path == "/failover"
    assert post.json() == {"candidate": "bebop"}


def test_failover_waits_until_the_candidate_leads(hub_env):
    hub_env.answer(
        "/switchover",
        200,
        SWITCHED,
        document(HEALTHY),
        document(HEALTHY),
        document(OLD_LEADER_RESTARTING),
        document(SWITCHED_TO_BEBOP),
    )

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert result.exit_code == 0, result.output
    # One GET to plan, then one per poll until bebop led.
    assert len(hub_env.requests_to("GET")) == 4
    assert "rocksteady  rocksteady  replica  starting      unknown" in result.stdout


def test_failover_exits_1_when_the_candidate_does_not_lead_in_time(hub_env):
    hub_env.answer("/switchover", 200, SWITCHED)

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes", "--timeout", "0.2"])

    assert result.exit_code == 1
    assert "bebop did not become the leader within 0.2 s; the leader is rocksteady" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("cluster", "candidate", "reason"),
    [
        (HEALTHY, "witness", "witness is not a member of the cluster"),
        (HEALTHY, "rocksteady", "rocksteady is the leader already"),
        (REPLICA_STOPPED, "bebop", "bebop is stopped, not streaming from rocksteady"),
        (LAGGING, "bebop", "bebop lags 5.0 MB behind the leader"),
    ],
)
def test_failover_refuses_before_any_request(hub_env, cluster, candidate, reason):
    hub_env.serve(document(cluster))

    result = CliRunner().invoke(cli, ["failover", "--to", candidate, "--yes"])

    assert result.exit_code == 1
    assert f"Error: refusing to make {candidate} the leader: {reason}" in result.stderr
    assert hub_env.requests_to("POST") == []


def test_failover_asks_for_confirmation_and_stops_on_no(hub_env):
    result = CliRunner().invoke(cli, ["failover", "--to", "bebop"], input="n\n")

    assert result.exit_code == 1
    assert "Switch the hub database's leader from rocksteady to bebop? [y/N]" in result.output
    assert "Aborted" in result.stderr
    assert hub_env.requests_to("POST") == []


def test_failover_goes_ahead_when_confirmed(hub_env):
    hub_env.answer("/switchover", 200, SWITCHED, document(SWITCHED_TO_BEBOP))

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop"], input="y\n")

    assert result.exit_code == 0, result.output
    assert len(hub_env.requests_to("POST")) == 1


def test_failover_without_a_leader_warns_of_lost_transactions(hub_env):
    hub_env.serve(document(NO_LEADER))

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop"], input="n\n")

    assert "No member is the leader. Fail over the hub database to bebop?" in result.output
    assert "Transactions it has not received are lost." in result.output


def test_failover_prints_patronis_error_and_exits_1(hub_env):
    hub_env.answer("/switchover", 412, "candidate name does not match with sync_standby")

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert result.exit_code == 1
    assert (
        "Patroni refused POST /switchover (412): candidate name does not match with sync_standby"
        in result.stderr
    )


def test_failover_without_a_password_makes_no_request(hub_env, monkeypatch):
    monkeypatch.delenv("UNIBOS_PATRONI_PASSWORD_FILE")

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert result.exit_code == 2
    assert "UNIBOS_PATRONI_PASSWORD is not set" in result.stderr
    assert hub_env.requests == []


def test_failover_exits_2_when_no_patroni_answers(hub_env, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("UNIBOS_PATRONI_URLS", url)

    result = CliRunner().invoke(cli, ["failover", "--to", "bebop", "--yes"])

    assert result.exit_code == 2
    assert url in result.stderr


def test_failover_needs_the_candidate():
    result = CliRunner().invoke(cli, ["failover", "--yes"])

    assert result.exit_code == 2
    assert "Missing option '--to'" in result.stderr
