"""Identity across the deployed stack: the node enrolled itself into the inventory's
organization during the converge, and a user who logged in through the node once can
still log in there while the hub is down."""

import json
import secrets

from conftest import HUB_PORT, NODE_PORT, wait_for
from unibos_controller.testbed.hosts import request

ORGANIZATION = "home"  # inventories/dev/group_vars: hub_organizations, node_organization


def node_status(stack) -> dict:
    return json.loads(stack.host.check_output("/usr/local/sbin/unibos status --json"))


def login(stack, username: str, password: str) -> tuple[int, dict]:
    status, body = request(
        stack.host,
        f"http://127.0.0.1:{NODE_PORT}/api/auth/token",
        "POST",
        {"username": username, "password": password},
    )
    return status, json.loads(body)


def me(stack, token: str) -> tuple[int, dict]:
    status, body = request(
        stack.host,
        f"http://127.0.0.1:{NODE_PORT}/api/me",
        headers={"Authorization": f"Bearer {token}"},
    )
    return status, json.loads(body)


def test_the_hub_publishes_an_active_and_a_next_signing_key(stack):
    status, body = request(stack.host, f"http://127.0.0.1:{HUB_PORT}/.well-known/jwks.json")
    assert status == 200
    keys = json.loads(body)["keys"]
    assert len(keys) >= 2
    assert {key["alg"] for key in keys} == {"EdDSA"}


def test_the_node_enrolled_into_the_inventorys_organization(stack):
    document = node_status(stack)
    assert document["organization"]["slug"] == ORGANIZATION
    assert document["hub"]["state"] == "online", document["hub"]


def test_the_hub_registry_lists_the_node_with_its_version_and_last_contact(stack):
    node_id = node_status(stack)["node_id"]
    command = f"/usr/local/sbin/unibos-hub nodes list --org {ORGANIZATION} --json"
    registry = json.loads(stack.host.check_output(command))
    entry = next((node for node in registry if node["id"] == node_id), None)
    assert entry is not None, registry
    assert entry["version"]
    assert entry["last_contact_at"]
    assert entry["revoked"] is False


def test_a_user_who_logged_in_through_the_node_can_log_in_there_with_the_hub_down(stack):
    username, password = f"verify-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    stack.host.check_output(
        f"printf '%s\\n' {password} | /usr/local/sbin/unibos-hub users create {username} "
        "--password-stdin"
    )
    stack.host.check_output(
        f"/usr/local/sbin/unibos-hub users add {username} --org {ORGANIZATION} --role member"
    )

    status, online = login(stack, username, password)
    assert status == 200, online
    assert me(stack, online["access_token"])[1]["user"]["username"] == username

    stack.host.check_output("systemctl stop unibos-hub")
    try:
        wait_for(
            lambda: node_status(stack)["hub"]["state"] == "offline", 30, "the node seeing no hub"
        )
        status, offline = login(stack, username, password)
        assert status == 200, offline
        assert offline["access_token"] != online["access_token"]
        status, identity = me(stack, offline["access_token"])
        assert status == 200, identity
        assert identity["user"]["username"] == username
        # The hub's own token still verifies against the node's cached keys.
        assert me(stack, online["access_token"])[0] == 200
        assert login(stack, username, password + "x")[0] == 401
    finally:
        stack.host.check_output("systemctl start unibos-hub")
        wait_for(stack.healthy, 120, "hub and node healthy again")
