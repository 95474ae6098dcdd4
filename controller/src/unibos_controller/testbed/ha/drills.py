"""The drills: faults dealt to the `ha` scenario's cluster while clients work, with what
they measured, each starting from a healthy cluster and putting it back afterwards.

bench/failover.py repeats them and prints the figures; molecule/ha/faults.py runs one of
each for the scenario's second verify, which asserts on the report. The drills measure
and report; they judge nothing (an error is reported in the run's result, except one
while restoring the cluster, which raises: the next run could not start from health).

- database (`hard`, `graceful`, `switchover`): the primary broken while a writer writes;
- redis: SIGKILL of the Redis master while a Celery probe in the other hub submits tasks;
- witness: SIGKILL of the witness (one etcd voter and one sentinel of three) for a full
  ttl and more, while the writer writes and the probe submits;
- quorum: SIGKILL of the witness and of the primary hub, the replica hub left alone with
  one etcd voter of three, until the witness is started again;
- scheduled switchover: a planned switchover with `unibos-hub failover` (the database
  run `switchover`) while beat runs a schedule every two seconds, which must move to the
  new leader's beat and run each of its runs once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from unibos.hub.ha.cluster import Member

from unibos_controller.testbed.ha import beat
from unibos_controller.testbed.ha.cluster import (
    leader_of,
    patroni_leader,
    patroni_ttl,
    start_patroni,
    stop_patroni,
    switchover,
    wait_rejoined,
)
from unibos_controller.testbed.ha.health import hub_api_problems, wait_healthy
from unibos_controller.testbed.ha.podman import (
    container_ip,
    exists,
    hard_kill,
    is_running,
    other_hub,
    read_secret,
    start_container,
)
from unibos_controller.testbed.ha.postgres import is_primary
from unibos_controller.testbed.ha.probe import CeleryProbe, probe_since
from unibos_controller.testbed.ha.redis_sentinel import (
    kill_redis,
    redis_role,
    restore_redis,
    sentinel_master,
)
from unibos_controller.testbed.ha.scenario import (
    HUBS,
    MEMBERS,
    SCENARIO,
    STEP_FAILURES,
    WITNESS,
    HAError,
)
from unibos_controller.testbed.ha.writers import Writer
from unibos_controller.testbed.waiting import wait_until

# Seconds of writes before the fault, and after they resumed, in every run.
BASELINE_S = 3.0
SETTLE_S = 2.0
# Seconds the Celery probe keeps submitting after the Redis master is killed, and how
# long it then waits for the results.
REDIS_WINDOW_S = 30.0
PROBE_INTERVAL_S = 0.1
PROBE_RESULT_TIMEOUT_S = 90.0
# Seconds beyond Patroni's ttl that a fault of etcd voters is held: every leader key
# and member key the dead hosts held has expired by then, so whatever the survivors
# would do about it, they have done.
BEYOND_TTL_S = 10.0

# The scheduled switchover's schedule: its pace, the runs that must take effect before
# the switchover, and the runs the new leader's beat must send after it.
SCHEDULE_EVERY_S = 2
RUNS_BEFORE = 3
RUNS_AFTER = 3

# How the database runs break the primary (old) in favour of the replica (new).
FAULTS: dict[str, Callable[[str, str], object]] = {
    "hard": lambda old, new: hard_kill(old),
    "graceful": lambda old, new: stop_patroni(old),
    "switchover": lambda old, new: switchover(new, via=old),
}


def log_to_stderr(message: str) -> None:
    print(f"ha drill: {message}", file=sys.stderr, flush=True)


@dataclass
class Context:
    """What every drill needs: the cluster's secrets, the writer's pace, how long a
    recovery step may take, Patroni's ttl, and where progress is told."""

    db_password: str
    redis_password: str
    interval: float
    timeout: float
    ttl: int
    log: Callable[[str], None] = field(default=log_to_stderr)

    @classmethod
    def of_the_cluster(
        cls, interval: float, timeout: float, log: Callable[[str], None] = log_to_stderr
    ) -> Context:
        """The running cluster's secrets and ttl (raises HAError if it cannot read them)."""
        return cls(
            db_password=read_secret("hub_database_password"),
            redis_password=read_secret("redis_password"),
            interval=interval,
            timeout=timeout,
            ttl=patroni_ttl(),
            log=log,
        )

    def wait_healthy(self) -> list[Member]:
        return wait_healthy(self.db_password, self.redis_password, self.timeout)


