"""`submit`: the UNIBOS way to publish a task, with the headers routing decides by."""

from collections.abc import Sequence
from typing import Any

from celery.result import AsyncResult
from django.conf import settings

from unibos.dispatch import eta

ORIGIN_HEADER = "unibos_origin"
ORGANIZATION_HEADER = "unibos_organization"
SIZE_HEADER = "unibos_size_mb"


def headers(
    origin: str | None = None, organization: str | None = None, size_mb: float | None = None
) -> dict[str, Any]:
    """The routing headers of a task; one left out is not known to the publisher."""
    given = {ORIGIN_HEADER: origin, ORGANIZATION_HEADER: organization, SIZE_HEADER: size_mb}
    return {name: value for name, value in given.items() if value is not None}


def submit(
    name: str,
    *,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    origin: str | None = None,
    organization: str | None = None,
    size_mb: float | None = None,
    priority: int | None = None,
    queue: str | None = None,
    countdown: float | None = None,
) -> AsyncResult:
    """Publish task `name`; `unibos.dispatch.router` picks its queue unless `queue` is given.

    `origin` is the node the task's data comes from, by default this process's own node
    (UNIBOS_NODE_ID, empty on a hub); `organization` the slug whose dedicated workers may
    take it; `size_mb` its input's size, checked against the rule's `max_size_mb`.
    Raises `privacy.PrivacyError`, `router.TooLarge`, or ValueError for a countdown
    beyond UNIBOS_TASK_MAX_ETA, before anything is published.
    """
    # The Celery app reads the settings as it is imported, and the CLI imports this
    # module (through the dead letters' re-run) before it configures them.
    from unibos.core.celery_app import app  # noqa: PLC0415

    eta.check(name, countdown, None)

    options: dict[str, Any] = {
        "headers": headers(origin or settings.UNIBOS_NODE_ID or None, organization, size_mb)
    }
    # Left out rather than None, so Celery's own defaults and the task's options apply.
    given = {"priority": priority, "queue": queue, "countdown": countdown}
    options.update((option, value) for option, value in given.items() if value is not None)
    return app.send_task(name, args=list(args), kwargs=kwargs or {}, **options)
