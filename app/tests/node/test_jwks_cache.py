import json
from datetime import UTC, datetime, timedelta

from unibos.node import state as state_files
from unibos.node.hub_client import HubClient
from unibos.node.jwks_cache import UNKNOWN_KID_INTERVAL, JWKSCache

from tests.node.keyserver import SigningKey


class Clock:
    """Monotonic seconds that a test moves on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cache_of(node_config, server, clock=None) -> JWKSCache:
    hub = HubClient(server.url)
    return JWKSCache(node_config.state, hub, node_config.jwks_refresh_interval, clock or Clock())


def test_a_refresh_stores_the_keys_and_when_they_were_fetched(node_config, jwks_server, hub_key):
    cache = cache_of(node_config, jwks_server)

    refreshed = cache.refresh()

    assert refreshed is not None
    assert refreshed.kids == [hub_key.kid]
    stored = json.loads(node_config.state.file(state_files.JWKS).read_text())
    assert stored["keys"] == [hub_key.jwk]
    assert datetime.fromisoformat(stored["fetched_at"]) > datetime.now(UTC) - timedelta(minutes=1)
    assert cache.cached() == refreshed


def test_a_failed_refresh_keeps_the_cache(node_config, jwks_server, hub_key, caplog):
    cache = cache_of(node_config, jwks_server)
    cache.refresh()
    before = node_config.state.file(state_files.JWKS).read_bytes()
    jwks_server.failing_with = 503

    assert cache.refresh() is None

    assert node_config.state.file(state_files.JWKS).read_bytes() == before
    assert cache.cached().kids == [hub_key.kid]
    assert "JWKS refresh failed, keeping the cached keys" in caplog.text


def test_a_refresh_from_a_hub_that_is_gone_keeps_the_cache(node_config, jwks_server, hub_key):
    cache = cache_of(node_config, jwks_server)
    cache.refresh()
    jwks_server.close()

    assert cache.refresh() is None
    assert cache.key(hub_key.kid) == hub_key.jwk


def test_an_unknown_kid_fetches_the_jwks_at_once(node_config, jwks_server, hub_key):
    # Fetched by another process a moment ago: fresh, and this one has not asked yet.
    document = {"keys": [hub_key.jwk], "fetched_at": datetime.now(UTC).isoformat()}
    node_config.state.write_json(state_files.JWKS, document)
    new_key = SigningKey()
    jwks_server.publish(hub_key, new_key)

    assert cache_of(node_config, jwks_server).key(new_key.kid) == new_key.jwk
    assert jwks_server.requests == 1


def test_unknown_kids_fetch_at_most_once_per_30_seconds(node_config, jwks_server, hub_key):
    clock = Clock()
    cache = cache_of(node_config, jwks_server, clock)
    cache.refresh()

    for _ in range(5):
        assert cache.key(SigningKey().kid) is None
    assert jwks_server.requests == 1

    clock.now += UNKNOWN_KID_INTERVAL
    assert cache.key(SigningKey().kid) is None
    assert cache.key(SigningKey().kid) is None
    assert jwks_server.requests == 2


def test_a_known_kid_in_a_fresh_cache_asks_the_hub_nothing(node_config, jwks_server, hub_key):
    clock = Clock()
    cache = cache_of(node_config, jwks_server, clock)
    cache.refresh()
    clock.now += 10 * UNKNOWN_KID_INTERVAL

    assert cache.key(hub_key.kid) == hub_key.jwk
    assert jwks_server.requests == 1


def test_a_cache_older_than_the_refresh_interval_is_refetched(
    node_config, jwks_server, hub_key, settings
):
    old = (datetime.now(UTC) - timedelta(seconds=301)).isoformat()
    node_config.state.write_json(state_files.JWKS, {"keys": [], "fetched_at": old})

    current = cache_of(node_config, jwks_server).current()

    assert current.kids == [hub_key.kid]
    assert jwks_server.requests == 1


def test_without_a_cache_the_first_lookup_fetches_the_jwks(node_config, jwks_server, hub_key):
    assert cache_of(node_config, jwks_server).key(hub_key.kid) == hub_key.jwk
