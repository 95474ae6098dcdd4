import os
import shutil
import time
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from unibos.core import health, registry
from unibos.core.broker import redis_client
from unibos.core.datafiles import derived_dir

# Below this share of free space outputs start failing mid-write; report it before.
MIN_FREE_DISK_RATIO = 0.05
SECONDS_PER_DAY = 24 * 60 * 60


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
    components = {"broker": health.check_broker(client), "disk": disk}
    result = {
        "status": "ok" if all(c["status"] == "ok" for c in components.values()) else "failing",
        "last_run": registry.now(),
        "worker": self.request.hostname,
        "components": components,
    }
    health.record_last_check(client, result)
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
