"""The Celery worker side of the registry: heartbeat while running, gone on shutdown."""

import logging
from typing import Any

import redis
from celery import bootsteps
from celery.worker import WorkController
from django.conf import settings

from unibos.core import registry
from unibos.core.broker import redis_client

logger = logging.getLogger(__name__)


class RegistryStep(bootsteps.StartStopStep):
    # Registered once the pool is up. The worker's timer runs in the main process's
    # event loop: when that loop stalls, heartbeats stop and the worker is rightly
    # shown as gone.
    requires = frozenset({"celery.worker.components:Timer", "celery.worker.components:Pool"})

    def __init__(self, parent: WorkController, unibos_gpu: bool = False, **kwargs: Any) -> None:
        # `unibos_gpu` is `unibos-worker start --gpu`: Celery hands a worker's keyword
        # arguments to each of its bootsteps.
        super().__init__(parent, **kwargs)
        self.timer_entry: Any = None
        self.started_at = registry.now()
        self.client = redis_client()
        self.interval = settings.UNIBOS_WORKER_HEARTBEAT_INTERVAL
        # Measured once: what a host has changes with a deployment, which restarts workers.
        self.capabilities = registry.Capabilities.of_this_host(unibos_gpu)

    def start(self, parent: WorkController) -> None:
        self.heartbeat(parent)
        self.timer_entry = parent.timer.call_repeatedly(
            self.interval, self.heartbeat, (parent,), priority=10
        )

    def heartbeat(self, parent: WorkController) -> None:
        record = registry.WorkerRecord.for_this_process(
            parent.hostname,
            parent.app.amqp.queues.consume_from,
            self.started_at,
            self.capabilities,
        )
        try:
            registry.register(self.client, record, self.interval)
        except redis.RedisError as error:
            # The next beat retries; until then the key's TTL keeps the worker listed.
            logger.warning("worker registry heartbeat failed: %s", error)

    def stop(self, parent: WorkController) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        try:
            registry.unregister(self.client, parent.hostname)
        except redis.RedisError as error:
            logger.warning(
                "could not remove %s from the worker registry: %s", parent.hostname, error
            )

    shutdown = stop
