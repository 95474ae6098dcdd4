"""`unibos-hub nodes`: the registry, enrolment tokens and revocation."""

import json
import uuid

import pytest
from click.testing import CliRunner
from unibos.cli.hub import cli
from unibos.identity import enrolment, tenancy
from unibos.identity.models import Node

from tests.identity import factories

pytestmark = pytest.mark.django_db


def run(*arguments: str):
    return CliRunner().invoke(cli, list(arguments))


def test_enrol_token_prints_a_token_that_enrols_a_node_once():
    acme = factories.organization("acme")

    result = run("nodes", "enrol-token", "--org", "acme", "--ttl", "600")

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "shown once" in result.stderr
    node, _ = enrolment.enrol(token, "edge-1", "0.1.0")
    assert node.organization == acme
    with pytest.raises(enrolment.EnrolmentRefused):
        enrolment.enrol(token, "edge-2", "0.1.0")


def test_enrol_token_for_an_unknown_organization_exits_1():
    result = run("nodes", "enrol-token", "--org", "nope")

    assert result.exit_code == 1
    assert "no organization 'nope'" in result.output


def test_list_shows_each_node_with_organization_version_and_state():
    node, _ = factories.node(factories.organization("acme"), "edge-1")
    factories.node(factories.organization("globex"), "edge-2")

    everything = run("nodes", "list")
    only_acme = run("nodes", "list", "--org", "acme", "--json")

    rows = [line.split() for line in everything.output.splitlines()]
    assert rows[0] == ["ID", "NAME", "ORG", "VERSION", "ENROLLED", "LAST", "CONTACT", "STATE"]
    assert [(row[1], row[2], row[3], row[-1]) for row in rows[1:]] == [
        ("edge-1", "acme", "0.1.0", "active"),
        ("edge-2", "globex", "0.1.0", "active"),
    ]
    documents = json.loads(only_acme.output)
    assert [(d["id"], d["name"], d["organization"]["slug"]) for d in documents] == [
        (str(node.pk), "edge-1", "acme")
    ]


def test_revoke_marks_the_node_revoked():
    node, credential = factories.node(factories.organization("acme"), "edge-1")

    result = run("nodes", "revoke", str(node.pk))

    assert result.exit_code == 0
    assert result.output == f"revoked node edge-1 ({node.pk}) of acme\n"
    with tenancy.system():
        assert Node.objects.get().revoked_at is not None
    with pytest.raises(enrolment.NodeRevoked):
        enrolment.authenticate_node(str(node.pk), credential, "0.1.0")


def test_revoke_of_an_unknown_node_exits_1_and_a_malformed_id_2():
    unknown = uuid.uuid4()

    assert run("nodes", "revoke", str(unknown)).exit_code == 1
    assert f"no node {unknown}" in run("nodes", "revoke", str(unknown)).output
    assert run("nodes", "revoke", "edge-1").exit_code == 2
