"""Real workers, beat and `unibos-worker call` with UNIBOS_REDIS_SENTINELS, as on the HA hubs."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from unibos.core.health_checks import LAST_CHECK_KEY
from unibos_controller.testbed.servers import Redis, SentinelCluster
from unibos_controller.testbed.workers import (
    UNIBOS_WORKER,
    WorkerProcess,
    node_name,
    sentinel_environment,
)

CORE = node_name("core")
BIN = Path(sys.executable).parent


@pytest.fixture
def core_worker(sentinel_cluster: SentinelCluster, tmp_path):
    process = WorkerProcess(
        ["--type", "core"], sentinel_environment(sentinel_cluster.sentinels), tmp_path / "log"
    ).start()
    try:
        process.wait_registered(sentinel_cluster.master().client(), CORE)
        yield process
    finally:
        assert process.stop() == 0, process.output()


def call(sentinel_cluster: SentinelCluster, task: str) -> dict:
    completed = subprocess.run(
        [UNIBOS_WORKER, "call", task, "--timeout", "60"],
        env=sentinel_environment(sentinel_cluster.sentinels),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_a_task_round_trips_through_sentinel_with_a_real_worker(sentinel_cluster, core_worker):
    document = call(sentinel_cluster, "core.health_check")

    assert document["state"] == "SUCCESS"
    assert document["worker"] == CORE
    assert document["queue"] == "default"
    assert document["result"]["components"]["broker"]["status"] == "ok"
    # The task's own client reached the master too.
    master = sentinel_cluster.master().client()
    assert json.loads(master.get(LAST_CHECK_KEY)) == document["result"]


def test_a_worker_moves_to_the_new_master_when_the_master_dies(sentinel_cluster, core_worker):
    replica = sentinel_cluster.replica()
    # The registry's first heartbeat can precede the consumer's connection: a round trip
    # shows the worker consumes from the old master before it dies.
    assert call(sentinel_cluster, "core.noop")["worker"] == CORE

    sentinel_cluster.master().stop()
    wait_until_master(replica)
    # The replica had the key already; a fresh one shows the worker's heartbeat got through.
    replica.client().delete(f"unibos:workers:{CORE}")
    core_worker.wait_registered(replica.client(), CORE)
    document = call(sentinel_cluster, "core.cleanup")

    assert document["state"] == "SUCCESS"
    assert document["worker"] == CORE
    assert "Connection to broker lost" in core_worker.output()


@pytest.mark.django_db(transaction=True)
def test_beat_schedules_the_health_check_through_sentinel(sentinel_cluster, core_worker, tmp_path):
    master = sentinel_cluster.master().client()
    beat = subprocess.Popen(
        [str(BIN / "celery"), "-A", "unibos.celery", "beat"],
        env=sentinel_environment(
            sentinel_cluster.sentinels,
            UNIBOS_DEPLOYMENT_TYPE="hub",
            UNIBOS_HEALTH_CHECK_INTERVAL="1",
            # Beat keeps its schedules in the hub's database: the test database here.
            UNIBOS_DB_NAME=connection.settings_dict["NAME"],
        ),
        stdout=(tmp_path / "beat.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while master.get(LAST_CHECK_KEY) is None:
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            assert time.monotonic() < deadline, "beat's health check never ran"
            time.sleep(0.1)
    finally:
        beat.terminate()
        beat.wait(timeout=30)

    assert json.loads(master.get(LAST_CHECK_KEY))["worker"] == CORE


def wait_until_master(server: Redis, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while server.role() != "master":
        assert time.monotonic() < deadline, "the sentinel promoted no replica"
        time.sleep(0.1)
