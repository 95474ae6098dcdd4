import pytest
from django.db import connection
from unibos_controller.testbed.servers import free_port
from unibos_controller.testbed.workers import node_name, start_worker

pytestmark = pytest.mark.django_db


def test_health_is_200_when_every_component_is_ok(client, worker, call_task):
    last_check = call_task("core.health_check")

    response = client.get("/api/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["deployment"] == "hub"
    assert body["version"] == "0.1.0"
    assert set(body["components"]) == {
        "database",
        "broker",
        "queue:default",
        "queue:ocr",
        "queue:media",
    }
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["database"]["latency_ms"] >= 0
    assert body["components"]["broker"]["status"] == "ok"
    for queue in ("default", "ocr", "media"):
        assert body["components"][f"queue:{queue}"] == {"status": "ok", "workers": [worker["name"]]}
    assert body["schedule"]["health_check"] == {
        "last_run": last_check["last_run"],
        "worker": worker["name"],
    }


def test_health_answers_head_but_refuses_post(client, worker):
    assert client.head("/api/health").status_code == 200
    assert client.post("/api/health").status_code == 405


def test_health_is_503_naming_broker_when_redis_is_unreachable(client, settings):
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "port": free_port()}

    response = client.get("/api/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert "broker" in body["failing"]
    assert "Connection" in body["components"]["broker"]["error"]
    assert body["components"]["database"]["status"] == "ok"


def test_health_is_503_naming_the_queue_without_a_worker(client, settings, redis_server, tmp_path):
    # An empty Redis database of its own, where only a core worker registers.
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "db": 3}
    core = start_worker(["--type", "core"], 3, tmp_path / "log")
    try:
        core.wait_registered(redis_server.client(db=3), node_name("core"))

        response = client.get("/api/health")
    finally:
        core.stop()

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["queue:ocr", "queue:media"]
    assert body["components"]["queue:default"] == {"status": "ok", "workers": [node_name("core")]}
    assert body["components"]["queue:ocr"]["workers"] == []
    assert "queue ocr" in body["components"]["queue:ocr"]["error"]
    assert body["schedule"]["health_check"] == {"last_run": None, "worker": None}


@pytest.mark.django_db(transaction=True)
def test_health_is_503_naming_database_when_postgresql_refuses(client, worker, monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", free_port())

    response = client.get("/api/health")

    connection.close()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert "OperationalError" in body["components"]["database"]["error"]
