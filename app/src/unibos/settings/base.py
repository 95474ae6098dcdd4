"""What every profile shares, and the builders for the settings that profiles vary."""

from pathlib import Path
from typing import Any
from urllib.parse import quote

from kombu import Queue

from unibos import environment as env
from unibos.queues import QUEUES

DEBUG = False

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    # The hub's schedules, in its database (unibos.dispatch.scheduler).
    "django_celery_beat",
    "unibos.core",
    "unibos.identity",
    "unibos.node",
    "unibos.hub.sync",
    "unibos.dispatch",
    "unibos.ocr",
    "unibos.media",
    "unibos.cctv",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "unibos.http.urls"
# Users, organizations and memberships live in unibos.identity (docs/architecture.md).
AUTH_USER_MODEL = "identity.User"
WSGI_APPLICATION = "unibos.wsgi.application"

LANGUAGE_CODE = "en-us"
USE_I18N = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

UNIBOS_LOG_LEVEL = env.choice("UNIBOS_LOG_LEVEL", env.LOG_LEVELS, "INFO")

# The health monitor (unibos.dispatch.monitor): how often beat runs it, and the length
# above which a queue is reported as backed up.
UNIBOS_MONITOR_INTERVAL = env.integer("UNIBOS_MONITOR_INTERVAL", 30, minimum=1)
UNIBOS_QUEUE_BACKLOG_ALERT = env.integer("UNIBOS_QUEUE_BACKLOG_ALERT", 100, minimum=0)

# journald stamps time and unit itself; stdout keeps one stream per service.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": UNIBOS_LOG_LEVEL},
}

