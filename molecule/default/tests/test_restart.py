"""After a restart of any one unit, the stack comes back healthy, serves tasks, and the
restarted unit itself serves again: each unit is followed by the checks of what it does
(a worker runs its own kind of task, the sync agent completes a round, beat fires, ...)."""

import math
import secrets
from datetime import datetime

import pytest
from conftest import HUB_PORT, NODE_PORT, wait_for
from test_media import thumbnail_size
from test_node_worker import node_call, node_id
from test_ocr import SENTENCE, read_back_a_rendered_sentence
from test_schedule import last_health_check
from test_services import BOOT_UNITS, LEADER_UNITS
from test_sync import sync_state

ETCDCTL = (
    "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 --dial-timeout=3s --command-timeout=5s"
)


def host_time(stack) -> float:
    """The host's clock (the times the checks compare with are written by the host)."""
    return float(stack.host.check_output("date +%s.%N"))


def the_core_worker_runs_a_task(stack, restarted_at):
    record = stack.call("core.cleanup")
    assert record["state"] == "SUCCESS", record
    assert record["worker"] == f"core@{stack.hostname}", record


def the_ocr_worker_reads_a_rendered_image(stack, restarted_at):
    assert read_back_a_rendered_sentence(stack) == SENTENCE


def the_media_worker_makes_a_thumbnail(stack, restarted_at):
    assert thumbnail_size(stack, 120, 90) == "120 90"


def the_node_worker_runs_a_node_task(stack, restarted_at):
    record = node_call(stack, "core.noop")
    assert record["state"] == "SUCCESS", record
    assert record["worker"] == f"node@{stack.hostname}", record
    assert record["queue"] == f"node.{node_id(stack)}", record


def the_sync_agent_completes_a_round(stack, restarted_at):
    # Only the agent's rounds set last_sync_at here (nothing runs `unibos sync --once`),
    # and the old agent was stopped before the restart returned: a later time is a round
    # of the restarted agent.
    def synced_since_the_restart():
        state = sync_state(stack)
        last = state["last_sync_at"]
        return state if last and datetime.fromisoformat(last).timestamp() > restarted_at else None

    # A round every UNIBOS_SYNC_INTERVAL (10 s), later while the hub was unreachable.
    state = wait_for(synced_since_the_restart, 90, "a sync round completed after the restart")
    assert state["queue"] == 0, state


def the_hub_api_answers_health(stack, restarted_at):
    status, body = stack.health(HUB_PORT)
    assert (status, body["status"], body["deployment"]) == (200, "ok", "hub"), body


def the_node_api_answers_health(stack, restarted_at):
    status, body = stack.health(NODE_PORT)
    assert (status, body["status"], body["deployment"]) == (200, "ok", "node"), body


def beat_fires_the_health_check(stack, restarted_at):
    """The running beat (found by its main PID, so the one that came back, not the one
    that was stopped) sends core.health_check after the restart, and a core worker
    records a run no older than the restart."""
    # Whole seconds on both sides (journalctl's --since, the run's timestamp), rounded up
    # so nothing from before the restart can count.
    since = math.ceil(restarted_at)

    def sent_by_the_running_beat():
        pid = stack.host.check_output("systemctl show -P MainPID unibos-beat")
        if pid == "0":
            return None
        journal = stack.host.check_output(
            f"journalctl _PID={pid} --since @{since} --no-pager -o cat"
        )
        # Celery beat's own line: "Scheduler: Sending due task <entry> (<task>)".
        return any(
            "Sending due task" in line and "(core.health_check)" in line
            for line in journal.splitlines()
        )

    def run_since_the_restart():
        record = last_health_check(stack)
        ran_at = record and datetime.fromisoformat(record["last_run"]).timestamp()
        return record if ran_at and ran_at >= since else None

    # The dev inventory's interval is 30 s: a few intervals.
    wait_for(sent_by_the_running_beat, 120, "beat sending core.health_check", interval=5)
    record = wait_for(run_since_the_restart, 60, "a core.health_check run", interval=5)
    assert record["worker"] == f"core@{stack.hostname}", record


