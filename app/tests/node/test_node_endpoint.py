"""GET /api/node: this node, its organization and its connection to the real hub."""

from datetime import UTC, datetime, timedelta

import pytest
from unibos.identity import keys, tenancy
from unibos.identity.models import Node

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.usefixtures("enrolled")]

NODE = "/node/api/node"


@pytest.fixture
def get_node(client, hub):
    hub.member("alice")
    headers = {"Authorization": f"Bearer {hub.login('alice')}"}
    return lambda: client.get(NODE, headers=headers)


def test_online_the_node_reports_the_hub_and_its_contact(get_node, hub, enrolled):
    response = get_node()

    assert response.status_code == 200, response.json()
    document = response.json()
    assert document["node_id"] == enrolled.node_id
    assert document["name"] == "pi"
    assert document["organization"] == {"id": hub.organization.pk, "slug": "acme", "name": "Acme"}
    assert document["hub"]["url"] == hub.url
    assert document["hub"]["state"] == "online"
    assert document["hub"]["reason"] is None
    contact = datetime.fromisoformat(document["hub"]["last_contact_at"])
    assert contact > datetime.now(UTC) - timedelta(minutes=1)
    assert document["hub"]["jwks_fetched_at"] is not None
    assert sorted(document["hub"]["kids"]) == sorted(key.kid for key in keys.published())
    # Asking was the node's token request: the hub recorded the contact and version.
    with tenancy.system():
        node = Node.unscoped.get(pk=enrolled.node_id)
    assert node.last_contact_at >= contact - timedelta(seconds=1)
    assert node.version == "0.1.0"


def test_offline_the_node_reports_why_and_its_last_contact(get_node, settings, offline):
    settings.UNIBOS_HUB_URL = ""
    online = get_node().json()["hub"]
    settings.UNIBOS_HUB_URL = offline

    hub_state = get_node().json()["hub"]

    assert hub_state["url"] == offline
    assert hub_state["state"] == "offline"
    assert "Connection refused" in hub_state["reason"]
    assert hub_state["last_contact_at"] == online["last_contact_at"]
    assert hub_state["kids"] == online["kids"]


def test_the_node_endpoint_needs_a_token(client, hub):
    assert client.get(NODE).status_code == 401
