from tests.dispatch.drills import drill


def test_a_completed_task_id_does_not_run_twice(redis_server, tmp_path):
    """A second delivery of a task id that completed returns the stored result unrun.

    Late acknowledgement redelivers a task whose worker died after it ran and before it
    acknowledged; publishing the same id again is that redelivery, on purpose.
    """
    with drill(redis_server, tmp_path) as run:
        run.worker("--concurrency", "1")
        first = run.app.send_task("core.drill", kwargs={"mark": "once"}, task_id="drill-once")
        first_result = first.get(timeout=60)

        again = run.app.send_task("core.drill", kwargs={"mark": "once"}, task_id="drill-once")
        # One pool process takes one task at a time, in order: once the task sent after it
        # has run, the second delivery of drill-once has been dealt with.
        run.send("core.noop").get(timeout=60)

        assert run.ran("once") == ["drill-once"]
        assert again.state == "SUCCESS"
        assert (
            again.get(timeout=1)
            == first_result
            == {
                "task_id": "drill-once",
                "seconds": 0,
                "mark": "once",
            }
        )
        assert "drill-once] was delivered again after it completed" in run.logs()
