import os
import signal
from pathlib import Path

from unibos.dispatch import deadletters
from unibos_controller.testbed.workers import node_name

from tests.dispatch.drills import drill, wait_for

# Short enough for the test to wait out, and above the time limit plus the longest ETA,
# as check unibos.E021 requires.
RELIABILITY = {
    "UNIBOS_TASK_VISIBILITY_TIMEOUT": "6",
    "UNIBOS_TASK_TIME_LIMIT": "4",
    "UNIBOS_TASK_MAX_ETA": "1",
}


def test_a_killed_worker_loses_no_task(redis_server, tmp_path):
    """SIGKILL a whole worker in the middle of tasks: each of them takes effect once.

    The pool processes die with the worker (Celery sets their parent-death signal), so
    nothing acknowledges, rejects or gives back the tasks it held: they stay in kombu's
    `unacked` hash (giving them back is part of a warm shutdown only). Any live worker
    sweeps that hash every `unacked_restore_interval` (here 1 s, a tenth of the timeout)
    and returns to their queue the tasks held for longer than the visibility timeout
    (here 6 s): the new worker's sweep is what delivers them again.
    """
    with drill(redis_server, tmp_path) as run:
        killed = run.worker("--concurrency", "2", **RELIABILITY)
        ids = [run.send("core.drill", seconds=2, mark="killed").id for _ in range(6)]
        run.running(2)
        pool = Path(f"/proc/{killed.process.pid}/task/{killed.process.pid}/children")
        children = pool.read_text().split()

        killed.process.send_signal(signal.SIGKILL)
        killed.process.wait()
        wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in children), "pool exit")
        assert len(run.ran("killed")) < len(ids)
        assert run.client.hlen("unacked") >= 2

        # Its registry key would expire after three heartbeats; the new worker has its name.
        run.client.delete(f"unibos:workers:{node_name('core')}")
        run.worker("--concurrency", "2", **RELIABILITY)
        states = [run.app.AsyncResult(task_id) for task_id in ids]
        for result in states:
            result.get(timeout=60)
        run.settled()

        assert sorted(run.ran("killed")) == sorted(ids)
        assert [result.state for result in states] == ["SUCCESS"] * len(ids)
        assert deadletters.count(run.client) == 0