def check_containers() -> None:
    """Raise HAError unless the scenario's three containers exist and run."""
    missing = [name for name in MEMBERS if not exists(name)]
    if missing:
        raise HAError(
            f"no container {', '.join(missing)}: run `molecule converge -s {SCENARIO}` first"
        )
    stopped = [name for name in MEMBERS if not is_running(name)]
    if stopped:
        raise HAError(
            f"{', '.join(stopped)} not running (an interrupted run?): "
            f"`podman start {' '.join(stopped)}` and wait for the cluster to heal"
        )


# -- the database runs --------------------------------------------------------------


def restore_database(ctx: Context, kind: str, old: str, since: float, timeline: int | None) -> Any:
    """Bring the old primary back and wait until it streams and the cluster is healthy."""
    if kind == "hard":
        start_container(old)
    elif kind == "graceful":
        start_patroni(old)
    rejoin = wait_rejoined(old, since, timeline, timeout=ctx.timeout + 120)
    ctx.wait_healthy()
    return rejoin


def measure_database(
    ctx: Context, kind: str, label: str, threads: int = 1, keep_ids: bool = False
) -> dict[str, Any]:
    """One fault of the primary while a writer writes; the cluster is restored after.

    An error while measuring is reported in the result; one while restoring raises
    HAError (the next run could not start from a healthy cluster).
    """
    leader = _healthy_leader(ctx)
    old, new = leader.name, other_hub(leader.name)
    target = new if kind == "hard" else old
    result: dict[str, Any] = {
        "kind": kind,
        "label": label,
        "old_primary": old,
        "new_primary": None,
        "writer_target": target,
        "timeline_before": leader.timeline,
    }
    writer = Writer(
        container_ip(target),
        ctx.db_password,
        interval=0.0 if threads > 1 else ctx.interval,
        threads=threads,
        label=label,
    )
    writer.prepare()
    fault_at = time.time()
    ctx.log(f"{label}: {kind} fault of {old}, writing through {target}'s HAProxy")
    try:
        _start_with_a_baseline(writer)
        fault_at = time.time()
        FAULTS[kind](old, new)
        fault_done = time.time()
        result["fault_s"] = round(fault_done - fault_at, 3)
        wait_until(
            lambda: writer.acked_after(fault_done) and patroni_leader() == new,
            ctx.timeout,
            f"writes through {writer.address} with {new} as the leader",
            errors_are_not_yet=True,
        )
        result["new_primary"] = new
        time.sleep(SETTLE_S)
    except STEP_FAILURES as error:
        result["error"] = str(error)
    finally:
        writer.stop()
    result["fault_at"] = fault_at
    result["writer"] = writer.summary(fault_at)
    result["gap_s"] = result["writer"]["gap_s"] if "error" not in result else None
    _verify_writer(result, writer, target, ctx)
    if keep_ids:
        result["acknowledged_id_list"] = writer.acked_ids()

    try:
        rejoin = restore_database(ctx, kind, old, fault_at, leader.timeline)
    except STEP_FAILURES as error:
        raise HAError(f"{label}: the cluster did not recover: {error}") from error
    result["rejoin"] = rejoin.as_dict()
    ctx.log(f"{label}: gap {result['gap_s']} s, lost {result.get('lost')}, {old} rejoined")
    return result


# -- the Redis runs -----------------------------------------------------------------


def measure_redis(ctx: Context, label: str) -> dict[str, Any]:
    """SIGKILL the Redis master while the other hub submits Celery tasks; restore it."""
    ctx.wait_healthy()
    master = sentinel_master(ctx.redis_password)
    if master not in HUBS:
        raise HAError(f"the sentinels' master {master!r} is not a hub")
    survivor = other_hub(master)
    result: dict[str, Any] = {
        "kind": "redis",
        "label": label,
        "old_master": master,
        "new_master": None,
        "probe_hub": survivor,
    }
    ctx.log(f"{label}: killing the Redis master {master}, Celery probe in {survivor}")
    duration = BASELINE_S + REDIS_WINDOW_S
    probe = CeleryProbe.in_hub(survivor, duration, PROBE_INTERVAL_S, PROBE_RESULT_TIMEOUT_S)
    kill_at = time.time()
    try:
        probe.start()
        time.sleep(BASELINE_S)
        kill_at = time.time()
        kill_redis(master)
        result["killed_s"] = round(time.time() - kill_at, 3)

        def promoted() -> str | None:
            named = sentinel_master(ctx.redis_password)
            return named if named not in (None, master) else None

        result["new_master"] = wait_until(
            promoted,
            ctx.timeout,
            "the sentinels naming a new Redis master",
            interval=0.2,
            errors_are_not_yet=True,
        )
        result["sentinel_failover_s"] = round(time.time() - kill_at, 2)
        outcome = probe.result(timeout=duration + PROBE_RESULT_TIMEOUT_S + 120)
        result["probe"] = {key: value for key, value in outcome.items() if key != "tasks"}
        # Tasks sent once the kill command had returned: the old master was gone.
        result["after_kill"] = probe_since(outcome, kill_at, since=kill_at + result["killed_s"])
        result["gap_s"] = result["after_kill"]["gap_s"]
        result["lost"] = outcome["lost"]
    except STEP_FAILURES as error:
        result["error"] = str(error)
        result["gap_s"] = None
        probe.kill()
    result["kill_at"] = kill_at

    try:
        restore_redis(master)
        ctx.wait_healthy()
        result["restored_role"] = redis_role(master, ctx.redis_password).get("role")
    except STEP_FAILURES as error:
        raise HAError(f"{label}: Redis did not recover: {error}") from error
    ctx.log(f"{label}: outage {result['gap_s']} s, lost {result.get('lost')} tasks")
    return result


