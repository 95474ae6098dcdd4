"""A person lists the conflicts and settles them, on the hub or on a node; what they
choose is a new write that reaches every replica."""

import time

import pytest

NODE_API = "/node/api/conflicts"


def later() -> None:
    """The next write's wall clock is a later millisecond: its HLC is the higher one
    whatever the two nodes' ids."""
    time.sleep(0.005)


@pytest.fixture
def conflicted(node_a, node_b):
    """Both nodes set the title of n1 without seeing each other: b's write, the later
    one, wins."""
    node_a.store.put("notes", "n1", {"title": "a's"})
    later()
    node_b.store.put("notes", "n1", {"title": "b's"})
    node_a.sync()
    node_b.sync()
    node_a.sync()
    return node_a, node_b


@pytest.fixture
def alice(hub) -> dict[str, str]:
    hub.member("alice")
    return {"Authorization": f"Bearer {hub.login('alice')}"}


def test_the_hub_lists_the_conflict_with_its_winner_and_loser(client, conflicted, alice):
    response = client.get("/api/conflicts", headers=alice)

    assert response.status_code == 200
    [conflict] = response.json()["conflicts"]
    assert (conflict["record_id"], conflict["field"]) == ("n1", "title")
    assert (conflict["winner"]["value"], conflict["loser"]["value"]) == ("b's", "a's")
    assert conflict["resolved_at"] is None


def test_keeping_the_loser_on_the_hub_reaches_both_nodes(client, conflicted, alice):
    node_a, node_b = conflicted
    [conflict] = client.get("/api/conflicts", headers=alice).json()["conflicts"]

    response = client.post(
        f"/api/conflicts/{conflict['id']}/resolve",
        {"keep": "remote"},
        content_type="application/json",
        headers=alice,
    )
    node_a.sync()
    node_b.sync()

    assert response.status_code == 200, response.content
    assert response.json()["resolution"] == {"keep": "remote", "value": "a's"}
    assert node_a.store.get("notes", "n1") == node_b.store.get("notes", "n1") == {"title": "a's"}


def test_a_merged_value_needs_the_value(client, conflicted, alice):
    [conflict] = client.get("/api/conflicts", headers=alice).json()["conflicts"]

    response = client.post(
        f"/api/conflicts/{conflict['id']}/resolve",
        {"keep": "merged"},
        content_type="application/json",
        headers=alice,
    )

    assert response.status_code == 400
    assert response.json()["field"] == "value"


def test_a_viewer_cannot_resolve(client, hub, conflicted):
    hub.member("victor", role="viewer")
    headers = {"Authorization": f"Bearer {hub.login('victor')}"}
    [conflict] = client.get("/api/conflicts", headers=headers).json()["conflicts"]

    response = client.post(
        f"/api/conflicts/{conflict['id']}/resolve",
        {"keep": "local"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 403


@pytest.mark.urls("tests.node.urls")
def test_a_node_resolves_its_conflict_with_a_merged_value_that_syncs(
    client, conflicted, alice, settings, node_config
):
    node_a, node_b = conflicted
    settings.UNIBOS_SYNC_DB_PATH = node_a.store.path
    node_config.state.enrol(node_a.identity, node_a.credential)
    [conflict] = client.get(NODE_API, headers=alice).json()["conflicts"]

    response = client.post(
        f"{NODE_API}/{conflict['id']}/resolve",
        {"keep": "merged", "value": "a's and b's"},
        content_type="application/json",
        headers=alice,
    )
    node_a.sync()
    node_b.sync()

    assert response.status_code == 200, response.content
    assert response.json()["resolved_at"] is not None
    assert node_a.store.conflicts(unresolved_only=True) == []
    assert node_b.store.get("notes", "n1") == {"title": "a's and b's"}


def test_keeping_a_lost_delete_deletes_the_record_everywhere(client, node_a, node_b, alice):
    node_a.store.put("notes", "n1", {"title": "shared"})
    node_a.sync()
    node_b.sync()
    node_a.store.delete("notes", "n1")
    later()
    node_b.store.put("notes", "n1", {"title": "edited"})
    node_a.sync()
    node_b.sync()
    [conflict] = client.get("/api/conflicts", headers=alice).json()["conflicts"]
    assert (conflict["field"], conflict["loser"]["value"]) == ("_deleted", True)

    client.post(
        f"/api/conflicts/{conflict['id']}/resolve",
        {"keep": "remote"},
        content_type="application/json",
        headers=alice,
    )
    node_a.sync()
    node_b.sync()

    assert node_a.store.get("notes", "n1") is node_b.store.get("notes", "n1") is None
