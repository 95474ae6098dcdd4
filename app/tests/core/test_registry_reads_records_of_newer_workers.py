"""A worker of a newer release may register fields this one does not know (a rolling
upgrade): the registry's readers keep what they know and drop the rest."""

import json

from unibos.core import registry


def newer_record() -> str:
    return json.dumps(
        {
            "name": "ocr@gpu-box",
            "type": "ocr",
            "queues": ["ocr-gpu"],
            "pid": 4242,
            "version": "9.0.0",
            "started_at": "2026-11-25T00:00:00+00:00",
            "seen_at": "2026-11-25T00:00:10+00:00",
            "region": "eu-west",
            "capabilities": {
                "gpu": True,
                "memory_mb": 32768,
                "tools": ["tesseract"],
                "gpu_devices": ["/dev/nvidia0"],
            },
        }
    )


def test_a_record_with_fields_this_release_does_not_know_is_read():
    record = registry.WorkerRecord.from_json(newer_record())

    assert (record.name, record.type, record.queues) == ("ocr@gpu-box", "ocr", ["ocr-gpu"])
    assert record.capabilities == registry.Capabilities(
        gpu=True, memory_mb=32768, tools=["tesseract"]
    )


def test_live_workers_include_a_newer_workers_record(redis_server):
    client = redis_server.client(db=4)
    client.flushdb()
    client.set(registry.key("ocr@gpu-box"), newer_record(), ex=60)

    assert [worker.name for worker in registry.live_workers(client)] == ["ocr@gpu-box"]


def test_a_record_of_an_older_worker_without_capabilities_is_read():
    document = json.loads(newer_record())
    del document["capabilities"], document["region"]

    record = registry.WorkerRecord.from_json(json.dumps(document))

    assert record.capabilities == registry.Capabilities()
