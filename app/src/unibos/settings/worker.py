"""A Celery worker host, and the `unibos-worker` CLI there: no database."""

from pathlib import Path

from unibos.settings import base
from unibos.settings import environment as env
from unibos.settings.base import *  # noqa: F403

UNIBOS_DEPLOYMENT_TYPE = "worker"

DATABASES: dict[str, dict[str, object]] = {}

UNIBOS_REDIS = base.redis_settings()
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = base.redis_url(UNIBOS_REDIS)
CELERY_BROKER_TRANSPORT_OPTIONS = base.broker_transport_options(UNIBOS_REDIS)
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = base.redis_transport_options(UNIBOS_REDIS)

UNIBOS_HEALTH_QUEUES = env.strings("UNIBOS_HEALTH_QUEUES", ())
UNIBOS_DATA_DIR = env.path("UNIBOS_DATA_DIR", Path("/var/lib/unibos/data"))
UNIBOS_CLEANUP_MAX_AGE_DAYS = env.integer("UNIBOS_CLEANUP_MAX_AGE_DAYS", 7, minimum=1)
