"""A node long offline catches up from the change feed, page by page after its
checkpoint, without downloading what it already has."""

from unibos.node.sync import agent


def test_a_node_offline_for_long_pulls_only_what_it_missed_in_pages(node_a, node_b, monkeypatch):
    monkeypatch.setattr(agent, "PAGE_SIZE", 100)
    for number in range(250):
        node_b.store.put("notes", f"n{number}", {"title": f"b {number}"})
    node_b.sync()
    node_a.store.put("notes", "mine", {"title": "a's own"})

    first = node_a.agent().sync()
    checkpoint = node_a.store.checkpoint
    node_b.store.put("notes", "n0", {"title": "changed later"})
    node_b.sync()
    second = node_a.agent().sync()

    assert first.pulled == 250
    # The node's own operation is not sent back to it; the next round only the new one.
    assert second.pulled == 1
    assert node_a.store.checkpoint > checkpoint
    assert node_a.store.get("notes", "n0") == {"title": "changed later"}
    assert len(node_a.store.records("notes")) == 251


def test_the_feed_answers_in_pages_after_a_cursor_and_gzip_when_asked(client, hub, node_a, node_b):
    for number in range(5):
        node_b.store.put("notes", f"n{number}", {"title": f"b {number}"})
    node_b.sync()
    bearer = hub.client.node_token(node_a.node_id, node_a.credential, "0.1.0")["access_token"]
    headers = {"Authorization": f"Bearer {bearer}"}

    page = client.get("/api/sync/changes?after=0&limit=3", headers=headers).json()
    rest = client.get(f"/api/sync/changes?after={page['next']}&limit=3", headers=headers).json()
    zipped = client.get("/api/sync/changes", headers={**headers, "Accept-Encoding": "gzip"})

    assert [op["seq"] for op in page["operations"]] == [1, 2, 3]
    assert page["more"] is True
    assert [op["seq"] for op in rest["operations"]] == [4, 5]
    assert rest["more"] is False
    assert zipped["Content-Encoding"] == "gzip"


def test_a_cursor_that_is_not_a_number_is_refused(client, hub, node_a):
    bearer = hub.client.node_token(node_a.node_id, node_a.credential, "0.1.0")["access_token"]

    response = client.get(
        "/api/sync/changes?after=-1", headers={"Authorization": f"Bearer {bearer}"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "after"