# Routing (docs/architecture.md, "Task distribution"). GPU, node and tenant queues are
# declared when first used (task_create_missing_queues), as they depend on the host.
CELERY_TASK_QUEUES = tuple(Queue(name) for name in QUEUES)
CELERY_TASK_DEFAULT_QUEUE = "default"
# A dotted path: Celery imports the router on first publish, after Django is set up.
CELERY_TASK_ROUTES = ("unibos.dispatch.router.route_task",)
# The inventory's rules, before the defaults; check unibos.E020 reports a bad one.
UNIBOS_TASK_RULES = env.json_value("UNIBOS_TASK_RULES", [])
# How stale the router's view of live workers and queue lengths may be.
UNIBOS_ROUTING_CACHE_SECONDS = env.integer("UNIBOS_ROUTING_CACHE_SECONDS", 2, minimum=0)
# Beyond this many waiting tasks, a GPU-preferring task takes the CPU queue instead.
UNIBOS_GPU_QUEUE_MAX_LENGTH = env.integer("UNIBOS_GPU_QUEUE_MAX_LENGTH", 20, minimum=0)
# The node this process runs on (its enrolment id); empty on a hub or a worker host.
UNIBOS_NODE_ID = env.string("UNIBOS_NODE_ID", "")
# Seconds between a worker's registry heartbeats (worker hosts, and a node's own worker).
UNIBOS_WORKER_HEARTBEAT_INTERVAL = env.integer("UNIBOS_WORKER_HEARTBEAT_INTERVAL", 10, minimum=1)
# A worker's prefork pool size; 0: one process per CPU. Each worker unit sets its own.
UNIBOS_WORKER_CONCURRENCY = env.integer("UNIBOS_WORKER_CONCURRENCY", 0, minimum=0)
# The result then records the worker and queue that ran a task (`unibos-worker call`).
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# OCR and transcoding run for long; a worker should not hoard tasks another could run.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Reliability (docs/architecture.md, "Reliability"). A task is acknowledged after it
# ran, so one whose worker or pool child dies is delivered again (unibos.core.once
# keeps a completed one from running twice). Redis has no acknowledgement of its own:
# kombu hands a message that a worker has held unacknowledged for longer than the
# visibility timeout to another worker, so the timeout must exceed the longest a task
# is held, its wait for an ETA and its run (check unibos.E021).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
UNIBOS_TASK_VISIBILITY_TIMEOUT = env.integer("UNIBOS_TASK_VISIBILITY_TIMEOUT", 7200, minimum=1)
# Seconds a task may run before its pool child is killed; a tenth earlier the task gets
# SoftTimeLimitExceeded, to clean up and fail while its delivery is still known.
UNIBOS_TASK_TIME_LIMIT = env.integer("UNIBOS_TASK_TIME_LIMIT", 3600, minimum=2)
CELERY_TASK_TIME_LIMIT = UNIBOS_TASK_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = UNIBOS_TASK_TIME_LIMIT - max(1, UNIBOS_TASK_TIME_LIMIT // 10)
# The furthest ahead a task may be scheduled (countdown or ETA); also the longest wait
# before a retry.
UNIBOS_TASK_MAX_ETA = env.integer("UNIBOS_TASK_MAX_ETA", 600, minimum=1)
# Retries of a task that raised unibos.core.retry.RetryableError before it is
# dead-lettered.
UNIBOS_TASK_MAX_RETRIES = env.integer("UNIBOS_TASK_MAX_RETRIES", 3, minimum=0)
# Priorities 0-9, lower first. Redis keeps a list per priority step and queue; kombu's
# steps (0, 3, 6, 9, which unibos.core.broker.queue_lengths counts) make four bands,
# 0-2, 3-5, 6-8 and 9. The default leaves two bands above and one below.
CELERY_TASK_DEFAULT_PRIORITY = 6


def broker_settings(redis: dict[str, Any]) -> dict[str, Any]:
    """The block every profile takes whole: UNIBOS_REDIS (`redis_settings()`) and Celery's
    broker and result backend on it, by setting name."""
    url = redis_url(redis)
    return {
        "UNIBOS_REDIS": redis,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": broker_transport_options(redis),
        "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS": redis_transport_options(redis),
    }


def broker_transport_options(redis: dict[str, Any]) -> dict[str, Any]:
    """CELERY_BROKER_TRANSPORT_OPTIONS: those of Sentinel, and those of reliability."""
    visibility = UNIBOS_TASK_VISIBILITY_TIMEOUT
    return {
        **redis_transport_options(redis),
        "visibility_timeout": visibility,
        # kombu looks for messages held past the visibility timeout every interval
        # (every time, with throttle 1): a dead worker's tasks come back at most a tenth
        # of the timeout, and never more than a minute, after it expired.
        "unacked_restore_interval": max(1, min(60, visibility // 10)),
        "unacked_restore_throttle": 1,
        # A worker takes from its queues in the order it was given them, not in turn.
        "queue_order_strategy": "priority",
    }


# The master name Sentinel monitors, unless UNIBOS_REDIS_SENTINEL_MASTER says otherwise.
_DEFAULT_SENTINEL_MASTER = "unibos"
# A sentinel on a host that is down must not hold up discovery for the kernel's connect
# timeout (minutes): the next sentinel in the list answers instead.
_SENTINEL_TIMEOUT_SECONDS = 2.0


def redis_settings(host: str | None = None, password: str | None = None) -> dict[str, Any]:
    """UNIBOS_REDIS_*; `host` and `password` are defaults only development has.

    With UNIBOS_REDIS_SENTINELS set, Redis is the master that the sentinels name, so
    UNIBOS_REDIS_HOST and _PORT are not read; one password serves Sentinel and Redis.
    """
    sentinels = env.addresses("UNIBOS_REDIS_SENTINELS")
    location: dict[str, Any] = (
        {
            "sentinels": sentinels,
            "master": env.string("UNIBOS_REDIS_SENTINEL_MASTER", _DEFAULT_SENTINEL_MASTER),
        }
        if sentinels
        else {
            "host": env.string("UNIBOS_REDIS_HOST", host),
            "port": env.integer("UNIBOS_REDIS_PORT", 6379, minimum=1),
            "sentinels": [],
        }
    )
    return {
        **location,
        "db": env.integer("UNIBOS_REDIS_DB", 0, minimum=0),
        "password": env.secret("UNIBOS_REDIS_PASSWORD", password),
    }


def redis_url(redis: dict[str, Any]) -> str:
    """The Celery broker and result backend URL: redis://, or sentinel:// per sentinel."""
    # A generated password may hold any character; unquoted, '@' or '/' would split
    # the URL in the wrong place.
    credentials = f":{quote(redis['password'], safe='')}@" if redis["password"] else ""
    if redis["sentinels"]:
        # Celery and kombu split the URL at ';' and take the password and db from the first.
        return ";".join(
            f"sentinel://{credentials}{_url_host(host)}:{port}/{redis['db']}"
            for host, port in redis["sentinels"]
        )
    return f"redis://{credentials}{_url_host(redis['host'])}:{redis['port']}/{redis['db']}"


def redis_transport_options(redis: dict[str, Any]) -> dict[str, Any]:
    """CELERY_BROKER_TRANSPORT_OPTIONS, and CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS.

    Through Sentinel, kombu and Celery's result backend read the same two options: the
    master's name, and the keyword arguments of their connections to the sentinels
    (which the password in the URL does not reach). A new dict per call, so the two
    settings share nothing that one of them could change.
    """
    if not redis["sentinels"]:
        return {}
    sentinel_kwargs: dict[str, Any] = {
        "socket_connect_timeout": _SENTINEL_TIMEOUT_SECONDS,
        "socket_timeout": _SENTINEL_TIMEOUT_SECONDS,
    }
    if redis["password"]:
        sentinel_kwargs["password"] = redis["password"]
    return {"master_name": redis["master"], "sentinel_kwargs": sentinel_kwargs}


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def postgresql_database() -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": env.string("UNIBOS_DB_HOST"),
        "PORT": env.integer("UNIBOS_DB_PORT", 5432, minimum=1),
        "NAME": env.string("UNIBOS_DB_NAME"),
        "USER": env.string("UNIBOS_DB_USER"),
        "PASSWORD": env.secret("UNIBOS_DB_PASSWORD"),
        # Reuse connections across requests; health checks notice a dead one.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def sqlite_database(default_path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env.path("UNIBOS_SQLITE_PATH", default_path),
        "OPTIONS": {
            # WAL lets the health check and requests read while another gunicorn worker
            # writes; FULL keeps committed transactions across a power loss.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
            # Taking the write lock at BEGIN avoids "database is locked" on upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def beat_schedule(interval: int) -> dict[str, Any]:
    return {
        "health-check": {"task": "core.health_check", "schedule": float(interval)},
        "monitor": {"task": "dispatch.monitor", "schedule": float(UNIBOS_MONITOR_INTERVAL)},
    }
