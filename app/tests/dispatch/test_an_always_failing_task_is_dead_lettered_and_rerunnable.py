import subprocess

from unibos.dispatch import deadletters
from unibos_controller.testbed.workers import UNIBOS_WORKER, node_name, worker_environment

from tests.dispatch.drills import DRILL_DB, drill, wait_for

# The retries' backoff, at most this many seconds each, for the test not to wait long.
MAX_ETA = {"UNIBOS_TASK_MAX_ETA": "1"}


def dead_letter(run, task_id: str) -> deadletters.DeadLetter:
    # Celery stores the FAILURE result just before it calls on_failure, which records it.
    return wait_for(
        lambda: next((d for d in deadletters.newest(run.client, 10) if d.id == task_id), None),
        f"dead letter {task_id}",
    )


def test_an_always_failing_task_is_dead_lettered_and_rerunnable(redis_server, tmp_path):
    with drill(redis_server, tmp_path) as run:
        run.worker("--concurrency", "1", **MAX_ETA)
        failing = run.send("core.drill", fail=True, mark="dead")
        failing.get(timeout=60, propagate=False)

        letter = dead_letter(run, failing.id)
        assert failing.state == "FAILURE"
        assert (letter.name, letter.args, letter.kwargs) == (
            "core.drill",
            [],
            {"fail": True, "mark": "dead"},
        )
        assert letter.retries == 3
        assert letter.reason == "failed"
        assert letter.error == f"RetryableError: core.drill {failing.id} fails, as fail=True asks"
        assert "RetryableError" in letter.traceback
        assert (letter.queue, letter.worker) == ("default", node_name("core"))
        assert run.ran("dead") == []

        rerun = subprocess.run(
            [UNIBOS_WORKER, "tasks", "rerun", failing.id],
            env=worker_environment(UNIBOS_REDIS_DB=str(DRILL_DB)),
            capture_output=True,
            text=True,
            check=False,
        )
        assert rerun.returncode == 0, rerun.stderr
        rerun_id = rerun.stdout.strip()
        run.app.AsyncResult(rerun_id).get(timeout=60, propagate=False)

        # The re-run ran its retries again under a new id, and failed as the first did.
        again = dead_letter(run, rerun_id)
        assert rerun_id != failing.id
        assert [d.id for d in deadletters.newest(run.client, 10)] == [rerun_id]
        assert (again.name, again.kwargs, again.retries) == (letter.name, letter.kwargs, 3)
