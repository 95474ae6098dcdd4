from unibos.dispatch import deadletters

from tests.dispatch.drills import drill


def test_a_warm_shutdown_loses_no_task(redis_server, tmp_path):
    """SIGTERM, as systemd stops the unit, in the middle of tasks: each takes effect once.

    The worker finishes and acknowledges the tasks it runs, gives back those it holds
    unstarted, and exits 0; the next worker runs the rest at once, with no visibility
    timeout (the default two hours here) to wait out.
    """
    with drill(redis_server, tmp_path) as run:
        stopped = run.worker("--concurrency", "2")
        ids = [run.send("core.drill", seconds=2, mark="warm").id for _ in range(5)]
        running = {task["id"] for task in run.running(2)}

        assert stopped.stop() == 0
        assert running <= set(run.ran("warm"))
        assert run.client.hlen("unacked") == 0

        run.worker("--concurrency", "2")
        results = [run.app.AsyncResult(task_id) for task_id in ids]
        for result in results:
            result.get(timeout=60)
        run.settled()

        assert sorted(run.ran("warm")) == sorted(ids)
        assert [result.state for result in results] == ["SUCCESS"] * len(ids)
        assert deadletters.count(run.client) == 0
