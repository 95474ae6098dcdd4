import time

import pytest
import redis
from unibos.core import health_checks, registry
from unibos.core.broker import redis_client


def test_redis_client_writes_to_the_master_the_sentinel_names(through_sentinel):
    client = redis_client()

    client.set("unibos:test", "written")

    master = through_sentinel.master()
    assert master.role() == "master"
    assert master.client().get("unibos:test") == "written"


def test_redis_client_follows_a_sentinel_failover_to_the_new_master(through_sentinel):
    client = redis_client()
    client.set("unibos:test", "before")
    old = through_sentinel.master()

    new = through_sentinel.failover()
    # The same client: its connection to the old master was cut by the failover.
    client.set("unibos:test", "after")

    assert new is not old
    assert new.role() == "master"
    assert new.client().get("unibos:test") == "after"
    assert old.role() == "slave"


def test_the_registry_and_health_keep_working_when_the_master_dies(through_sentinel):
    client = redis_client()
    record = registry.WorkerRecord.for_this_process("core@test", ["default"], registry.now())
    registry.register(client, record, heartbeat_interval=60)
    replica = through_sentinel.replica()

    through_sentinel.master().stop()
    # Until the sentinel has promoted the replica, a call fails with the ConnectionError
    # that the heartbeat and health already handle; a later one reaches the new master.
    deadline = time.monotonic() + 30
    while True:
        try:
            registry.register(client, record, heartbeat_interval=60)
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "no new master within 30 s"
    health_checks.record_last_check(client, {"last_run": "now", "worker": "core@test"})

    assert replica.role() == "master"
    assert [worker.name for worker in registry.live_workers(client)] == ["core@test"]
    assert health_checks.check_broker(client)["status"] == "ok"
    assert replica.client().exists("unibos:workers:core@test", health_checks.LAST_CHECK_KEY) == 2


def test_redis_client_raises_connection_error_when_no_sentinel_answers(through_sentinel):
    through_sentinel.sentinel.stop()

    with pytest.raises(redis.ConnectionError, match="No master found for 'unibos'"):
        redis_client().ping()
