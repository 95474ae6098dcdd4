from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings


def errors(**overrides: object) -> dict[str, str]:
    with override_settings(**overrides):
        return {message.id: message.msg for message in checks.run_checks() if message.is_serious()}


def test_the_session_settings_pass_every_check():
    assert errors() == {}


@pytest.mark.parametrize("deployment", ["hub", "node"])
def test_a_short_secret_key_fails_on_hub_and_node(deployment):
    found = errors(UNIBOS_DEPLOYMENT_TYPE=deployment, SECRET_KEY="short")

    assert "UNIBOS_SECRET_KEY" in found["unibos.E001"]


def test_a_short_secret_key_is_allowed_in_development():
    assert "unibos.E001" not in errors(UNIBOS_DEPLOYMENT_TYPE="development", SECRET_KEY="dev")


def test_empty_allowed_hosts_fail():
    assert "UNIBOS_ALLOWED_HOSTS" in errors(ALLOWED_HOSTS=[])["unibos.E002"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_hub_not_on_postgresql_fails():
    sqlite = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/x.sqlite3"}}

    assert "DATABASES['default']['ENGINE']" in errors(DATABASES=sqlite)["unibos.E003"]


def test_a_broker_that_is_not_redis_fails():
    found = errors(CELERY_BROKER_URL="amqp://guest@localhost//")

    assert "CELERY_BROKER_URL" in found["unibos.E004"]


def through_sentinel(settings, **changes: object) -> dict[str, object]:
    """The overrides that UNIBOS_REDIS_SENTINELS gives the settings, with `changes`."""
    from unibos.settings import base  # noqa: PLC0415

    redis = {
        "sentinels": [("rocksteady", 26379), ("bebop", 26379)],
        "master": "unibos",
        "db": 0,
        "password": settings.UNIBOS_REDIS["password"],
    }
    url = base.redis_url(redis)
    return {
        "UNIBOS_REDIS": redis,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": base.redis_transport_options(redis),
        "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS": base.redis_transport_options(redis),
        **changes,
    }


def test_a_sentinel_broker_built_from_the_settings_passes(settings):
    assert errors(**through_sentinel(settings)) == {}


def test_a_redis_url_fails_when_the_sentinels_are_set(settings):
    found = errors(**through_sentinel(settings, CELERY_RESULT_BACKEND=settings.CELERY_BROKER_URL))

    assert "CELERY_RESULT_BACKEND must be a sentinel:// URL" in found["unibos.E004"]
    assert "UNIBOS_REDIS_SENTINELS" in found["unibos.E004"]


def test_a_sentinel_url_fails_when_no_sentinels_are_set(settings):
    url = through_sentinel(settings)["CELERY_BROKER_URL"]

    found = errors(CELERY_BROKER_URL=url)

    assert (
        "CELERY_BROKER_URL must be a redis:// URL built from UNIBOS_REDIS_*" in found["unibos.E004"]
    )


def test_a_broker_error_does_not_show_the_redis_password(settings):
    found = errors(CELERY_BROKER_URL="rediss://:secret-password@redis.example:6379/0")

    assert "secret-password" not in found["unibos.E004"]
    assert "rediss://:**@redis.example" in found["unibos.E004"]


@pytest.mark.parametrize(
    "setting", ["CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS"]
)
def test_transport_options_without_the_master_name_fail_through_sentinel(settings, setting):
    found = errors(**through_sentinel(settings, **{setting: {}}))

    assert setting in found["unibos.E009"]
    assert "UNIBOS_REDIS_SENTINEL_MASTER ('unibos')" in found["unibos.E009"]


def test_a_redis_without_password_fails_outside_development(settings):
    redis = {**settings.UNIBOS_REDIS, "password": ""}

    assert "UNIBOS_REDIS_PASSWORD" in errors(UNIBOS_REDIS=redis)["unibos.E005"]


def test_health_queues_naming_an_unknown_queue_fail():
    found = errors(UNIBOS_HEALTH_QUEUES=["default", "gpu"])

    assert "UNIBOS_HEALTH_QUEUES" in found["unibos.E006"]
    assert "gpu" in found["unibos.E006"]


def test_a_missing_data_dir_fails(tmp_path):
    found = errors(UNIBOS_DATA_DIR=tmp_path / "absent")

    assert "UNIBOS_DATA_DIR" in found["unibos.E007"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_sqlite_database_in_a_missing_directory_fails(tmp_path):
    sqlite = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "no" / "db"}}

    found = errors(UNIBOS_DEPLOYMENT_TYPE="node", DATABASES=sqlite)

    assert "UNIBOS_SQLITE_PATH" in found["unibos.E008"]
    assert str(Path(tmp_path / "no")) in found["unibos.E008"]
