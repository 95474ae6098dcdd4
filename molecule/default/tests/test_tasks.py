"""Task distribution on the deployed stack: workers register their capabilities, the
health monitor reports them through the hub API, a task that always fails ends in the
dead letters after its retries and can be re-run from there, and a schedule stored in
the hub's database fires."""

import json
import secrets
import shlex

from conftest import HUB_PORT, wait_for
from unibos_controller.testbed.hosts import request


def worker_cli(stack, *args: str) -> dict:
    return json.loads(stack.host.check_output("/usr/local/sbin/unibos-worker " + " ".join(args)))


def test_each_worker_registers_the_tools_its_tasks_need(stack):
    workers = {w["type"]: w for w in worker_cli(stack, "status", "--json")["workers"]}

    assert "tesseract" in workers["ocr"]["capabilities"]["tools"]
    assert "ffmpeg" in workers["media"]["capabilities"]["tools"]
    assert workers["core"]["capabilities"]["gpu"] is False
    assert workers["core"]["capabilities"]["memory_mb"] > 0


def test_an_always_failing_task_is_dead_lettered_and_rerun_from_there(stack):
    failed = stack.host.run(
        "/usr/local/sbin/unibos-worker call core.drill --kwargs '{\"fail\": true}' --timeout 120"
    )
    assert failed.rc == 1, failed.stdout + failed.stderr
    task_id = json.loads(failed.stdout)["task_id"]

    def letter(identifier: str) -> dict | None:
        dead = worker_cli(stack, "tasks", "dead", "--json", "--limit", "100")["dead"]
        return next((entry for entry in dead if entry["id"] == identifier), None)

    first = wait_for(lambda: letter(task_id), 30, f"the dead letter of {task_id}")
    assert (first["name"], first["reason"], first["retries"]) == ("core.drill", "failed", 3)
    assert first["kwargs"] == {"fail": True}

    rerun = stack.host.check_output(f"/usr/local/sbin/unibos-worker tasks rerun {task_id}")
    new_id = rerun.strip()

    assert letter(task_id) is None
    again = wait_for(lambda: letter(new_id), 120, f"the dead letter of the re-run {new_id}")
    assert again["kwargs"] == {"fail": True}
    stack.host.check_output(f"/usr/local/sbin/unibos-worker tasks discard {new_id}")


def test_the_hub_api_shows_the_monitors_view_of_workers_and_queues(stack):
    headers = {"Authorization": f"Bearer {stack.token(HUB_PORT, 'admin')}"}

    def observed(path: str) -> dict | None:
        status, body = request(stack.host, f"http://127.0.0.1:{HUB_PORT}{path}", headers=headers)
        assert status == 200, body
        document = json.loads(body)
        return document if document["observed_at"] else None

    # Beat runs the monitor every 30 s (hub_monitor_interval).
    workers = wait_for(lambda: observed("/api/workers"), 90, "the monitor's first observation")
    queues = observed("/api/queues")

    online = {w["type"] for w in workers["workers"] if w["state"] == "online"}
    assert {"core", "ocr", "media"} <= online
    for queue in ("default", "ocr", "media"):
        assert queues["queues"][queue]["workers"], queues
    assert queues["queues"]["default"]["succeeded"] > 0


def drills(stack, mark: str) -> int:
    code = (
        "from unibos.core.broker import redis_client; "
        f"print(redis_client().llen('unibos:drill:{mark}'))"
    )
    return int(stack.hub_python(code))


def test_a_schedule_added_with_the_hub_cli_fires_while_beat_runs(stack):
    name = f"verify-{secrets.token_hex(4)}"
    kwargs = shlex.quote(json.dumps({"mark": name}))
    stack.host.check_output(
        f"/usr/local/sbin/unibos-hub schedules add {name} --task core.drill --every 5 "
        f"--kwargs {kwargs}"
    )
    try:
        listed = json.loads(
            stack.host.check_output("/usr/local/sbin/unibos-hub schedules list --json")
        )
        assert name in {schedule["name"] for schedule in listed}, listed
        wait_for(lambda: drills(stack, name) >= 2, 120, f"two runs of schedule {name}")
    finally:
        stack.host.check_output(f"/usr/local/sbin/unibos-hub schedules remove {name}")
