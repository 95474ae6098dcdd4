"""Enrolment tokens work once, expire, and enrol only into their own organization."""

from datetime import timedelta

import pytest
from django.utils import timezone
from unibos.identity import enrolment, tenancy
from unibos.identity.models import EnrolmentToken, Node

from tests.identity import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return factories.organization("acme", plan="team")


def test_a_token_enrols_one_node_with_its_own_credential(acme):
    secret = factories.enrolment_token(acme)

    node, credential = enrolment.enrol(secret, "edge-1", "0.1.0")

    assert (node.organization, node.name, node.version) == (acme, "edge-1", "0.1.0")
    assert node.credential_hash == enrolment.secret_hash(credential)
    assert credential not in node.credential_hash
    with tenancy.scope(acme.pk):
        token = EnrolmentToken.objects.get()
    assert token.used_at is not None
    assert token.node_id == node.pk


def test_only_the_hash_of_a_token_is_stored(acme):
    secret = factories.enrolment_token(acme)

    with tenancy.system():
        stored = EnrolmentToken.objects.get()
    assert stored.token_hash == enrolment.secret_hash(secret)
    assert len(secret) >= 43  # 32 bytes, base64url


def test_a_token_works_once(acme):
    secret = factories.enrolment_token(acme)
    enrolment.enrol(secret, "edge-1", "0.1.0")

    with pytest.raises(enrolment.EnrolmentRefused, match="used already"):
        enrolment.enrol(secret, "edge-2", "0.1.0")


def test_an_expired_token_is_refused(acme):
    secret = factories.enrolment_token(acme)
    with tenancy.system():
        EnrolmentToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(enrolment.EnrolmentRefused, match="expired"):
        enrolment.enrol(secret, "edge-1", "0.1.0")


def test_an_unknown_token_is_refused(acme):
    with pytest.raises(enrolment.EnrolmentRefused, match="unknown enrolment token"):
        enrolment.enrol(enrolment.new_secret(), "edge-1", "0.1.0")


def test_a_token_cannot_enrol_into_another_organization(acme):
    factories.organization("globex")
    secret = factories.enrolment_token(acme)

    with pytest.raises(enrolment.EnrolmentRefused, match="not for organization 'globex'"):
        enrolment.enrol(secret, "edge-1", "0.1.0", organization_slug="globex")

    with tenancy.system():
        assert not Node.objects.exists()
    node, _ = enrolment.enrol(secret, "edge-1", "0.1.0", organization_slug="acme")
    assert node.organization == acme


def test_the_credential_authenticates_the_node_and_records_the_contact(acme):
    node, credential = factories.node(acme)

    seen = enrolment.authenticate_node(str(node.pk), credential, "0.2.0")

    assert seen.pk == node.pk
    assert seen.version == "0.2.0"
    assert seen.last_contact_at > node.last_contact_at


@pytest.mark.parametrize("node_id", ["wrong-credential", "unknown-node", "not-a-uuid"])
def test_a_wrong_credential_or_node_is_refused_alike(acme, node_id):
    node, credential = factories.node(acme)
    attempts = {
        "wrong-credential": (str(node.pk), enrolment.new_secret()),
        "unknown-node": ("6f1c5f5e-9d7b-4c38-9c55-3d3d6a0f0a11", credential),
        "not-a-uuid": ("node-1", credential),
    }

    with pytest.raises(enrolment.EnrolmentRefused, match=r"^unknown node or wrong credential$"):
        enrolment.authenticate_node(*attempts[node_id], "0.1.0")


def test_a_revoked_node_is_refused_with_its_credential(acme):
    node, credential = factories.node(acme)
    with tenancy.scope(acme.pk):
        enrolment.revoke(node)

    with pytest.raises(enrolment.NodeRevoked, match="revoked"):
        enrolment.authenticate_node(str(node.pk), credential, "0.1.0")
