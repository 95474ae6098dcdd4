import json
import socket
import stat

from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.identity import enrolment, keys, tenancy
from unibos.identity.models import EnrolmentToken, Node
from unibos_controller.testbed.servers import free_port


def enrol(*args: str):
    return CliRunner().invoke(cli, ["enrol", *args])


def test_enrol_records_the_identity_credential_and_keys(hub, node_config):
    result = enrol("--hub", hub.url, "--token", hub.enrolment_token(), "--name", "pi")

    assert result.exit_code == 0, result.output
    with tenancy.system():
        node = Node.unscoped.get()
    assert result.stdout == f"enrolled as pi ({node.pk}) in acme at {hub.url}\n"
    assert (node.name, node.version, node.organization_id) == ("pi", "0.1.0", hub.organization.pk)
    state = node_config.state.path
    identity = json.loads((state / "identity.json").read_text())
    assert identity["node_id"] == str(node.pk)
    assert identity["organization"] == {"id": hub.organization.pk, "slug": "acme", "name": "Acme"}
    assert identity["issuer"] == hub.issuer
    assert identity["hub_url"] == hub.url
    assert stat.S_IMODE((state / "credential").stat().st_mode) == 0o600
    cached = json.loads((state / "jwks.json").read_text())
    assert sorted(key["kid"] for key in cached["keys"]) == sorted(
        key.kid for key in keys.published()
    )


def test_enrol_names_the_node_after_the_host_by_default(hub, node_config):
    result = enrol("--hub", hub.url, "--token", hub.enrolment_token())

    assert result.exit_code == 0, result.output
    assert node_config.state.identity().name == socket.gethostname()


def test_enrol_refuses_a_node_that_is_enrolled_and_spends_no_token(hub, enrolled):
    token = hub.enrolment_token()

    result = enrol("--hub", hub.url, "--token", token, "--name", "other")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: this node is already enrolled as pi ({enrolled.node_id}) in acme; "
        "give --force to enrol it again\n"
    )
    with tenancy.system():
        assert EnrolmentToken.unscoped.filter(used_at__isnull=True).count() == 1


def test_enrol_force_enrols_again_as_a_new_node(hub, enrolled, node_config):
    result = enrol("--hub", hub.url, "--token", hub.enrolment_token(), "--name", "pi2", "--force")

    assert result.exit_code == 0, result.output
    identity = node_config.state.identity()
    assert identity.node_id != enrolled.node_id
    assert identity.name == "pi2"
    assert node_config.state.credential() != ""


def test_enrol_with_a_spent_token_says_why_and_writes_nothing(hub, node_config):
    token = hub.enrolment_token()
    enrolment.enrol(token, "another", "0.1.0")

    result = enrol("--hub", hub.url, "--token", token, "--name", "pi")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the hub refused the enrolment: enrolment token has been used already\n"
    )
    assert not node_config.state.path.exists()


def test_enrol_with_a_token_unknown_to_the_hub_says_so_and_writes_nothing(hub, node_config):
    result = enrol("--hub", hub.url, "--token", "not-a-token-of-this-hub")

    assert result.exit_code == 1
    assert result.stderr == "Error: the hub refused the enrolment: unknown enrolment token\n"
    assert not node_config.state.path.exists()


def test_enrol_with_the_hub_unreachable_fails_and_writes_nothing(node_config):
    url = f"http://127.0.0.1:{free_port()}"

    result = enrol("--hub", url, "--token", "whatever")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the hub at {url} is unreachable: ")
    assert "Connection refused" in result.stderr
    assert not node_config.state.path.exists()


def test_enrol_wants_an_http_url(node_config):
    result = enrol("--hub", "rocksteady:8080", "--token", "whatever")

    assert result.exit_code == 2
    assert "must be an http:// or https:// URL" in result.stderr
