"""GET /api/workers, /api/queues and /api/alerts: the monitor's last observation, for
admins and owners, without another organization's tenant or node queues."""

from datetime import UTC, datetime

import pytest
from unibos.core import registry
from unibos.dispatch import monitor

pytestmark = pytest.mark.django_db

DB = 13
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def broker(settings, redis_server):
    """A Redis database of this test's own, where the API and the monitor look."""
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "db": DB}
    client = redis_server.client(db=DB)
    client.flushdb()
    yield client
    client.flushdb()


def beat(client, name: str, queues: list[str]) -> None:
    """What a worker's registry heartbeat writes."""
    record = registry.WorkerRecord.for_this_process(name, queues, registry.now())
    registry.register(client, record, 60)


@pytest.fixture
def observed(broker, acme, globex):
    beat(broker, "core@hub", ["default"])
    beat(broker, "ocr@globex-box", ["globex-ocr"])
    beat(broker, "media@acme-pi", [f"node.{acme.node.pk}"])
    beat(broker, "media@globex-pi", [f"node.{globex.node.pk}"])
    for _ in range(3):
        broker.lpush("globex-ocr", "{}")
    monitor.observe(broker, ["default", "ocr"], 2, NOW)
    return broker


def test_an_admin_sees_the_shared_queues_and_its_own_and_not_another_tenants(api, acme, observed):
    workers = api("GET", "/api/workers", acme.token("admin")).json()
    queues = api("GET", "/api/queues", acme.token("admin")).json()

    assert workers["observed_at"] == "2026-11-24T12:00:00+00:00"
    assert [worker["name"] for worker in workers["workers"]] == ["core@hub", "media@acme-pi"]
    assert workers["workers"][0]["capabilities"] == {"gpu": False, "memory_mb": 0, "tools": []}
    assert sorted(queues["queues"]) == ["default", f"node.{acme.node.pk}", "ocr"]
    assert queues["queues"]["default"]["workers"] == ["core@hub"]


def test_the_other_tenant_sees_its_backlog_alert_and_acme_does_not(api, acme, globex, observed):
    acme_alerts = api("GET", "/api/alerts", acme.token("owner")).json()
    globex_alerts = api("GET", "/api/alerts", globex.token("owner")).json()

    assert acme_alerts == {"open": [], "recent": []}
    [alert] = globex_alerts["open"]
    assert (alert["kind"], alert["subject"]) == ("queue_backlog", "backlog:globex-ocr")
    assert globex_alerts["recent"][0]["event"] == "raised"
    assert (
        api("GET", "/api/queues", globex.token("admin")).json()["queues"]["globex-ocr"]["length"]
        == 3
    )


@pytest.mark.parametrize("path", ["/api/workers", "/api/queues", "/api/alerts"])
def test_a_member_is_refused(api, acme, observed, path):
    response = api("GET", path, acme.token("member"))

    assert response.status_code == 403
    assert "admin" in response.json()["detail"]


def test_before_the_first_observation_the_lists_are_empty_and_say_so(api, acme, broker):
    answer = api("GET", "/api/workers", acme.token("admin")).json()

    assert answer == {"observed_at": None, "workers": []}
