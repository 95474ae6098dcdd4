"""POST /api/auth/token on the node: through the real hub, and from the cache without it."""

import pytest
from unibos.identity import tenancy
from unibos.identity.models import Membership
from unibos.node.hub_client import HubRefused
from unibos.node.models import CachedCredential

from tests.node.live_hub import PASSWORD

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.usefixtures("enrolled")]

TOKEN = "/node/api/auth/token"
ME = "/node/api/me"


def log_in(client, username: str, password: str = PASSWORD):
    return client.post(
        TOKEN, {"username": username, "password": password}, content_type="application/json"
    )


def me(client, response) -> dict:
    answer = client.get(ME, headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_online_the_node_returns_the_hubs_token_and_caches_the_login(client, hub):
    alice = hub.member("alice", role="admin")

    response = log_in(client, "alice")

    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "admin"
    assert response.json()["organization"]["slug"] == "acme"
    # The hub's own token: the hub accepts it.
    assert hub.client.me(response.json()["access_token"])["user"]["username"] == "alice"
    cached = CachedCredential.objects.get(username="alice")
    assert (cached.user_id, cached.role, cached.email) == (alice.pk, "admin", "alice@example.org")
    assert cached.organization_id == hub.organization.pk
    assert PASSWORD not in cached.password_hash
    assert me(client, response)["user"] == {
        "id": alice.pk,
        "username": "alice",
        "email": "alice@example.org",
    }


def test_online_a_wrong_password_is_the_hubs_401_and_caches_nothing(client, hub):
    hub.member("alice")

    response = log_in(client, "alice", "wrong")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_credentials",
        "detail": "username or password is wrong",
    }
    assert not CachedCredential.objects.exists()


def test_offline_a_user_who_logged_in_once_gets_a_token_of_this_node(
    client, hub, offline, settings
):
    alice = hub.member("alice", role="admin")
    settings.UNIBOS_HUB_URL = ""
    assert log_in(client, "alice").status_code == 200
    settings.UNIBOS_HUB_URL = offline

    response = log_in(client, "alice")

    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "admin"
    assert me(client, response)["user"]["id"] == alice.pk
    # Signed by the node: the hub does not know the key.
    with pytest.raises(HubRefused) as refused:
        hub.client.me(response.json()["access_token"])
    assert refused.value.status == 401


def test_offline_the_cached_login_needs_the_right_password(client, hub, offline, settings):
    hub.member("alice")
    settings.UNIBOS_HUB_URL = ""
    assert log_in(client, "alice").status_code == 200
    settings.UNIBOS_HUB_URL = offline

    response = log_in(client, "alice", "wrong")

    assert response.status_code == 401
    assert response.json()["detail"].startswith("the hub is unreachable and no credential")


def test_offline_a_user_who_never_logged_in_here_cannot(client, hub, offline):
    hub.member("bob")

    response = log_in(client, "bob")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


def test_a_user_removed_from_the_organization_loses_the_cached_login(
    client, hub, offline, settings
):
    alice = hub.member("alice")
    settings.UNIBOS_HUB_URL = ""
    assert log_in(client, "alice").status_code == 200
    with tenancy.system():
        Membership.unscoped.filter(user=alice).delete()

    assert log_in(client, "alice").status_code == 403
    settings.UNIBOS_HUB_URL = offline
    assert log_in(client, "alice").status_code == 401
    assert not CachedCredential.objects.exists()


def test_a_password_changed_on_the_hub_retires_the_cached_one(client, hub, offline, settings):
    alice = hub.member("alice")
    settings.UNIBOS_HUB_URL = ""
    assert log_in(client, "alice").status_code == 200
    alice.set_password("a new password")
    alice.save()

    assert log_in(client, "alice").status_code == 401
    settings.UNIBOS_HUB_URL = offline
    assert log_in(client, "alice").status_code == 401


def test_a_mistyped_password_online_leaves_the_cached_login_alone(client, hub, offline, settings):
    hub.member("alice")
    settings.UNIBOS_HUB_URL = ""
    assert log_in(client, "alice").status_code == 200

    assert log_in(client, "alice", "typo").status_code == 401
    settings.UNIBOS_HUB_URL = offline
    assert log_in(client, "alice").status_code == 200
