"""A node: the local HTTP API, on SQLite unless told to use PostgreSQL."""

from pathlib import Path

from unibos import environment as env
from unibos.settings import base
from unibos.settings.base import *  # noqa: F403
from unibos.sync import export

UNIBOS_DEPLOYMENT_TYPE = "node"

# The apps a node runs, none of the hub's: not unibos.identity's users, organizations and
# signing keys (a node verifies tokens with unibos.identity.tokens, which uses no model,
# and keeps its own logins in unibos.node), nor the hub's sync ledger (unibos.hub.sync;
# the node's store is a SQLite file of its own), nor django-celery-beat's schedules (beat
# runs on the hub), nor django.contrib.auth and contenttypes (the node hashes passwords
# with Django's hashers, which need neither). Every node process would import them and
# their models: together 4.6 MB of each one's own memory (USS). On a node deployed
# before, their tables stay in the database, unused; `migrate` leaves them alone.
INSTALLED_APPS = [
    "unibos.core",
    "unibos.node",
    # Task distribution: the node's worker runs UnibosTasks and checks the routing rules.
    "unibos.dispatch",
    # The task packages, which Celery's autodiscovery finds by these names.
    "unibos.ocr",
    "unibos.media",
    "unibos.cctv",
]

SECRET_KEY = env.secret("UNIBOS_SECRET_KEY")
ALLOWED_HOSTS = env.strings("UNIBOS_ALLOWED_HOSTS")

UNIBOS_DB_ENGINE = env.choice("UNIBOS_DB_ENGINE", ("sqlite", "postgresql"), "sqlite")
DATABASES = {
    "default": base.postgresql_database()
    if UNIBOS_DB_ENGINE == "postgresql"
    else base.sqlite_database(Path("/var/lib/unibos/node/unibos_node.sqlite3"))
}

# Redis, and Celery's broker and result backend on it: the block every profile shares.
globals().update(base.broker_settings(base.redis_settings()))

UNIBOS_HEALTH_QUEUES = env.strings("UNIBOS_HEALTH_QUEUES", ())
# The files the node's own worker (`unibos worker`) reads and writes: camera recordings
# and their stills stay here, on the node.
UNIBOS_DATA_DIR = env.path("UNIBOS_DATA_DIR", Path("/var/lib/unibos/node/data"))

# Optional: a node that is not enrolled yet still serves /api/health. When set it wins
# over the hub URL that `unibos enrol` recorded, so a node can follow a moved hub.
UNIBOS_HUB_URL = env.string("UNIBOS_HUB_URL", "")
# Optional: every hub this node may sync with, `url` or `url@priority` (lower first);
# empty: the one hub above, or the one recorded at enrolment.
UNIBOS_HUBS = env.prioritized_urls("UNIBOS_HUBS")
UNIBOS_NODE_STATE_DIR = env.path("UNIBOS_NODE_STATE_DIR", Path("/var/lib/unibos/node/state"))
UNIBOS_JWKS_REFRESH_INTERVAL = env.integer("UNIBOS_JWKS_REFRESH_INTERVAL", 300, minimum=1)

# The node's sync store (unibos.node.sync.store), a SQLite file of its own.
UNIBOS_SYNC_DB_PATH = env.path("UNIBOS_SYNC_DB_PATH", UNIBOS_NODE_STATE_DIR / "sync.sqlite3")
# Seconds between two sync rounds of `unibos sync --watch` while online; queued
# operations start a round sooner.
UNIBOS_SYNC_INTERVAL = env.integer("UNIBOS_SYNC_INTERVAL", 10, minimum=1)

# How far a collection's operations go when it was given no level (`unibos export set`):
# hub (the hub and the LAN's peers), peers (the LAN only) or local (never off the node);
# node_export_default (unibos.sync.export).
UNIBOS_EXPORT_DEFAULT = env.choice("UNIBOS_EXPORT_DEFAULT", export.LEVELS, export.HUB)
# The port this node's API listens on (gunicorn's bind, node_port): announced to peers.
UNIBOS_NODE_API_PORT = env.integer("UNIBOS_NODE_API_PORT", 8001, minimum=1)
# The network interfaces (names, e.g. eth0,wlan0) on which the sync agent announces this
# node over mDNS and looks for its peers (node_mdns_interfaces); empty: no discovery.
UNIBOS_MDNS_INTERFACES = env.strings("UNIBOS_MDNS_INTERFACES", ())
if UNIBOS_MDNS_INTERFACES:
    # A peer calls this node at its address with the mDNS host name it announces
    # (<name>-<id>.local) as Host: names under .local are this LAN's.
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".local"]
