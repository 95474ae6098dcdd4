import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from unibos.cli.worker import cli
from unibos_controller.testbed.workers import (
    WorkerProcess,
    node_name,
    start_worker,
    worker_environment,
)


def pool_size(pid: int) -> int:
    """The prefork pool's processes, once the worker has forked them all."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(children.read_text().split()) < 2:
        time.sleep(0.1)
    return len(children.read_text().split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "core", "--queues", "default"], "give --type or --queues, not both"),
        ([], "give --type (core, ocr, media) or --queues"),
        (["--type", "gpu"], "Invalid value for '--type'"),
        (["--queues", "default,gpu"], "'gpu' is not a queue: use one of default, ocr, media,"),
        (["--queues", "node.kitchen"], "'kitchen' is not a node id (a UUID)"),
        (["--queues", "Acme-ocr"], "'Acme-ocr' is not a queue"),
        (["--queues", ","], "no queue given"),
        (["--type", "core", "--gpu"], "--type core has no GPU queue; drop --gpu"),
        (["--type", "core", "--concurrency", "0"], "Invalid value for '--concurrency'"),
        (["--type", "core", "--loglevel", "LOUD"], "Invalid value for '--loglevel'"),
    ],
)
def test_start_refuses_bad_options_with_a_usage_error(args, message):
    result = CliRunner().invoke(cli, ["start", *args])

    assert result.exit_code == 2
    assert message in result.output


def test_start_runs_a_prefork_worker_that_stops_cleanly_on_sigterm(redis_server, tmp_path):
    client = redis_server.client(db=6)
    process = start_worker(
        ["--type", "ocr", "--concurrency", "2", "--loglevel", "info"], 6, tmp_path / "log"
    )
    try:
        record = process.wait_registered(client, node_name("ocr"))
        assert record["queues"] == ["ocr"]
        assert record["type"] == "ocr"
        assert pool_size(process.process.pid) == 2
    finally:
        exit_code = process.stop()

    assert exit_code == 0, process.output()
    assert "Warm shutdown" in process.output()
    assert client.get(f"unibos:workers:{node_name('ocr')}") is None


def test_start_with_queues_names_the_node_after_them(redis_server, tmp_path):
    client = redis_server.client(db=7)
    process = start_worker(["--queues", "ocr,media"], 7, tmp_path / "log")
    try:
        record = process.wait_registered(client, node_name("ocr-media"))
    finally:
        assert process.stop() == 0

    assert record["queues"] == ["media", "ocr"]


def test_a_worker_on_a_node_also_consumes_its_node_queue(redis_server, tmp_path):
    client = redis_server.client(db=7)
    node_id = str(uuid.uuid4())
    process = WorkerProcess(
        ["--queues", "ocr-gpu,acme-media", "--gpu"],
        worker_environment(UNIBOS_REDIS_DB="7", UNIBOS_NODE_ID=node_id),
        tmp_path / "log",
    ).start()
    try:
        record = process.wait_registered(client, node_name("ocr-gpu-acme-media"))
    finally:
        assert process.stop() == 0

    assert record["queues"] == ["acme-media", f"node.{node_id}", "ocr-gpu"]
    assert record["capabilities"]["gpu"] is True