# -- the etcd quorum runs -----------------------------------------------------------


def measure_witness(ctx: Context, label: str) -> dict[str, Any]:
    """Kill the witness for longer than ttl while writes and tasks go on; start it again.

    Two of three etcd voters and sentinels remain: the leader keeps its key, so writes
    through the primary's own HAProxy must not pause, the leader must not change, and
    tasks must complete.
    """
    leader = _healthy_leader(ctx)
    primary, replica = leader.name, other_hub(leader.name)
    window = ctx.ttl + BEYOND_TTL_S
    result: dict[str, Any] = {"kind": "witness", "label": label, "primary": primary}
    writer = Writer(container_ip(primary), ctx.db_password, interval=ctx.interval, label=label)
    writer.prepare()
    probe = CeleryProbe.in_hub(
        replica, BASELINE_S + window, PROBE_INTERVAL_S, PROBE_RESULT_TIMEOUT_S
    )
    leaders: list[str | None] = []
    hub_api_failures: list[str] = []
    witness_seen_running = 0
    fault_at = time.time()
    down_at = watched_until = None
    ctx.log(f"{label}: killing {WITNESS} for {window:.0f} s, writing through {primary}")
    try:
        writer.start()
        probe.start()
        time.sleep(BASELINE_S)
        fault_at = time.time()
        hard_kill(WITNESS)
        # hard_kill returns once podman says the container stopped: down from here on.
        down_at = time.time()
        for _ in _seconds_until(fault_at + window):
            leaders.append(_leader_or_none())
            hub_api_failures += hub_api_problems()
            witness_seen_running += is_running(WITNESS)
        watched_until = time.time()
        outcome = probe.result(timeout=window + PROBE_RESULT_TIMEOUT_S + 60)
        result["probe"] = probe_since(outcome, fault_at)
    except STEP_FAILURES as error:
        result["error"] = str(error)
        probe.kill()
    finally:
        writer.stop()
    result["fault_at"] = fault_at
    result["window_s"] = window
    # What was measured, for the verify to compare with the ttl: from the moment the
    # witness was seen stopped to the end of the watch (the writer and the probe ran on).
    result["witness_down_at"] = down_at
    result["watched_until"] = watched_until
    result["witness_seen_running"] = witness_seen_running
    result["writer"] = writer.summary(fault_at)
    result.update(_writes_between(writer, down_at, watched_until))
    result["gap_s"] = result["writer"]["gap_s"]
    result["leaders_seen"] = sorted({str(name) for name in leaders})
    result["hub_api_failures"] = hub_api_failures[:10]
    _verify_writer(result, writer, primary, ctx)

    result.update(_restart_witness(ctx, label))
    ctx.log(f"{label}: longest write gap {result['gap_s']} s, leaders {result['leaders_seen']}")
    return result


