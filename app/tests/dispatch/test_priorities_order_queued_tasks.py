from tests.dispatch.drills import drill

# (priority given, or None for CELERY_TASK_DEFAULT_PRIORITY, 6), in the order sent.
SENT = [9, 6, None, 0, 3, 2, 8]
# Lower first, by kombu's four bands (0-2, 3-5, 6-8, 9), in the order sent within one.
RUN = [0, 2, 3, 6, None, 8, 9]


def test_priorities_order_queued_tasks(redis_server, tmp_path):
    """Tasks queued before a worker starts run by priority band, then in the order sent.

    One pool process fetches one task at a time (prefetch multiplier 1), so the order
    they take effect in is the order the broker hands them out.
    """
    with drill(redis_server, tmp_path) as run:
        ids = {
            priority: run.send("core.drill", priority=priority, mark="priority").id
            for priority in SENT
        }
        run.worker("--concurrency", "1")
        for task_id in ids.values():
            run.app.AsyncResult(task_id).get(timeout=60)

        assert run.ran("priority") == [ids[priority] for priority in RUN]