def etcd_answers_health(stack, restarted_at):
    wait_for(
        lambda: stack.host.run(f"{ETCDCTL} endpoint health").rc == 0, 60, "etcd endpoint health"
    )


def patroni_holds_the_leader_key(stack, restarted_at):
    # Patroni keeps its leader key in etcd, and beat runs only where it is held.
    wait_for(
        lambda: stack.host.run("/usr/local/libexec/unibos/patroni-leader check").rc == 0,
        90,
        "Patroni on this host holding the leader key",
    )


def the_hub_database_takes_a_write(stack, restarted_at):
    # Creates a user with the hub CLI and reads it back: a write and a read of
    # PostgreSQL through HAProxy's read-write port. The user joins no organization, so
    # the dev organization's max_users, which the other checks need, is not spent.
    username = f"restart-{secrets.token_hex(4)}"
    stack.host.check_output(
        f"printf '%s\\n' {secrets.token_urlsafe(16)} | /usr/local/sbin/unibos-hub users "
        f"create {username} --password-stdin"
    )
    assert username in stack.host.check_output("/usr/local/sbin/unibos-hub users list")


def the_brokers_carry_a_hub_task_and_a_node_task(stack, restarted_at):
    # The hub's and the node's Redis databases; each CLI call is a new client that
    # finds the master through the sentinels.
    the_core_worker_runs_a_task(stack, restarted_at)
    the_node_worker_runs_a_node_task(stack, restarted_at)


# What each unit does, checked once it is back.
SERVES_AGAIN = {
    "etcd": (etcd_answers_health, patroni_holds_the_leader_key),
    # Patroni's callbacks start beat where the leader is (patroni-leader follow).
    "patroni": (
        patroni_holds_the_leader_key,
        the_hub_database_takes_a_write,
        beat_fires_the_health_check,
    ),
    "redis-server": (the_brokers_carry_a_hub_task_and_a_node_task,),
    "redis-sentinel": (the_brokers_carry_a_hub_task_and_a_node_task,),
    "unibos-hub": (the_hub_api_answers_health, the_hub_database_takes_a_write),
    "unibos-beat": (beat_fires_the_health_check,),
    "unibos-node": (the_node_api_answers_health,),
    "unibos-sync": (the_sync_agent_completes_a_round,),
    "unibos-node-worker": (the_node_worker_runs_a_node_task,),
    "unibos-worker@core": (the_core_worker_runs_a_task,),
    "unibos-worker@ocr": (the_ocr_worker_reads_a_rendered_image,),
    "unibos-worker@media": (the_media_worker_makes_a_thumbnail,),
    # HAProxy fronts the hub's PostgreSQL and the hub API the node enrolled with (8080),
    # which the sync agent's rounds go through.
    "haproxy": (the_hub_database_takes_a_write, the_sync_agent_completes_a_round),
}


def test_every_unit_has_a_check_that_it_serves_again():
    assert sorted(SERVES_AGAIN) == sorted([*BOOT_UNITS, *LEADER_UNITS])


@pytest.mark.parametrize("unit", [*BOOT_UNITS, *LEADER_UNITS])
def test_the_stack_is_healthy_again_and_the_unit_serves_after_restarting(stack, sync_unit, unit):
    checks = SERVES_AGAIN[unit]
    # On a Pi Zero 2 W's node the sync agent is a thread of the node's worker
    # (node_sync_in_worker): restarting that restarts the agent.
    if unit == "unibos-sync":
        unit = sync_unit
    stack.host.check_output(f"systemctl restart {unit}")
    restarted_at = host_time(stack)
    wait_for(stack.healthy, 180, f"hub and node health 200 after restarting {unit}")
    assert stack.host.service(unit).is_running
    record = stack.call("core.cleanup")
    assert record["state"] == "SUCCESS"
    for serves_again in checks:
        serves_again(stack, restarted_at)
