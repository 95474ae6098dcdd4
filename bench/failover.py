#!/usr/bin/env python3
"""Measures the hub cluster's failovers: how long writes stop, and whether any is lost.

Works on the containers of the Molecule scenario `ha` (docs/architecture.md, "High
availability of the hub"): run `molecule converge -s ha` first, or pass --create to run
`molecule create`/`converge` itself. Every run starts from a healthy cluster (a leader
and a streaming sync standby, a Redis master and replica, three sentinels, etcd, both
HAProxies) and puts it back afterwards, before the next run.

Kinds (--kinds; --runs of each):
- hard: SIGKILL of the primary hub's whole container (`podman kill -s KILL`) while the
  writer writes through the OTHER hub's HAProxy, the address that survives; then
  `podman start` and the wait until the old primary streams again (its timeline, and
  whether pg_rewind ran). One more hard kill with --heavy writer threads that insert
  without pause.
- graceful: `systemctl stop patroni` on the primary, the writer writing through the
  primary hub's own HAProxy (the one its hub's app uses); then `systemctl start`.
- switchover: `unibos-hub failover --to REPLICA --yes`, the writer as for graceful.
- redis: SIGKILL of the Redis master (masked first, so systemd does not restart it)
  while a Celery probe in the other hub submits core.health_check every 100 ms.
- witness: SIGKILL of the witness's container (one etcd voter and one sentinel of
  three) for a full ttl and more, while the writer writes through the primary hub's
  HAProxy and a Celery probe submits tasks: nothing may stop; then `podman start`.
- quorum: SIGKILL of the witness and then of the primary hub, leaving the replica hub
  alone with one etcd voter of three. It must not promote itself (no split brain, so
  no write is acknowledged), until the witness is started again: with the majority
  back it must take over on its own. Measured: writes acknowledged without a majority
  (must be 0), and the time from `podman start witness` to the first write.

A run's write unavailability is the longest interval between two acknowledged writes
(COMMIT returned) across the fault; a lost write is an acknowledged id missing from the
primary afterwards. An unplanned failover cannot beat Patroni's ttl (the dead leader's
key must expire first), so the last line relates hard_kill_median_s to ttl_s.

--once-for-verify --report FILE is what molecule/ha/side_effect.yml runs: one hard kill
of the primary hub's container, one Redis master kill, one witness kill and one quorum
loss, reported to FILE as JSON for molecule/ha/tests/test_after_failover.py and
test_quorum.py.

Ends with one line of name=value pairs. Usage: bench/failover.py [--runs N] [--kinds ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import hakit

KINDS = ("hard", "graceful", "switchover", "redis", "witness", "quorum")
TITLES = {
    "hard": "hard kill of the primary hub's container (writer through the other hub's HAProxy)",
    "heavy": "hard kill, heavy writer (threads inserting without pause)",
    "graceful": "graceful stop of Patroni on the primary (writer through its own HAProxy)",
    "switchover": "planned switchover to the replica (writer through the old primary's HAProxy)",
    "redis": "SIGKILL of the Redis master (Celery probe in the other hub)",
    "witness": "SIGKILL of the witness (writer through the primary's HAProxy, Celery probe)",
    "quorum": "SIGKILL of the witness and the primary, then the witness back (writer through "
    "the replica hub's HAProxy)",
}
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

# How the database runs break the primary (old) in favour of the replica (new).
FAULTS: dict[str, Callable[[str, str], object]] = {
    "hard": lambda old, new: hakit.hard_kill(old),
    "graceful": lambda old, new: hakit.stop_patroni(old),
    "switchover": lambda old, new: hakit.switchover(new, via=old),
}


@dataclass
class Context:
    db_password: str
    redis_password: str
    interval: float
    timeout: float
    ttl: int

    def wait_healthy(self) -> list[hakit.Member]:
        return hakit.wait_healthy(self.db_password, self.redis_password, self.timeout)


def log(message: str) -> None:
    print(f"bench/failover: {message}", file=sys.stderr, flush=True)


# -- the database runs --------------------------------------------------------------


def restore_database(ctx: Context, kind: str, old: str, since: float, timeline: int | None) -> Any:
    """Bring the old primary back and wait until it streams and the cluster is healthy."""
    if kind == "hard":
        hakit.start_container(old)
    elif kind == "graceful":
        hakit.start_patroni(old)
    rejoin = hakit.wait_rejoined(old, since, timeline, timeout=ctx.timeout + 120)
    ctx.wait_healthy()
    return rejoin


def measure_database(
    ctx: Context, kind: str, label: str, threads: int = 1, keep_ids: bool = False
) -> dict[str, Any]:
    """One fault of the primary while a writer writes; the cluster is restored after.

    An error while measuring is reported in the result; one while restoring raises
    HAError (the next run could not start from a healthy cluster).
    """
    leader = hakit.leader_of(ctx.wait_healthy())
    assert leader is not None  # wait_healthy saw exactly one
    old, new = leader.name, hakit.other_hub(leader.name)
    target = new if kind == "hard" else old
    result: dict[str, Any] = {
        "kind": kind,
        "label": label,
        "old_primary": old,
        "new_primary": None,
        "writer_target": target,
        "timeline_before": leader.timeline,
    }
    writer = hakit.Writer(
        hakit.container_ip(target),
        ctx.db_password,
        interval=0.0 if threads > 1 else ctx.interval,
        threads=threads,
        label=label,
    )
    writer.prepare()
    fault_at = time.time()
    log(f"{label}: {kind} fault of {old}, writing through {target}'s HAProxy")
    try:
        writer.start()
        hakit.wait_until(
            lambda: writer.acked_after(0), 30, f"a first write through {writer.address}"
        )
        time.sleep(BASELINE_S)
        fault_at = time.time()
        FAULTS[kind](old, new)
        fault_done = time.time()
        result["fault_s"] = round(fault_done - fault_at, 3)
        hakit.wait_until(
            lambda: writer.acked_after(fault_done) and hakit.patroni_leader() == new,
            ctx.timeout,
            f"writes through {writer.address} with {new} as the leader",
        )
        result["new_primary"] = new
        time.sleep(SETTLE_S)
    except hakit.HAError as error:
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
    except hakit.HAError as error:
        raise hakit.HAError(f"{label}: the cluster did not recover: {error}") from error
    result["rejoin"] = rejoin.as_dict()
    log(f"{label}: gap {result['gap_s']} s, lost {result.get('lost')}, {old} rejoined")
    return result


# -- the Redis runs -----------------------------------------------------------------


def measure_redis(ctx: Context, label: str) -> dict[str, Any]:
    """SIGKILL the Redis master while the other hub submits Celery tasks; restore it."""
    ctx.wait_healthy()
    master = hakit.sentinel_master(ctx.redis_password)
    if master not in hakit.HUBS:
        raise hakit.HAError(f"the sentinels' master {master!r} is not a hub")
    survivor = hakit.other_hub(master)
    result: dict[str, Any] = {
        "kind": "redis",
        "label": label,
        "old_master": master,
        "new_master": None,
        "probe_hub": survivor,
    }
    log(f"{label}: killing the Redis master {master}, Celery probe in {survivor}")
    duration = BASELINE_S + REDIS_WINDOW_S
    probe = hakit.CeleryProbe.in_hub(survivor, duration, PROBE_INTERVAL_S, PROBE_RESULT_TIMEOUT_S)
    kill_at = time.time()
    try:
        probe.start()
        time.sleep(BASELINE_S)
        kill_at = time.time()
        hakit.kill_redis(master)
        result["killed_s"] = round(time.time() - kill_at, 3)

        def promoted() -> str | None:
            named = hakit.sentinel_master(ctx.redis_password)
            return named if named not in (None, master) else None

        result["new_master"] = hakit.wait_until(
            promoted, ctx.timeout, "the sentinels naming a new Redis master", 0.2
        )
        result["sentinel_failover_s"] = round(time.time() - kill_at, 2)
        outcome = probe.result(timeout=duration + PROBE_RESULT_TIMEOUT_S + 120)
        result["probe"] = {key: value for key, value in outcome.items() if key != "tasks"}
        # Tasks sent once the kill command had returned: the old master was gone.
        result["after_kill"] = hakit.probe_since(
            outcome, kill_at, since=kill_at + result["killed_s"]
        )
        result["gap_s"] = result["after_kill"]["gap_s"]
        result["lost"] = outcome["lost"]
    except hakit.HAError as error:
        result["error"] = str(error)
        result["gap_s"] = None
        probe.kill()
    result["kill_at"] = kill_at

    try:
        hakit.restore_redis(master)
        ctx.wait_healthy()
        result["restored_role"] = hakit.redis_role(master, ctx.redis_password).get("role")
    except hakit.HAError as error:
        raise hakit.HAError(f"{label}: Redis did not recover: {error}") from error
    log(f"{label}: outage {result['gap_s']} s, lost {result.get('lost')} tasks")
    return result


# -- the etcd quorum runs -----------------------------------------------------------


def measure_witness(ctx: Context, label: str) -> dict[str, Any]:
    """Kill the witness for longer than ttl while writes and tasks go on; start it again.

    Two of three etcd voters and sentinels remain: the leader keeps its key, so writes
    through the primary's own HAProxy must not pause, the leader must not change, and
    tasks must complete.
    """
    leader = hakit.leader_of(ctx.wait_healthy())
    assert leader is not None
    primary, replica = leader.name, hakit.other_hub(leader.name)
    window = ctx.ttl + BEYOND_TTL_S
    result: dict[str, Any] = {"kind": "witness", "label": label, "primary": primary}
    writer = hakit.Writer(
        hakit.container_ip(primary), ctx.db_password, interval=ctx.interval, label=label
    )
    writer.prepare()
    probe = hakit.CeleryProbe.in_hub(
        replica, BASELINE_S + window, PROBE_INTERVAL_S, PROBE_RESULT_TIMEOUT_S
    )
    leaders: list[str | None] = []
    hub_api_failures: list[str] = []
    fault_at = time.time()
    log(f"{label}: killing {hakit.WITNESS} for {window:.0f} s, writing through {primary}")
    try:
        writer.start()
        probe.start()
        time.sleep(BASELINE_S)
        fault_at = time.time()
        hakit.hard_kill(hakit.WITNESS)
        for _ in _seconds_until(fault_at + window):
            leaders.append(_leader_or_none())
            hub_api_failures += hakit.hub_api_problems()
        outcome = probe.result(timeout=window + PROBE_RESULT_TIMEOUT_S + 60)
        result["probe"] = hakit.probe_since(outcome, fault_at)
    except hakit.HAError as error:
        result["error"] = str(error)
        probe.kill()
    finally:
        writer.stop()
    result["fault_at"] = fault_at
    result["window_s"] = window
    result["writer"] = writer.summary(fault_at)
    result["gap_s"] = result["writer"]["gap_s"]
    result["leaders_seen"] = sorted({str(name) for name in leaders})
    result["hub_api_failures"] = hub_api_failures[:10]
    _verify_writer(result, writer, primary, ctx)

    started = time.time()
    try:
        hakit.start_container(hakit.WITNESS)
        ctx.wait_healthy()
    except hakit.HAError as error:
        raise hakit.HAError(f"{label}: the witness did not rejoin: {error}") from error
    result["witness_rejoin_s"] = round(time.time() - started, 2)
    log(f"{label}: longest write gap {result['gap_s']} s, leaders {result['leaders_seen']}")
    return result


def measure_quorum(ctx: Context, label: str) -> dict[str, Any]:
    """Kill the witness and the primary; the replica alone must not take over until the
    witness is back, and then must on its own."""
    leader = hakit.leader_of(ctx.wait_healthy())
    assert leader is not None
    primary, survivor = leader.name, hakit.other_hub(leader.name)
    window = ctx.ttl + BEYOND_TTL_S
    result: dict[str, Any] = {
        "kind": "quorum",
        "label": label,
        "old_primary": primary,
        "survivor": survivor,
        "timeline_before": leader.timeline,
    }
    writer = hakit.Writer(
        hakit.container_ip(survivor), ctx.db_password, interval=ctx.interval, label=label
    )
    writer.prepare()
    fault_at = time.time()
    log(f"{label}: killing {hakit.WITNESS} and {primary}, writing through {survivor}")
    try:
        writer.start()
        hakit.wait_until(lambda: writer.acked_after(0), 30, f"a first write via {survivor}")
        time.sleep(BASELINE_S)
        fault_at = time.time()
        hakit.hard_kill(hakit.WITNESS)
        hakit.hard_kill(primary)
        killed_at = time.time()
        promoted = [hakit.is_primary(survivor) for _ in _seconds_until(killed_at + window)]
        result["survivor_promoted_without_majority"] = any(promoted)
        result["survivor_checks"] = len(promoted)
        majority_at = time.time()
        result["acked_without_majority"] = writer.acked_sent_between(killed_at, majority_at)
        hakit.start_container(hakit.WITNESS)
        result["majority_back_at"] = majority_at
        hakit.wait_until(
            lambda: writer.acked_after(majority_at) and hakit.patroni_leader() == survivor,
            ctx.timeout,
            f"writes through {writer.address} with {survivor} as the leader",
        )
        first = min(a.finished for a in writer.attempts if a.acked and a.finished > majority_at)
        result["return_s"] = round(first - majority_at, 3)
        time.sleep(SETTLE_S)
    except hakit.HAError as error:
        result["error"] = str(error)
    finally:
        writer.stop()
    result["fault_at"] = fault_at
    result["writer"] = writer.summary(fault_at)
    result["gap_s"] = result.get("return_s")
    _verify_writer(result, writer, survivor, ctx)

    try:
        if not hakit.is_running(hakit.WITNESS):
            hakit.start_container(hakit.WITNESS)
        hakit.start_container(primary)
        rejoin = hakit.wait_rejoined(primary, fault_at, leader.timeline, ctx.timeout + 120)
        ctx.wait_healthy()
    except hakit.HAError as error:
        raise hakit.HAError(f"{label}: the cluster did not recover: {error}") from error
    result["rejoin"] = rejoin.as_dict()
    log(
        f"{label}: {result.get('acked_without_majority')} writes without a majority, "
        f"back {result.get('return_s')} s after the witness, lost {result.get('lost')}"
    )
    return result


def _seconds_until(deadline: float) -> Iterator[float]:
    """Yields about once a second until DEADLINE (a time.time())."""
    while (now := time.time()) < deadline:
        yield now
        time.sleep(1.0)


def _leader_or_none() -> str | None:
    try:
        return hakit.patroni_leader()
    except hakit.HAError:
        return None


def _verify_writer(result: dict[str, Any], writer: hakit.Writer, via: str, ctx: Context) -> None:
    """Look the writer's acknowledged ids up through VIA's HAProxy, into RESULT."""
    try:
        verification = writer.verify(hakit.container_ip(via), timeout=ctx.timeout)
    except hakit.HAError as error:
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


# -- output -------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    return "na" if value is None else f"{value:.2f}"


def gaps(runs: list[dict[str, Any]]) -> list[float]:
    return [run["gap_s"] for run in runs if run.get("gap_s") is not None]


def median_max(runs: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    values = gaps(runs)
    if not values:
        return None, None
    return statistics.median(values), max(values)


def print_problems(run: dict[str, Any]) -> None:
    for problem in ("error", "verify_error"):
        if run.get(problem):
            print(f"{'':<14}{problem}: {run[problem]}")


def print_database_table(kind: str, runs: list[dict[str, Any]], ttl: int) -> None:
    print(f"\n{TITLES[kind]}; Patroni ttl {ttl} s")
    print(
        f"{'run':<14}{'primary -> new':<24}{'gap s':>8}{'acked':>8}{'failed':>8}"
        f"{'lost':>6}{'rejoin s':>10}{'timeline':>10}{'rewind':>8}"
    )
    for run in runs:
        writer = run.get("writer", {})
        rejoin = run.get("rejoin", {})
        timeline = f"{rejoin.get('timeline_before')}->{rejoin.get('timeline_after')}"
        print(
            f"{run['label']:<14}{run['old_primary'] + ' -> ' + str(run['new_primary']):<24}"
            f"{seconds(run.get('gap_s')):>8}{writer.get('acked', 0):>8}"
            f"{writer.get('failed', 0):>8}{run.get('lost', 'na')!s:>6}"
            f"{seconds(rejoin.get('seconds')):>10}{timeline:>10}"
            f"{'yes' if rejoin.get('rewind') else 'no':>8}"
        )
        print_problems(run)
    median, worst = median_max(runs)
    if median is not None:
        print(f"median {median:.2f} s, max {worst:.2f} s, median / ttl {median / ttl:.2f}")


def print_redis_table(runs: list[dict[str, Any]]) -> None:
    print(f"\n{TITLES['redis']}")
    print(
        f"{'run':<14}{'master -> new':<24}{'outage s':>9}{'sentinel s':>11}"
        f"{'sent':>6}{'done':>6}{'failed':>7}{'lost':>6}{'lost after kill':>16}"
    )
    for run in runs:
        probe = run.get("probe", {})
        after = run.get("after_kill", {})
        print(
            f"{run['label']:<14}{run['old_master'] + ' -> ' + str(run['new_master']):<24}"
            f"{seconds(run.get('gap_s')):>9}{seconds(run.get('sentinel_failover_s')):>11}"
            f"{probe.get('submitted', 0):>6}{probe.get('completed', 0):>6}"
            f"{probe.get('failed', 0):>7}{probe.get('lost', 'na')!s:>6}"
            f"{after.get('lost', 'na')!s:>16}"
        )
        print_problems(run)
    median, worst = median_max(runs)
    if median is not None:
        print(f"median {median:.2f} s, max {worst:.2f} s")


def print_witness_table(runs: list[dict[str, Any]]) -> None:
    print(f"\n{TITLES['witness']}")
    print(f"{'run':<14}{'primary':<12}{'held s':>8}{'gap s':>8}{'acked':>8}{'lost':>6}"
          f"{'leaders seen':>22}{'tasks done/sent':>17}{'api fails':>10}")  # fmt: skip
    for run in runs:
        probe = run.get("probe", {})
        print(
            f"{run['label']:<14}{run['primary']:<12}{run['window_s']:>8.0f}"
            f"{seconds(run.get('gap_s')):>8}{run['writer'].get('acked', 0):>8}"
            f"{run.get('lost', 'na')!s:>6}{','.join(run['leaders_seen']):>22}"
            f"{probe.get('completed', 0):>8}/{probe.get('submitted', 0):<8}"
            f"{len(run['hub_api_failures']):>10}"
        )
        print_problems(run)


def print_quorum_table(runs: list[dict[str, Any]]) -> None:
    print(f"\n{TITLES['quorum']}")
    print(f"{'run':<14}{'primary -> survivor':<26}{'promoted alone':>15}"
          f"{'acked alone':>12}{'back s':>8}{'lost':>6}{'rejoin s':>10}")  # fmt: skip
    for run in runs:
        print(
            f"{run['label']:<14}{run['old_primary'] + ' -> ' + run['survivor']:<26}"
            f"{'yes' if run.get('survivor_promoted_without_majority') else 'no':>15}"
            f"{run.get('acked_without_majority', 'na')!s:>12}"
            f"{seconds(run.get('return_s')):>8}{run.get('lost', 'na')!s:>6}"
            f"{seconds(run.get('rejoin', {}).get('seconds')):>10}"
        )
        print_problems(run)


def summary_line(results: dict[str, list[dict[str, Any]]], ttl: int) -> str:
    database = [
        run
        for kind in ("hard", "heavy", "graceful", "switchover", "witness", "quorum")
        for run in results[kind]
    ]
    hard_median, hard_max = median_max(results["hard"])
    graceful_median, graceful_max = median_max(results["graceful"])
    switchover_median, switchover_max = median_max(results["switchover"])
    redis_median, _ = median_max(results["redis"])
    _, witness_gap_max = median_max(results["witness"])
    quorum_return_median, quorum_return_max = median_max(results["quorum"])
    every = database + results["redis"]
    failed = sum(1 for run in every if run.get("gap_s") is None or run.get("verify_error"))
    pairs = {
        "hard_kill_median_s": seconds(hard_median),
        "hard_kill_max_s": seconds(hard_max),
        "graceful_median_s": seconds(graceful_median),
        "graceful_max_s": seconds(graceful_max),
        "switchover_median_s": seconds(switchover_median),
        "switchover_max_s": seconds(switchover_max),
        "lost_writes": str(sum(run.get("lost", 0) for run in database)),
        "redis_outage_median_s": seconds(redis_median),
        "redis_lost_tasks": str(sum(run.get("lost", 0) for run in results["redis"])),
        "witness_gap_max_s": seconds(witness_gap_max),
        "witness_leader_changes": str(
            sum(len(run["leaders_seen"]) != 1 for run in results["witness"])
        ),
        "quorum_acked_without_majority": str(
            sum(run.get("acked_without_majority", 0) for run in results["quorum"])
        ),
        "quorum_split_brain": str(
            sum(bool(run.get("survivor_promoted_without_majority")) for run in results["quorum"])
        ),
        "quorum_return_median_s": seconds(quorum_return_median),
        "quorum_return_max_s": seconds(quorum_return_max),
        "ttl_s": str(ttl),
        "hard_kill_over_ttl": "na" if hard_median is None else f"{hard_median / ttl:.2f}",
        "failed_runs": str(failed),
    }
    return " ".join(f"{key}={value}" for key, value in pairs.items())


# -- modes --------------------------------------------------------------------------


def create_cluster() -> None:
    """`molecule create` and `converge` of the ha scenario, with the Makefile's settings."""
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(hakit.ROOT / "ansible.cfg"),
        "PATH": f"{hakit.ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for action in ("create", "converge"):
        started = time.monotonic()
        done = subprocess.run(
            ["molecule", action, "-s", hakit.SCENARIO],
            cwd=hakit.ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(
                f"bench/failover: molecule {action} -s {hakit.SCENARIO} failed:\n"
                f"{done.stdout[-3000:]}{done.stderr[-2000:]}"
            )
        print(f"molecule {action} -s {hakit.SCENARIO}: {time.monotonic() - started:.0f} s")


def check_containers() -> None:
    missing = [name for name in hakit.MEMBERS if not hakit.exists(name)]
    if missing:
        sys.exit(
            f"bench/failover: no container {', '.join(missing)}: run `molecule converge -s "
            f"{hakit.SCENARIO}` first, or pass --create"
        )
    stopped = [name for name in hakit.MEMBERS if not hakit.is_running(name)]
    if stopped:
        sys.exit(
            f"bench/failover: {', '.join(stopped)} not running (an interrupted run?): "
            f"`podman start {' '.join(stopped)}` and wait for the cluster to heal"
        )


def make_context(args: argparse.Namespace) -> Context:
    return Context(
        db_password=hakit.read_secret("hub_database_password"),
        redis_password=hakit.read_secret("redis_password"),
        interval=args.interval,
        timeout=args.timeout,
        ttl=hakit.patroni_ttl(),
    )


def once_for_verify(ctx: Context, path: Path) -> int:
    """One witness kill, quorum loss, hard kill and Redis master kill, reported to PATH
    for the verify step."""
    report: dict[str, Any] = {"started_at": time.time(), "ttl_s": ctx.ttl, "errors": []}
    try:
        # The etcd faults first: the hard kill and the Redis kill then leave the cluster
        # in the state that test_after_failover.py checks.
        report["witness"] = measure_witness(ctx, "verify")
        report["quorum"] = measure_quorum(ctx, "verify")
        report["hard_kill"] = measure_database(ctx, "hard", "verify", keep_ids=True)
        report["redis"] = measure_redis(ctx, "verify")
    except hakit.HAError as error:
        report["errors"].append(str(error))
    for part in ("hard_kill", "redis", "witness", "quorum"):
        if report.get(part, {}).get("error"):
            report["errors"].append(f"{part}: {report[part]['error']}")
    report["containers"] = {
        name: {
            "id": hakit.container_id(name) if hakit.exists(name) else None,
            "running": hakit.is_running(name),
        }
        for name in hakit.MEMBERS
    }
    try:
        report["cluster_after"] = [asdict(member) for member in hakit.patroni_cluster()]
    except hakit.HAError as error:
        report["errors"].append(f"cluster after: {error}")
    report["finished_at"] = time.time()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")

    hard, redis = report.get("hard_kill", {}), report.get("redis", {})
    witness, quorum = report.get("witness", {}), report.get("quorum", {})
    rejoin = hard.get("rejoin", {})
    print(f"report: {path}")
    for error in report["errors"]:
        print(f"error: {error}")
    pairs = {
        "old_primary": hard.get("old_primary"),
        "new_primary": hard.get("new_primary"),
        "hard_kill_s": seconds(hard.get("gap_s")),
        "acknowledged": hard.get("acknowledged_ids"),
        "lost_writes": hard.get("lost"),
        "timeline": f"{rejoin.get('timeline_before')}->{rejoin.get('timeline_after')}",
        "rewind": rejoin.get("rewind"),
        "redis_outage_s": seconds(redis.get("gap_s")),
        "redis_lost_tasks": redis.get("lost"),
        "redis_lost_after_kill": redis.get("after_kill", {}).get("lost"),
        "witness_gap_s": seconds(witness.get("gap_s")),
        "witness_lost_writes": witness.get("lost"),
        "quorum_acked_without_majority": quorum.get("acked_without_majority"),
        "quorum_split_brain": quorum.get("survivor_promoted_without_majority"),
        "quorum_return_s": seconds(quorum.get("return_s")),
        "quorum_lost_writes": quorum.get("lost"),
        "ttl_s": ctx.ttl,
    }
    print(" ".join(f"{key}={value}" for key, value in pairs.items()))
    return 1 if report["errors"] else 0


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def kinds(value: str) -> list[str]:
    chosen = [kind.strip() for kind in value.split(",") if kind.strip()]
    unknown = [kind for kind in chosen if kind not in KINDS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {','.join(KINDS)}, not {value!r}")
    return chosen


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run `molecule converge -s ha` first, or pass --create.",
    )
    parser.add_argument("--runs", type=positive_int, default=5, help="runs of each kind")
    parser.add_argument(
        "--kinds", type=kinds, default=list(KINDS), help=f"comma-separated, of {','.join(KINDS)}"
    )
    parser.add_argument(
        "--heavy",
        type=int,
        default=8,
        metavar="THREADS",
        help="writer threads of the one heavy hard kill (0: no heavy run)",
    )
    parser.add_argument(
        "--interval", type=float, default=0.05, help="seconds between two writes (one thread)"
    )
    parser.add_argument(
        "--timeout", type=float, default=180, help="seconds to wait for each recovery step"
    )
    parser.add_argument(
        "--create", action="store_true", help="run `molecule create` and `converge` first"
    )
    parser.add_argument(
        "--once-for-verify",
        action="store_true",
        help="one run each of hard, redis, witness, quorum, reported to --report (side effect)",
    )
    parser.add_argument("--report", type=Path, help="JSON report of --once-for-verify")
    args = parser.parse_args()
    if args.once_for_verify and args.report is None:
        parser.error("--once-for-verify needs --report FILE")
    return args


def main() -> None:
    args = parse_args()
    if args.create:
        create_cluster()
    check_containers()
    try:
        ctx = make_context(args)
    except hakit.HAError as error:
        sys.exit(f"bench/failover: {error}")
    if args.once_for_verify:
        sys.exit(once_for_verify(ctx, args.report))

    results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in (*KINDS, "heavy")}
    try:
        ctx.wait_healthy()
        for kind in args.kinds:
            for run in range(1, args.runs + 1):
                label = f"{kind}-{run}"
                measure = MEASURES.get(kind)
                results[kind].append(
                    measure(ctx, label) if measure else measure_database(ctx, kind, label)
                )
            if kind == "redis":
                print_redis_table(results[kind])
            elif kind == "witness":
                print_witness_table(results[kind])
            elif kind == "quorum":
                print_quorum_table(results[kind])
            else:
                print_database_table(kind, results[kind], ctx.ttl)
            if kind == "hard" and args.heavy > 0:
                results["heavy"].append(
                    measure_database(ctx, "hard", f"heavy-{args.heavy}", threads=args.heavy)
                )
                print_database_table("heavy", results["heavy"], ctx.ttl)
    except hakit.HAError as error:
        print(summary_line(results, ctx.ttl))
        sys.exit(f"bench/failover: stopped: {error}")
    print(summary_line(results, ctx.ttl))


if __name__ == "__main__":
    main()
