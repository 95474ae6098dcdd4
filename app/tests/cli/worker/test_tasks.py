import json
import uuid

import pytest
from click.testing import CliRunner
from unibos.celery import app
from unibos.cli.worker import cli
from unibos.core import registry
from unibos.core.tasks import DRILL_KEY_PREFIX
from unibos.dispatch import deadletters

from tests.dispatch.drills import DRILL_DB, Drill, wait_for


@pytest.fixture
def own_db(settings, redis_server):
    """The CLI's Redis (registry, queues, dead letters) on a database of its own; the
    Celery app still publishes to the session's, where its worker runs."""
    client = redis_server.client(db=DRILL_DB)
    client.flushdb()
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "db": DRILL_DB}
    return client


def letter(task_id: str, name: str = "core.drill", **kwargs: object) -> deadletters.DeadLetter:
    return deadletters.DeadLetter(
        id=task_id,
        name=name,
        args=[],
        kwargs=kwargs,
        queue="default",
        headers={},
        error="RetryableError: it failed",
        traceback="Traceback ...",
        retries=3,
        worker="core@host",
        reason="failed",
    )


def test_dead_lists_the_latest_first_and_says_how_many_more_there_are(own_db):
    for index, task_id in enumerate(["oldest", "middle", "newest"]):
        deadletters.record(own_db, letter(task_id), score=1000 + index)

    result = CliRunner().invoke(cli, ["tasks", "dead", "--limit", "2"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  newest  core.drill  reason=failed  retries=3  queue=default" in lines[0]
    assert lines[1] == "    RetryableError: it failed"
    assert "  middle  core.drill" in lines[2]
    assert lines[4] == "(1 older not shown; see --limit)"


def test_dead_json_has_every_field_and_the_total(own_db):
    deadletters.record(own_db, letter("one", mark="m"))

    result = CliRunner().invoke(cli, ["tasks", "dead", "--json"])

    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["total"] == 1
    [entry] = document["dead"]
    assert set(entry) == {
        "id", "name", "args", "kwargs", "queue", "headers", "error", "traceback",
        "retries", "failed_at", "worker", "reason",
    }  # fmt: skip
    assert (entry["id"], entry["kwargs"]) == ("one", {"mark": "m"})


def test_dead_says_when_there_is_none(own_db):
    result = CliRunner().invoke(cli, ["tasks", "dead"])

    assert result.exit_code == 0
    assert result.stdout == "no dead letters\n"


def test_rerun_publishes_the_task_again_under_a_new_id(own_db, worker, redis_db):
    mark = uuid.uuid4().hex
    deadletters.record(own_db, letter("failed-once", mark=mark))

    result = CliRunner().invoke(cli, ["tasks", "rerun", "failed-once"])

    assert result.exit_code == 0, result.output
    new_id = result.stdout.strip()
    assert app.AsyncResult(new_id).get(timeout=60)["mark"] == mark
    assert redis_db.lrange(f"{DRILL_KEY_PREFIX}{mark}", 0, -1) == [new_id]
    assert deadletters.count(own_db) == 0


def test_rerun_refused_by_privacy_keeps_the_dead_letter(own_db):
    deadletters.record(own_db, letter("footage", name="cctv.record"))

    result = CliRunner().invoke(cli, ["tasks", "rerun", "footage"])

    assert result.exit_code == 1
    assert "cannot re-run footage: task cctv.record is node-only" in result.stderr
    assert [d.id for d in deadletters.newest(own_db, 10)] == ["footage"]


@pytest.mark.parametrize("command", ["rerun", "discard"])
def test_an_unknown_task_id_is_named(own_db, command):
    result = CliRunner().invoke(cli, ["tasks", command, "no-such-task"])

    assert result.exit_code == 1
    assert "no dead letter has task id no-such-task" in result.stderr


def test_discard_drops_the_dead_letter_unrun(own_db):
    deadletters.record(own_db, letter("given-up"))

    result = CliRunner().invoke(cli, ["tasks", "discard", "given-up"])

    assert result.exit_code == 0
    assert result.stdout == "discarded given-up (core.drill, RetryableError: it failed)\n"
    assert deadletters.count(own_db) == 0


def test_queued_counts_every_priority_and_every_declared_queue(
    own_db, redis_server, tmp_path, settings
):
    node = f"node.{uuid.uuid4()}"
    drill = Drill(redis_server, tmp_path)
    try:
        for priority, queue in [(0, "ocr-gpu"), (5, "ocr-gpu"), (9, "ocr-gpu"), (None, node)]:
            drill.app.send_task("core.noop", priority=priority, queue=queue)
    finally:
        drill.close()

    text = CliRunner().invoke(cli, ["tasks", "queued"])
    document = CliRunner().invoke(cli, ["tasks", "queued", "--json"])

    assert text.exit_code == document.exit_code == 0
    rows = [line.split() for line in text.stdout.splitlines()]
    assert ["ocr-gpu", "3"] in rows
    assert [node, "1"] in rows
    assert json.loads(document.stdout) == {
        "queues": {
            "default": 0, "media": 0, "media-gpu": 0, node: 1, "ocr": 0, "ocr-gpu": 3,
        },
        "unacked": 0,
    }  # fmt: skip


def test_running_lists_what_the_workers_run(worker):
    task = app.send_task("core.drill", kwargs={"seconds": 2})

    def listed() -> str | None:
        result = CliRunner().invoke(cli, ["tasks", "running"])
        assert result.exit_code == 0, result.output
        return result.stdout if task.id in result.stdout else None

    output = wait_for(listed, f"{task.id} in `tasks running`")
    task.get(timeout=60)
    assert f"{worker['name']}  running  {task.id}  core.drill" in output


def test_running_exits_1_naming_a_worker_that_does_not_answer(own_db):
    ghost = registry.WorkerRecord.for_this_process("ghost@nowhere", ["default"], registry.now())
    registry.register(own_db, ghost, heartbeat_interval=60)

    result = CliRunner().invoke(cli, ["tasks", "running", "--timeout", "0.5"])

    assert result.exit_code == 1
    assert "error: worker ghost@nowhere did not answer within 0.5 s" in result.stderr


def test_running_without_live_workers_says_so(own_db):
    result = CliRunner().invoke(cli, ["tasks", "running", "--json"])

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"tasks": [], "silent": []}


def test_tasks_says_when_redis_is_unreachable(settings):
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "password": "wrong"}

    result = CliRunner().invoke(cli, ["tasks", "dead"])

    assert result.exit_code == 1
    assert "cannot read the dead letters from Redis" in result.stderr
