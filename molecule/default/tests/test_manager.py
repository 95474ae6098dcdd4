"""`unibos-manager` from the controller against the converged host: its hubs, nodes and
workers as the app's own status commands report them, joined with the inventory, and a
service's journal. Real ad-hoc runs through ansible-runner, over the inventory's own
connection (Molecule's, or inventories/dev for the `make up` host)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MANAGER = Path(sys.executable).with_name("unibos-manager")


@pytest.fixture(scope="module")
def manager():
    inventory = (
        str(ROOT / "inventories" / "dev")
        if os.environ.get("UNIBOS_TEST_HOST")
        else os.environ["MOLECULE_INVENTORY_FILE"]
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(MANAGER), "-i", inventory, *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=ROOT,
        )

    return run


def rows_of(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode == 0, f"exit {done.returncode}: {done.stdout}{done.stderr}"
    return json.loads(done.stdout)


def test_hubs_shows_the_hub_as_the_running_patroni_leader(stack, manager):
    rows = rows_of(manager("hubs", "--json"))
    assert [(row["host"], row["role"], row["state"], row["status"]) for row in rows] == [
        (stack.hostname, "leader", "running", "healthy")
    ]
    assert rows[0]["timeline"] >= 1


def test_nodes_shows_the_node_enrolled_in_the_hubs_registry(stack, manager):
    (row,) = rows_of(manager("nodes", "--json"))
    assert (row["host"], row["status"]) == (stack.hostname, "healthy")
    assert row["id"] and row["version"] and row["last_contact_at"]


def test_workers_shows_a_live_worker_of_each_type_on_its_queue(stack, manager):
    rows = rows_of(manager("workers", "--json"))
    by_type = {row["type"]: row for row in rows}
    assert set(by_type) == {"core", "ocr", "media"}
    assert all(row["status"] == "healthy" for row in rows), rows
    assert "default" in by_type["core"]["queues"]
    assert "ocr" in by_type["ocr"]["queues"]
    assert "media" in by_type["media"]["queues"]


def test_logs_prints_the_journal_of_a_service_by_its_short_name(stack, manager):
    done = manager("logs", stack.hostname, "hub", "--lines", "20")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unibos-hub" in done.stdout or "gunicorn" in done.stdout, done.stdout


def test_logs_refuses_a_service_it_does_not_know_naming_it(stack, manager):
    done = manager("logs", stack.hostname, "no-such-service")
    assert done.returncode == 2
    assert "no-such-service" in done.stderr


def test_a_deploy_through_unibos_manager_changes_nothing_and_streams_json_events(stack, manager):
    done = manager("deploy", "--all", "--json")
    assert done.returncode == 0, f"exit {done.returncode}: {done.stdout[-3000:]}{done.stderr}"
    *events, last = (json.loads(line) for line in done.stdout.splitlines())
    assert any(event.get("event") == "runner_on_ok" for event in events)
    (row,) = last["recap"]
    assert row["host"] == stack.hostname
    assert (row["changed"], row["failed"], row["unreachable"]) == (0, 0, 0), row
    assert row["ok"] > 100, row
