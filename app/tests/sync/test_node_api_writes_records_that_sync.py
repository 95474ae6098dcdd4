"""The node's record API: its users read and write records through the sync store, so
every write reaches the hub and the other nodes, and bad requests change nothing."""

import base64

import pytest
from pycrdt import Doc, Text
from unibos.sync import documents

from tests.sync.nodes import hub_records

pytestmark = pytest.mark.urls("tests.node.urls")

RECORDS = "/node/api/records/notes"


@pytest.fixture
def api(client, hub, node_a, settings, node_config):
    """The node API of node_a, called as alice (a member)."""
    settings.UNIBOS_SYNC_DB_PATH = node_a.store.path
    node_config.state.enrol(node_a.identity, node_a.credential)
    hub.member("alice")
    hub.member("victor", role="viewer")
    tokens = {name: f"Bearer {hub.login(name)}" for name in ("alice", "victor")}

    def call(method: str, path: str, body: dict | None = None, as_user: str = "alice"):
        return getattr(client, method)(
            path,
            body,
            content_type="application/json",
            headers={"Authorization": tokens[as_user]},
        )

    return call


def test_a_patched_record_is_read_back_and_reaches_the_hub_and_the_other_node(api, node_a, node_b):
    response = api("patch", f"{RECORDS}/n1", {"fields": {"title": "milk", "done": False}})
    node_a.sync()
    node_b.sync()

    assert response.status_code == 200, response.content
    assert response.json() == {
        "collection": "notes",
        "record_id": "n1",
        "fields": {"title": "milk", "done": False},
        "seq": 1,
    }
    assert api("get", f"{RECORDS}/n1").json()["fields"] == {"title": "milk", "done": False}
    written = {"title": "milk", "done": False}
    assert hub_records()["n1"] == node_b.store.get("notes", "n1") == written


def test_a_patch_sets_only_the_fields_it_names(api):
    api("patch", f"{RECORDS}/n1", {"fields": {"title": "milk", "done": False}})

    response = api("patch", f"{RECORDS}/n1", {"fields": {"done": True}})

    assert response.json()["fields"] == {"title": "milk", "done": True}


def test_a_deleted_record_is_gone_here_and_on_the_hub(api, node_a):
    api("patch", f"{RECORDS}/n1", {"fields": {"title": "milk"}})

    response = api("delete", f"{RECORDS}/n1")
    node_a.sync()

    assert response.status_code == 200
    assert api("get", f"{RECORDS}/n1").status_code == 404
    assert "n1" not in hub_records()


def test_the_collection_is_listed_a_page_at_a_time_without_deleted_records(api):
    for number in range(5):
        api("patch", f"{RECORDS}/n{number}", {"fields": {"number": number}})
    api("delete", f"{RECORDS}/n1")

    first = api("get", f"{RECORDS}?limit=2").json()
    second = api("get", f"{RECORDS}?limit=2&after={first['next']}").json()

    assert [record["record_id"] for record in first["records"]] == ["n0", "n2"]
    assert [record["record_id"] for record in second["records"]] == ["n3", "n4"]
    assert second["next"] == "n4"
    assert api("get", f"{RECORDS}?limit=2&after=n4").json() == {
        "collection": "notes",
        "records": [],
        "next": None,
    }


def test_a_viewer_reads_but_cannot_write(api):
    api("patch", f"{RECORDS}/n1", {"fields": {"title": "milk"}})

    assert api("get", f"{RECORDS}/n1", as_user="victor").status_code == 200
    refused = api("patch", f"{RECORDS}/n1", {"fields": {"title": "x"}}, as_user="victor")
    assert refused.status_code == 403
    assert api("delete", f"{RECORDS}/n1", as_user="victor").status_code == 403
    assert api("get", f"{RECORDS}/n1").json()["fields"] == {"title": "milk"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/node/api/records/no%20spaces/n1", {"fields": {"a": 1}}, "collection"),
        (f"{RECORDS}/{'x' * 201}", {"fields": {"a": 1}}, "record_id"),
        # The schema names the reserved field itself.
        (f"{RECORDS}/n1", {"fields": {"_deleted": True}}, "fields._deleted"),
        (f"{RECORDS}/n1", {"fields": {}}, "fields"),
        (f"{RECORDS}/n1", {"fields": "title"}, "fields"),
        (f"{RECORDS}/n1", {"fields": {"body": {"$crdt": "not base64!"}}}, "fields.body"),
        (f"{RECORDS}/n1", {"field": {"a": 1}}, "field"),
    ],
)
def test_a_bad_write_names_the_field_at_fault_and_writes_nothing(api, node_a, path, body, field):
    response = api("patch", path, body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert node_a.store.operations() == []


def test_without_a_token_nothing_is_read(client, api):
    assert client.get(f"{RECORDS}/n1").status_code == 401


def test_two_nodes_splicing_one_document_offline_both_keep_both_edits(api, node_a, node_b):
    document = f"{RECORDS}/n1/documents/body"
    api("post", document, {"insert": "shopping\n"})
    node_a.sync()
    node_b.sync()

    at_a = api("post", document, {"at": 0, "insert": "Monday "})
    node_b.store.splice_document("notes", "n1", "body", at=9, delete=0, insert="- eggs\n")
    node_a.sync()
    node_b.sync()
    node_a.sync()

    assert at_a.status_code == 200, at_a.content
    assert at_a.json()["text"] == "Monday shopping\n"
    merged = api("get", document).json()
    assert merged["text"] == "Monday shopping\n- eggs\n"
    # Byte for byte the same document on both nodes and the hub, and no conflict.
    assert merged["state"] == node_b.store.get("notes", "n1")["body"]["$crdt"]
    assert hub_records()["n1"]["body"]["$crdt"] == merged["state"]
    assert node_a.store.conflicts() == node_b.store.conflicts() == []


def test_a_yjs_editors_update_is_taken_as_it_is(api):
    editor = Doc()
    editor.get("text", type=Text).insert(0, "from an editor")
    update = base64.b64encode(editor.get_update()).decode()

    response = api("post", f"{RECORDS}/n1/documents/body", {"update": update})

    assert response.status_code == 200, response.content
    assert response.json()["text"] == "from an editor"
    assert documents.text(api("get", f"{RECORDS}/n1").json()["fields"]["body"]) == "from an editor"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"update": "bm90IGEgeWpzIHVwZGF0ZQ=="}, 400, "update"),
        ({"update": "%%%"}, 400, "update"),
        # A splice's field beside an update: the schema names the one that may not be there.
        ({"update": "AAA=", "at": 0}, 400, "at"),
        # Well formed, but past the end of the (empty) text as it is now: 409, not 400.
        ({"at": 5, "insert": "x"}, 409, "at"),
        ({"at": 0, "delete": 1}, 409, "delete"),
        ({"at": 0}, 400, "body"),
    ],
)
def test_a_bad_document_edit_names_the_field_at_fault_and_writes_nothing(
    api, node_a, body, status, field
):
    response = api("post", f"{RECORDS}/n1/documents/body", body)

    assert response.status_code == status
    assert response.json()["field"] == field
    assert node_a.store.operations() == []


def test_a_field_that_is_no_document_is_not_found_as_one(api):
    api("patch", f"{RECORDS}/n1", {"fields": {"title": "plain"}})

    assert api("get", f"{RECORDS}/n1/documents/title").status_code == 404
