"""`submit` in a process of its own, as a hub or a node publishes: on the Redis database
of a test, with its routing rules, reporting which worker and queue ran the task."""

import json
import subprocess
import sys
from typing import Any

from unibos_controller.testbed.workers import worker_environment

# Prints the task id at once, then (when asked to wait) the result's worker and queue.
_SCRIPT = """
import json, sys
from unibos.cli.django_setup import configure_django
configure_django()
from unibos.dispatch.submit import submit
options = json.loads(sys.argv[1])
wait = options.pop("wait")
result = submit(options.pop("name"), **options)
document = {"id": result.id}
if wait:
    result.get(timeout=60)
    document.update(worker=result.worker, queue=result.queue, state=result.state)
print(json.dumps(document))
"""


def publish(
    redis_db: int, name: str, env: dict[str, str] | None = None, wait: bool = True, **options: Any
) -> dict[str, Any]:
    """`submit(name, **options)` with UNIBOS_REDIS_DB=redis_db and `env`; the task's
    `worker` and `queue` once it ran, or only its `id` when not waiting."""
    completed = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps({"name": name, "wait": wait, **options})],
        env=worker_environment(UNIBOS_REDIS_DB=str(redis_db), **(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
