"""Celery beat in the `ha` scenario: a schedule of `core.drill` managed with
`unibos-hub schedules` inside a hub, the runs that took effect, and which hub's beat sent
them.

`core.drill` with a mark appends its task id to the Redis list `unibos:drill:<mark>`
together with its done-mark, once per task id (unibos.core.tasks): the list holds each
run that took effect, once however often it was delivered. Beat gives every run of a
schedule a fixed id (unibos.dispatch.scheduler), so a run sent by two beats shows up once
there. Each beat logs `Scheduler: Sending due task NAME (TASK)` as it sends a run; the
journal of `unibos-beat` in each hub says which beat sent what, and when.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from unibos_controller.testbed.ha.podman import exec_in
from unibos_controller.testbed.ha.scenario import HUBS, HAError

DRILL_TASK = "core.drill"
BEAT_UNIT = "unibos-beat"
MANAGE = "/usr/local/sbin/unibos-manage"


def add_schedule(hub: str, name: str, every_s: int, mark: str) -> None:
    """Schedule `core.drill` with `mark` as NAME every EVERY_S seconds (replacing one of
    that name left by an interrupted run)."""
    exec_in(hub, "unibos-hub", "schedules", "remove", name, check=False)
    exec_in(
        hub, "unibos-hub", "schedules", "add", name, "--task", DRILL_TASK,
        "--every", str(every_s), "--kwargs", json.dumps({"mark": mark}),
    )  # fmt: skip


def disable_schedule(hub: str, name: str) -> None:
    exec_in(hub, "unibos-hub", "schedules", "disable", name)


def remove_schedule(hub: str, name: str) -> None:
    exec_in(hub, "unibos-hub", "schedules", "remove", name)


def schedule(hub: str, name: str) -> dict[str, Any]:
    """Schedule NAME as `unibos-hub schedules list --json` shows it (runs recorded, last run)."""
    documents = json.loads(exec_in(hub, "unibos-hub", "schedules", "list", "--json"))
    found = [document for document in documents if document["name"] == name]
    if not found:
        raise HAError(f"{hub}: no schedule {name!r} in `unibos-hub schedules list`")
    return found[0]


def runs(hub: str, mark: str) -> list[str]:
    """The ids of the runs with MARK that took effect, in order, read by the hub's own
    Redis client (through Sentinel, as the workers write them)."""
    code = (
        "import json; from unibos.core.broker import redis_client; "
        "from unibos.core.tasks import DRILL_KEY_PREFIX; "
        f"print(json.dumps(redis_client().lrange(DRILL_KEY_PREFIX + {mark!r}, 0, -1)))"
    )
    return json.loads(exec_in(hub, MANAGE, "hub", "shell", "--no-imports", "-c", code))


def sent_by(name: str, since: float) -> dict[str, list[float]]:
    """For each hub, when its beat logged sending a run of NAME since SINCE (an epoch)."""
    needle = f"Scheduler: Sending due task {name} ("
    sent: dict[str, list[float]] = {}
    for hub in HUBS:
        journal = exec_in(
            hub, "sh", "-c",
            f"journalctl -u {BEAT_UNIT} -o short-unix --no-pager --since @{int(since)} "
            f"| grep -F {shlex.quote(needle)} || true",
        )  # fmt: skip
        sent[hub] = [float(line.split(maxsplit=1)[0]) for line in journal.splitlines() if line]
    return sent


def beat_active(hub: str) -> bool:
    state = exec_in(hub, "systemctl", "is-active", BEAT_UNIT, check=False).strip()
    return state == "active"
