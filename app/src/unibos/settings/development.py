"""One machine plays every part: DEBUG, SQLite and data under ./var, no secrets needed."""

from pathlib import Path

from unibos import environment as env
from unibos.settings import base
from unibos.settings.base import *  # noqa: F403
from unibos.sync import export

UNIBOS_DEPLOYMENT_TYPE = "development"
DEBUG = True

_LOCAL = Path.cwd() / "var"

SECRET_KEY = env.secret("UNIBOS_SECRET_KEY", "django-insecure-development-only")
ALLOWED_HOSTS = env.strings("UNIBOS_ALLOWED_HOSTS", ("localhost", "127.0.0.1", "[::1]"))

DATABASES = {"default": base.sqlite_database(_LOCAL / "unibos-development.sqlite3")}

# Redis, and Celery's broker and result backend on it: the block every profile shares,
# with a local Redis without a password by default.
globals().update(base.broker_settings(base.redis_settings(host="localhost", password="")))

UNIBOS_HEALTH_QUEUES = env.strings("UNIBOS_HEALTH_QUEUES", ())
UNIBOS_HEALTH_CHECK_INTERVAL = env.integer("UNIBOS_HEALTH_CHECK_INTERVAL", 60, minimum=1)
CELERY_BEAT_SCHEDULE = base.beat_schedule(UNIBOS_HEALTH_CHECK_INTERVAL)
# Schedules live in the database (`unibos-hub schedules`); beat installs the one above
# there at start.
CELERY_BEAT_SCHEDULER = "unibos.dispatch.scheduler:Scheduler"

UNIBOS_DATA_DIR = env.path("UNIBOS_DATA_DIR", _LOCAL / "data")
UNIBOS_CLEANUP_MAX_AGE_DAYS = env.integer("UNIBOS_CLEANUP_MAX_AGE_DAYS", 7, minimum=1)

# The hub's side of identity: it signs JWTs with keys encrypted by this passphrase.
UNIBOS_SIGNING_KEY_PASSPHRASE = env.secret(
    "UNIBOS_SIGNING_KEY_PASSPHRASE", "development-only-signing-key-passphrase"
)
UNIBOS_JWT_ISSUER = env.string("UNIBOS_JWT_ISSUER", "unibos-hub")
UNIBOS_ACCESS_TOKEN_TTL = env.integer("UNIBOS_ACCESS_TOKEN_TTL", 900, minimum=60)
UNIBOS_NODE_TOKEN_TTL = env.integer("UNIBOS_NODE_TOKEN_TTL", 3600, minimum=60)

# The node's side of identity (docs/architecture.md), with its state under ./var.
UNIBOS_HUB_URL = env.string("UNIBOS_HUB_URL", "")
# Optional: every hub this node may sync with, `url` or `url@priority` (lower first);
# empty: the one hub above, or the one recorded at enrolment.
UNIBOS_HUBS = env.prioritized_urls("UNIBOS_HUBS")
UNIBOS_NODE_STATE_DIR = env.path("UNIBOS_NODE_STATE_DIR", _LOCAL / "node-state")
UNIBOS_JWKS_REFRESH_INTERVAL = env.integer("UNIBOS_JWKS_REFRESH_INTERVAL", 300, minimum=1)

# Sync (unibos.sync): the largest batch a node may push, in operations and in bytes
# uncompressed.
UNIBOS_SYNC_MAX_BATCH = env.integer("UNIBOS_SYNC_MAX_BATCH", 1000, minimum=1)
UNIBOS_SYNC_MAX_BATCH_BYTES = env.integer(
    "UNIBOS_SYNC_MAX_BATCH_BYTES", 8 * 1024 * 1024, minimum=1024
)
UNIBOS_SYNC_DB_PATH = env.path("UNIBOS_SYNC_DB_PATH", UNIBOS_NODE_STATE_DIR / "sync.sqlite3")
# Seconds between two sync rounds of `unibos sync --watch` while online; queued
# operations start a round sooner.
UNIBOS_SYNC_INTERVAL = env.integer("UNIBOS_SYNC_INTERVAL", 10, minimum=1)
# How far a collection's operations go when it was given no level (`unibos export set`):
# hub (the hub and the LAN's peers), peers (the LAN only) or local (never off the node);
# node_export_default (unibos.sync.export).
UNIBOS_EXPORT_DEFAULT = env.choice("UNIBOS_EXPORT_DEFAULT", export.LEVELS, export.HUB)
# The node's peers on the LAN (unibos.node.peers): the API port it announces, and the
# interfaces it announces and browses on (none here: `unibos-dev run` discovers nothing).
UNIBOS_NODE_API_PORT = env.integer("UNIBOS_NODE_API_PORT", 8001, minimum=1)
UNIBOS_MDNS_INTERFACES = env.strings("UNIBOS_MDNS_INTERFACES", ())
