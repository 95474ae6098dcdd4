import json
from shutil import which

import pytest
from click.testing import CliRunner
from unibos.cli.worker import cli


@pytest.fixture
def empty_registry(settings):
    """A Redis database no worker uses."""
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "db": 5}


def test_status_lists_live_workers_and_exits_0(worker):
    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 0, result.output
    assert worker["name"] in result.output
    assert "queues=default,media,ocr  gpu=no  memory=" in result.output
    assert f"tools={','.join(worker['capabilities']['tools']) or '-'}" in result.output


def test_status_exits_1_naming_each_queue_without_a_worker(empty_registry):
    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 1
    assert "no live workers" in result.stdout
    for queue in ("default", "ocr", "media"):
        assert f"error: no live worker consumes queue {queue}" in result.stderr


def test_status_checks_only_the_queues_given(empty_registry):
    result = CliRunner().invoke(cli, ["status", "--queue", "ocr"])

    assert result.exit_code == 1
    assert "queue ocr" in result.stderr
    assert "queue default" not in result.stderr


def test_status_with_no_expected_queue_is_fine_without_workers(empty_registry, settings):
    settings.UNIBOS_HEALTH_QUEUES = []

    assert CliRunner().invoke(cli, ["status"]).exit_code == 0


def test_status_json_has_workers_queues_and_missing(worker):
    result = CliRunner().invoke(cli, ["status", "--json"])

    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [record["name"] for record in document["workers"]] == [worker["name"]]
    assert document["queues"] == {queue: [worker["name"]] for queue in ("default", "ocr", "media")}
    assert document["missing"] == []
    capabilities = document["workers"][0]["capabilities"]
    assert capabilities["gpu"] is False
    assert capabilities["memory_mb"] > 0
    assert capabilities["tools"] == [tool for tool in ("tesseract", "ffmpeg") if which(tool)]


def test_status_says_when_redis_is_unreachable(settings):
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "password": "wrong"}

    result = CliRunner().invoke(cli, ["status"])

    assert result.exit_code == 1
    assert "cannot read the worker registry from Redis" in result.stderr


def test_status_lists_a_worker_of_an_older_release_without_capabilities(
    empty_registry, redis_server
):
    client = redis_server.client(db=5)
    record = {
        "name": "ocr@old-host",
        "type": "ocr",
        "queues": ["ocr"],
        "pid": 4242,
        "version": "0.0.9",
        "started_at": "2026-01-01T00:00:00+00:00",
        "seen_at": "2026-01-01T00:00:10+00:00",
    }
    client.set("unibos:workers:ocr@old-host", json.dumps(record), ex=60)
    try:
        result = CliRunner().invoke(cli, ["status", "--queue", "ocr"])
    finally:
        client.delete("unibos:workers:ocr@old-host")

    assert result.exit_code == 0, result.output
    assert "ocr@old-host  queues=ocr  gpu=no  memory=0MB  tools=-  pid=4242" in result.output
