"""The worker registry: one Redis key per live worker, `unibos:workers:<nodename>`.

A key expires after three missed heartbeats, so a killed worker drops out by itself;
readers (health, `unibos-worker status`) treat "key present" as "worker alive".
"""

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import redis

from unibos import __version__

KEY_PREFIX = "unibos:workers:"
TTL_HEARTBEATS = 3
# The external programs tasks run (ocr.*: tesseract, media.transcode: ffmpeg).
TOOLS = ("tesseract", "ffmpeg")


@dataclass(frozen=True)
class Capabilities:
    # Declared by the operator (`--gpu`, UNIBOS_WORKER_GPU): a driver can be installed
    # and the card still be reserved for something else.
    gpu: bool = False
    memory_mb: int = 0
    tools: list[str] = field(default_factory=list)

    @classmethod
    def of_this_host(cls, gpu: bool) -> "Capabilities":
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return cls(
            gpu=gpu,
            memory_mb=memory // (1024 * 1024),
            tools=[tool for tool in TOOLS if shutil.which(tool)],
        )


@dataclass(frozen=True)
class WorkerRecord:
    name: str
    type: str
    queues: list[str]
    pid: int
    version: str
    started_at: str
    seen_at: str
    # A worker of an older release, during a rolling upgrade, registers none.
    capabilities: Capabilities = field(default_factory=Capabilities)

    @classmethod
    def for_this_process(
        cls,
        name: str,
        queues: Iterable[str],
        started_at: str,
        capabilities: Capabilities | None = None,
    ) -> "WorkerRecord":
        # The node name is `<type>@<hostname>` (docs/architecture.md), so it carries the type.
        return cls(
            name=name,
            type=name.partition("@")[0],
            queues=sorted(queues),
            pid=os.getpid(),
            version=__version__,
            started_at=started_at,
            seen_at=now(),
            capabilities=capabilities or Capabilities(),
        )

    @classmethod
    def from_json(cls, value: str) -> "WorkerRecord":
        """The record a worker wrote. Fields this release does not know are left out: a
        newer worker may write more during a rolling upgrade, and the readers here (the
        monitor, the router, `status`) must not fail on its record."""
        document: dict[str, Any] = json.loads(value)
        capabilities = _known(Capabilities, document.pop("capabilities", {}))
        return cls(**_known(cls, document), capabilities=Capabilities(**capabilities))


def _known(kind: type, document: dict[str, Any]) -> dict[str, Any]:
    names = {item.name for item in fields(kind)}
    return {key: value for key, value in document.items() if key in names}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def key(name: str) -> str:
    return f"{KEY_PREFIX}{name}"


def register(client: redis.Redis, record: WorkerRecord, heartbeat_interval: int) -> None:
    client.set(key(record.name), json.dumps(asdict(record)), ex=heartbeat_interval * TTL_HEARTBEATS)


def unregister(client: redis.Redis, name: str) -> None:
    client.delete(key(name))


def live_workers(client: redis.Redis) -> list[WorkerRecord]:
    keys = sorted(client.scan_iter(match=f"{KEY_PREFIX}*"))
    # A key may expire between SCAN and MGET; its None is a worker that just died.
    values = client.mget(keys) if keys else []
    return [WorkerRecord.from_json(value) for value in values if value is not None]


def workers_by_queue(
    workers: Iterable[WorkerRecord], queues: Iterable[str]
) -> dict[str, list[str]]:
    """For each queue, the names of the live workers that consume it."""
    workers = list(workers)
    return {
        queue: sorted(worker.name for worker in workers if queue in worker.queues)
        for queue in queues
    }
