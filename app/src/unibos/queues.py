"""The Celery queues and the worker types that consume them (docs/architecture.md)."""

QUEUES = ("default", "ocr", "media")

# A worker type names what a host runs (`unibos-worker@<type>`); the queue is what the
# broker knows. `core` serves `default` because core.* tasks are the fallback route.
QUEUE_BY_WORKER_TYPE = {"core": "default", "ocr": "ocr", "media": "media"}

# Task names carry their module as prefix, so routing needs no per-task entry.
ROUTES = {"core.*": {"queue": "default"}, "ocr.*": {"queue": "ocr"}, "media.*": {"queue": "media"}}
