"""A node: the local HTTP API, on SQLite unless told to use PostgreSQL."""

from pathlib import Path

from unibos.settings import base
from unibos.settings import environment as env
from unibos.settings.base import *  # noqa: F403

UNIBOS_DEPLOYMENT_TYPE = "node"

SECRET_KEY = env.secret("UNIBOS_SECRET_KEY")
ALLOWED_HOSTS = env.strings("UNIBOS_ALLOWED_HOSTS")

UNIBOS_DB_ENGINE = env.choice("UNIBOS_DB_ENGINE", ("sqlite", "postgresql"), "sqlite")
DATABASES = {
    "default": base.postgresql_database()
    if UNIBOS_DB_ENGINE == "postgresql"
    else base.sqlite_database(Path("/var/lib/unibos/node/unibos_node.sqlite3"))
}

UNIBOS_REDIS = base.redis_settings()
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = base.redis_url(UNIBOS_REDIS)
CELERY_BROKER_TRANSPORT_OPTIONS = base.redis_transport_options(UNIBOS_REDIS)
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = base.redis_transport_options(UNIBOS_REDIS)

UNIBOS_HEALTH_QUEUES = env.strings("UNIBOS_HEALTH_QUEUES", ())
