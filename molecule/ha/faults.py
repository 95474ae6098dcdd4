#!/usr/bin/env python3
"""The `ha` scenario's fault injection, run by side_effect.yml between the two verifies.

Five of the test kit's drills (unibos_controller.testbed.ha.drills), one each, in this
order: the witness killed for longer than Patroni's ttl, the quorum lost (the witness
and the primary hub killed together), a planned switchover with `unibos-hub failover`
while beat runs a schedule every two seconds, a hard kill of the primary hub's
container, and a SIGKILL of the Redis master. The hard kill and the Redis kill come
last: they leave the cluster in the state that tests/test_after_failover.py checks.

Everything the drills measured goes to the JSON report (--report), which the second
verify reads (tests/conftest.py, `report`) and asserts on (tests/test_quorum.py,
tests/test_switchover.py, tests/test_after_failover.py), together with the containers'
ids (so that a verify never reads a report about other containers) and Patroni's
members afterwards. The exit status is 1 when a drill could not be carried out, so the
side effect step fails.

Usage: molecule/ha/faults.py --report FILE (with the controller's .venv python).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from unibos_controller.testbed.ha.cluster import patroni_cluster
from unibos_controller.testbed.ha.drills import (
    Context,
    check_containers,
    measure_database,
    measure_quorum,
    measure_redis,
    measure_scheduled_switchover,
    measure_witness,
)
from unibos_controller.testbed.ha.podman import container_id, exists, is_running
from unibos_controller.testbed.ha.scenario import MEMBERS, STEP_FAILURES, HAError

# The writer's pace and the time each recovery step may take, as bench/failover.py's
# defaults.
WRITE_INTERVAL_S = 0.05
STEP_TIMEOUT_S = 180.0
LABEL = "verify"


def log(message: str) -> None:
    print(f"molecule/ha/faults: {message}", file=sys.stderr, flush=True)


def run_drills(ctx: Context) -> dict[str, Any]:
    """One witness kill, quorum loss, scheduled switchover, hard kill and Redis master kill,
    and the cluster after."""
    report: dict[str, Any] = {"started_at": time.time(), "ttl_s": ctx.ttl, "errors": []}
    try:
        report["witness"] = measure_witness(ctx, LABEL)
        report["quorum"] = measure_quorum(ctx, LABEL)
        report["switchover"] = measure_scheduled_switchover(ctx, LABEL)
        report["hard_kill"] = measure_database(ctx, "hard", LABEL, keep_ids=True)
        report["redis"] = measure_redis(ctx, LABEL)
    except STEP_FAILURES as error:
        report["errors"].append(str(error))
    for part in ("witness", "quorum", "switchover", "hard_kill", "redis"):
        if report.get(part, {}).get("error"):
            report["errors"].append(f"{part}: {report[part]['error']}")
    report["containers"] = {
        name: {"id": container_id(name) if exists(name) else None, "running": is_running(name)}
        for name in MEMBERS
    }
    try:
        report["cluster_after"] = [asdict(member) for member in patroni_cluster()]
    except HAError as error:
        report["errors"].append(f"cluster after: {error}")
    report["finished_at"] = time.time()
    return report


def closing_line(report: dict[str, Any]) -> str:
    """What the side effect shows in Molecule's output: one line of name=value pairs."""
    hard, redis = report.get("hard_kill", {}), report.get("redis", {})
    witness, quorum = report.get("witness", {}), report.get("quorum", {})
    switchover = report.get("switchover", {})
    rejoin = hard.get("rejoin", {})
    pairs = {
        "old_primary": hard.get("old_primary"),
        "new_primary": hard.get("new_primary"),
        "hard_kill_s": hard.get("gap_s"),
        "acknowledged": hard.get("acknowledged_ids"),
        "lost_writes": hard.get("lost"),
        "timeline": f"{rejoin.get('timeline_before')}->{rejoin.get('timeline_after')}",
        "rewind": rejoin.get("rewind"),
        "redis_outage_s": redis.get("gap_s"),
        "redis_lost_tasks": redis.get("lost"),
        "redis_lost_after_kill": redis.get("after_kill", {}).get("lost"),
        "witness_gap_s": witness.get("gap_s"),
        "witness_lost_writes": witness.get("lost"),
        "quorum_acked_without_majority": quorum.get("acked_without_majority"),
        "quorum_split_brain": quorum.get("survivor_promoted_without_majority"),
        "quorum_survivor_unknown": quorum.get("survivor_unknown"),
        "quorum_return_s": quorum.get("return_s"),
        "quorum_lost_writes": quorum.get("lost"),
        "switchover_gap_s": switchover.get("database", {}).get("gap_s"),
        "switchover_lost_writes": switchover.get("database", {}).get("lost"),
        "scheduled_runs": switchover.get("runs_taken_effect"),
        "scheduled_runs_recorded": switchover.get("total_run_count"),
        "ttl_s": report.get("ttl_s"),
    }
    return " ".join(f"{key}={value}" for key, value in pairs.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--report", type=Path, required=True, help="the JSON report to write")
    args = parser.parse_args()
    try:
        check_containers()
        ctx = Context.of_the_cluster(WRITE_INTERVAL_S, STEP_TIMEOUT_S, log=log)
    except HAError as error:
        print(f"molecule/ha/faults: {error}", file=sys.stderr)
        return 1
    report = run_drills(ctx)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2) + "\n")
    print(f"report: {args.report}")
    for error in report["errors"]:
        print(f"error: {error}")
    print(closing_line(report))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
