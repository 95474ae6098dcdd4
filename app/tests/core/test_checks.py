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