def measure_quorum(ctx: Context, label: str) -> dict[str, Any]:
    """Kill the witness and the primary; the replica alone must not take over until the
    witness is back, and then must on its own."""
    leader = _healthy_leader(ctx)
    primary, survivor = leader.name, other_hub(leader.name)
    window = ctx.ttl + BEYOND_TTL_S
    result: dict[str, Any] = {
        "kind": "quorum",
        "label": label,
        "old_primary": primary,
        "survivor": survivor,
        "timeline_before": leader.timeline,
    }
    writer = Writer(container_ip(survivor), ctx.db_password, interval=ctx.interval, label=label)
    writer.prepare()
    fault_at = time.time()
    ctx.log(f"{label}: killing {WITNESS} and {primary}, writing through {survivor}")
    try:
        _start_with_a_baseline(writer)
        fault_at = time.time()
        hard_kill(WITNESS)
        hard_kill(primary)
        killed_at = time.time()
        observations = [_primary_or_unknown(survivor) for _ in _seconds_until(killed_at + window)]
        majority_at = time.time()
        # Alone from the moment both were seen stopped until the witness is started again.
        result["alone_from"] = killed_at
        result["alone_until"] = majority_at
        result["survivor_observations"] = observations
        result["survivor_promoted_without_majority"] = any(
            observation["primary"] is True for observation in observations
        )
        result["survivor_unknown"] = sum(
            observation["primary"] is None for observation in observations
        )
        result["acked_without_majority"] = writer.acked_sent_between(killed_at, majority_at)
        start_container(WITNESS)
        result["majority_back_at"] = majority_at
        wait_until(
            lambda: writer.acked_after(majority_at) and patroni_leader() == survivor,
            ctx.timeout,
            f"writes through {writer.address} with {survivor} as the leader",
            errors_are_not_yet=True,
        )
        first = min(a.finished for a in writer.attempts if a.acked and a.finished > majority_at)
        result["return_s"] = round(first - majority_at, 3)
        time.sleep(SETTLE_S)
    except STEP_FAILURES as error:
        result["error"] = str(error)
    finally:
        writer.stop()
    result["fault_at"] = fault_at
    result["writer"] = writer.summary(fault_at)
    result["gap_s"] = result.get("return_s")
    _verify_writer(result, writer, survivor, ctx)

    try:
        if not is_running(WITNESS):
            start_container(WITNESS)
        start_container(primary)
        rejoin = wait_rejoined(primary, fault_at, leader.timeline, ctx.timeout + 120)
        ctx.wait_healthy()
    except STEP_FAILURES as error:
        raise HAError(f"{label}: the cluster did not recover: {error}") from error
    result["rejoin"] = rejoin.as_dict()
    ctx.log(
        f"{label}: {result.get('acked_without_majority')} writes without a majority, "
        f"back {result.get('return_s')} s after the witness, lost {result.get('lost')}"
    )
    return result


# -- scheduled runs across a switchover ----------------------------------------------


def measure_scheduled_switchover(ctx: Context, label: str) -> dict[str, Any]:
    """A schedule of core.drill every SCHEDULE_EVERY_S seconds while `unibos-hub failover`
    switches the leader over (the database run `switchover`, writer and all): which hub's
    beat sent each run, and which runs took effect, once the schedule is disabled and
    every run it recorded has run. The schedule is removed afterwards."""
    leader = _healthy_leader(ctx)
    old, new = leader.name, other_hub(leader.name)
    name, mark = f"{label}-switchover", f"{label}-switchover-{time.time():.0f}"
    result: dict[str, Any] = {
        "kind": "scheduled_switchover",
        "label": label,
        "schedule": name,
        "every_s": SCHEDULE_EVERY_S,
        "old_leader": old,
        "new_leader": new,
    }
    since = time.time()
    ctx.log(f"{label}: schedule {name} every {SCHEDULE_EVERY_S} s, beat on {old}")
    try:
        beat.add_schedule(old, name, SCHEDULE_EVERY_S, mark)
        wait_until(
            lambda: len(beat.runs(old, mark)) >= RUNS_BEFORE,
            ctx.timeout,
            f"{RUNS_BEFORE} runs of {name} taking effect with {old} as the leader",
            interval=1.0,
        )
        result["database"] = measure_database(ctx, "switchover", label)
        switched_at = result["database"]["fault_at"]
        wait_until(
            lambda: len(beat.sent_by(name, switched_at)[new]) >= RUNS_AFTER,
            ctx.timeout,
            f"{RUNS_AFTER} runs of {name} sent by {new}'s beat after the switchover",
            interval=1.0,
        )
        result.update(_stop_schedule(ctx, new, name, mark))
        result["sent_by"] = beat.sent_by(name, since)
        result["switched_at"] = switched_at
        result["beat_active"] = {hub: beat.beat_active(hub) for hub in HUBS}
    except STEP_FAILURES as error:
        result["error"] = str(error)
    try:
        beat.remove_schedule(new, name)
    except HAError as error:
        raise HAError(f"{label}: could not remove the schedule {name}: {error}") from error
    sent = {hub: len(times) for hub, times in result.get("sent_by", {}).items()}
    ctx.log(f"{label}: {result.get('runs_taken_effect')} runs of {name} took effect, sent {sent}")
    return result


