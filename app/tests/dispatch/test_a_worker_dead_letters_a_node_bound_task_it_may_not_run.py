import json

from unibos.dispatch import deadletters

from tests.dispatch.drills import drill, wait_for

# Makes core.drill node-bound on the worker only: the publisher routes it as usual, as
# if it were written to a queue by hand or taken by a worker on the wrong queue.
NODE_BOUND = json.dumps([{"pattern": "core.drill", "queue": "default", "privacy": "node"}])


def test_a_worker_dead_letters_a_node_bound_task_it_may_not_run(redis_server, tmp_path):
    with drill(redis_server, tmp_path) as run:
        run.worker("--concurrency", "1", UNIBOS_TASK_RULES=NODE_BOUND)
        refused = run.send("core.drill", mark="private")
        refused.get(timeout=60, propagate=False)

        letter = wait_for(lambda: deadletters.newest(run.client, 10), "a dead letter")[0]
        assert refused.state == "FAILURE"
        assert (letter.id, letter.name, letter.reason) == (refused.id, "core.drill", "privacy")
        assert letter.error == (
            "task core.drill is node-only under rule 'core.drill' (UNIBOS_TASK_RULES[0]) "
            "and carries no origin node"
        )
        assert letter.kwargs == {"mark": "private"}
        assert run.ran("private") == []
        run.settled()
