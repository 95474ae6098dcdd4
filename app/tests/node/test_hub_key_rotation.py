"""A hub key rotation, seen from a node that talks to the real hub (live_server)."""

from datetime import UTC, datetime, timedelta

import pytest
from unibos.identity import keys, tokens
from unibos.node import state as state_files
from unibos.node.jwks_cache import JWKSCache

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.usefixtures("enrolled")]

ME = "/node/api/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of_the_active_key(hub, user, issued_at: datetime) -> str:
    """A token the hub's active key signs as if at `issued_at`."""
    kid, private_key = keys.signing_key()
    return tokens.issue(
        private_key,
        kid,
        issuer=hub.issuer,
        subject=f"user:{user.pk}",
        organization=hub.organization.pk,
        role="member",
        ttl_seconds=900,
        now=issued_at,
    )


def cached_kids(node_config) -> list[str]:
    return [key["kid"] for key in node_config.state.read_json(state_files.JWKS)["keys"]]


def test_a_token_of_the_previous_key_verifies_until_it_expires(client, hub):
    alice = hub.member("alice")
    valid = hub.login("alice")
    expired = token_of_the_active_key(hub, alice, datetime.now(UTC) - timedelta(seconds=1000))

    hub.rotate()

    assert client.get(ME, headers=bearer(valid)).status_code == 200
    response = client.get(ME, headers=bearer(expired))
    assert response.status_code == 401
    assert response.json()["detail"] == "token has expired"


def test_a_node_offline_during_the_rotation_accepts_the_previous_key(client, hub, offline):
    hub.member("alice")
    before_rotation = hub.login("alice")

    hub.rotate()
    after_rotation = hub.login("alice")

    # The previous key was in the cache already, and so was the next one, which the
    # rotation made the signing key.
    assert client.get(ME, headers=bearer(before_rotation)).status_code == 200
    assert client.get(ME, headers=bearer(after_rotation)).status_code == 200


@pytest.mark.usefixtures("refresh_on_every_unknown_kid")
def test_back_online_the_node_fetches_a_key_it_missed_while_offline(
    client, hub, node_config, settings, offline
):
    hub.member("alice")
    before = hub.login("alice")
    kids_before = cached_kids(node_config)
    # Twice: the key that signs now was not even published when the node was last online.
    hub.rotate()
    hub.rotate()
    unknown = hub.login("alice")

    offline_response = client.get(ME, headers=bearer(unknown))

    assert offline_response.status_code == 401
    assert "unknown key" in offline_response.json()["detail"]
    # The failed refresh kept the cache: the previous key still verifies.
    assert cached_kids(node_config) == kids_before
    assert client.get(ME, headers=bearer(before)).status_code == 200

    settings.UNIBOS_HUB_URL = ""
    assert client.get(ME, headers=bearer(unknown)).status_code == 200
    assert set(cached_kids(node_config)) == {key.kid for key in keys.published()}
    assert client.get(ME, headers=bearer(before)).status_code == 200


def test_a_refresh_drops_a_retired_key_once_the_hub_stops_publishing_it(hub, node_config):
    hub.rotate()
    retired = keys.published()[0]
    assert retired.state == "retired"
    assert retired.kid in cached_kids(node_config)
    # Its last token has expired: the next rotation removes it from the hub.
    retired.expires_at = datetime.now(UTC)
    retired.save()
    hub.rotate()

    refreshed = JWKSCache(
        node_config.state, hub.client, node_config.jwks_refresh_interval
    ).refresh()

    assert refreshed is not None
    assert retired.kid not in refreshed.kids
    assert refreshed.kids == [key.kid for key in keys.published()]