def _stop_schedule(ctx: Context, hub: str, name: str, mark: str) -> dict[str, Any]:
    """Disable schedule NAME, wait until beat has stopped sending it and every run it
    recorded has taken effect: the recorded count and the runs, read through HUB."""
    beat.disable_schedule(hub, name)
    disabled_at = time.time()
    # Beat reads a change within a few seconds; a run it sent after that would show.
    quiet_s = 3 * SCHEDULE_EVERY_S

    def recorded_when_quiet() -> dict[str, Any] | None:
        sent = beat.sent_by(name, disabled_at - SCHEDULE_EVERY_S)
        last = max((at for times in sent.values() for at in times), default=disabled_at)
        return beat.schedule(hub, name) if time.time() - last >= quiet_s else None

    recorded = wait_until(recorded_when_quiet, ctx.timeout, f"beat to stop sending {name}")

    def all_taken_effect() -> list[str] | None:
        found = beat.runs(hub, mark)
        return found if len(found) >= recorded["total_run_count"] else None

    runs = wait_until(
        all_taken_effect, ctx.timeout, f"every recorded run of {name} to take effect", interval=1.0
    )
    return {
        "total_run_count": recorded["total_run_count"],
        "runs": runs,
        "runs_taken_effect": len(runs),
        "distinct_runs": len(set(runs)),
    }


def _restart_witness(ctx: Context, label: str) -> dict[str, float]:
    """Start the witness again and wait for a healthy cluster: when, and how long it took."""
    started = time.time()
    try:
        start_container(WITNESS)
        ctx.wait_healthy()
    except STEP_FAILURES as error:
        raise HAError(f"{label}: the witness did not rejoin: {error}") from error
    return {"witness_started_at": started, "witness_rejoin_s": round(time.time() - started, 2)}


def _start_with_a_baseline(writer: Writer) -> None:
    """Start `writer`, wait for its first acknowledged write, then let it write for
    BASELINE_S, so that a fault comes after a stretch of normal writes to compare with."""
    writer.start()
    wait_until(
        lambda: writer.acked_after(0),
        30,
        f"a first write through {writer.address}",
        errors_are_not_yet=True,
    )
    time.sleep(BASELINE_S)


def _writes_between(writer: Writer, start: float | None, end: float | None) -> dict[str, int]:
    """How many writes were sent while the witness was down, and how many acknowledged."""
    if start is None or end is None:
        return {}
    sent = writer.attempts_sent_between(start, end)
    return {
        "writes_while_down": len(sent),
        "acked_while_down": sum(1 for attempt in sent if attempt.acked),
    }


def _healthy_leader(ctx: Context) -> Member:
    """The leader of the cluster once it is healthy (health means exactly one)."""
    leader = leader_of(ctx.wait_healthy())
    if leader is None:
        raise HAError("the cluster is healthy but has no single leader")
    return leader


def _seconds_until(deadline: float) -> Iterator[float]:
    """Yields about once a second until DEADLINE (a time.time())."""
    while (now := time.time()) < deadline:
        yield now
        time.sleep(1.0)


def _primary_or_unknown(container: str) -> dict[str, Any]:
    """One look at whether CONTAINER runs as a primary: true, false, or None (unknown)
    with the error that kept it from telling."""
    at = time.time()
    try:
        return {"at": at, "primary": is_primary(container), "error": None}
    except HAError as error:
        return {"at": at, "primary": None, "error": str(error)[:200]}


def _leader_or_none() -> str | None:
    try:
        return patroni_leader()
    except HAError:
        return None


def _verify_writer(result: dict[str, Any], writer: Writer, via: str, ctx: Context) -> None:
    """Look the writer's acknowledged ids up through VIA's HAProxy, into RESULT."""
    try:
        verification = writer.verify(container_ip(via), timeout=ctx.timeout)
    except STEP_FAILURES as error:
        result["verify_error"] = str(error)
    else:
        result["verification"] = verification.as_dict()
        result["acknowledged_ids"] = verification.acked
        result["lost"] = verification.lost


# The kinds that are not one fault of the primary.
MEASURES: dict[str, Callable[[Context, str], dict[str, Any]]] = {
    "redis": measure_redis,
    "witness": measure_witness,
    "quorum": measure_quorum,
}
