import json

from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.http.node.auth import verify
from unibos.identity import keys, tokens

from tests.node.live_hub import PASSWORD


def login(*args: str, password: str = PASSWORD):
    return CliRunner().invoke(cli, ["login", *args], input=f"{password}\n")


def test_login_reads_the_password_from_stdin_and_prints_the_hubs_token(hub, enrolled):
    alice = hub.member("alice")

    result = login("alice")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    token = result.stdout.strip()
    assert hub.client.me(token)["user"]["id"] == alice.pk
    claims = tokens.verify(token, keys.verification_keys(), issuer=hub.issuer)
    assert claims.subject == f"user:{alice.pk}"


def test_login_json_prints_the_whole_token_response(hub, enrolled):
    hub.member("alice", role="viewer")

    result = login("alice", "--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["token_type"] == "Bearer"
    assert document["role"] == "viewer"
    assert document["organization"]["slug"] == "acme"


def test_login_with_a_wrong_password_exits_1_with_the_hubs_reason(hub, enrolled):
    hub.member("alice")

    result = login("alice", password="wrong")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: login refused: username or password is wrong\n"


def test_login_offline_prints_a_node_token_and_says_so(
    hub, enrolled, settings, offline, node_config
):
    hub.member("alice")
    settings.UNIBOS_HUB_URL = ""
    assert login("alice").exit_code == 0
    settings.UNIBOS_HUB_URL = offline

    result = login("alice")

    assert result.exit_code == 0, result.output
    claims = verify(result.stdout.strip(), node_config, enrolled)
    assert (claims.issuer, claims.role) == (f"node:{enrolled.node_id}", "member")
    assert "this token is signed by this node and valid only here" in result.stderr


def test_login_offline_for_a_user_who_never_logged_in_here_exits_1(hub, enrolled, offline):
    hub.member("bob")

    result = login("bob")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: login refused: the hub is unreachable")


def test_login_without_a_password_is_a_usage_error(hub, enrolled):
    result = login("alice", password="")

    assert result.exit_code == 2
    assert "no password on stdin" in result.stderr


def test_login_on_a_node_that_is_not_enrolled_exits_1(node_config):
    result = login("alice")

    assert result.exit_code == 1
    assert "this node is not enrolled" in result.stderr
