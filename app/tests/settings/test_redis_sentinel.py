import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings.conftest import HUB, NODE, WORKER

SENTINELS = {"UNIBOS_REDIS_SENTINELS": "rocksteady:26379, bebop:26379,witness:26379"}


def without_redis_host(env: dict[str, str]) -> dict[str, str]:
    return {
        key: value
        for key, value in env.items()
        if key not in ("UNIBOS_REDIS_HOST", "UNIBOS_REDIS_PORT")
    }


@pytest.mark.parametrize("env", [HUB, NODE, WORKER], ids=["hub", "node", "worker"])
def test_each_profile_reaches_redis_through_the_sentinels(load_settings, env):
    settings = load_settings(**without_redis_host(env), **SENTINELS)

    assert settings.UNIBOS_REDIS == {
        "sentinels": [("rocksteady", 26379), ("bebop", 26379), ("witness", 26379)],
        "master": "unibos",
        "db": 2,
        "password": "pa/ss@word",
    }
    assert settings.CELERY_BROKER_URL == (
        "sentinel://:pa%2Fss%40word@rocksteady:26379/2;"
        "sentinel://:pa%2Fss%40word@bebop:26379/2;"
        "sentinel://:pa%2Fss%40word@witness:26379/2"
    )
    assert settings.CELERY_RESULT_BACKEND == settings.CELERY_BROKER_URL


def test_the_transport_options_name_the_master_and_authenticate_to_the_sentinels(load_settings):
    settings = load_settings(**HUB, **SENTINELS, UNIBOS_REDIS_SENTINEL_MASTER="other")

    expected = {
        "master_name": "other",
        "sentinel_kwargs": {
            "password": "pa/ss@word",
            "socket_connect_timeout": 2.0,
            "socket_timeout": 2.0,
        },
    }
    # The broker's options add reliability's (tests/dispatch) to Sentinel's.
    assert expected.items() <= settings.CELERY_BROKER_TRANSPORT_OPTIONS.items()
    assert expected == settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS
        is not settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS
    )


def test_redis_host_and_port_are_not_read_through_the_sentinels(load_settings):
    settings = load_settings(**{**HUB, **SENTINELS, "UNIBOS_REDIS_PORT": "not-a-port"})

    assert "host" not in settings.UNIBOS_REDIS
    assert "redis.example" not in settings.CELERY_BROKER_URL


def test_without_sentinels_the_broker_is_plain_redis_with_no_sentinel_options(load_settings):
    settings = load_settings(**HUB, UNIBOS_REDIS_SENTINELS="")

    assert settings.CELERY_BROKER_URL == "redis://:pa%2Fss%40word@redis.example:6380/2"
    assert settings.UNIBOS_REDIS["sentinels"] == []
    assert "master_name" not in settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert "sentinel_kwargs" not in settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS == {}


def test_an_ipv6_sentinel_is_bracketed_in_the_url(load_settings):
    settings = load_settings(**WORKER, UNIBOS_REDIS_SENTINELS="[::1]:26379")

    assert settings.UNIBOS_REDIS["sentinels"] == [("::1", 26379)]
    assert settings.CELERY_BROKER_URL == "sentinel://:pa%2Fss%40word@[::1]:26379/2"


@pytest.mark.parametrize(
    "value",
    [
        "rocksteady",
        "rocksteady:",
        ":26379",
        "rocksteady:sentinel",
        "rocksteady:0",
        "rocksteady:65536",
        "rocksteady:26379,bebop",
        "redis://rocksteady:26379",
        "::1:26379",
    ],
)
def test_a_malformed_sentinel_address_is_named(load_settings, value):
    with pytest.raises(
        ImproperlyConfigured, match=r"^UNIBOS_REDIS_SENTINELS must be comma-separated host:port"
    ):
        load_settings(**WORKER, UNIBOS_REDIS_SENTINELS=value)


def test_the_password_is_still_required_through_the_sentinels(load_settings):
    env = {key: value for key, value in WORKER.items() if key != "UNIBOS_REDIS_PASSWORD"}

    with pytest.raises(ImproperlyConfigured, match=r"^UNIBOS_REDIS_PASSWORD is not set"):
        load_settings(**without_redis_host(env), **SENTINELS)
