"""The Celery probe's program: runs inside a hub, not here (see probe.py).

probe.CeleryProbe sends this file's source to `podman exec -i HUB ... python -`, where
the app's interpreter runs it as the hub's user with the hub's environment. It submits
TASK every INTERVAL seconds for DURATION seconds, then waits up to TIMEOUT seconds for
the results, and prints JSON lines: {"event": "ready"}, {"event": "submitted"}, then
{"event": "result", ...} with every task's times, state and worker.

argv: DURATION INTERVAL TIMEOUT TASK. It imports only the app and the standard library:
the hub's interpreter has nothing else (this package is never installed on a host).
"""

import json
import os
import sys
import time
from typing import Any

# kombu reconnects (asking the sentinels again) between these retries of one publish.
PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
READY_STATES = ("SUCCESS", "FAILURE", "REVOKED")


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")
    import django  # noqa: PLC0415 (the settings module must be named first)

    django.setup()
    from unibos.celery import app  # noqa: PLC0415 (needs Django set up)

    duration, interval, timeout = (float(value) for value in argv[1:4])
    task_name = argv[4]

    tasks: list[dict[str, Any]] = []
    errors, last_error = 0, None
    emit(event="ready", at=time.time())
    end = time.time() + duration
    while time.time() < end:
        sent_at = time.time()
        try:
            result = app.send_task(task_name, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
        except Exception as error:  # the broker is away: try again at the next tick
            errors += 1
            last_error = f"{type(error).__name__}: {error}"
        else:
            tasks.append(
                {
                    "id": result.id,
                    "sent_at": sent_at,
                    "accepted_at": time.time(),
                    "state": None,
                    "worker": None,
                }
            )
        time.sleep(max(0.0, interval - (time.time() - sent_at)))
    emit(event="submitted", at=time.time(), count=len(tasks), errors=errors)

    pending = {task["id"]: task for task in tasks}
    deadline = time.time() + timeout
    while pending and time.time() < deadline:
        for task_id, task in list(pending.items()):
            try:
                meta = app.backend.get_task_meta(task_id)
            except Exception as error:  # the result backend is away for a moment
                last_error = f"{type(error).__name__}: {error}"
                break
            if meta.get("status") in READY_STATES:
                task["state"], task["worker"] = meta["status"], meta.get("worker")
                task["done_at"] = time.time()
                del pending[task_id]
        if pending:
            time.sleep(0.5)

    states = [task["state"] for task in tasks]
    emit(
        event="result",
        submitted=len(tasks),
        completed=states.count("SUCCESS"),
        failed=sum(1 for state in states if state in ("FAILURE", "REVOKED")),
        lost=states.count(None),
        submit_errors=errors,
        last_error=last_error,
        tasks=tasks,
    )


if __name__ == "__main__":
    main(sys.argv)
