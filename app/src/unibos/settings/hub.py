"""The hub: the central HTTP API on PostgreSQL, and the Celery beat."""

from unibos import environment as env
from unibos.queues import QUEUES
from unibos.settings import base
from unibos.settings.base import *  # noqa: F403

UNIBOS_DEPLOYMENT_TYPE = "hub"

SECRET_KEY = env.secret("UNIBOS_SECRET_KEY")
ALLOWED_HOSTS = env.strings("UNIBOS_ALLOWED_HOSTS")

DATABASES = {"default": base.postgresql_database()}

# Redis, and Celery's broker and result backend on it: the block every profile shares.
globals().update(base.broker_settings(base.redis_settings()))

UNIBOS_HEALTH_QUEUES = env.strings("UNIBOS_HEALTH_QUEUES", QUEUES)
UNIBOS_HEALTH_CHECK_INTERVAL = env.integer("UNIBOS_HEALTH_CHECK_INTERVAL", 60, minimum=1)
CELERY_BEAT_SCHEDULE = base.beat_schedule(UNIBOS_HEALTH_CHECK_INTERVAL)
# Schedules live in the database (`unibos-hub schedules`); beat installs the one above
# there at start.
CELERY_BEAT_SCHEDULER = "unibos.dispatch.scheduler:Scheduler"

# Identity: the hub signs JWTs (unibos.identity.keys). An empty passphrase is refused
# by check unibos.E011, so that the settings still load for the checks to say so.
UNIBOS_SIGNING_KEY_PASSPHRASE = env.secret("UNIBOS_SIGNING_KEY_PASSPHRASE", "")
UNIBOS_JWT_ISSUER = env.string("UNIBOS_JWT_ISSUER", "unibos-hub")
UNIBOS_ACCESS_TOKEN_TTL = env.integer("UNIBOS_ACCESS_TOKEN_TTL", 900, minimum=60)
UNIBOS_NODE_TOKEN_TTL = env.integer("UNIBOS_NODE_TOKEN_TTL", 3600, minimum=60)

# Sync (unibos.sync): the largest batch a node may push, in operations and in bytes
# uncompressed.
UNIBOS_SYNC_MAX_BATCH = env.integer("UNIBOS_SYNC_MAX_BATCH", 1000, minimum=1)
UNIBOS_SYNC_MAX_BATCH_BYTES = env.integer(
    "UNIBOS_SYNC_MAX_BATCH_BYTES", 8 * 1024 * 1024, minimum=1024
)
