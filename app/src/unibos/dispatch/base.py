"""`UnibosTask`, the base class of every UNIBOS task (the Celery app's `task_cls`).

With late acknowledgement a task may be delivered more than once and must never be
lost, so every delivery goes through the same steps before and after the task runs:

1. privacy: a node-bound task that reached a worker of another node (or none) is
   dead-lettered with reason "privacy" and rejected, not run;
2. idempotency: a task id that already completed returns its stored result;
3. retries: `RetryableError` is retried with exponential backoff and full jitter, at
   most UNIBOS_TASK_MAX_RETRIES times;
4. a task that failed for good is dead-lettered with its arguments and error.
"""

import logging
from typing import Any

import redis
from billiard.einfo import ExceptionInfo
from celery import Task
from celery.app.task import Context
from celery.exceptions import Reject
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from unibos.core import once
from unibos.core.broker import process_client
from unibos.core.retry import RetryableError
from unibos.dispatch import deadletters, eta, privacy

logger = logging.getLogger(__name__)

# The first retry waits up to this many seconds, each next one up to twice as long,
# never more than UNIBOS_TASK_MAX_ETA.
RETRY_BACKOFF_SECONDS = 2
# Headers that `submit` sets and a re-run must carry again (origin, organization, size).
UNIBOS_HEADER_PREFIX = "unibos_"


class UnibosTask(Task):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.request.called_directly:
            return super().__call__(*args, **kwargs)
        # Not super().__call__: it would push a request without the delivery's id and
        # headers, which the steps below and the task itself read.
        return self._deliver(args, kwargs)

    def _deliver(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        request = self.request
        client = process_client()
        headers = request.headers or {}
        refusal = privacy.refusal(self.name, headers, settings.UNIBOS_NODE_ID or None)
        if refusal is not None:
            letter = self._dead_letter(
                request.id, args, kwargs, request, error=refusal, traceback=None, reason="privacy"
            )
            deadletters.record(client, letter)
            logger.error("task %s[%s] dead-lettered unrun: %s", self.name, request.id, refusal)
            raise Reject(refusal, requeue=False)

        done = once.completed(client, request.id)
        if done is not None:
            logger.warning(
                "task %s[%s] was delivered again after it completed; returning its stored "
                "result instead of running it twice",
                self.name,
                request.id,
            )
            return done.result

        try:
            result = self.run(*args, **kwargs)
        except RetryableError as error:
            countdown = get_exponential_backoff_interval(
                factor=RETRY_BACKOFF_SECONDS,
                retries=request.retries,
                maximum=settings.UNIBOS_TASK_MAX_ETA,
                full_jitter=True,
            )
            # Raises Retry, or `error` itself once the retries are spent.
            raise self.retry(
                exc=error, countdown=countdown, max_retries=settings.UNIBOS_TASK_MAX_RETRIES
            ) from error
        once.mark(client, request.id, result)
        return result

    def apply_async(self, *args: Any, **options: Any) -> Any:
        eta.check(self.name, options.get("countdown"), options.get("eta"))
        return super().apply_async(*args, **options)

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo | None,
    ) -> None:
        # Celery calls this once a task has failed for good: in the pool child after its
        # last retry, and in the worker itself when the hard time limit killed the
        # child, where the delivery (queue, headers, retries) is no longer known.
        request = self.request if self.request.id == task_id else None
        error = f"{type(exc).__name__}: {exc}"
        traceback = einfo.traceback if einfo is not None else None
        letter = self._dead_letter(
            task_id, args, kwargs, request, error=error, traceback=traceback, reason="failed"
        )
        try:
            deadletters.record(process_client(), letter)
        except redis.RedisError as failure:
            logger.error(
                "task %s[%s] failed for good (%s) and could not be dead-lettered: %s; "
                "args=%r kwargs=%r",
                self.name,
                task_id,
                error,
                failure,
                args,
                kwargs,
            )
            return
        logger.error(
            "task %s[%s] failed for good and was dead-lettered: %s", self.name, task_id, error
        )

    def _dead_letter(
        self,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        request: Context | None,
        *,
        error: str,
        traceback: str | None,
        reason: deadletters.Reason,
    ) -> deadletters.DeadLetter:
        headers = (request.headers or {}) if request is not None else {}
        return deadletters.DeadLetter(
            id=task_id,
            name=self.name,
            args=list(args or ()),
            kwargs=dict(kwargs or {}),
            queue=(request.delivery_info or {}).get("routing_key") if request else None,
            headers={k: v for k, v in headers.items() if k.startswith(UNIBOS_HEADER_PREFIX)},
            error=error,
            traceback=traceback,
            retries=request.retries if request is not None else None,
            worker=request.hostname if request is not None else None,
            reason=reason,
        )
