"""How far ahead a task may be scheduled: no further than UNIBOS_TASK_MAX_ETA.

Redis counts the visibility timeout from delivery, and a worker takes an ETA task at
once and holds it unacknowledged until it is due: past the visibility timeout Redis
would hand it to a second worker while the first still holds it. Celery passes
`countdown` and `eta` past its router, so the publishers check (UnibosTask.apply_async
and `submit`).
"""

from datetime import UTC, datetime
from typing import Any

from django.conf import settings


def check(name: str, countdown: float | None, eta: datetime | str | None) -> None:
    """ValueError naming the task when it would wait longer than UNIBOS_TASK_MAX_ETA."""
    ahead = _seconds_ahead(countdown, eta)
    if ahead > settings.UNIBOS_TASK_MAX_ETA:
        raise ValueError(
            f"task {name} would wait {ahead:.0f} s for its ETA, more than "
            f"UNIBOS_TASK_MAX_ETA ({settings.UNIBOS_TASK_MAX_ETA} s): Redis would hand "
            "it to a second worker while the first still holds it"
        )


def _seconds_ahead(countdown: float | None, eta: Any) -> float:
    if countdown is not None:
        return float(countdown)
    if eta is None:
        return 0.0
    when = datetime.fromisoformat(eta) if isinstance(eta, str) else eta
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()
