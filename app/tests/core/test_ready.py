import pytest
from django.db import connection
from unibos_controller.testbed.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_workers(settings):
    """A Redis database no worker registers in, so /api/health fails on every queue."""
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "db": 8}


def test_ready_is_200_when_database_and_broker_answer_even_without_workers(client, no_workers):
    response = client.get("/api/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["deployment"] == "hub"
    assert body["failing"] == []
    assert set(body["components"]) == {"database", "broker"}
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["broker"]["status"] == "ok"
    assert body["components"]["broker"]["latency_ms"] >= 0
    assert client.get("/api/health").status_code == 503


def test_ready_names_the_deployment_of_a_node(client, settings):
    settings.UNIBOS_DEPLOYMENT_TYPE = "node"

    assert client.get("/api/ready").json()["deployment"] == "node"


def test_ready_answers_head_but_refuses_post(client):
    assert client.head("/api/ready").status_code == 200
    assert client.post("/api/ready").status_code == 405


def test_ready_is_not_cached(client):
    assert "no-cache" in client.get("/api/ready")["Cache-Control"]


def test_ready_is_503_naming_broker_when_redis_is_unreachable(client, settings):
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "port": free_port()}

    response = client.get("/api/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["failing"] == ["broker"]
    assert body["components"]["broker"]["status"] == "failing"
    assert "Connection" in body["components"]["broker"]["error"]
    assert body["components"]["database"]["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_ready_is_503_naming_database_when_postgresql_refuses(client, monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", free_port())

    response = client.get("/api/ready")

    connection.close()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert "OperationalError" in body["components"]["database"]["error"]
    assert body["components"]["broker"]["status"] == "ok"


def test_ready_reaches_the_broker_through_sentinel(client, through_sentinel):
    response = client.get("/api/ready")

    assert response.status_code == 200
    assert response.json()["components"]["broker"]["status"] == "ok"


def test_ready_is_503_naming_broker_when_no_sentinel_answers(client, through_sentinel):
    through_sentinel.sentinel.stop()

    response = client.get("/api/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert "MasterNotFoundError" in body["components"]["broker"]["error"]
