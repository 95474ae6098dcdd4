import json
import stat

import pytest
from unibos.node import state as state_files
from unibos.node.state import BrokenState, NotEnrolled, StateDir

from tests.node.fixtures import ORGANIZATION


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_node_without_identity_is_not_enrolled(tmp_path):
    with pytest.raises(NotEnrolled, match="unibos enrol --hub URL --token TOKEN"):
        StateDir(tmp_path / "state").identity()


def test_enrolling_writes_the_identity_and_a_private_credential(node_of_jwks_server, node_config):
    state = node_config.state

    assert state.identity() == node_of_jwks_server
    assert state.credential() == "not-a-real-credential"
    assert mode(state.file(state_files.CREDENTIAL)) == 0o600
    assert mode(state.path) == 0o700
    document = json.loads(state.file(state_files.IDENTITY).read_text())
    assert document["organization"] == ORGANIZATION
    # Only the finished files: every temporary one was renamed into place.
    assert sorted(path.name for path in state.path.iterdir()) == ["credential", "identity.json"]


def test_enrolling_again_forgets_what_was_learnt_about_the_earlier_hub(
    node_of_jwks_server, node_config
):
    state = node_config.state
    state.write_json(state_files.JWKS, {"keys": [], "fetched_at": "2026-01-01T00:00:00+00:00"})
    state.write_json(state_files.CONTACT, {"last_contact_at": "2026-01-01T00:00:00+00:00"})

    state.enrol(node_of_jwks_server, "another-credential")

    assert not state.file(state_files.JWKS).exists()
    assert not state.file(state_files.CONTACT).exists()
    assert state.credential() == "another-credential"


def test_create_never_replaces_a_file_another_process_wrote_first(tmp_path):
    state = StateDir(tmp_path)

    assert state.create("node_key.pem", b"first", 0o600) is True
    assert state.create("node_key.pem", b"second", 0o600) is False
    assert (tmp_path / "node_key.pem").read_bytes() == b"first"
    assert [path.name for path in tmp_path.iterdir()] == ["node_key.pem"]


def test_a_state_file_that_is_not_json_is_named_in_the_error(tmp_path):
    (tmp_path / "identity.json").write_text("{half")

    with pytest.raises(BrokenState, match=r"identity\.json is not JSON"):
        StateDir(tmp_path).identity()


def test_an_identity_with_missing_fields_is_broken_not_enrolled(tmp_path):
    (tmp_path / "identity.json").write_text('{"node_id": "x"}')

    with pytest.raises(BrokenState, match="is not a node identity"):
        StateDir(tmp_path).identity()
