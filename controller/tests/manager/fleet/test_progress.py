"""Folding runner events into per-host progress and the recap; the exit codes; what
--json prints of an event. The events are shaped like those ansible-runner handed to
the event_handler in a recorded run (two hosts ok, one unreachable)."""

import pytest
from unibos_controller.fleet import progress
from unibos_controller.fleet.progress import Progress


def event(kind, host=None, task="Install the app", **data):
    event_data = {"play": "Deploy", "playbook": "site.yml", "task": task}
    if host:
        event_data["host"] = host
    event_data.update(data)
    return {"event": kind, "counter": 1, "created": "2026-12-07T01:30:18+00:00",
            "event_data": event_data, "stdout": "…"}  # fmt: skip


RECORDED = [
    event("playbook_on_start", task=None),
    event("playbook_on_play_start", task=None),
    event("playbook_on_task_start"),
    event("runner_on_start", "a"),
    event("runner_on_start", "b"),
    event("runner_on_start", "gone"),
    event("runner_on_unreachable", "gone", res={"unreachable": True, "msg": "no container"}),
    event("runner_on_ok", "b", res={"changed": True, "rc": 0}),
    event("runner_on_ok", "a", res={"changed": False, "rc": 0}),
    event("runner_on_start", "a", task="Start the hub"),
    event("runner_on_skipped", "a", task="Start the hub"),
    event(
        "playbook_on_stats",
        task=None,
        ok={"a": 1, "b": 1},
        changed={"b": 1},
        dark={"gone": 1},
        failures={},
        skipped={"a": 1},
        processed={"a": 1, "b": 1, "gone": 1},
    ),
]


def test_each_host_shows_its_current_task_and_counts_as_events_arrive():
    run = Progress.of(["a", "b", "gone"])
    changed = [run.fold(item) for item in RECORDED[:10]]
    assert changed[:3] == [None, None, None]
    assert run.hosts["a"].task == "Start the hub"
    assert (run.hosts["a"].ok, run.hosts["a"].changed) == (1, 0)
    assert (run.hosts["b"].ok, run.hosts["b"].changed) == (1, 1)
    assert run.hosts["gone"].unreachable == 1
    assert run.hosts["gone"].status == "unreachable"


def test_the_recap_has_every_host_with_ansibles_final_counts():
    run = Progress.of(["a", "b", "gone"])
    for item in RECORDED:
        run.fold(item)
    assert run.final
    assert run.recap() == [
        {"host": "a", "ok": 1, "changed": 0, "failed": 0, "unreachable": 0, "skipped": 1,
         "status": "ok"},
        {"host": "b", "ok": 1, "changed": 1, "failed": 0, "unreachable": 0, "skipped": 0,
         "status": "changed"},
        {"host": "gone", "ok": 0, "changed": 0, "failed": 0, "unreachable": 1, "skipped": 0,
         "status": "unreachable"},
    ]  # fmt: skip


def test_a_host_no_event_named_is_in_the_recap_as_not_run():
    run = Progress.of(["a", "idle"])
    run.fold(event("runner_on_ok", "a", res={}))
    assert [row["status"] for row in run.recap()] == ["ok", "not run"]


def test_a_host_whose_task_never_ended_is_unfinished_in_the_recap():
    # A cancelled run (Ctrl-C) has no playbook_on_stats.
    run = Progress.of(["a", "b"])
    run.fold(event("runner_on_start", "a"))
    run.fold(event("runner_on_start", "b"))
    run.fold(event("runner_item_on_ok", "a"))
    run.fold(event("runner_on_ok", "b", res={}))
    assert [row["status"] for row in run.recap()] == ["unfinished", "ok"]


def test_an_ignored_failure_counts_as_ok_and_a_real_one_as_failed():
    run = Progress.of(["a"])
    run.fold(event("runner_on_failed", "a", ignore_errors=True, res={"failed": True}))
    assert (run.hosts["a"].ok, run.hosts["a"].failed) == (1, 0)
    run.fold(event("runner_on_failed", "a", res={"failed": True}))
    assert run.hosts["a"].failed == 1
    assert run.hosts["a"].status == "failed"


def test_an_item_event_moves_the_task_without_counting():
    run = Progress.of(["a"])
    assert run.fold(event("runner_item_on_ok", "a", task="Install packages")) == "a"
    assert run.hosts["a"].task == "Install packages"
    assert run.hosts["a"].ok == 0


def row(failed=0, unreachable=0):
    return {"host": "h", "ok": 1, "changed": 0, "failed": failed,
            "unreachable": unreachable, "skipped": 0, "status": "x"}  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "status", "code"),
    [
        ([row()], "successful", 0),
        ([row(failed=1)], "failed", 1),
        ([row(unreachable=1)], "failed", 4),
        ([row(failed=1), row(unreachable=1)], "failed", 1),
        ([row()], "failed", 3),
        ([], "timeout", 3),
    ],
)
def test_exit_codes_a_failure_wins_over_an_unreachable_host(rows, status, code):
    assert progress.exit_code(rows, status) == code


def test_json_events_keep_what_happened_where_and_the_outcome_only():
    trimmed = progress.trimmed(
        event("runner_on_ok", "b", res={"changed": True, "rc": 0, "stdout": "x" * 10_000})
    )
    assert trimmed == {
        "event": "runner_on_ok", "counter": 1, "created": "2026-12-07T01:30:18+00:00",
        "host": "b", "task": "Install the app", "play": "Deploy", "playbook": "site.yml",
        "result": {"changed": True, "rc": 0},
    }  # fmt: skip
    stats = progress.trimmed(RECORDED[-1])
    assert stats["stats"]["dark"] == {"gone": 1}
