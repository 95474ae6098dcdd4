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

The faults and their measurements are the test kit's drills
(unibos_controller.testbed.ha.drills), which molecule/ha/faults.py also runs, once each,
for the scenario's verify. This bench only repeats them and prints the figures.

Ends with one line of name=value pairs. Usage: bench/failover.py [--runs N] [--kinds ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from unibos_controller.testbed.ha.drills import (
    MEASURES,
    Context,
    check_containers,
    measure_database,
)
from unibos_controller.testbed.ha.scenario import SCENARIO, STEP_FAILURES, HAError

ROOT = Path(__file__).resolve().parent.parent

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
        if run.get("survivor_unknown"):
            # "promoted alone: no" covers only the looks that got an answer.
            print(f"{'':<14}the survivor did not answer {run['survivor_unknown']} looks")
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
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for action in ("create", "converge"):
        started = time.monotonic()
        done = subprocess.run(
            ["molecule", action, "-s", SCENARIO],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(
                f"bench/failover: molecule {action} -s {SCENARIO} failed:\n"
                f"{done.stdout[-3000:]}{done.stderr[-2000:]}"
            )
        print(f"molecule {action} -s {SCENARIO}: {time.monotonic() - started:.0f} s")


def log(message: str) -> None:
    print(f"bench/failover: {message}", file=sys.stderr, flush=True)


def make_context(args: argparse.Namespace) -> Context:
    return Context.of_the_cluster(args.interval, args.timeout, log=log)


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
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.create:
        create_cluster()
    try:
        check_containers()
        ctx = make_context(args)
    except HAError as error:
        sys.exit(f"bench/failover: {error}")

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
    except STEP_FAILURES as error:
        print(summary_line(results, ctx.ttl))
        sys.exit(f"bench/failover: stopped: {error}")
    print(summary_line(results, ctx.ttl))


if __name__ == "__main__":
    main()
