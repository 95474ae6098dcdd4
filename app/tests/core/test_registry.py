import json
import os
import time

from unibos_controller.testbed.workers import node_name, start_worker


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
        time.sleep(2.5)
        refreshed = json.loads(client.get(key))
        assert refreshed["seen_at"] > record["seen_at"]
        assert refreshed["started_at"] == record["started_at"]
    finally:
        exit_code = process.stop()

    assert exit_code == 0
    assert client.get(key) is None
    assert not os.path.exists(f"/proc/{record['pid']}")
