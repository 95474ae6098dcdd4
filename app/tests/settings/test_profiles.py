import sqlite3
from pathlib import Path

from django.db.utils import ConnectionHandler

from tests.settings.conftest import HUB, NODE, POSTGRESQL, SECRET_KEY, WORKER


def test_the_hub_uses_postgresql_and_schedules_the_health_check(load_settings):
    settings = load_settings(**HUB, UNIBOS_HEALTH_CHECK_INTERVAL="30")

    assert settings.UNIBOS_DEPLOYMENT_TYPE == "hub"
    assert settings.DEBUG is False
    assert settings.SECRET_KEY == SECRET_KEY
    assert settings.ALLOWED_HOSTS == ["hub.example", "10.0.0.1"]
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example", 5433, "unibos")
    assert (database["USER"], database["PASSWORD"]) == ("unibos_hub", "dbsecret")
    assert settings.UNIBOS_HEALTH_QUEUES == ["default", "ocr", "media"]
    assert settings.CELERY_BEAT_SCHEDULE["health-check"] == {
        "task": "core.health_check",
        "schedule": 30.0,
    }


def test_the_broker_url_quotes_the_redis_password(load_settings):
    settings = load_settings(**HUB)

    assert settings.CELERY_BROKER_URL == "redis://:pa%2Fss%40word@redis.example:6380/2"
    assert settings.CELERY_RESULT_BACKEND == settings.CELERY_BROKER_URL
    assert settings.CELERY_RESULT_EXTENDED is True
    assert [queue.name for queue in settings.CELERY_TASK_QUEUES] == ["default", "ocr", "media"]


def test_a_node_defaults_to_sqlite_in_wal_mode(load_settings, tmp_path):
    path = tmp_path / "node.sqlite3"
    settings = load_settings(**NODE, UNIBOS_SQLITE_PATH=str(path))

    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == path
    assert settings.UNIBOS_HEALTH_QUEUES == []
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULE")


def test_a_node_database_really_opens_in_wal_mode(load_settings, tmp_path, django_db_blocker):
    settings = load_settings(**NODE, UNIBOS_SQLITE_PATH=str(tmp_path / "node.sqlite3"))
    wrapper = ConnectionHandler(settings.DATABASES)["default"]
    # Its own SQLite file, not the test database that pytest-django guards.
    with django_db_blocker.unblock():
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone() == ("wal",)
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone() == (2,)  # FULL
        wrapper.close()
    assert sqlite3.connect(tmp_path / "node.sqlite3").execute("PRAGMA journal_mode").fetchone() == (
        "wal",
    )


def test_a_node_can_use_postgresql(load_settings):
    settings = load_settings(**NODE, **POSTGRESQL, UNIBOS_DB_ENGINE="postgresql")

    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["HOST"] == "db.example"


def test_a_worker_has_no_database_and_reads_its_task_settings(load_settings, tmp_path):
    settings = load_settings(
        **WORKER,
        UNIBOS_DATA_DIR=str(tmp_path),
        UNIBOS_CLEANUP_MAX_AGE_DAYS="3",
        UNIBOS_WORKER_HEARTBEAT_INTERVAL="5",
        UNIBOS_WORKER_CONCURRENCY="4",
        UNIBOS_HEALTH_QUEUES="ocr",
    )

    assert settings.DATABASES == {}
    assert tmp_path == settings.UNIBOS_DATA_DIR
    assert settings.UNIBOS_CLEANUP_MAX_AGE_DAYS == 3
    assert settings.UNIBOS_WORKER_HEARTBEAT_INTERVAL == 5
    assert settings.UNIBOS_WORKER_CONCURRENCY == 4
    assert settings.UNIBOS_HEALTH_QUEUES == ["ocr"]
    assert not hasattr(settings, "SECRET_KEY")


def test_a_worker_uses_the_documented_defaults(load_settings):
    settings = load_settings(**WORKER)

    assert Path("/var/lib/unibos/data") == settings.UNIBOS_DATA_DIR
    assert settings.UNIBOS_WORKER_HEARTBEAT_INTERVAL == 10
    assert settings.UNIBOS_LOG_LEVEL == "INFO"
    assert settings.LOGGING["root"]["level"] == "INFO"


def test_development_needs_no_environment_but_the_deployment_type(
    load_settings, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(UNIBOS_DEPLOYMENT_TYPE="development", UNIBOS_LOG_LEVEL="DEBUG")

    assert settings.DEBUG is True
    assert settings.SECRET_KEY.startswith("django-insecure")
    assert settings.DATABASES["default"]["NAME"] == tmp_path / "var" / "unibos-development.sqlite3"
    assert tmp_path / "var" / "data" == settings.UNIBOS_DATA_DIR
    assert settings.CELERY_BROKER_URL == "redis://localhost:6379/0"
    assert settings.LOGGING["root"]["level"] == "DEBUG"


def test_logs_go_to_stdout_for_journald(load_settings):
    settings = load_settings(**WORKER)

    assert settings.LOGGING["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
