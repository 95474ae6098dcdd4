"""The node's agent, killed with SIGKILL at random points of a sync, loses nothing and
applies nothing twice: the hub ends with exactly the node's operations, and every
replica converges.

UNIBOS_SYNC_KILL_RUNS sets the number of kills (30 by default).
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from unibos.hub.sync.models import SyncOperation
from unibos.identity import tenancy
from unibos.node.state import StateDir

from tests.sync.nodes import hub_operations, hub_records, write_at_random

RUNS = int(os.environ.get("UNIBOS_SYNC_KILL_RUNS", "30"))
# 1.7 s a run measured with 30 runs on a busy 2-core host (51 s): room for four times
# that, so that only a hang fails on time.
pytestmark = pytest.mark.timeout(120 + 8 * RUNS)
UNIBOS = Path(sys.executable).parent / "unibos"


def node_environment(node, tmp_path: Path) -> dict[str, str]:
    state = StateDir(tmp_path / "agent-state")
    state.enrol(node.identity, node.credential)
    return {
        **os.environ,
        "UNIBOS_DEPLOYMENT_TYPE": "node",
        "UNIBOS_NODE_STATE_DIR": str(state.path),
        "UNIBOS_SYNC_DB_PATH": str(node.store.path),
        "UNIBOS_SQLITE_PATH": str(tmp_path / "node.sqlite3"),
        "UNIBOS_HUB_URL": node.hub_url,
    }


def test_an_agent_killed_at_random_points_syncs_everything_exactly_once(node_a, node_b, tmp_path):
    rng = random.Random(os.environ.get("UNIBOS_SYNC_KILL_SEED"))
    environment = node_environment(node_a, tmp_path)
    finished = 0
    for _ in range(RUNS):
        write_at_random(node_a, rng, 400)
        write_at_random(node_b, rng, 100)
        node_b.sync()
        agent = subprocess.Popen(
            [str(UNIBOS), "sync", "--once"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Past the interpreter's start (about 0.35 s) and into the push and the pull.
        time.sleep(rng.uniform(0.2, 0.9))
        agent.send_signal(signal.SIGKILL)
        finished += agent.wait() == 0

    completed = subprocess.run(
        [str(UNIBOS), "sync", "--once", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    node_b.sync()

    logged = [(op["seq"], op["hlc"]) for op in node_a.store.operations()]
    on_hub = hub_operations(node_a.node_id)
    assert on_hub == logged
    assert len({seq for seq, _ in on_hub}) == len(on_hub) == RUNS * 400
    with tenancy.system():
        assert SyncOperation.unscoped.filter(node_id=node_b.node_id).count() == RUNS * 100
    assert node_a.store.records("notes") == node_b.store.records("notes") == hub_records()
    # Some kills must land before the end of a round, or this tested nothing.
    assert finished < RUNS
