"""An organization's task goes to its tenant queue (`<slug>-<queue>`) while a worker
consumes it, and to the shared queue for organizations without dedicated workers."""

from PIL import Image
from unibos_controller.testbed.workers import node_name, start_worker

from tests.dispatch.publisher import publish

DB = 15
SHARED, ACME = node_name("media"), node_name("acme-media")


def test_only_the_organization_with_a_dedicated_worker_uses_it(redis_server, tmp_path, data_dir):
    Image.new("RGB", (300, 200), "blue").save(data_dir / "tenant.jpg")
    task = {"kwargs": {"path": "tenant.jpg", "width": 20, "height": 20}}
    client = redis_server.client(db=DB)
    client.flushdb()
    shared = start_worker(["--type", "media"], DB, tmp_path / "shared.log")
    dedicated = start_worker(["--queues", "acme-media"], DB, tmp_path / "acme.log")
    try:
        shared.wait_registered(client, SHARED)
        dedicated.wait_registered(client, ACME)
        acme = publish(DB, "media.thumbnail", organization="acme", **task)
        globex = publish(DB, "media.thumbnail", organization="globex", **task)
        nobody = publish(DB, "media.thumbnail", **task)
    finally:
        assert shared.stop() == 0, shared.output()
        assert dedicated.stop() == 0, dedicated.output()

    assert (acme["worker"], acme["queue"], acme["state"]) == (ACME, "acme-media", "SUCCESS")
    assert (globex["worker"], globex["queue"]) == (SHARED, "media")
    assert (nobody["worker"], nobody["queue"]) == (SHARED, "media")
