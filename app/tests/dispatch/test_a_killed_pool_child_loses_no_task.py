import os
import signal

from unibos.dispatch import deadletters

from tests.dispatch.drills import drill


def test_a_killed_pool_child_loses_no_task(redis_server, tmp_path):
    """SIGKILL one pool process in the middle of its task: every task takes effect once.

    The worker sees its child die (WorkerLostError) and, with reject_on_worker_lost,
    puts the unacknowledged task back at the head of its queue at once, for a new pool
    process to run; the visibility timeout (the default two hours here) plays no part.
    """
    with drill(redis_server, tmp_path) as run:
        worker = run.worker("--concurrency", "2")
        ids = [run.send("core.drill", seconds=3, mark="child").id for _ in range(4)]
        victim = run.running(2)[0]

        os.kill(victim["worker_pid"], signal.SIGKILL)
        results = [run.app.AsyncResult(task_id) for task_id in ids]
        for result in results:
            result.get(timeout=60)
        run.settled()

        assert worker.process.poll() is None
        assert sorted(run.ran("child")) == sorted(ids)
        assert [result.state for result in results] == ["SUCCESS"] * len(ids)
        assert victim["id"] in run.ran("child")
        assert "WorkerLostError" in run.logs()
        assert deadletters.count(run.client) == 0
