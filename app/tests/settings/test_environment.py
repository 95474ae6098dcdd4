import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings.conftest import HUB, NODE, WORKER


def without(env: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != name}


def test_a_missing_deployment_type_is_named(load_settings):
    with pytest.raises(ImproperlyConfigured, match="UNIBOS_DEPLOYMENT_TYPE is not set"):
        load_settings()


def test_an_unknown_deployment_type_is_named(load_settings):
    with pytest.raises(ImproperlyConfigured, match="UNIBOS_DEPLOYMENT_TYPE must be one of"):
        load_settings(**{**HUB, "UNIBOS_DEPLOYMENT_TYPE": "laptop"})


@pytest.mark.parametrize(
    "name",
    [
        "UNIBOS_SECRET_KEY",
        "UNIBOS_ALLOWED_HOSTS",
        "UNIBOS_DB_HOST",
        "UNIBOS_DB_NAME",
        "UNIBOS_DB_USER",
        "UNIBOS_DB_PASSWORD",
        "UNIBOS_REDIS_HOST",
        "UNIBOS_REDIS_PASSWORD",
    ],
)
def test_each_missing_hub_variable_is_named(load_settings, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} is not set"):
        load_settings(**without(HUB, name))


@pytest.mark.parametrize("name", ["UNIBOS_SECRET_KEY", "UNIBOS_ALLOWED_HOSTS", "UNIBOS_REDIS_HOST"])
def test_each_missing_node_variable_is_named(load_settings, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} is not set"):
        load_settings(**without(NODE, name))


@pytest.mark.parametrize("name", ["UNIBOS_REDIS_HOST", "UNIBOS_REDIS_PASSWORD"])
def test_each_missing_worker_variable_is_named(load_settings, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} is not set"):
        load_settings(**without(WORKER, name))


@pytest.mark.parametrize(
    ("env", "name", "value", "message"),
    [
        (HUB, "UNIBOS_DB_PORT", "fivefour", "must be an integer"),
        (HUB, "UNIBOS_REDIS_PORT", "0", "must be at least 1"),
        (HUB, "UNIBOS_REDIS_DB", "-1", "must be at least 0"),
        (HUB, "UNIBOS_HEALTH_CHECK_INTERVAL", "1m", "must be an integer"),
        (HUB, "UNIBOS_LOG_LEVEL", "LOUD", "must be one of"),
        (NODE, "UNIBOS_DB_ENGINE", "mysql", "must be one of sqlite, postgresql"),
        (NODE, "UNIBOS_SQLITE_PATH", "node.sqlite3", "must be an absolute path"),
        (WORKER, "UNIBOS_DATA_DIR", "data", "must be an absolute path"),
        (WORKER, "UNIBOS_CLEANUP_MAX_AGE_DAYS", "0", "must be at least 1"),
        (WORKER, "UNIBOS_WORKER_HEARTBEAT_INTERVAL", "ten", "must be an integer"),
        (WORKER, "UNIBOS_WORKER_CONCURRENCY", "-2", "must be at least 0"),
    ],
)
def test_each_malformed_variable_is_named(load_settings, env, name, value, message):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} {message}"):
        load_settings(**{**env, name: value})


def test_a_secret_is_read_from_its_file(load_settings, tmp_path):
    secret_file = tmp_path / "redis_password"
    secret_file.write_text("from-the-file\n")
    env = without(WORKER, "UNIBOS_REDIS_PASSWORD")

    settings = load_settings(**env, UNIBOS_REDIS_PASSWORD_FILE=str(secret_file))

    assert settings.UNIBOS_REDIS["password"] == "from-the-file"


def test_an_unreadable_secret_file_is_named(load_settings, tmp_path):
    env = without(WORKER, "UNIBOS_REDIS_PASSWORD")

    with pytest.raises(ImproperlyConfigured, match=r"^UNIBOS_REDIS_PASSWORD_FILE names .*missing"):
        load_settings(**env, UNIBOS_REDIS_PASSWORD_FILE=str(tmp_path / "missing"))


def test_an_empty_secret_file_is_named(load_settings, tmp_path):
    (tmp_path / "empty").write_text("\n")
    env = without(WORKER, "UNIBOS_REDIS_PASSWORD")

    with pytest.raises(ImproperlyConfigured, match=r"^UNIBOS_REDIS_PASSWORD_FILE .* is empty"):
        load_settings(**env, UNIBOS_REDIS_PASSWORD_FILE=str(tmp_path / "empty"))


def test_a_secret_set_both_ways_is_refused(load_settings, tmp_path):
    (tmp_path / "secret").write_text("one")

    with pytest.raises(
        ImproperlyConfigured, match="UNIBOS_REDIS_PASSWORD and UNIBOS_REDIS_PASSWORD_FILE"
    ):
        load_settings(**WORKER, UNIBOS_REDIS_PASSWORD_FILE=str(tmp_path / "secret"))
