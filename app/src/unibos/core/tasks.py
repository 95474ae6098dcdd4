import os
import shutil
import time
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from unibos.core import health_checks, once, registry
from unibos.core.broker import redis_client
from unibos.core.datafiles import derived_dir
from unibos.core.retry import RetryableError

# Below this share of free space outputs start failing mid-write; report it before.
MIN_FREE_DISK_RATIO = 0.05
SECONDS_PER_DAY = 24 * 60 * 60
DRILL_KEY_PREFIX = "unibos:drill:"


@shared_task(name="core.health_check", bind=True)
def health_check(self: Task) -> dict[str, Any]:
    """Check the broker and the data disk from a worker, and record the result.

    GET /api/health shows when this last ran: a stale time means beat or the core
    worker is down even if each looks alive on its own.
    """
    client = redis_client()
    usage = shutil.disk_usage(settings.UNIBOS_DATA_DIR)
    disk = {
        "status": "ok" if usage.free >= usage.total * MIN_FREE_DISK_RATIO else "failing",
        "free_bytes": usage.free,
        "total_bytes": usage.total,
    }
    components = {"broker": health_checks.check_broker(client), "disk": disk}
    result = {
        "status": "ok" if all(c["status"] == "ok" for c in components.values()) else "failing",
        "last_run": registry.now(),
        "worker": self.request.hostname,
        "components": components,
    }
    health_checks.record_last_check(client, result)
    return result


@shared_task(name="core.cleanup")
def cleanup(max_age_days: int | None = None) -> dict[str, Any]:
    """Remove files in data/derived/ last modified more than `max_age_days` ago."""
    days = settings.UNIBOS_CLEANUP_MAX_AGE_DAYS if max_age_days is None else max_age_days
    if days < 0:
        raise ValueError(f"max_age_days must not be negative, not {days}")
    cutoff = time.time() - days * SECONDS_PER_DAY
    removed = freed = 0
    directory = derived_dir()
    if directory.is_dir():
        with os.scandir(directory) as entries:
            for entry in entries:
                info = entry.stat(follow_symlinks=False)
                if entry.is_file(follow_symlinks=False) and info.st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
                    freed += info.st_size
    return {"removed": removed, "freed_bytes": freed, "max_age_days": days}


@shared_task(name="core.noop")
def noop() -> dict[str, Any]:
    """Nothing: the cost of a task's round trip through broker, worker and backend."""
    return {}


@shared_task(name="core.drill", bind=True)
def drill(
    self: Task, seconds: float = 0, fail: bool = False, mark: str | None = None
) -> dict[str, Any]:
    """Sleep `seconds`, then fail with RetryableError when `fail`; else, with a `mark`,
    append this task's id to the Redis list `unibos:drill:<mark>`.

    The id goes in with the task's done-mark, in one transaction: a delivery of the same
    task after the list has it finds the mark and does not append again, so the list
    shows how many times each task took effect (the reliability drills count on it).
    """
    if seconds < 0:
        raise ValueError(f"seconds must not be negative, not {seconds}")
    time.sleep(seconds)
    if fail:
        raise RetryableError(f"core.drill {self.request.id} fails, as fail=True asks")
    result = {"task_id": self.request.id, "seconds": seconds, "mark": mark}
    if mark is not None:
        with redis_client().pipeline(transaction=True) as pipe:
            pipe.rpush(f"{DRILL_KEY_PREFIX}{mark}", self.request.id)
            once.mark(pipe, self.request.id, result)
            pipe.execute()
    return result
