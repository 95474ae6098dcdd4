"""The monitor keeps a worker that stopped beating in the registry as offline, raises
one alert for it, and clears it when the worker is back."""

import json
import logging
import signal
from datetime import UTC, datetime, timedelta

from unibos.dispatch import monitor
from unibos_controller.testbed.workers import node_name, start_worker

from tests.beat import wait_for

DB = 11
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def wait_until_expired(client, name: str) -> None:
    """Three missed 1 s heartbeats expire the worker's registry key."""
    key = f"unibos:workers:{name}"
    wait_for(lambda: not client.exists(key), f"the expiry of {key}")


def test_a_killed_worker_is_offline_with_one_alert_and_back_online_when_it_returns(
    redis_server, tmp_path, caplog
):
    client = redis_server.client(db=DB)
    client.flushdb()
    name = node_name("core")
    worker = start_worker(["--type", "core"], DB, tmp_path / "first.log")
    try:
        worker.wait_registered(client, name)
        first = monitor.observe(client, ["default"], 100, NOW)
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait()
        wait_until_expired(client, name)
        with caplog.at_level(logging.WARNING, logger="unibos.dispatch.monitor"):
            gone = monitor.observe(client, ["default"], 100, NOW + timedelta(minutes=1))
            again = monitor.observe(client, ["default"], 100, NOW + timedelta(minutes=2))
    finally:
        worker.stop()
    returned = start_worker(["--type", "core"], DB, tmp_path / "second.log")
    try:
        returned.wait_registered(client, name)
        back = monitor.observe(client, ["default"], 100, NOW + timedelta(minutes=3))
    finally:
        returned.stop()

    assert [(w["name"], w["state"]) for w in first["workers"]] == [(name, "online")]
    assert first["open_alerts"] == []
    [offline] = gone["workers"]
    assert (offline["state"], offline["state_since"]) == ("offline", "2026-11-24T12:01:00+00:00")
    assert offline["first_seen_at"] == "2026-11-24T12:00:00+00:00"
    [alert] = again["open_alerts"]
    assert alert["kind"] == "worker_offline"
    assert name in alert["detail"]
    assert [record.getMessage() for record in caplog.records].count(
        f"alert worker_offline: {alert['detail']}"
    ) == 1
    assert back["workers"][0]["state"] == "online"
    assert back["open_alerts"] == []
    events = [
        (event["kind"], event["event"])
        for event in map(json.loads, client.lrange(monitor.EVENTS_KEY, 0, -1))
    ]
    assert events == [("worker_offline", "cleared"), ("worker_offline", "raised")]
