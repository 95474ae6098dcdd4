from datetime import UTC, datetime
from typing import Any

from celery import shared_task
from django.conf import settings

from unibos.core.broker import redis_client
from unibos.dispatch import monitor


@shared_task(name="dispatch.monitor")
def observe() -> dict[str, Any]:
    """One observation of workers and queues (unibos.dispatch.monitor), for the hub API."""
    snapshot = monitor.observe(
        redis_client(),
        list(settings.UNIBOS_HEALTH_QUEUES),
        settings.UNIBOS_QUEUE_BACKLOG_ALERT,
        datetime.now(UTC),
    )
    return {
        "workers": len(snapshot["workers"]),
        "queues": len(snapshot["queues"]),
        "open_alerts": len(snapshot["open_alerts"]),
    }
