import json
import os

from unibos_controller.testbed.workers import node_name, start_worker

from tests.beat import wait_for


def refreshed_record(client, key: str, registered: dict) -> dict | None:
    """The registry record once a heartbeat has rewritten it (seen_at, in whole seconds,
    later than at registration); None before. A key that expired had no heartbeat."""
    value = client.get(key)
    assert value is not None, f"{key} expired: no heartbeat refreshed it"
    record = json.loads(value)
    return record if record["seen_at"] > registered["seen_at"] else None


def test_a_worker_registers_refreshes_and_leaves_on_warm_shutdown(redis_server, tmp_path):
    client = redis_server.client(db=4)
    process = start_worker(["--type", "media"], 4, tmp_path / "log")
    try:
        record = process.wait_registered(client, node_name("media"))
        key = f"unibos:workers:{node_name('media')}"

        assert record["name"] == node_name("media")
        assert record["type"] == "media"
        assert record["queues"] == ["media"]
        assert record["pid"] == process.process.pid
        assert record["version"] == "0.1.0"
        assert 0 < client.ttl(key) <= 3  # three 1 s heartbeats
        refreshed = wait_for(
            lambda: refreshed_record(client, key, record), "a heartbeat's refresh of " + key
        )
        assert refreshed["started_at"] == record["started_at"]
    finally:
        exit_code = process.stop()

    assert exit_code == 0
    assert client.get(key) is None
    assert not os.path.exists(f"/proc/{record['pid']}")
