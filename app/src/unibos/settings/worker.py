"""A Celery worker host, and the `unibos-worker` CLI there: no database."""

from pathlib import Path

from unibos import environment as env
from unibos.settings import base
from unibos.settings.base import *  # noqa: F403

UNIBOS_DEPLOYMENT_TYPE = "worker"

DATABASES: dict[str, dict[str, object]] = {}

# Redis, and Celery's broker and result backend on it: the block every profile shares.
globals().update(base.broker_settings(base.redis_settings()))

UNIBOS_HEALTH_QUEUES = env.strings("UNIBOS_HEALTH_QUEUES", ())
UNIBOS_DATA_DIR = env.path("UNIBOS_DATA_DIR", Path("/var/lib/unibos/data"))
UNIBOS_CLEANUP_MAX_AGE_DAYS = env.integer("UNIBOS_CLEANUP_MAX_AGE_DAYS", 7, minimum=1)
